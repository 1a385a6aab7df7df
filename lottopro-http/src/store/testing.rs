//! A real PostgreSQL server for the tests: `initdb` into a temporary
//! folder, started on a free loopback port, stopped and deleted when the
//! [`PgServer`] is dropped.
//!
//! PostgreSQL refuses to run as root; as root (a CI container) the folder
//! is given to the `postgres` user, which runs the server. Durability is
//! turned off (`fsync=off`): these tests check behaviour, not the disk.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Location;

/// A running test server (see the module docs).
pub(crate) struct PgServer {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The folder of Debian's PostgreSQL binaries (the newest version), or the
/// one `initdb` is found in on the `PATH`.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
        })
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(0, |a| a.port())
}

impl PgServer {
    /// A new server, or `None` when no PostgreSQL binaries are installed.
    /// Panics (this is a test) when they are there but the server fails.
    pub(crate) fn start() -> Option<PgServer> {
        PgServer::start_with(None)
    }

    /// A new server that also speaks TLS with this certificate and key.
    pub(crate) fn start_tls(cert: &Path, key: &Path) -> Option<PgServer> {
        PgServer::start_with(Some((cert, key)))
    }

    fn start_with(tls: Option<(&Path, &Path)>) -> Option<PgServer> {
        let bin = binaries()?;
        let dir = std::env::temp_dir().join(format!(
            "lottopro-pg-{}-{}",
            std::process::id(),
            free_port()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let mut ssl = String::new();
        if let Some((cert, key)) = tls {
            // The server reads its key only when no one else may.
            std::fs::copy(cert, dir.join("server.pem")).expect("the certificate");
            std::fs::copy(key, dir.join("server.key")).expect("the key");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )
            .expect("chmod");
            ssl = format!(
                " -c ssl=on -c ssl_cert_file={d}/server.pem -c ssl_key_file={d}/server.key",
                d = dir.display()
            );
        }
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown of {} failed", dir.display());
        }
        let server = PgServer {
            dir,
            bin,
            port: free_port(),
            as_postgres,
        };
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "lottopro",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off{ssl}",
            server.port,
            server.dir.display()
        );
        server.run(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-o",
                &options,
                "-l",
                &server.dir.join("log").to_string_lossy(),
                "-w",
                "start",
            ],
        );
        Some(server)
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let output = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
        let output = output.unwrap_or_else(|e| panic!("{}: {e}", program.display()));
        assert!(
            output.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The URL of the database `name`, created empty on first use.
    pub(crate) fn database(&self, name: &str) -> Location {
        let admin = format!("postgres://lottopro@127.0.0.1:{}/postgres", self.port);
        let mut client =
            postgres::Client::connect(&admin, postgres::NoTls).expect("the test server");
        let exists = client
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .expect("a query")
            .is_some();
        if !exists {
            client
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .expect("CREATE DATABASE");
        }
        Location::Postgres(format!(
            "postgres://lottopro@127.0.0.1:{}/{name}",
            self.port
        ))
    }

    /// Stops the server at once (as a crash would), or starts it again.
    pub(crate) fn set_running(&self, running: bool) {
        let data = self.dir.join("data");
        let data = data.to_string_lossy();
        if running {
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
                self.port,
                self.dir.display()
            );
            let log = self.dir.join("log");
            self.run(
                "pg_ctl",
                &[
                    "-D",
                    &data,
                    "-o",
                    &options,
                    "-l",
                    &log.to_string_lossy(),
                    "-w",
                    "start",
                ],
            );
        } else {
            self.run("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
        }
    }

    fn folder(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let stop = |program: &Path| {
            let mut c = if self.as_postgres {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(program);
                c
            } else {
                Command::new(program)
            };
            c.arg("-D").arg(&data).args(["-m", "immediate", "stop"]);
            let _ = c.output();
        };
        stop(&self.bin.join("pg_ctl"));
        let _ = std::fs::remove_dir_all(self.folder());
    }
}
