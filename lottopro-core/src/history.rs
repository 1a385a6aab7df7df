//! History: the draws of one game, in round order, without gaps.
//!
//! A [`History`] is validated when built (contiguous rounds, dates that move
//! forward) and then immutable; adding draws makes a new one through
//! [`History::extended`], which leaves the original untouched on error.
//! Walk-forward work borrows [`HistoryView`]s of it ([`History::prefix`]), so a
//! model fitted for round `r` can only see rounds before `r` — no copies, no
//! look-ahead.
//!
//! The [`epoch`](History::epoch) is a 64-bit FNV-1a digest of every draw's
//! content rather than just the last round, so a corrected result for an old
//! round also changes the cache keys that depend on it.

use serde::Serialize;

use crate::date::Date;
use crate::draw::{CheckResult, Draw};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::money::Money;
use crate::ticket::Ticket;

/// The draws of one game; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    game: GameSpec,
    draws: Vec<Draw>,
    epoch: u64,
}

/// The next draw of a weekly game (see [`History::next_draw`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct NextDraw {
    /// Its round.
    pub round: u32,
    /// Its local date.
    pub date: Date,
    /// Its local time and zone, e.g. `20:35 UTC+9`.
    pub local_time: String,
    /// When it starts, in Unix seconds.
    pub starts_at: i64,
}

/// How many rounds after the latest a missing round is described by its
/// scheduled date (ten years of weekly draws); further ones are simply not
/// held.
const SCHEDULED_AHEAD: u32 = 520;

/// A ticket checked against a whole history (see [`History::check_all`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct EverWon {
    /// How many draws the ticket was checked against.
    pub draws_checked: usize,
    /// The first round checked.
    pub first_round: Option<u32>,
    /// The latest round checked.
    pub latest_round: Option<u32>,
    /// The best prize rank it ever won (1 = the top prize).
    pub best_rank: Option<u8>,
    /// What those wins paid in total, before tax (only wins whose prize
    /// the history records).
    pub won: Money,
    /// Every draw where it won a prize, in round order.
    pub wins: Vec<CheckResult>,
}

/// A borrowed, read-only window of a history: its first rounds up to some
/// round. Cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct HistoryView<'a> {
    game: &'a GameSpec,
    draws: &'a [Draw],
}

impl History {
    /// A history with no draws.
    pub fn empty(game: GameSpec) -> History {
        History {
            game,
            draws: Vec::new(),
            epoch: FNV_OFFSET,
        }
    }

    /// The real Korean Lotto 6/45 history that ships with LottoPro (draws
    /// 1–1245 with per-rank prizes); see [`crate::data`].
    pub fn bundled() -> History {
        crate::data::kr645()
    }

    /// A history from draws in any order. Rounds must be unique and
    /// contiguous; dates must strictly increase with the round.
    pub fn new(game: GameSpec, mut draws: Vec<Draw>) -> Result<History> {
        draws.sort_by_key(Draw::round);
        check_sequence(&draws, None)?;
        let epoch = digest(FNV_OFFSET, &draws);
        Ok(History { game, draws, epoch })
    }

