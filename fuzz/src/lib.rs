//! The bodies of the fuzz targets, shared by the libFuzzer binaries in
//! `fuzz_targets/` and by `tests/replay.rs`, which runs every file of the
//! seed corpus through them on the stable toolchain. Each target checks a
//! property beyond "no panic" where there is one: text round-trips, returned
//! tickets are valid and honour the request, tax never exceeds the prize.

use arbitrary::{Arbitrary, Unstructured};
use lottopro_core::io::{self, Format};
use lottopro_core::{
    Date, GameSpec, History, Method, Model, Money, Plan, PredictRequest, PrizeModel,
    SimulationRequest, Strategy, TaxRule, Ticket, predict, simulate,
};

/// The preset chosen by a byte.
fn game(selector: u8) -> GameSpec {
    let ids = GameSpec::preset_ids();
    GameSpec::preset(ids[usize::from(selector) % ids.len()]).unwrap_or_default()
}

/// Ticket text: whatever parses prints back to text that parses to the same ticket.
pub fn ticket_text(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let g = game(selector);
    if let Ok(t) = Ticket::parse(&g, text) {
        let again = Ticket::parse(&g, &t.to_string()).expect("a printed ticket parses");
        assert_eq!(again, t);
        assert_eq!(t.main().len(), u32::from(g.picks()));
        assert!(t.main().iter().all(|n| (1..=g.pool()).contains(&n)));
    }
}

fn round_trip(data: &[u8], format: Format) {
    let game = GameSpec::kr645();
    let Ok(history) = io::read_history(data, format, game.clone()) else {
        return;
    };
    let mut out = Vec::new();
    io::write_draws(&mut out, Format::Jsonl, &game, history.draws()).expect("writing to memory");
    let back =
        io::read_history(&out[..], Format::Jsonl, game).expect("what was written reads back");
    assert_eq!(back, history, "JSON lines must be lossless");
}

/// A draws CSV: read it; a valid history survives a JSON-lines round trip.
pub fn history_csv(data: &[u8]) {
    round_trip(data, Format::Csv);
}

/// JSON lines of draws.
pub fn history_jsonl(data: &[u8]) {
    round_trip(data, Format::Jsonl);
}

/// The official legacy result JSON.
pub fn history_legacy_json(data: &[u8]) {
    round_trip(data, Format::Json);
}

/// Amounts and dates: whatever parses is in range and prints back to itself.
pub fn money_and_date(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = Money::parse(text, "amount") {
        assert!(m <= Money::MAX);
        assert_eq!(
            Money::parse(&m.to_string(), "amount").expect("printed amount parses"),
            m
        );
    }
    if let Ok(d) = Date::parse(text) {
        assert_eq!(Date::parse(&d.to_string()).expect("printed date parses"), d);
        assert_eq!(d.add_days(0).expect("same day"), d);
    }
}

/// A prediction request as a user might send it.
#[derive(Debug, Arbitrary)]
pub struct Predict {
    model: u8,
    count: u8,
    include: Vec<u8>,
    exclude: Vec<u8>,
    seed: u64,
    draws: u8,
}

/// Predictions: a request is rejected, or every ticket is valid, distinct and
/// honours include and exclude.
pub fn predict_request(data: &[u8]) {
    let Ok(p) = Predict::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let start = Date::parse("2020-01-04").expect("a valid date");
    let Ok(history) = History::simulated(GameSpec::kr645(), u32::from(p.draws % 60), start, p.seed)
    else {
        return;
    };
    let request = PredictRequest {
        model: Model::ALL[usize::from(p.model) % Model::ALL.len()],
        count: usize::from(p.count),
        include: p.include.clone(),
        exclude: p.exclude.clone(),
        seed: p.seed,
    };
    if let Ok(prediction) = predict(history.view(), &request) {
        assert_eq!(prediction.tickets.len(), request.count);
        let mut seen = std::collections::HashSet::new();
        for t in &prediction.tickets {
            let n = t.ticket.numbers();
            assert!(request.include.iter().all(|i| n.contains(i)));
            assert!(request.exclude.iter().all(|e| !n.contains(e)));
            assert!(seen.insert(t.ticket), "tickets repeat");
        }
    }
}

/// Tax on any amount of any game: never more than the prize; net + tax = gross.
pub fn tax_request(data: &[u8]) {
    let Ok((selector, amount)) = <(u8, u64)>::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let g = game(selector);
    let Ok(gross) = Money::new(amount, "amount") else {
        return;
    };
    let a = g
        .tax()
        .assess(gross, g.ticket_price())
        .expect("any valid amount can be assessed");
    assert!(a.tax <= a.gross);
    assert_eq!(a.tax.get() + a.net.get(), a.gross.get());
}

