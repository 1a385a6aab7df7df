//! TLS to PostgreSQL, as libpq's URLs ask for it: `sslmode=require`,
//! `verify-ca` or `verify-full` encrypt the connection, and the server's
//! certificate is always verified, against `sslrootcert=FILE` (or the
//! `PGSSLROOTCERT` variable) when given, else the system's roots.
//!
//! Verifying even under `require` (which libpq does not) is deliberate: an
//! unverified certificate protects against nobody on the path, and the
//! database's password crosses this connection. `prefer` and `disable`
//! (and no `sslmode`) connect without TLS, as before.

use lottopro_core::{Error, Result};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

/// `url` as the `postgres` crate reads it, and the TLS connector it asks
/// for (none without `sslmode=require`, `verify-ca` or `verify-full`).
pub(super) fn prepare(url: &str) -> Result<(String, Option<MakeRustlsConnect>)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut root = crate::config::var("PGSSLROOTCERT");
    let mut tls = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslrootcert" => root = Some(value.to_owned()),
            "sslmode" => {
                let mode = match value {
                    "disable" => "disable",
                    "allow" | "prefer" => "prefer",
                    "require" | "verify-ca" | "verify-full" => {
                        tls = true;
                        "require"
                    }
                    other => {
                        return Err(Error::invalid(
                            "db",
                            format!(
                                "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
                            ),
                        ));
                    }
                };
                kept.push(format!("sslmode={mode}"));
            }
            _ => kept.push(pair.to_owned()),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    if !tls {
        return Ok((url, None));
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = match root.filter(|r| !r.is_empty()) {
        Some(file) => {
            let mut roots = rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(&file)
                .and_then(|c| c.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| {
                    Error::invalid("db", format!("sslrootcert {file} is not readable: {e}"))
                })?;
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    Error::invalid(
                        "db",
                        format!("sslrootcert {file} holds a bad certificate: {e}"),
                    )
                })?;
            }
            if roots.is_empty() {
                return Err(Error::invalid(
                    "db",
                    format!("sslrootcert {file} holds no certificate"),
                ));
            }
            rustls::ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
        None => {
            use rustls_platform_verifier::ConfigVerifierExt;
            rustls::ClientConfig::with_platform_verifier().map_err(|e| {
                Error::invalid("db", format!("the system's certificates are unusable: {e}"))
            })?
        }
    };
    Ok((url, Some(MakeRustlsConnect::new(config))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_modes_are_read_and_refused_when_unknown() {
        let (url, tls) = prepare("postgres://u@h/db").unwrap();
        assert_eq!(url, "postgres://u@h/db");
        assert!(tls.is_none());
        let (url, tls) = prepare("postgres://u@h/db?sslmode=prefer&application_name=x").unwrap();
        assert_eq!(url, "postgres://u@h/db?sslmode=prefer&application_name=x");
        assert!(tls.is_none());
        let (url, tls) = prepare("postgres://u@h/db?sslmode=verify-full").unwrap();
        assert_eq!(url, "postgres://u@h/db?sslmode=require");
        assert!(tls.is_some());
        let e = prepare("postgres://u@h/db?sslmode=sometimes")
            .err()
            .unwrap();
        assert_eq!(e.field(), Some("db"));
        let e = prepare("postgres://u@h/db?sslmode=require&sslrootcert=/nonexistent.pem")
            .err()
            .unwrap();
        assert!(e.to_string().contains("/nonexistent.pem"), "{e}");
    }

    /// A CA and a server certificate for 127.0.0.1 signed by it, made with
    /// the openssl command; `None` when it is missing.
    fn certificates(dir: &std::path::Path) -> Option<()> {
        let openssl = |args: &[&str]| {
            std::process::Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| ())
        };
        std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").ok()?;
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=LottoPro test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ])?;
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ])?;
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ])
    }

    #[test]
    fn require_encrypts_and_verifies_the_server() {
        let dir = std::env::temp_dir().join(format!("lottopro-pg-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if certificates(&dir).is_none() {
            eprintln!("openssl is missing: skipped");
            return;
        }
        let Some(server) = crate::store::testing::PgServer::start_tls(
            &dir.join("server.pem"),
            &dir.join("server.key"),
        ) else {
            eprintln!("postgres: skipped, no PostgreSQL server binaries; .ci/run installs them");
            return;
        };
        let crate::store::Location::Postgres(url) = server.database("tls") else {
            unreachable!()
        };
        let encrypted = |url: &str| -> Result<bool> {
            let store =
                crate::store::Store::connect(&crate::store::Location::Postgres(url.into()))?;
            store.with(|db| {
                db.query_one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    &[],
                )?
                .int(0)
                .map(|n| n != 0)
            })
        };
        let ca = dir.join("ca.pem");
        let verified = format!("{url}?sslmode=verify-full&sslrootcert={}", ca.display());
        assert!(encrypted(&verified).unwrap(), "the connection is encrypted");
        assert!(!encrypted(&format!("{url}?sslmode=disable")).unwrap());
        // Not signed by a root the system trusts: refused, not used unverified.
        let e = encrypted(&format!("{url}?sslmode=require")).unwrap_err();
        assert!(e.to_string().contains("cannot connect"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