    /// A fair synthetic history for experiments: `len` random draws (see
    /// [`Draw::random`]) one week apart from `start`, from `seed`.
    pub fn simulated(
        game: GameSpec,
        len: u32,
        start: crate::date::Date,
        seed: u64,
    ) -> Result<History> {
        let mut rng = crate::rng::seeded(seed);
        let draws = (1..=len)
            .map(|round| {
                Draw::random(
                    &game,
                    round,
                    start.add_days(7 * i64::from(round - 1))?,
                    &mut rng,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        History::new(game, draws)
    }

    /// A new history with `more` draws appended; they must continue this one
    /// (the next round onward, later dates). `self` is not changed.
    pub fn extended(&self, mut more: Vec<Draw>) -> Result<History> {
        more.sort_by_key(Draw::round);
        check_sequence(&more, self.draws.last())?;
        let epoch = digest(self.epoch, &more);
        let mut draws = Vec::with_capacity(self.draws.len() + more.len());
        draws.extend_from_slice(&self.draws);
        draws.extend(more);
        Ok(History {
            game: self.game.clone(),
            draws,
            epoch,
        })
    }

    /// The draws of `other` that would extend this history: every round the
    /// two both hold must be identical, and the rest must continue this
    /// history (checked as [`History::extended`] does). Nothing is changed.
    pub fn continuation(&self, other: &History) -> Result<Vec<Draw>> {
        if other.game.id() != self.game.id() {
            return Err(Error::invalid(
                "game",
                format!(
                    "draws of {} cannot extend a history of {}",
                    other.game.id(),
                    self.game.id()
                ),
            ));
        }
        let latest = self.latest_round().unwrap_or(0);
        for d in other.draws.iter().filter(|d| d.round() <= latest) {
            if self.get(d.round()) != Some(d) {
                return Err(Error::history(
                    Some(d.round()),
                    format!("round {} differs from the one already held", d.round()),
                ));
            }
        }
        let new: Vec<Draw> = other
            .draws
            .iter()
            .filter(|d| d.round() > latest)
            .cloned()
            .collect();
        check_sequence(&new, self.draws.last())?;
        Ok(new)
    }

    /// The game.
    pub fn game(&self) -> &GameSpec {
        &self.game
    }
    /// All draws, round order.
    pub fn draws(&self) -> &[Draw] {
        &self.draws
    }
    /// Number of draws.
    pub fn len(&self) -> usize {
        self.draws.len()
    }
    /// Whether there are no draws.
    pub fn is_empty(&self) -> bool {
        self.draws.is_empty()
    }
    /// The first round held.
    pub fn first_round(&self) -> Option<u32> {
        self.draws.first().map(Draw::round)
    }
    /// The latest round held.
    pub fn latest_round(&self) -> Option<u32> {
        self.draws.last().map(Draw::round)
    }
    /// The latest draw.
    pub fn latest(&self) -> Option<&Draw> {
        self.draws.last()
    }
    /// A digest of the content, for cache keys; see the module docs.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The draw of `round`, if held.
    pub fn get(&self, round: u32) -> Option<&Draw> {
        let first = self.first_round()?;
        let idx = usize::try_from(round.checked_sub(first)?).ok()?;
        self.draws.get(idx)
    }

    /// The draw of `round`, or an error that says which rounds are held
    /// and, for a round after them, the date of its draw by the schedule
    /// (it has not been drawn yet, or its results are not in yet).
    pub fn require(&self, round: u32) -> Result<&Draw> {
        self.get(round)
            .ok_or_else(|| match (self.first_round(), self.latest_round()) {
                (Some(a), Some(b)) if round > b && round - b <= SCHEDULED_AHEAD => Error::NotFound(match self.draw_date(round) {
                    Some(date) => format!(
                        "round {round} is not drawn yet or its results are not in: its draw is on {date} (the history holds rounds {a}..={b})"
                    ),
                    None => format!(
                        "round {round} is not drawn yet or its results are not in (the history holds rounds {a}..={b})"
                    ),
                }),
                (Some(a), Some(b)) => Error::NotFound(format!(
                    "round {round} is not in the history (it holds rounds {a}..={b})"
                )),
                _ => Error::NotFound(format!("round {round} is not in the history (it is empty)")),
            })
    }

    /// The draw after the latest that is still to come at `now` (Unix
    /// seconds), for a game drawn weekly at a known time
    /// ([`GameSpec::weekly_draw`]): one draw a week after the latest, so a
    /// history that has fallen behind still gives the right round. `None`
    /// for other games and an empty history.
    pub fn next_draw(&self, now: i64) -> Option<NextDraw> {
        let (_, minutes, offset) = self.game.weekly_draw()?;
        let latest = self.latest()?;
        let day = 86_400;
        let week = 7 * day;
        let at = |date: Date| {
            date.days_since_epoch() * day + i64::from(minutes) * 60 - i64::from(offset) * 60
        };
        let last = at(latest.date());
        let weeks = if now < last {
            1
        } else {
            (now - last) / week + 1
        };
        let date = latest.date().add_days(7 * weeks).ok()?;
        let zone = match (offset / 60, offset % 60) {
            (h, 0) => format!("UTC{h:+}"),
            (h, m) => format!("UTC{h:+}:{:02}", m.abs()),
        };
        Some(NextDraw {
            round: latest.round() + u32::try_from(weeks).ok()?,
            date,
            local_time: format!("{:02}:{:02} {zone}", minutes / 60, minutes % 60),
            starts_at: at(date),
        })
    }

    /// The round a ticket bought at `now` (Unix seconds) is for: the next
    /// draw's where the game's schedule is known, else the round after the
    /// latest; `None` for an empty history.
    pub fn upcoming_round(&self, now: i64) -> Option<u32> {
        self.next_draw(now)
            .map(|n| n.round)
            .or_else(|| self.latest_round().map(|r| r + 1))
    }

    /// "Has this ticket ever won?": `ticket` checked against every draw,
    /// with the draws where it won a prize.
    pub fn check_all(&self, ticket: &Ticket) -> EverWon {
        let wins: Vec<CheckResult> = self
            .draws
            .iter()
            .map(|d| d.check(&self.game, ticket))
            .filter(|c| c.rank.is_some())
            .collect();
        let best_rank = wins.iter().filter_map(|c| c.rank).min();
        let won = wins
            .iter()
            .filter_map(|c| c.prize)
            .fold(Money::ZERO, |total, p| {
                total.checked_add(p).unwrap_or(Money::MAX)
            });
        EverWon {
            draws_checked: self.draws.len(),
            first_round: self.first_round(),
            latest_round: self.latest_round(),
            best_rank,
            won,
            wins,
        }
    }

    /// The whole history as a view.
    pub fn view(&self) -> HistoryView<'_> {
        HistoryView {
            game: &self.game,
            draws: &self.draws,
        }
    }

    /// The draws up to and including `through_round` (all of them when it is
    /// past the latest round; none when it is before the first).
    pub fn prefix(&self, through_round: u32) -> HistoryView<'_> {
        let n = self.draws.partition_point(|d| d.round() <= through_round);
        HistoryView {
            game: &self.game,
            draws: &self.draws[..n],
        }
    }
}

impl<'a> HistoryView<'a> {
    /// A view of `draws`, which must be in round order with no gaps (the
    /// caller holds them from a [`History`]).
    pub(crate) fn of(game: &'a GameSpec, draws: &'a [Draw]) -> HistoryView<'a> {
        HistoryView { game, draws }
    }

