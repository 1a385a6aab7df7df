//! Random secrets and their comparison: client tokens, the generated
//! `SECRET_KEY`, and the admin token check all use these two functions;
//! and [`redact_url`], which every log line and error naming an outside
//! URL (alert channels, sync sources) goes through.

/// `n` random lowercase hex digits from the OS-seeded CSPRNG.
pub fn random_hex(n: usize) -> String {
    use rand::RngExt;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16usize)]))
        .collect()
}

/// `bytes` as lowercase hex (digests, MACs).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Letters and digits a person reads without confusing them (no 0/O, 1/I/L).
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// `n` characters of [`CODE_ALPHABET`] from the OS-seeded CSPRNG: a code a
/// person types (31 letters: about 5 bits each).
pub fn random_code(n: usize) -> String {
    use rand::RngExt;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// A short fingerprint of the secret key (16 hex digits of a SHA-256 under
/// a label of its own): the store records it and a backup carries it, so a
/// key that is not the one the players' tickets were saved under is caught
/// at start-up, without the key itself being written anywhere.
pub fn fingerprint(key: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::new()
        .chain_update(b"lottopro secret key fingerprint\n")
        .chain_update(key)
        .finalize();
    hex(&digest[..8])
}

/// Constant-time equality of two secrets: the time taken depends on the
/// lengths only, never on where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret(b"token-1234", b"token-1234"));
        assert!(!same_secret(b"token-1234", b"token-1235"));
        assert!(!same_secret(b"token-1234", b"token-12345"));
        assert!(!same_secret(b"", b"x"));
        assert!(same_secret(b"", b""));
    }

    #[test]
    fn random_hex_is_hex_of_the_asked_length() {
        let a = random_hex(32);
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(a, random_hex(32));
    }
}

/// `url` as it may be logged: scheme, host and port only. A webhook's
/// secret is its path (`/services/T000/B000/SECRET`), a source's may be a
/// query parameter or credentials before the host; none of them is shown.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let redacted = if rest.len() > authority.len() {
        "/…"
    } else {
        ""
    };
    if scheme.is_empty() {
        format!("{host}{redacted}")
    } else {
        format!("{scheme}://{host}{redacted}")
    }
}

/// Serializes a secret as `"(set)"` or `null`, never its value.
pub fn ser_set<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("(set)"),
        None => s.serialize_none(),
    }
}

/// Serializes a URL without its credentials, path or query.
pub fn ser_url<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&redact_url(v))
}

/// Serializes an optional URL without its credentials, path or query.
pub fn ser_opt_url<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(url) => s.serialize_str(&redact_url(url)),
        None => s.serialize_none(),
    }
}

/// Serializes a `--db` value: a path as it is, a URL without credentials.
pub fn ser_location<S: serde::Serializer>(v: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    let text = v.to_string_lossy();
    if text.contains("://") {
        ser_url(&text, s)
    } else {
        s.serialize_str(&text)
    }
}

#[cfg(test)]
mod redaction {
    use super::redact_url;

    #[test]
    fn only_scheme_host_and_port_remain() {
        assert_eq!(
            redact_url("https://hooks.slack.com/services/T000/B000/SECRET"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            redact_url("http://user:pass@127.0.0.1:8080/api?key=SECRET"),
            "http://127.0.0.1:8080/…"
        );
        assert_eq!(
            redact_url("smtp://mail.example:25"),
            "smtp://mail.example:25"
        );
    }
}
