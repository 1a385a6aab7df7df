//! The game's values and the request bodies of the contract (see
//! [`super::refine`]): each body's fields, their ranges, and the `oneOf`
//! branches of the bodies whose fields depend on each other.

use lottopro_core::predict::MAX_TICKETS;
use lottopro_core::{GameSpec, Model, Money, wheel};
use serde_json::{Value, json};

use super::{or_null, property, set_schema};
use crate::app::ops::{MAX_RECENT, SimulationCaps};

/// The schemas of the game's values.
pub(super) struct GameSchemas {
    game: GameSpec,
    pool: u8,
    picks: u8,
    tiers: usize,
    full_pool: bool,
    number: Value,
}

impl GameSchemas {
    pub(super) fn new(game: &GameSpec) -> GameSchemas {
        GameSchemas {
            game: game.clone(),
            pool: game.pool(),
            picks: game.picks(),
            tiers: game.tiers().len(),
            full_pool: game.pool() == 45 && game.picks() == 6,
            number: json!({ "type": "integer", "minimum": 1, "maximum": game.pool() }),
        }
    }

    /// A request body that works, for the documentation and the examples
    /// phase of contract tests (6/45 games; others have none).
    pub(super) fn example(&self, body: &str) -> Option<Value> {
        if body == "PensionCheckBody" {
            return Some(json!({ "ticket": "4조 419399", "round": 100 }));
        }
        if !self.full_pool {
            return None;
        }
        Some(match body {
            "CheckBody" => json!({ "numbers": [3, 11, 17, 25, 33, 41], "round": 1200 }),
            "SaveBody" => json!({ "ticket": "3 11 17 25 33 41", "label": "birthdays" }),
            "HistoryCheckBody" => json!({ "ticket": "4 5 25 28 32 12" }),
            "PopularityBody" => json!({ "numbers": [1, 2, 3, 4, 5, 6] }),
            "PredictBody" => {
                json!({ "model": "frequency", "count": 5, "user_numbers": [7], "exclude": [13], "seed": 42 })
            }
            "SimulateBody" => {
                json!({ "strategy": "random", "tickets_per_draw": 5, "draws": 520, "trials": 1000 })
            }
            "WheelBody" => {
                json!({ "numbers": [1, 5, 9, 14, 22, 27, 31, 38, 42, 45], "guarantee": "3if4" })
            }
            "TaxRequest" => json!({ "amount": "1,000,000,000" }),
            _ => return None,
        })
    }

    /// A set of numbers of the pool, at most `max` of them.
    fn numbers(&self, min: usize, max: usize) -> Value {
        json!({
            "type": "array",
            "items": self.number,
            "minItems": min,
            "maxItems": max,
            "uniqueItems": true
        })
    }

    fn ticket_numbers(&self) -> Value {
        let k = usize::from(self.picks);
        self.numbers(k, k)
    }

    /// A ticket as text, its grammar stated by the core's pattern where the
    /// game has one.
    fn ticket_text(&self) -> Value {
        with_pattern(
            json!({
            "type": "string",
            "format": "lottopro-ticket",
            "description": format!(
                "a ticket as text: {} different numbers 1–{}, separated by spaces or commas, e.g. \"3 11 17 25 33 41\"",
                self.picks, self.pool
            )
            }),
            lottopro_core::grammar::ticket(&self.game),
        )
    }

    /// One to `max` tickets as text.
    pub(super) fn ticket_list(&self, max: usize) -> Value {
        with_pattern(
            json!({
            "type": "string",
            "format": "lottopro-tickets",
            "description": format!(
                "one to {max} tickets as text, separated by ';' or new lines, each {} different numbers 1–{}",
                self.picks, self.pool
            )
            }),
            lottopro_core::grammar::tickets(&self.game, max),
        )
    }

    fn qr_url(&self) -> Value {
        with_pattern(
            json!({
                "type": "string",
                "format": "lottopro-qr",
                "description": "the URL in a ticket's QR code: https://m.dhlottery.co.kr/qr.do?method=winQr&v=<round, 4 digits><one to five games: a letter and six 2-digit numbers><ticket id>"
            }),
            lottopro_core::grammar::qr(&self.game),
        )
    }

    pub(super) fn game_id(&self) -> Value {
        json!({ "type": "string", "enum": GameSpec::preset_ids() })
    }