    /// The game.
    pub fn game(&self) -> &'a GameSpec {
        self.game
    }
    /// The draws in view, round order.
    pub fn draws(&self) -> &'a [Draw] {
        self.draws
    }
    /// Number of draws in view.
    pub fn len(&self) -> usize {
        self.draws.len()
    }
    /// Whether the view is empty.
    pub fn is_empty(&self) -> bool {
        self.draws.is_empty()
    }
    /// The latest round in view.
    pub fn latest_round(&self) -> Option<u32> {
        self.draws.last().map(Draw::round)
    }
    /// The latest `n` draws (all of them when there are fewer).
    pub fn latest(&self, n: usize) -> HistoryView<'a> {
        HistoryView {
            game: self.game,
            draws: &self.draws[self.draws.len().saturating_sub(n)..],
        }
    }
    /// The draws up to and including `round`, and the draws after it.
    pub fn split_at_round(&self, round: u32) -> (HistoryView<'a>, HistoryView<'a>) {
        let n = self.draws.partition_point(|d| d.round() <= round);
        let (before, after) = self.draws.split_at(n);
        (
            HistoryView {
                game: self.game,
                draws: before,
            },
            HistoryView {
                game: self.game,
                draws: after,
            },
        )
    }
}

fn check_sequence(draws: &[Draw], before: Option<&Draw>) -> Result<()> {
    check_rounds(
        draws.iter().map(|d| (d.round(), d.date())),
        before.map(|d| (d.round(), d.date())),
    )
}

