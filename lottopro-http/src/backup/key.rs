//! The secret key in a backup archive, encrypted under a passphrase the
//! operator keeps (`BACKUP_PASSPHRASE`): PBKDF2-HMAC-SHA256 stretches the
//! passphrase into an AES-256-GCM key, and the member `secret_key.json`
//! holds the salt, the nonce and the sealed key. Without the key a restore
//! on a new host cannot find any player's tickets (they are stored under a
//! keyed hash of the player's token), so the archive carries it; without
//! the passphrase the archive alone does not give it away.
//!
//! ring is already in the build (rustls and object_store use it), so this
//! costs no new crate.

use lottopro_core::{Error, Result};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use serde::{Deserialize, Serialize};

/// The archive member.
pub const MEMBER: &str = "secret_key.json";
/// PBKDF2 rounds (OWASP's figure for PBKDF2-HMAC-SHA256).
const ROUNDS: u32 = 600_000;
/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// `secret_key.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sealed {
    /// `pbkdf2-hmac-sha256/aes-256-gcm`.
    pub scheme: String,
    /// PBKDF2 rounds.
    pub rounds: u32,
    /// Hex.
    pub salt: String,
    /// Hex.
    pub nonce: String,
    /// The key and its tag, hex.
    pub sealed: String,
    /// The key's fingerprint, to check it once opened.
    pub fingerprint: String,
}

const SCHEME: &str = "pbkdf2-hmac-sha256/aes-256-gcm";

fn aead_key(passphrase: &str, salt: &[u8], rounds: u32) -> Result<LessSafeKey> {
    let mut key = [0u8; 32];
    let rounds = std::num::NonZeroU32::new(rounds)
        .ok_or_else(|| Error::invalid("secret_key.json", "has zero rounds"))?;
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        rounds,
        salt,
        passphrase.as_bytes(),
        &mut key,
    );
    UnboundKey::new(&AES_256_GCM, &key)
        .map(LessSafeKey::new)
        .map_err(|_| Error::invalid("BACKUP_PASSPHRASE", "cannot derive a key"))
}

fn random(n: usize) -> Result<Vec<u8>> {
    use ring::rand::SecureRandom;
    let mut out = vec![0u8; n];
    ring::rand::SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| Error::Io(std::io::Error::other("the system has no randomness")))?;
    Ok(out)
}

fn unhex(field: &str, text: &str) -> Result<Vec<u8>> {
    let bad = || Error::invalid("secret_key.json", format!("{field} is not hex"));
    if !text.len().is_multiple_of(2) {
        return Err(bad());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
        .collect()
}

/// Checks a passphrase before anything is encrypted under it.
pub fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid(
            "BACKUP_PASSPHRASE",
            format!("is shorter than {MIN_PASSPHRASE_CHARS} characters"),
        ));
    }
    Ok(())
}

/// `key` sealed under `passphrase`.
pub fn seal(key: &[u8], passphrase: &str) -> Result<Sealed> {
    check_passphrase(passphrase)?;
    let salt = random(16)?;
    let nonce = random(12)?;
    let mut data = key.to_vec();
    let n = Nonce::try_assume_unique_for_key(&nonce)
        .map_err(|_| Error::Io(std::io::Error::other("a nonce of the wrong size")))?;
    aead_key(passphrase, &salt, ROUNDS)?
        .seal_in_place_append_tag(n, Aad::from(SCHEME.as_bytes()), &mut data)
        .map_err(|_| Error::Io(std::io::Error::other("the key could not be sealed")))?;
    Ok(Sealed {
        scheme: SCHEME.to_owned(),
        rounds: ROUNDS,
        salt: crate::secret::hex(&salt),
        nonce: crate::secret::hex(&nonce),
        sealed: crate::secret::hex(&data),
        fingerprint: crate::secret::fingerprint(key),
    })
}

/// The key in `sealed`, opened with `passphrase`; a wrong passphrase is
/// refused by name.
pub fn open(sealed: &Sealed, passphrase: &str) -> Result<Vec<u8>> {
    if sealed.scheme != SCHEME {
        return Err(Error::invalid(
            "secret_key.json",
            format!("uses {}, which this LottoPro does not know", sealed.scheme),
        ));
    }
    let nonce = unhex("nonce", &sealed.nonce)?;
    let n = Nonce::try_assume_unique_for_key(&nonce)
        .map_err(|_| Error::invalid("secret_key.json", "has a nonce of the wrong size"))?;
    let mut data = unhex("sealed", &sealed.sealed)?;
    let key = aead_key(passphrase, &unhex("salt", &sealed.salt)?, sealed.rounds)?
        .open_in_place(n, Aad::from(SCHEME.as_bytes()), &mut data)
        .map_err(|_| {
            Error::invalid(
                "BACKUP_PASSPHRASE",
                "does not open the archive's secret key: it is not the passphrase the backup was taken with",
            )
        })?
        .to_vec();
    if crate::secret::fingerprint(&key) != sealed.fingerprint {
        return Err(Error::invalid(
            "secret_key.json",
            "holds a key whose fingerprint does not match",
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_with_its_passphrase_only() {
        let sealed = seal(
            b"the service's secret key, 32+ chars",
            "correct horse battery",
        )
        .unwrap();
        assert!(!sealed.sealed.contains(&crate::secret::hex(b"secret key")));
        assert_eq!(
            open(&sealed, "correct horse battery").unwrap(),
            b"the service's secret key, 32+ chars"
        );
        let e = open(&sealed, "wrong horse battery").unwrap_err();
        assert_eq!(e.field(), Some("BACKUP_PASSPHRASE"));
        assert_eq!(
            seal(b"k", "short").unwrap_err().field(),
            Some("BACKUP_PASSPHRASE")
        );
    }
}
