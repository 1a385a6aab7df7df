//! Device links and leases.
//!
//! Device links: a one-time code that attaches another browser to a
//! client's saved tickets and prediction history, without an account.
//!
//! The store keeps only the code's keyed hash, the owner key it opens and
//! when it expires; redeeming deletes the row in the same statement that
//! reads it, so a code works once even when two replicas race for it.

use lottopro_core::Result;

use super::{Store, now_secs};

/// How long a code is valid, in seconds.
pub const LINK_TTL_SECS: i64 = 600;

impl Store {
    /// Records a code (its keyed hash) that opens `owner`'s rows until
    /// [`LINK_TTL_SECS`] from now; expired codes are cleared on the way.
    pub fn create_link(&self, code_key: &str, owner: &str) -> Result<()> {
        let now = now_secs();
        self.transaction(|db| {
            db.execute(
                "DELETE FROM link_codes WHERE expires_at <= $1",
                &[now.into()],
            )?;
            db.execute(
                "INSERT INTO link_codes (code, owner, expires_at) VALUES ($1, $2, $3)
                 ON CONFLICT (code) DO UPDATE
                 SET owner = excluded.owner, expires_at = excluded.expires_at",
                &[code_key.into(), owner.into(), (now + LINK_TTL_SECS).into()],
            )
        })?;
        Ok(())
    }

    /// The owner a code opens, if it is valid, without using it up (for the
    /// confirmation a device sees before it links).
    pub fn peek_link(&self, code_key: &str) -> Result<Option<String>> {
        let row = self.with(|db| {
            db.query_opt(
                "SELECT owner FROM link_codes WHERE code = $1 AND expires_at > $2",
                &[code_key.into(), now_secs().into()],
            )
        })?;
        row.map(|r| r.text(0)).transpose()
    }

    /// The owner a code opens, once: the code is gone after this call,
    /// whether it was valid, expired or unknown.
    pub fn redeem_link(&self, code_key: &str) -> Result<Option<String>> {
        let row = self.with(|db| {
            db.query_opt(
                "DELETE FROM link_codes WHERE code = $1 RETURNING owner, expires_at",
                &[code_key.into()],
            )
        })?;
        match row {
            Some(r) if r.int(1)? > now_secs() => Ok(Some(r.text(0)?)),
            _ => Ok(None),
        }
    }
}

impl Store {
    /// Takes or renews the lease `name` for `holder` until `ttl_secs` from
    /// now; whether `holder` has it. One statement decides, so replicas
    /// racing for it get one answer: the lease goes to `holder` when it is
    /// free, expired, or already `holder`'s.
    ///
    /// The store every replica shares is what elects the one that runs
    /// scheduled work (the sync schedule, and so prediction scoring): a
    /// lease with an expiry needs no connection held open, works on SQLite
    /// and PostgreSQL alike, and passes to another replica by itself when
    /// its holder dies.
    pub fn lead(&self, name: &str, holder: &str, ttl_secs: i64) -> Result<bool> {
        let now = now_secs();
        let row = self.with(|db| {
            db.query_opt(
                "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE
                 SET holder = excluded.holder, expires_at = excluded.expires_at
                 WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder
                 RETURNING holder",
                &[
                    name.into(),
                    holder.into(),
                    (now + ttl_secs).into(),
                    now.into(),
                ],
            )
        })?;
        Ok(row.is_some())
    }
}

/// The row of the leases table that records the last successful sync.
const LAST_SYNC: &str = "sync:last-success";

impl Store {
    /// Records a successful sync at `at` (Unix seconds), for every replica
    /// sharing the store (the freshness notice). Kept as a row of the leases
    /// table: a name and a time, which is all it needs.
    pub fn record_sync(&self, at: i64) -> Result<()> {
        self.with(|db| {
            db.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES ($1, '', $2)
                 ON CONFLICT (name) DO UPDATE SET expires_at = excluded.expires_at
                 WHERE leases.expires_at < excluded.expires_at",
                &[LAST_SYNC.into(), at.into()],
            )
        })?;
        Ok(())
    }

    /// When draws were last synced successfully, Unix seconds.
    pub fn last_sync(&self) -> Result<Option<i64>> {
        let row = self.with(|db| {
            db.query_opt(
                "SELECT expires_at FROM leases WHERE name = $1",
                &[LAST_SYNC.into()],
            )
        })?;
        row.map(|r| r.int(0)).transpose()
    }
}

/// [`Store::lead`] from async code, on the blocking pool: whether `holder`
/// leads the work `name`. Without a store there is no one else to lead,
/// and a store that cannot answer elects no one this time.
pub async fn leads(
    store: Option<std::sync::Arc<Store>>,
    name: &'static str,
    holder: &str,
    ttl_secs: i64,
) -> bool {
    let Some(store) = store else {
        return true;
    };
    let holder = holder.to_owned();
    tokio::task::spawn_blocking(move || store.lead(name, &holder, ttl_secs))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or(false)
}