/// Checks that `(round, date)` pairs continue `before` (when given) one
/// round at a time with dates moving forward: the rule every history of
/// draws keeps, whatever the game.
pub(crate) fn check_rounds(
    rounds: impl Iterator<Item = (u32, Date)>,
    before: Option<(u32, Date)>,
) -> Result<()> {
    let mut prev = before;
    for (round, date) in rounds {
        if let Some((p_round, p_date)) = prev {
            if round != p_round + 1 {
                let msg = if round <= p_round {
                    format!("round {round} appears more than once")
                } else {
                    format!("rounds {}..={} are missing", p_round + 1, round - 1)
                };
                return Err(Error::history(Some(round), msg));
            }
            if date <= p_date {
                return Err(Error::history(
                    Some(round),
                    format!("round {round} is dated {date}, not after round {p_round} ({p_date})"),
                ));
            }
        }
        prev = Some((round, date));
    }
    Ok(())
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn digest(mut h: u64, draws: &[Draw]) -> u64 {
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(FNV_PRIME);
        }
    };
    for d in draws {
        eat(&d.round().to_le_bytes());
        eat(&d.date().days_since_epoch().to_le_bytes());
        eat(&d.numbers().bits().to_le_bytes());
        eat(&d.bonus().bits().to_le_bytes());
        eat(&d.total_sales().map_or(u64::MAX, |m| m.get()).to_le_bytes());
        for r in d.results() {
            eat(&[r.rank]);
            eat(&r.winners.to_le_bytes());
            eat(&r.prize_each.get().to_le_bytes());
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    fn draw(round: u32, day: i64) -> Draw {
        let g = GameSpec::kr645();
        let date = Date::parse("2002-12-07").unwrap().add_days(day).unwrap();
        Draw::new(&g, round, date, &[1, 2, 3, 4, 5, 6], &[7]).unwrap()
    }

    #[test]
    fn the_next_draw_is_the_coming_saturday_at_20_35_kst() {
        // Draw 1245 was on Saturday 2026-10-10, at 11:35 UTC.
        let h = crate::data::kr645();
        let saturday = Date::parse("2026-10-10").unwrap().days_since_epoch() * 86_400;
        let at_1245 = saturday + 11 * 3600 + 35 * 60;
        let next = |now: i64| h.next_draw(now).unwrap();
        // The next draw is always after the history's latest.
        assert_eq!(next(at_1245 - 60).round, 1246);
        assert_eq!(next(at_1245).round, 1246);
        let n = next(at_1245 + 1);
        assert_eq!((n.round, n.date.to_string()), (1246, "2026-10-17".into()));
        assert_eq!(n.starts_at, at_1245 + 7 * 86_400);
        assert_eq!(n.local_time, "20:35 UTC+9");
        // Weeks later, with no new draws synced: the round counts the weeks.
        let n = next(Date::parse("2026-11-30").unwrap().days_since_epoch() * 86_400);
        assert_eq!((n.round, n.date.to_string()), (1253, "2026-12-05".into()));
        assert_eq!(n.date.weekday(), crate::date::Weekday::Saturday);
        // Only games with a known schedule have one.
        assert!(
            GameSpec::preset("powerball")
                .unwrap()
                .weekly_draw()
                .is_none()
        );
        assert!(
            History::empty(GameSpec::kr645())
                .next_draw(at_1245)
                .is_none()
        );
    }

    #[test]
    fn prefixes_and_lookup() {
        let h = History::new(
            GameSpec::kr645(),
            vec![draw(12, 14), draw(10, 0), draw(11, 7)],
        )
        .unwrap();
        assert_eq!(h.first_round(), Some(10));
        assert_eq!(h.get(11).unwrap().round(), 11);
        assert!(h.get(9).is_none() && h.get(13).is_none());
        assert_eq!(h.prefix(11).len(), 2);
        assert_eq!(h.prefix(9).len(), 0);
        assert_eq!(h.prefix(99).len(), 3);
        assert!(h.require(13).unwrap_err().to_string().contains("10..=12"));
    }

    #[test]
    fn rejects_gaps_repeats_and_backward_dates() {
        let g = GameSpec::kr645();
        let e = History::new(g.clone(), vec![draw(1, 0), draw(3, 14)]).unwrap_err();
        assert!(e.to_string().contains("rounds 2..=2 are missing"), "{e}");
        let e = History::new(g.clone(), vec![draw(1, 0), draw(1, 7)]).unwrap_err();
        assert!(e.to_string().contains("more than once"), "{e}");
        let e = History::new(g, vec![draw(1, 7), draw(2, 0)]).unwrap_err();
        assert!(e.to_string().contains("not after"), "{e}");
    }

    #[test]
    fn continuation_keeps_only_new_agreeing_draws() {
        let h = History::new(GameSpec::kr645(), vec![draw(1, 0), draw(2, 7)]).unwrap();
        let more =
            History::new(GameSpec::kr645(), vec![draw(1, 0), draw(2, 7), draw(3, 14)]).unwrap();
        let new = h.continuation(&more).unwrap();
        assert_eq!(new.iter().map(Draw::round).collect::<Vec<_>>(), vec![3]);
        assert!(h.continuation(&h).unwrap().is_empty());
        let gap = History::new(GameSpec::kr645(), vec![draw(4, 21)]).unwrap();
        assert!(
            h.continuation(&gap)
                .unwrap_err()
                .to_string()
                .contains("rounds 3..=3 are missing")
        );
        let g = GameSpec::kr645();
        let other = Draw::new(&g, 2, draw(2, 7).date(), &[1, 2, 3, 4, 5, 7], &[8]).unwrap();
        let differs = History::new(g, vec![draw(1, 0), other]).unwrap();
        assert!(
            h.continuation(&differs)
                .unwrap_err()
                .to_string()
                .contains("differs")
        );
    }

    #[test]
    fn extension_is_atomic_and_changes_the_epoch() {
        let h = History::new(GameSpec::kr645(), vec![draw(1, 0)]).unwrap();
        assert!(h.extended(vec![draw(3, 14)]).is_err());
        assert_eq!(h.len(), 1);
        let h2 = h.extended(vec![draw(2, 7)]).unwrap();
        assert_eq!(h2.len(), 2);
        assert_ne!(h.epoch(), h2.epoch());
        let same = History::new(GameSpec::kr645(), vec![draw(1, 0), draw(2, 7)]).unwrap();
        assert_eq!(same.epoch(), h2.epoch());
    }
}
