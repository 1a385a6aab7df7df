//! Device links: a one-time code that attaches another browser to a
//! client's saved tickets and prediction history, without an account.
//!
//! The store keeps only the code's keyed hash, the owner key it opens and
//! when it expires; redeeming deletes the row in the same statement that
//! reads it, so a code works once even when two replicas race for it.

use lottopro_core::Result;
use rusqlite::{OptionalExtension, params};

use super::{Store, db_error, now_secs};

/// How long a code is valid, in seconds.
pub const LINK_TTL_SECS: i64 = 600;

impl Store {
    /// Records a code (its keyed hash) that opens `owner`'s rows until
    /// [`LINK_TTL_SECS`] from now; expired codes are cleared on the way.
    pub fn create_link(&self, code_key: &str, owner: &str) -> Result<()> {
        let now = now_secs();
        let conn = self.conn()?;
        conn.execute(
            "DELETE FROM link_codes WHERE expires_at <= ?1",
            params![now],
        )
        .map_err(db_error)?;
        conn.execute(
            "INSERT OR REPLACE INTO link_codes (code, owner, expires_at) VALUES (?1, ?2, ?3)",
            params![code_key, owner, now + LINK_TTL_SECS],
        )
        .map_err(db_error)?;
        Ok(())
    }

    /// The owner a code opens, once: the code is gone after this call,
    /// whether it was valid, expired or unknown.
    pub fn redeem_link(&self, code_key: &str) -> Result<Option<String>> {
        let conn = self.conn()?;
        let row: Option<(String, i64)> = conn
            .query_row(
                "DELETE FROM link_codes WHERE code = ?1 RETURNING owner, expires_at",
                params![code_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db_error)?;
        Ok(row.and_then(|(owner, expires)| (expires > now_secs()).then_some(owner)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_opens_its_owner_once() {
        let dir = std::env::temp_dir().join(format!("lottopro-links-{}", std::process::id()));
        let store = Store::open(&dir.join("lp.db")).unwrap();
        store.create_link("k1", "owner-a").unwrap();
        assert_eq!(store.redeem_link("k1").unwrap().as_deref(), Some("owner-a"));
        assert_eq!(store.redeem_link("k1").unwrap(), None, "single use");
        assert_eq!(store.redeem_link("unknown").unwrap(), None);
        // An expired code opens nothing.
        store.create_link("k2", "owner-a").unwrap();
        store
            .conn()
            .unwrap()
            .execute("UPDATE link_codes SET expires_at = 0", [])
            .unwrap();
        assert_eq!(store.redeem_link("k2").unwrap(), None);
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }
}
