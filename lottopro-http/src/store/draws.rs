//! The stored draws of each game, and the order their balls were drawn in.

use super::Store;
use lottopro_core::io::DrawRecord;
use lottopro_core::pension::{self, PensionDraw, PensionHistory};
use lottopro_core::{Draw, Error, GameSpec, History, Result};

impl Store {
    /// Records the order in which a stored draw's main numbers were drawn
    /// (the draw itself keeps them sorted).
    pub fn set_draw_order(&self, game: &GameSpec, round: u32, order: &[u8]) -> Result<()> {
        let stored = self.history(game)?;
        let draw = stored.require(round)?;
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        if sorted != draw.numbers().to_vec() {
            return Err(Error::invalid(
                "order",
                format!("{order:?} are not the numbers of round {round}"),
            ));
        }
        let text = order
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        self.with(|db| {
            db.execute(
                "INSERT INTO draw_orders (game, round, numbers) VALUES ($1, $2, $3)
                 ON CONFLICT (game, round) DO UPDATE SET numbers = excluded.numbers",
                &[game.id().into(), round.into(), text.into()],
            )
        })?;
        Ok(())
    }

    /// The order a round's numbers were drawn in, when a source gave it.
    pub fn draw_order(&self, game: &GameSpec, round: u32) -> Result<Option<Vec<u8>>> {
        let text = self
            .with(|db| {
                db.query_opt(
                    "SELECT numbers FROM draw_orders WHERE game = $1 AND round = $2",
                    &[game.id().into(), round.into()],
                )
            })?
            .map(|r| r.text(0))
            .transpose()?;
        Ok(text.map(|t| t.split(' ').filter_map(|n| n.parse().ok()).collect()))
    }

    /// The stored history of `game`.
    pub fn history(&self, game: &GameSpec) -> Result<History> {
        let rows = self.with(|db| {
            db.query(
                "SELECT record FROM draws WHERE game = $1 ORDER BY round",
                &[game.id().into()],
            )
        })?;
        let mut draws = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let text = row.text(0)?;
            let record: DrawRecord = serde_json::from_str(&text).map_err(|e| Error::History {
                round: None,
                message: format!("stored draw {} is unreadable: {e}", i + 1),
            })?;
            draws.push(record.into_draw(game)?);
        }
        History::new(game.clone(), draws)
    }

    /// The latest stored round of `game` (a cheap query, for replicas that
    /// share the database and must notice draws another one added).
    pub fn latest_round(&self, game: &GameSpec) -> Result<Option<u32>> {
        let row = self.with(|db| {
            db.query_one(
                "SELECT MAX(round) FROM draws WHERE game = $1",
                &[game.id().into()],
            )
        })?;
        row.opt_int(0)?
            .map(|r| {
                u32::try_from(r).map_err(|_| {
                    Error::Io(std::io::Error::other(
                        "database: a stored round is out of range",
                    ))
                })
            })
            .transpose()
    }

    /// Adds `bundled` (the history LottoPro ships) when the store holds no
    /// draw of its game yet: the first start on an empty database. On
    /// PostgreSQL it runs under the start-up lock, so replicas started
    /// together load it once; should another process have loaded it all
    /// the same (two on one SQLite file), its draws are taken as they are.
    /// Returns the rounds added.
    pub fn load_if_empty(&self, bundled: &History) -> Result<Vec<u32>> {
        let load = || -> Result<Vec<u32>> {
            if bundled.is_empty() || self.latest_round(bundled.game())?.is_some() {
                return Ok(Vec::new());
            }
            match self.add(bundled) {
                Err(_) if self.latest_round(bundled.game())?.is_some() => Ok(Vec::new()),
                other => other,
            }
        };
        match &self.backend {
            super::Backend::Postgres(pool) => pool.exclusive(|_| load()),
            super::Backend::Sqlite(_) => load(),
        }
    }

    /// Appends the draws of `from` that the store does not hold yet; they
    /// must continue the stored history and agree with it where both hold a
    /// round (see `History::continuation`), and scores the stored
    /// predictions made for them. Returns the rounds added.
    pub fn add(&self, from: &History) -> Result<Vec<u32>> {
        let stored = self.history(from.game())?;
        let new = stored.continuation(from)?;
        self.transaction(|tx| {
            for d in &new {
                let record = serde_json::to_string(&DrawRecord::from(d))
                    .map_err(|e| Error::Io(std::io::Error::other(e)))?;
                tx.execute(
                    "INSERT INTO draws (game, round, record) VALUES ($1, $2, $3)",
                    &[from.game().id().into(), d.round().into(), record.into()],
                )?;
            }
            Ok(())
        })?;
        if !new.is_empty() {
            // Predictions made for these rounds can be scored now.
            self.score_predictions(&self.history(from.game())?)?;
        }
        Ok(new.iter().map(Draw::round).collect())
    }

    /// The stored 720+ history (rows of the game `kr720`, each a
    /// [`PensionDraw`] as JSON).
    pub fn pension_history(&self) -> Result<PensionHistory> {
        let rows = self.with(|db| {
            db.query(
                "SELECT record FROM draws WHERE game = $1 ORDER BY round",
                &[pension::GAME_ID.into()],
            )
        })?;
        let mut draws = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let text = row.text(0)?;
            draws.push(
                serde_json::from_str::<PensionDraw>(&text).map_err(|e| Error::History {
                    round: None,
                    message: format!("stored 720+ draw {} is unreadable: {e}", i + 1),
                })?,
            );
        }
        PensionHistory::new(draws)
    }

    /// Appends the 720+ draws of `from` that the store does not hold yet:
    /// where both hold a round they must agree, and the new ones must
    /// continue the stored history, or nothing is stored. An empty store
    /// takes `from` whole. Returns the rounds added.
    pub fn add_pension(&self, from: &PensionHistory) -> Result<Vec<u32>> {
        let stored = self.pension_history()?;
        if let Some(d) = stored.disagreement(from.draws()) {
            return Err(Error::History {
                round: Some(d.round()),
                message: "differs from the stored 720+ draw of that round".into(),
            });
        }
        let latest = stored.latest().map_or(0, PensionDraw::round);
        let new: Vec<PensionDraw> = from
            .draws()
            .iter()
            .filter(|d| d.round() > latest)
            .copied()
            .collect();
        stored.extended(new.clone())?;
        self.transaction(|tx| {
            for d in &new {
                let record =
                    serde_json::to_string(d).map_err(|e| Error::Io(std::io::Error::other(e)))?;
                tx.execute(
                    "INSERT INTO draws (game, round, record) VALUES ($1, $2, $3)",
                    &[pension::GAME_ID.into(), d.round().into(), record.into()],
                )?;
            }
            Ok(())
        })?;
        Ok(new.iter().map(PensionDraw::round).collect())
    }
}