/// A simulation request.
#[derive(Debug, Arbitrary)]
pub struct Simulate {
    game: u8,
    tickets_per_draw: u16,
    draws: u32,
    trials: u16,
    method: u8,
    fixed: Vec<u8>,
    seed: u64,
}

/// Simulations: rejected, or consistent (wins never exceed tickets; the
/// exact expected value is finite; money adds up). Plans are kept small.
pub fn simulate_request(data: &[u8]) {
    let Ok(s) = Simulate::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let g = game(s.game);
    let plan = Plan {
        tickets_per_draw: u64::from(s.tickets_per_draw % 50),
        draws: u64::from(s.draws % 200),
        trials: u64::from(s.trials % 20),
    };
    let method =
        [Method::Auto, Method::PerTicket, Method::OutcomeCounts][usize::from(s.method) % 3];
    let strategy = if s.fixed.len() >= usize::from(g.picks()) {
        match Ticket::new(&g, &s.fixed[..usize::from(g.picks())], &[]) {
            Ok(t) => Strategy::Fixed(vec![t]),
            Err(_) => Strategy::Random,
        }
    } else {
        Strategy::Random
    };
    let Ok(prizes) = PrizeModel::new(&g, None, 0, &[]) else {
        return;
    };
    let request = SimulationRequest {
        plan,
        strategy,
        method,
        threads: Some(1),
        seed: s.seed,
    };
    if let Ok(r) = simulate(&g, &prizes, &request, None) {
        assert!(r.wins.iter().map(|w| w.wins).sum::<u64>() <= r.tickets);
        assert!(r.exact_ev_per_ticket.is_finite() && r.exact_ev_per_ticket >= 0.0);
        assert_eq!(r.gross, r.tax + r.net_winnings);
    }
}

/// A response of one of the official sources (the first byte picks which):
/// every draw it yields is a valid draw of the game, and a drawing order,
/// when given, holds exactly the draw's numbers.
pub fn official_rows(data: &[u8]) {
    use lottopro_http::sync::DrawSource;
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let source =
        [DrawSource::Api, DrawSource::Legacy, DrawSource::Mirror][usize::from(selector % 3)];
    let game = GameSpec::kr645();
    let from = u32::from(selector);
    if let Ok(rows) = source.parse(&game, body, from) {
        for row in rows {
            let numbers = row.draw.numbers().to_vec();
            assert_eq!(numbers.len(), 6);
            assert!(numbers.iter().all(|n| (1..=45).contains(n)));
            assert!(row.draw.bonus().iter().all(|b| !numbers.contains(&b)));
            if source == DrawSource::Api {
                assert!(row.draw.round() >= from, "rows before `from` are dropped");
            }
            if let Some(order) = row.order {
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, numbers);
            }
        }
    }
}

/// A response of the official 720+ results endpoint: every draw it yields
/// is valid (group 1–5, six digits that print as six characters), in round
/// order without repeats.
pub fn pension_rows(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rows) = io::read_official_pension(body) {
        assert!(!rows.is_empty(), "an empty answer is refused");
        for d in &rows {
            assert!((1..=5).contains(&d.group().get()));
            assert_eq!(d.digits().to_string().len(), 6);
            assert_eq!(d.bonus().to_string().len(), 6);
            assert!(d.round() >= 1);
        }
        assert!(rows.windows(2).all(|w| w[0].round() <= w[1].round()));
    }
}

/// The request routes a client can send a body or query to.
const ROUTES: &[(&str, &str, &str)] = &[
    ("POST", "/api/predict", "application/json"),
    ("POST", "/api/check", "application/json"),
    ("POST", "/api/tax", "application/json"),
    ("POST", "/api/numbers", "application/json"),
    ("GET", "/api/odds?game=", ""),
    ("GET", "/api/draws?", ""),
    ("GET", "/api/backtest?", ""),
    ("GET", "/api/qr?numbers=", ""),
    ("POST", "/ui/predict", "application/x-www-form-urlencoded"),
    ("POST", "/ui/tax", "application/x-www-form-urlencoded"),
    ("POST", "/ui/check", "application/x-www-form-urlencoded"),
];

