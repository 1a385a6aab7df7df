//! The dashboard's words in Korean, English and Japanese, with each
//! language's model names and money format.

use lottopro_core::Model;

/// Every label of the dashboard in one language.
pub(crate) struct Text {
    pub lang: &'static str,
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
    pub tickets_word: &'static str,
    pub cost: &'static str,
    pub expected_prizes: &'static str,
    pub verified_over: &'static str,
    pub print: &'static str,
    pub odds_games_title: &'static str,
    pub game: &'static str,
    pub odds_button: &'static str,
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

    /// An amount of won, grouped by thousands, as this language writes it
    /// (1,000원, ₩1,000, 1,000ウォン).
    pub(crate) fn money(&self, digits: &str) -> String {
        format!("{}{digits}{}", self.money.0, self.money.1)
    }
}

mod en;
mod ja;
mod ko;

pub(crate) use en::EN;
pub(crate) use ja::JA;
pub(crate) use ko::KO;