    fn round() -> Value {
        json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX })
    }

    fn seed() -> Value {
        json!({ "type": "integer", "minimum": 0, "maximum": u64::MAX })
    }

    fn bounded(min: u64, max: u64) -> Value {
        json!({ "type": "integer", "minimum": min, "maximum": max })
    }

    /// An amount in minor units: a number, or digits grouped by commas.
    fn money() -> Value {
        let max = Money::MAX.get();
        json!({
            "anyOf": [
                { "type": "integer", "minimum": 0, "maximum": max },
                {
                    "type": "string",
                    "pattern": "^(0|[1-9][0-9]{0,14}|1000000000000000|[1-9][0-9]{0,2}(,[0-9]{3}){1,4}|1(,000){5})$"
                }
            ]
        })
    }

    /// `{"numbers": [..]}` or `{"ticket": ".."}`, exactly one, in `body`.
    fn ticket_choice(&self, body: &mut Value) -> Value {
        set_schema(property(body, "numbers"), or_null(&self.ticket_numbers()));
        set_schema(property(body, "ticket"), or_null(&self.ticket_text()));
        json!([
            { "required": ["numbers"], "properties": { "numbers": self.ticket_numbers(), "ticket": { "type": "null" } } },
            { "required": ["ticket"], "properties": { "ticket": self.ticket_text(), "numbers": { "type": "null" } } }
        ])
    }

    pub(super) fn check_body(&self, body: &mut Value) {
        self.ticket_choice(body);
        set_schema(property(body, "round"), or_null(&Self::round()));
        set_schema(property(body, "qr"), or_null(&self.qr_url()));
        let none = json!({ "type": "null" });
        body["oneOf"] = json!([
            { "required": ["numbers", "round"], "properties": {
                "numbers": self.ticket_numbers(), "round": Self::round(), "ticket": none, "qr": none } },
            { "required": ["ticket", "round"], "properties": {
                "ticket": self.ticket_text(), "round": Self::round(), "numbers": none, "qr": none } },
            { "required": ["qr"], "properties": {
                "qr": self.qr_url(), "numbers": none, "ticket": none, "round": none } }
        ]);
    }

    pub(super) fn save_body(&self, body: &mut Value) {
        body["oneOf"] = self.ticket_choice(body);
        set_schema(
            property(body, "round"),
            or_null(&json!({ "type": "integer", "minimum": 1, "maximum": u32::MAX })),
        );
        let forbidden: String = crate::store::LABEL_FORBIDDEN
            .iter()
            .map(|(a, b)| format!("\\u{:04x}-\\u{:04x}", u32::from(*a), u32::from(*b)))
            .collect();
        set_schema(
            property(body, "label"),
            json!({
                "type": "string",
                "maxLength": crate::store::MAX_LABEL_CHARS,
                "pattern": format!("^[^{forbidden}]*$")
            }),
        );
    }

    pub(super) fn history_check_body(&self, body: &mut Value) {
        body["oneOf"] = self.ticket_choice(body);
    }

    pub(super) fn popularity_body(&self, body: &mut Value) {
        body["oneOf"] = self.ticket_choice(body);
        Self::sales(body);
    }

    /// A draw's sales in won, as [`Money`] bounds them.
    fn sales(body: &mut Value) {
        set_schema(
            property(body, "sales"),
            or_null(&Self::bounded(1, Money::MAX.get())),
        );
    }

    pub(super) fn predict_body(&self, body: &mut Value) {
        let (pool, picks) = (usize::from(self.pool), usize::from(self.picks));
        set_schema(property(body, "user_numbers"), self.numbers(0, picks));
        set_schema(property(body, "exclude"), self.numbers(0, pool - picks));
        let models: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
        set_schema(
            property(body, "model"),
            or_null(&json!({ "type": "string", "enum": models })),
        );
        set_schema(
            property(body, "count"),
            or_null(&Self::bounded(1, MAX_TICKETS as u64)),
        );
        set_schema(property(body, "seed"), or_null(&Self::seed()));
        // No number may be in both lists. JSON Schema can say so (a `not`
        // over both lists for each number), but no generator can work with
        // it, so the rule is stated in words; the Schemathesis hooks filter
        // such bodies out.
        body["description"] = json!(
            "The original app's body: `user_numbers` are the numbers to include. \
             No number may be both in `user_numbers` and in `exclude` (400). \
             When the two lists leave fewer distinct tickets than `count`, every one of them is returned."
        );
    }

    pub(super) fn simulate_body(&self, body: &mut Value) {
        let none = json!({ "type": "null" });
        let models: Vec<&str> = Model::ALL
            .iter()
            .filter(|m| **m != Model::Random)
            .map(|m| m.as_str())
            .collect();
        set_schema(property(body, "seed"), or_null(&Self::seed()));
        set_schema(
            property(body, "recent"),
            or_null(&Self::bounded(0, u64::from(MAX_RECENT))),
        );
        set_schema(
            property(body, "tickets"),
            or_null(&self.ticket_list(SimulationCaps::PER_TICKET.tickets_per_draw as usize)),
        );
        set_schema(
            property(body, "prizes"),
            json!({
                "type": "object",
                "propertyNames": { "pattern": format!("^[1-{}]$", self.tiers.min(9)) },
                "additionalProperties": Self::money()
            }),
        );
        let plan = |caps: SimulationCaps, tickets_per_draw: bool| {
            let tpd = if tickets_per_draw {
                or_null(&Self::bounded(1, caps.tickets_per_draw))
            } else {
                none.clone()
            };
            json!({
                "trials": or_null(&Self::bounded(1, caps.trials)),
                "draws": or_null(&Self::bounded(1, caps.draws)),
                "tickets_per_draw": tpd
            })
        };
        let branch = |strategy: Value, method: Value, tickets: Value, plan: Value| {
            let mut properties = plan;
            properties["strategy"] = strategy;
            properties["method"] = method;
            properties["tickets"] = tickets;
            let required: Vec<&str> = if properties["tickets"] == none {
                vec![]
            } else {
                vec!["strategy", "tickets"]
            };
            json!({ "required": required, "properties": properties })
        };
        let random = or_null(&json!({ "type": "string", "enum": ["random"] }));
        let enumerated = |names: &[&str]| or_null(&json!({ "type": "string", "enum": names }));
        body["oneOf"] = json!([
            branch(
                random.clone(),
                enumerated(&["auto", "outcome-counts"]),
                none.clone(),
                plan(SimulationCaps::OUTCOME_COUNTS, true)
            ),
            branch(
                random,
                json!({ "type": "string", "enum": ["per-ticket"] }),
                none.clone(),
                plan(SimulationCaps::PER_TICKET, true)
            ),
            branch(
                json!({ "type": "string", "enum": models }),
                enumerated(&["auto", "per-ticket"]),
                none.clone(),
                plan(SimulationCaps::PER_TICKET, true)
            ),
            branch(
                json!({ "type": "string", "enum": ["fixed"] }),
                enumerated(&["auto", "per-ticket"]),
                self.ticket_list(SimulationCaps::PER_TICKET.tickets_per_draw as usize),
                plan(SimulationCaps::PER_TICKET, false)
            ),
        ]);
    }

    pub(super) fn wheel_body(&self, body: &mut Value) {
        let none = json!({ "type": "null" });
        set_schema(property(body, "seed"), or_null(&Self::seed()));
        set_schema(
            property(body, "numbers"),
            or_null(&self.numbers(usize::from(self.picks), wheel::MAX_NUMBERS)),
        );
        let mut branches = Vec::new();
        if self.full_pool {
            let guarantees: Vec<String> = (1..=3)
                .flat_map(|t| [t.to_string(), format!("{t}if{}", self.picks)])
                .collect();
            branches.push(json!({
                "required": ["full_pool", "guarantee"],
                "properties": {
                    "full_pool": { "const": true },
                    "numbers": none,
                    "guarantee": { "type": "string", "enum": guarantees }
                }
            }));
        }
        for m in 1..=self.picks {
            // The most numbers whose m-subsets a search may cover.
            let most = (usize::from(self.picks)..=wheel::MAX_NUMBERS)
                .rev()
                .find(|&v| binomial(v as u64, u64::from(m)) <= wheel::MAX_TARGETS)
                .unwrap_or(usize::from(self.picks));
            let mut guarantees: Vec<String> = (1..=m).map(|t| format!("{t}if{m}")).collect();
            if m == self.picks {
                guarantees.extend((1..=m).map(|t| t.to_string()));
            }
            branches.push(json!({
                "required": ["numbers", "guarantee"],
                "properties": {
                    "full_pool": { "const": false },
                    "numbers": self.numbers(usize::from(self.picks), most),
                    "guarantee": { "type": "string", "enum": guarantees }
                }
            }));
        }
        body["oneOf"] = Value::Array(branches);
        Self::sales(body);
        // `sales` values a weighted wheel only: without `weighted` it is
        // refused, not ignored.
        body["anyOf"] = json!([
            { "required": ["weighted"], "properties": { "weighted": { "const": true } } },
            { "properties": { "sales": { "type": "null" } } }
        ]);
    }

    /// A 720+ ticket: its grammar (a group or all groups, then six digits)
    /// is the core's `PensionTicket::parse`, stated by `grammar::pension_ticket`.
    pub(super) fn pension_check_body(&self, body: &mut Value) {
        set_schema(
            property(body, "ticket"),
            json!({
                "type": "string",
                "format": "lottopro-pension-ticket",
                "pattern": lottopro_core::grammar::pension_ticket(),
                "description": "a 720+ ticket as text: the group 1–5 (or `all`) then six digits, e.g. \"4조 419399\", \"4 419399\", \"all 419399\""
            }),
        );
        set_schema(property(body, "round"), Self::round());
    }

    pub(super) fn tax_body(&self, body: &mut Value) {
        set_schema(property(body, "amount"), Self::money());
        set_schema(property(body, "game"), or_null(&self.game_id()));
    }
}

/// `schema` with `pattern`, where the game has one (see
/// `lottopro_core::grammar`).
fn with_pattern(mut schema: Value, pattern: Option<String>) -> Value {
    if let Some(pattern) = pattern {
        schema["pattern"] = pattern.into();
    }
    schema
}

/// n choose k, saturating.
fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}