/// Any body or query to any of [`ROUTES`] (the first byte picks the route)
/// through the whole router: the answer is never a server error, and an API
/// error is always problem+json.
pub fn http_bodies(data: &[u8]) {
    use std::sync::OnceLock;
    use tower::ServiceExt;
    static APP: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    let (runtime, router) = APP.get_or_init(|| {
        let history = History::simulated(
            GameSpec::kr645(),
            150,
            Date::parse("2002-12-07").expect("a date"),
            1,
        )
        .expect("a simulated history");
        let engine = std::sync::Arc::new(lottopro_core::Engine::new(history));
        let state = lottopro_http::app::AppState::with_options(
            engine,
            None,
            lottopro_http::app::Options {
                predict_limit: None,
                save_limit: None,
                ..lottopro_http::app::Options::default()
            },
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        (runtime, lottopro_http::app::app(state))
    });
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (method, path, content_type) = ROUTES[usize::from(selector) % ROUTES.len()];
    let request = if method == "GET" {
        // The rest is the query, percent-encoded as a client would send it.
        let query: String = rest
            .iter()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"=&,;._-".contains(b) {
                    char::from(*b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        axum::http::Request::get(format!("{path}{query}")).body(axum::body::Body::empty())
    } else {
        axum::http::Request::post(path)
            .header("content-type", content_type)
            .body(axum::body::Body::from(rest.to_vec()))
    };
    let Ok(request) = request else {
        return;
    };
    let response = runtime
        .block_on(router.clone().oneshot(request))
        .expect("the router is infallible");
    let status = response.status();
    // The fuzzed service has no database: a valid save is answered 503
    // ("no store"), the documented answer, after all its checks passed.
    let no_store = path == "/api/numbers" && status == axum::http::StatusCode::SERVICE_UNAVAILABLE;
    assert!(
        !status.is_server_error() || no_store,
        "{method} {path}: {status} for {rest:?}"
    );
    if status.is_client_error() && path.starts_with("/api/") {
        let ctype = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(
            ctype, "application/problem+json",
            "{method} {path}: {status}"
        );
    }
}

/// The URL of a ticket's QR code: whatever parses has a round, one to five
/// valid games, and reads the same after a round trip through the printed
/// form.
pub fn qr_url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let game = GameSpec::kr645();
    let Ok(qr) = lottopro_core::TicketQr::parse(&game, text) else {
        return;
    };
    assert!((1..=5).contains(&qr.games.len()));
    assert_eq!(qr.kinds.len(), qr.games.len());
    assert!((1..=9999).contains(&qr.round));
    let mut v = format!("{:04}", qr.round);
    for (t, k) in qr.games.iter().zip(&qr.kinds) {
        v.push(*k);
        for n in t.numbers() {
            v.push_str(&format!("{n:02}"));
        }
    }
    // The operator's serial follows the games, and is read back as it was.
    v.push_str(qr.serial.as_deref().unwrap_or(""));
    let again = lottopro_core::TicketQr::parse(
        &game,
        &format!("https://m.dhlottery.co.kr/qr.do?method=winQr&v={v}"),
    )
    .expect("a printed QR URL parses");
    assert_eq!(again, qr);
}

/// Wheel requests as the CLI takes them, `numbers;guarantee;seed` (e.g.
/// `1 5 9 13 17 21 26 30;3if4;1`): rejected with a named field, or the
/// wheel holds its guarantee by a brute force written here, with distinct
/// tickets of the chosen numbers. At most ten numbers keep each run short.
pub fn wheel_request(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, ';');
    let (numbers, guarantee) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let seed = parts.next().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(1);
    let game = GameSpec::kr645();
    let named = |e: lottopro_core::Error, fields: &[&str]| {
        let m = e.to_string();
        assert!(fields.iter().any(|f| m.starts_with(f)), "{m}");
    };
    let guarantee = match lottopro_core::Guarantee::parse(guarantee, 6) {
        Ok(g) => g,
        Err(e) => return named(e, &["guarantee"]),
    };
    let numbers = match lottopro_core::ticket::parse_numbers(numbers, "numbers", 45) {
        Ok(n) if n.len() <= 10 => n,
        Ok(_) => return,
        Err(e) => return named(e, &["numbers"]),
    };
    let wheel = match lottopro_core::Wheel::build(&game, &numbers, guarantee, seed) {
        Ok(wheel) => wheel,
        Err(e) => return named(e, &["numbers", "guarantee"]),
    };
    assert!(wheel.verified);
    let mut seen = std::collections::HashSet::new();
    for t in &wheel.tickets {
        assert_eq!(t.len(), 6);
        assert!(t.iter().all(|n| numbers.contains(n)));
        assert!(seen.insert(t.clone()), "tickets repeat");
    }
    // Every m-subset of the numbers meets some ticket in t numbers.
    let v = wheel.numbers.len();
    for mask in 0u32..(1 << v) {
        if mask.count_ones() != u32::from(guarantee.m) {
            continue;
        }
        let drawn: Vec<u8> = (0..v)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| wheel.numbers[i])
            .collect();
        assert!(
            wheel.tickets.iter().any(|t| {
                drawn.iter().filter(|n| t.contains(n)).count() >= usize::from(guarantee.t)
            }),
            "{drawn:?} is not covered"
        );
    }
}
