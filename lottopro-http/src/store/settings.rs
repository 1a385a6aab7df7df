//! What a store records about itself: the fingerprint of the secret key
//! its owners' rows were saved under (see `crate::secret::fingerprint`).
//!
//! Saved tickets are kept under a keyed hash of the player's token, so a
//! service started with another key finds none of them: it would serve
//! every returning player an empty list, without a word. The store
//! therefore records the key's fingerprint on first start, and a start
//! with another key is refused (see [`Store::check_key`]).

use lottopro_core::{Error, Result};

use super::Store;

/// The row of the key's fingerprint.
const KEY_FINGERPRINT: &str = "secret_key_fingerprint";
/// The row of the last backup that worked (seconds since 1970).
const LAST_BACKUP: &str = "backup_last_success";

impl Store {
    fn setting(&self, name: &str) -> Result<Option<String>> {
        let row =
            self.with(|db| db.query("SELECT value FROM settings WHERE name = $1", &[name.into()]))?;
        row.first().map(|r| r.text(0)).transpose()
    }

    /// The fingerprint the store records, if any.
    pub fn key_fingerprint(&self) -> Result<Option<String>> {
        self.setting(KEY_FINGERPRINT)
    }

    /// Records that a backup of this store worked at `at` (seconds since
    /// 1970): every replica then reports it to Prometheus, whichever
    /// process took the backup.
    pub fn set_last_backup(&self, at: u64) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT INTO settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[LAST_BACKUP.into(), at.to_string().into()],
            )
        })
        .map(drop)
    }

    /// When a backup of this store last worked, if one did.
    pub fn last_backup(&self) -> Result<Option<u64>> {
        Ok(self.setting(LAST_BACKUP)?.and_then(|v| v.parse().ok()))
    }

    /// Checks the service's key against the one the store's rows were saved
    /// under: records `fingerprint` on first start (or, with `replace`,
    /// over another one: every player is logged out, on purpose); refuses
    /// another key with what to do.
    pub fn check_key(&self, fingerprint: &str, replace: bool) -> Result<()> {
        let recorded = self.transaction(|tx| {
            tx.execute(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[KEY_FINGERPRINT.into(), fingerprint.into()],
            )?;
            if replace {
                tx.execute(
                    "UPDATE settings SET value = $2 WHERE name = $1",
                    &[KEY_FINGERPRINT.into(), fingerprint.into()],
                )?;
            }
            tx.query_one(
                "SELECT value FROM settings WHERE name = $1",
                &[KEY_FINGERPRINT.into()],
            )?
            .text(0)
        })?;
        if recorded == fingerprint {
            return Ok(());
        }
        Err(Error::invalid(
            "SECRET_KEY",
            format!(
                "is not the key this database's tickets were saved under (its fingerprint is \
                 {fingerprint}, the database records {recorded}): every player would find \
                 their tickets gone. Set SECRET_KEY to the original key (`lottopro restore` \
                 with BACKUP_PASSPHRASE writes it out of the backup archive), or, to log \
                 every player out on purpose, start once with REPLACE_SECRET_KEY=true"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_keeps_its_key_and_refuses_another() {
        let dir = std::env::temp_dir().join(format!("lottopro-keycheck-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir.join("lp.db")).unwrap();
        assert_eq!(store.key_fingerprint().unwrap(), None);
        store.check_key("aaaa", false).unwrap();
        store.check_key("aaaa", false).unwrap();
        let e = store.check_key("bbbb", false).unwrap_err();
        assert_eq!(e.field(), Some("SECRET_KEY"));
        assert!(e.to_string().contains("REPLACE_SECRET_KEY"), "{e}");
        assert_eq!(store.key_fingerprint().unwrap().as_deref(), Some("aaaa"));
        store.check_key("bbbb", true).unwrap();
        assert_eq!(store.key_fingerprint().unwrap().as_deref(), Some("bbbb"));
        assert_eq!(store.last_backup().unwrap(), None);
        store.set_last_backup(1_800_000_000).unwrap();
        store.set_last_backup(1_800_086_400).unwrap();
        assert_eq!(store.last_backup().unwrap(), Some(1_800_086_400));
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
