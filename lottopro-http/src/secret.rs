//! Random secrets and their comparison: client tokens, the generated
//! `SECRET_KEY`, and the admin token check all use these two functions.

/// `n` random lowercase hex digits from the OS-seeded CSPRNG.
pub fn random_hex(n: usize) -> String {
    use rand::RngExt;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16usize)]))
        .collect()
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
