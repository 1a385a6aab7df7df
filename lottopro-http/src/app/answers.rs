//! Answers kept as they were sent.
//!
//! The engine caches what it computes, but a cached value is still written
//! as JSON for every request; for an answer that many clients ask for
//! unchanged (the statistics: 17 KB), that writing was most of the
//! request's cost. The bytes are kept beside the state, keyed by the
//! history they were made from, so a sync that changes the history changes
//! the key.

use super::{ApiError, AppState, blocking};

/// What a kept `/api/stats` answer was made from: the history's epoch (a
/// digest of its content) and the options.
pub(super) type StatsKey = (u64, usize, usize, Option<usize>);

impl AppState {
    /// The JSON of the statistics for `opts` on the history served now,
    /// serialised once per history and options: the statistics are cached
    /// by the engine, but writing their 17 KB of JSON on every request was
    /// most of `GET /api/stats`'s cost.
    pub(crate) async fn stats_json(
        &self,
        opts: lottopro_core::stats::StatsOptions,
    ) -> Result<axum::body::Bytes, ApiError> {
        let key = (
            self.engine.history().epoch(),
            opts.window,
            opts.top,
            opts.last,
        );
        let kept = |slot: &Option<(StatsKey, axum::body::Bytes)>| {
            slot.as_ref()
                .filter(|(k, _)| *k == key)
                .map(|(_, b)| b.clone())
        };
        if let Some(bytes) = kept(
            &self
                .stats_json
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        ) {
            return Ok(bytes);
        }
        let stats = blocking(self, move |e| e.stats(&opts)).await?;
        let bytes =
            axum::body::Bytes::from(serde_json::to_vec(&stats).map_err(ApiError::internal)?);
        *self
            .stats_json
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((key, bytes.clone()));
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use lottopro_core::stats::StatsOptions;
    use lottopro_core::{Engine, History};

    use super::*;

    #[tokio::test]
    async fn the_statistics_are_written_once_per_history() {
        let bundled = History::bundled();
        let engine = Arc::new(Engine::builder(bundled.clone()).build());
        let state = AppState::new(engine.clone(), None);
        let first = state.stats_json(StatsOptions::default()).await.unwrap();
        let again = state.stats_json(StatsOptions::default()).await.unwrap();
        assert_eq!(first.as_ptr(), again.as_ptr(), "the same bytes, kept");
        let shown: serde_json::Value = serde_json::from_slice(&first).unwrap();
        assert_eq!(shown["draws"], bundled.len());

        let shorter =
            History::new(bundled.game().clone(), bundled.draws()[..100].to_vec()).unwrap();
        engine.replace_history(shorter);
        let after = state.stats_json(StatsOptions::default()).await.unwrap();
        let shown: serde_json::Value = serde_json::from_slice(&after).unwrap();
        assert_eq!(shown["draws"], 100, "a new history is a new answer");
    }
}
