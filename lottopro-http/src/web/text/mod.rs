//! The dashboard's words in Korean, English and Japanese, with each
//! language's model names and money format.

use lottopro_core::Model;

/// Every label of the dashboard in one language.
pub(crate) struct Text {
    pub lang: &'static str,
    /// The words of a player's week (slips, claims, links, freshness).
    pub week: &'static week::Week,
    /// The models' names, in [`Model::ALL`]'s order.
    pub models: [&'static str; 7],
    /// What each model does, in the same order.
    pub model_explanations: [&'static str; 7],
    /// Money: the amount's digits go where `{}` is.
    pub money: (&'static str, &'static str),
    pub tagline: &'static str,
    pub honest: &'static str,
    pub latest: &'static str,
    pub round: &'static str,
    pub no_draws: &'static str,
    pub frequency_title: &'static str,
    pub frequency_note: &'static str,
    pub chance_band: &'static str,
    pub expected: &'static str,
    pub uniformity: &'static str,
    pub hot: &'static str,
    pub cold: &'static str,
    pub overdue: &'static str,
    pub gap: &'static str,
    pub hot_note: &'static str,
    pub models_title: &'static str,
    pub models_note: &'static str,
    pub model: &'static str,
    pub ticket: &'static str,
    pub backtest: &'static str,
    pub mean_matches: &'static str,
    pub chance: &'static str,
    pub no_better: &'static str,
    pub beats: &'static str,
    pub predict_title: &'static str,
    pub include: &'static str,
    pub exclude: &'static str,
    pub count: &'static str,
    pub predict_button: &'static str,
    pub target_round: &'static str,
    pub check_title: &'static str,
    pub check_button: &'static str,
    pub matches: &'static str,
    pub rank: &'static str,
    pub no_prize: &'static str,
    pub paid: &'static str,
    pub tax_title: &'static str,
    pub amount: &'static str,
    pub tax_button: &'static str,
    pub tax: &'static str,
    pub net: &'static str,
    pub simulate_title: &'static str,
    pub popularity_title: &'static str,
    pub popularity_button: &'static str,
    pub as_often: &'static str,
    pub buyers: &'static str,
    pub popularity_rank: &'static str,
    pub co_winners: &'static str,
    pub if_uniform: &'static str,
    pub ev_model: &'static str,
    pub popularity_note: &'static str,
    pub tickets_per_draw: &'static str,
    pub years: &'static str,
    pub trials: &'static str,
    pub simulate_button: &'static str,
    pub wins_title: &'static str,
    pub simulated: &'static str,
    pub spent: &'static str,
    pub mean_net: &'static str,
    pub median_net: &'static str,
    pub mean_without_jackpots: &'static str,
    pub jackpot_chance: &'static str,
    pub p_profit: &'static str,
    pub ev_per_ticket: &'static str,
    pub percentiles: &'static str,
    pub saved_title: &'static str,
    pub label: &'static str,
    pub save_button: &'static str,
    pub no_saved: &'static str,
    pub odds_title: &'static str,
    pub winners: &'static str,
    pub prize_each: &'static str,
    pub next_draw: &'static str,
    /// Days, hours, minutes (comma-separated), as a countdown writes them.
    pub time_units: &'static str,
    pub past_title: &'static str,
    pub draw_button: &'static str,
    pub ever_title: &'static str,
    pub ever_button: &'static str,
    pub never_won: &'static str,
    pub best_rank: &'static str,
    pub wins_count: &'static str,
    pub won_total: &'static str,
    pub draws_checked: &'static str,
    pub wheel_title: &'static str,
    pub wheel_note: &'static str,
    pub wheel_numbers: &'static str,
    pub guarantee: &'static str,
    pub wheel_button: &'static str,
    /// The weighted-wheel choice on the wheels page.
    pub wheel_weighted: &'static str,
    /// What a weighted wheel gains: {gain}, {low}, {high} (won a ticket).
    pub wheel_weighted_gain: &'static str,
    pub tickets_word: &'static str,
    pub cost: &'static str,
    pub expected_prizes: &'static str,
    pub verified_over: &'static str,
    pub print: &'static str,
    pub odds_games_title: &'static str,
    pub game: &'static str,
    pub odds_button: &'static str,
    /// Pension Lottery 720+ on the tools page.
    pub pension_title: &'static str,
    pub pension_note: &'static str,
    pub pension_ticket: &'static str,
    /// 1st to 7th, then the bonus ([`lottopro_core::PensionRank::ALL`]'s order).
    pub pension_ranks: [&'static str; 8],
    /// An annuity: `{m}` the monthly amount, `{n}` the months.
    pub pension_annuity: &'static str,
    pub pension_total: &'static str,
    pub stats_title: &'static str,
    pub carry_title: &'static str,
    pub carried_latest: &'static str,
    pub carried_count: &'static str,
    pub pairs_title: &'static str,
    pub pair: &'static str,
    pub draws_together: &'static str,
    pub expected_given_numbers: &'static str,
    pub pair_expected: &'static str,
    pub largest_of: &'static str,
    pub heat_label: &'static str,
    pub patterns_title: &'static str,
    pub odd_count: &'static str,
    pub low_count: &'static str,
    pub any_run: &'static str,
    pub sum_mean: &'static str,
    pub in_band: &'static str,
    pub observed: &'static str,
    pub checked_tickets: &'static str,
    pub spent_total: &'static str,
    pub won_after_tax: &'static str,
    pub net_result: &'static str,
    pub chance_expected: &'static str,
    pub after_tax: &'static str,
    pub waiting: &'static str,
    pub api: &'static str,
    pub error: &'static str,
    /// The pages' names, in `Page::ALL`'s order.
    pub nav: [&'static str; 8],
    pub skip: &'static str,
    pub languages: &'static str,
    pub pages: &'static str,
    pub check_hint: &'static str,
    pub all_draws: &'static str,
    pub latest_draws: &'static str,
    pub window: &'static str,
    pub show: &'static str,
    pub draws_word: &'static str,
    pub numbers_word: &'static str,
    pub first_prize: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub find_round: &'static str,
    pub anti_title: &'static str,
    pub anti_note: &'static str,
    pub anti_button: &'static str,
    pub model_limits: &'static str,
    pub can_say_title: &'static str,
    pub can_say: [&'static str; 3],
    pub cannot_say_title: &'static str,
    pub cannot_say: [&'static str; 3],
    pub qr_title: &'static str,
    pub qr_note: &'static str,
    pub photo: &'static str,
    pub qr_url: &'static str,
    pub qr_button: &'static str,
    pub scan_button: &'static str,
    pub history_title: &'static str,
    pub no_history: &'static str,
    pub best_matches: &'static str,
    pub link_title: &'static str,
    pub link_note: &'static str,
    pub link_button: &'static str,
    pub code: &'static str,
    pub redeem_button: &'static str,
    pub link_expires: &'static str,
    pub nothing_to_link: &'static str,
    pub why: &'static str,
    pub weight: &'static str,
    pub included_by_you: &'static str,
    pub mon_title: &'static str,
    pub mon_tagline: &'static str,
    pub admin_token: &'static str,
    pub token_refused: &'static str,
    pub updated: &'static str,
    pub uptime: &'static str,
    pub requests_word: &'static str,
    pub errors_5xx: &'static str,
    pub slowest_p95: &'static str,
    pub process_memory: &'static str,
    pub machine_cpu_memory: &'static str,
    pub alerts_now: &'static str,
    pub none_word: &'static str,
    pub per_route: &'static str,
    pub route: &'static str,
    pub error_rate: &'static str,
    pub cache_tiers: &'static str,
    pub cache_tier: &'static str,
    pub hits: &'static str,
    pub misses: &'static str,
    pub hit_rate: &'static str,
    pub alert_history: &'static str,
    pub no_alerts: &'static str,
    pub chart_requests: &'static str,
    pub chart_latency: &'static str,
    pub chart_cpu: &'static str,
    pub chart_memory: &'static str,
    /// A model's reason for a number, worded in this language.
    pub reason: fn(&lottopro_core::predict::Reason) -> String,
}

impl Text {
    /// `m`'s name in this language.
    pub(crate) fn model_name(&self, m: Model) -> &'static str {
        Model::ALL
            .iter()
            .position(|x| *x == m)
            .map_or("", |i| self.models[i])
    }

    /// What `m` does, in this language.
    pub(crate) fn model_explanation(&self, m: Model) -> &'static str {
        Model::ALL
            .iter()
            .position(|x| *x == m)
            .map_or("", |i| self.model_explanations[i])
    }

    /// A date as this language writes it: 2026년 10월 10일, 10 Oct 2026,
    /// 2026年10月10日.
    pub(crate) fn date(&self, d: lottopro_core::Date) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, m, day) = (d.year(), d.month(), d.day());
        match self.lang {
            "ko" => format!("{y}년 {m}월 {day}일"),
            "ja" => format!("{y}年{m}月{day}日"),
            _ => format!(
                "{day} {} {y}",
                MONTHS
                    .get(usize::from(m).saturating_sub(1))
                    .copied()
                    .unwrap_or("")
            ),
        }
    }

    /// An amount of won, grouped by thousands, as this language writes it
    /// (1,000원, ₩1,000, 1,000ウォン).
    pub(crate) fn money(&self, digits: &str) -> String {
        format!("{}{digits}{}", self.money.0, self.money.1)
    }
}

mod en;
mod ja;
mod ko;
pub(crate) mod week;

pub(crate) use en::EN;
pub(crate) use ja::JA;
pub(crate) use ko::KO;
