//! The response formats of the official Korean Lotto results: the 2026
//! endpoint of the operator's site (up to ten rounds a response, every rank's
//! winners and prizes, the drawing order), its legacy endpoint (one round,
//! first prize only; the `json` format of [`super::Format`]) and the public
//! mirror's per-round JSON; and the 2026 results endpoint of Pension Lottery
//! 720+ ([`read_official_pension`]).
//!
//! Each reader turns a response body into [`OfficialDraw`] rows; every number
//! and amount goes through the core's constructors, so a row is already a
//! valid draw of the game. What the rows mean together (contiguous rounds,
//! weekly dates) is checked by whoever assembles a history from them. The
//! network side (fetching, retries, redirects) belongs to the host.
//!
//! Errors name the field `response` and say what was wrong with the body, in
//! words an operator can act on ("answered with an HTML page instead of
//! JSON", "round 1201: tm3WnNo: 46 is not a ball number").

use serde::Deserialize;
use serde_json::Value;

use super::{Format, read_draws};
use crate::date::Date;
use crate::draw::{Draw, TierResult};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::money::Money;
use crate::pension::{Digits, Group, PensionDraw};

/// A draw as an official source gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialDraw {
    /// The draw, numbers sorted.
    pub draw: Draw,
    /// The main numbers in the order they were drawn, when the source says.
    pub order: Option<Vec<u8>>,
}

/// The draws of a response of the 2026 endpoint, from round `from` on.
pub fn read_official_api(game: &GameSpec, body: &str, from: u32) -> Result<Vec<OfficialDraw>> {
    api_rows(game, body, from).map_err(response_error)
}

/// The draws of a response of the 2026 720+ results endpoint, in round
/// order (see [`pension_rows`] for its shape).
pub fn read_official_pension(body: &str) -> Result<Vec<PensionDraw>> {
    pension_rows(body).map_err(response_error)
}

/// The draw of a response of the legacy endpoint; `None` for a round it
/// does not have.
pub fn read_official_legacy(game: &GameSpec, body: &str) -> Result<Option<OfficialDraw>> {
    legacy_row(game, body).map_err(response_error)
}

/// The draw of a response of the public mirror.
pub fn read_mirror(game: &GameSpec, body: &str) -> Result<OfficialDraw> {
    mirror_row(game, body).map_err(response_error)
}

fn response_error(message: String) -> Error {
    Error::invalid("response", message)
}

/// Why a response could not be used.
fn not_json(body: &str) -> Option<String> {
    let start = body.trim_start();
    if start.starts_with('<') {
        Some(
            "answered with an HTML page instead of JSON (the site may be blocking this client)"
                .into(),
        )
    } else if start.is_empty() {
        Some("answered with an empty body".into())
    } else {
        None
    }
}

fn parse_json(body: &str) -> Result<Value, String> {
    if let Some(why) = not_json(body) {
        return Err(why);
    }
    serde_json::from_str(body).map_err(|e| format!("malformed JSON: {e}"))
}

fn amount(v: &Value, field: &str) -> Result<Option<Money>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("{field}: {n} is not a whole number"))
            .and_then(|a| Money::from_i64(a, field).map_err(|e| e.to_string()))
            .map(Some),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Money::parse(s, field).map(Some).map_err(|e| e.to_string()),
        other => Err(format!("{field}: {other} is not an amount")),
    }
}

fn count(v: &Value, field: &str) -> Result<Option<u64>, String> {
    Ok(amount(v, field)?.map(Money::get))
}

fn number(v: &Value, field: &str) -> Result<u8, String> {
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.and_then(|n| u8::try_from(n).ok())
        .ok_or_else(|| format!("{field}: {v} is not a ball number"))
}

/// Per-rank results from `(winners, per winner, total)` triples, checking
/// `per winner × winners = total` where all three are given.
fn tiers(
    round: u32,
    ranks: &[(Option<u64>, Option<Money>, Option<Money>)],
) -> Result<Vec<TierResult>, String> {
    let mut out = Vec::new();
    for (i, (winners, each, total)) in ranks.iter().enumerate() {
        let rank = u8::try_from(i + 1).unwrap_or(u8::MAX);
        let (Some(winners), Some(each)) = (winners, each) else {
            continue;
        };
        if let Some(total) = total
            && u128::from(*winners) * u128::from(each.get()) != u128::from(total.get())
        {
            return Err(format!(
                "round {round} rank {rank}: {winners} winners × {} ≠ total {}",
                each.get(),
                total.get()
            ));
        }
        out.push(TierResult {
            rank,
            winners: *winners,
            prize_each: *each,
        });
    }
    Ok(out)
}

fn build(
    game: &GameSpec,
    round: u32,
    date: Date,
    drawn: &[u8],
    bonus: u8,
    sales: Option<Money>,
    results: &[TierResult],
) -> Result<Draw, String> {
    let draw = Draw::new(game, round, date, drawn, &[bonus])
        .map_err(|e| format!("round {round}: {e}"))?
        .with_total_sales(sales);
    if results.is_empty() {
        return Ok(draw);
    }
    draw.with_results(game, results)
        .map_err(|e| format!("round {round}: {e}"))
}

/// A date written `YYYYMMDD` (text or a number), as both 2026 endpoints
/// write it.
fn yyyymmdd(v: &Value, field: &str, round: u32) -> Result<Date, String> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    (text.len() == 8 && text.is_ascii())
        .then(|| Date::parse(&format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..])).ok())
        .flatten()
        .ok_or_else(|| format!("round {round}: {field} '{text}' is not YYYYMMDD"))
}

/// The 2026 endpoint: `{"resultCode", "resultMessage", "data": {"list": [rows]}}`,
/// newest first. Rows of rounds before `from` are dropped.
fn api_rows(game: &GameSpec, body: &str, from: u32) -> Result<Vec<OfficialDraw>, String> {
    let v = parse_json(body)?;
    let list = v
        .get("data")
        .and_then(|d| d.get("list"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            let message = v
                .get("resultMessage")
                .and_then(Value::as_str)
                .unwrap_or("no data.list");
            format!("no result list ({message})")
        })?;
    let mut out = Vec::new();
    for row in list {
        let field = |name: &str| row.get(name).unwrap_or(&Value::Null);
        let round = count(field("ltEpsd"), "ltEpsd")?
            .and_then(|r| u32::try_from(r).ok())
            .ok_or("a row has no ltEpsd")?;
        if round < from {
            continue;
        }
        let drawn = (1..=6)
            .map(|i| number(field(&format!("tm{i}WnNo")), &format!("tm{i}WnNo")))
            .collect::<Result<Vec<u8>, String>>()
            .map_err(|e| format!("round {round}: {e}"))?;
        let bonus =
            number(field("bnsWnNo"), "bnsWnNo").map_err(|e| format!("round {round}: {e}"))?;
        let date = yyyymmdd(field("ltRflYmd"), "ltRflYmd", round)?;
        let ranks = (1..=5)
            .map(|r| {
                Ok((
                    count(field(&format!("rnk{r}WnNope")), "rnkWnNope")?,
                    amount(field(&format!("rnk{r}WnAmt")), "rnkWnAmt")?,
                    amount(field(&format!("rnk{r}SumWnAmt")), "rnkSumWnAmt")?,
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let results = tiers(round, &ranks)?;
        let sales = amount(field("rlvtEpsdSumNtslAmt"), "rlvtEpsdSumNtslAmt")?;
        let draw = build(game, round, date, &drawn, bonus, sales, &results)?;
        out.push(OfficialDraw {
            draw,
            order: Some(drawn),
        });
    }
    out.sort_by_key(|f| f.draw.round());
    Ok(out)
}

/// The 720+ results endpoint of the operator's site
/// (`/pt720/selectPstPt720WnList.do`, called by its results page
/// `/pt720/result`): every round from 1 in one answer, newest first,
///
/// ```text
/// {"resultCode": null, "resultMessage": null, "data": {"result": [
///   {"psltEpsd": 325, "psltRflYmd": "20260723", "wnBndNo": "3",
///    "wnRnkVl": "011391", "bnsRnkVl": "438906"}, ...]}}
/// ```
///
/// (round, draw date, winning group, winning digits, bonus digits). The
/// operator publishes no specification: this is the shape several
/// independent clients of the endpoint read, and its rows agree with the
/// bundled history where both hold a round. A group may be text or a
/// number; the six digits must be text of exactly six digits, since a
/// number would have lost its leading zeros. An answer without rows is
/// refused: the endpoint always holds every round since 2020.
fn pension_rows(body: &str) -> Result<Vec<PensionDraw>, String> {
    let v = parse_json(body)?;
    let list = v
        .get("data")
        .and_then(|d| d.get("result"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            let message = v
                .get("resultMessage")
                .and_then(Value::as_str)
                .unwrap_or("no data.result");
            format!("no result list ({message})")
        })?;
    if list.is_empty() {
        return Err("the result list is empty".into());
    }
    let mut out = Vec::with_capacity(list.len());
    for row in list {
        let field = |name: &str| row.get(name).unwrap_or(&Value::Null);
        let round = count(field("psltEpsd"), "psltEpsd")?
            .and_then(|r| u32::try_from(r).ok())
            .ok_or("a row has no psltEpsd")?;
        let at = |e: String| format!("round {round}: {e}");
        let date = yyyymmdd(field("psltRflYmd"), "psltRflYmd", round)?;
        let group = match field("wnBndNo") {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => return Err(at(format!("wnBndNo: {other} is not a group"))),
        };
        let group = Group::parse(&group, "wnBndNo").map_err(|e| at(e.to_string()))?;
        let digits = |name: &str| match field(name) {
            Value::String(s) => Digits::parse(s, name).map_err(|e| at(e.to_string())),
            other => Err(at(format!(
                "{name}: {other} is not six digits as text (a number loses its leading zeros)"
            ))),
        };
        let draw = PensionDraw::new(round, date, group, digits("wnRnkVl")?, digits("bnsRnkVl")?)
            .map_err(|e| at(e.to_string()))?;
        out.push(draw);
    }
    out.sort_by_key(PensionDraw::round);
    Ok(out)
}

/// The legacy endpoint: one object per round; `returnValue: "fail"` for a
/// round not drawn yet (`Ok(None)`).
fn legacy_row(game: &GameSpec, body: &str) -> Result<Option<OfficialDraw>, String> {
    let v = parse_json(body)?;
    if v.get("returnValue").and_then(Value::as_str) == Some("fail") {
        return Ok(None);
    }
    let draws = read_draws(body.as_bytes(), Format::Json, game).map_err(|e| e.to_string())?;
    Ok(draws
        .into_iter()
        .next()
        .map(|draw| OfficialDraw { draw, order: None }))
}

#[derive(Deserialize)]
struct MirrorResult {
    draw_no: u32,
    numbers: Vec<Value>,
    bonus_no: Value,
    date: String,
    #[serde(default)]
    divisions: Vec<Value>,
    #[serde(default)]
    total_sales_amount: Value,
}

/// The mirror: `{"draw_no", "numbers", "bonus_no", "date", "divisions":
/// [{"prize", "winners"} × 5], "total_sales_amount"}`; an empty division
/// `{}` means nobody won that rank (or, for a fresh file, not published yet).
fn mirror_row(game: &GameSpec, body: &str) -> Result<OfficialDraw, String> {
    parse_json(body)?;
    let r: MirrorResult =
        serde_json::from_str(body).map_err(|e| format!("malformed result: {e}"))?;
    let round = r.draw_no;
    let drawn = r
        .numbers
        .iter()
        .enumerate()
        .map(|(i, n)| number(n, &format!("numbers[{i}]")))
        .collect::<Result<Vec<u8>, String>>()
        .map_err(|e| format!("round {round}: {e}"))?;
    let bonus = number(&r.bonus_no, "bonus_no").map_err(|e| format!("round {round}: {e}"))?;
    let date = Date::parse(r.date.get(..10).unwrap_or(&r.date))
        .map_err(|e| format!("round {round}: date: {e}"))?;
    let published = r
        .divisions
        .iter()
        .any(|d| d.as_object().is_some_and(|o| !o.is_empty()));
    let ranks = if published {
        r.divisions
            .iter()
            .map(|d| {
                let winners = count(d.get("winners").unwrap_or(&Value::Null), "winners")?;
                let prize = amount(d.get("prize").unwrap_or(&Value::Null), "prize")?;
                Ok((
                    Some(winners.unwrap_or(0)),
                    Some(prize.unwrap_or_default()),
                    None,
                ))
            })
            .collect::<Result<Vec<_>, String>>()?
    } else {
        vec![]
    };
    let results = tiers(round, &ranks)?;
    let sales = amount(&r.total_sales_amount, "total_sales_amount")?;
    let draw = build(game, round, date, &drawn, bonus, sales, &results)?;
    Ok(OfficialDraw { draw, order: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game() -> GameSpec {
        GameSpec::kr645()
    }

    #[test]
    fn the_mirror_format_parses() {
        let body = r#"{"draw_no": 1, "numbers": [10, 23, 29, 33, 37, 40], "bonus_no": 16,
            "date": "2002-12-07T00:00:00Z",
            "divisions": [{}, {"prize": 143934100, "winners": 1}, {"prize": 5140500, "winners": 28},
                          {"prize": 113400, "winners": 2537}, {"prize": 10000, "winners": 40155}],
            "total_sales_amount": 3681782000, "winners_combination": {}}"#;
        let f = mirror_row(&game(), body).unwrap();
        assert_eq!(f.draw.round(), 1);
        assert_eq!(f.draw.numbers().to_vec(), vec![10, 23, 29, 33, 37, 40]);
        assert_eq!(f.draw.result(2).unwrap().winners, 1);
        assert_eq!(f.draw.result(1).unwrap().winners, 0);
    }

    #[test]
    fn the_pension_endpoint_reads_every_row_with_leading_zeros() {
        let body = r#"{"resultCode": null, "resultMessage": null, "data": {"result": [
            {"psltEpsd": 325, "psltRflYmd": "20260723", "wnBndNo": "3", "wnRnkVl": "011391", "bnsRnkVl": "438906"},
            {"psltEpsd": "324", "psltRflYmd": 20260716, "wnBndNo": 2, "wnRnkVl": "485216", "bnsRnkVl": "061918"}]}}"#;
        let rows = pension_rows(body).unwrap();
        let bundled = crate::pension::bundled();
        assert_eq!(
            rows,
            vec![
                *bundled.require(324).unwrap(),
                *bundled.require(325).unwrap()
            ]
        );
        for (bad, words) in [
            ("<html>blocked</html>", "HTML"),
            (r#"{"data": {"result": [{"psltEpsd": 3"#, "malformed JSON"),
            (r#"{"resultMessage": "점검 중", "data": null}"#, "점검 중"),
            (r#"{"data": {"result": []}}"#, "empty"),
            (
                r#"{"data": {"result": [{"psltRflYmd": "20260723"}]}}"#,
                "psltEpsd",
            ),
            (
                r#"{"data": {"result": [{"psltEpsd": 9, "psltRflYmd": "20260723", "wnBndNo": "6", "wnRnkVl": "011391", "bnsRnkVl": "438906"}]}}"#,
                "round 9: wnBndNo",
            ),
            (
                r#"{"data": {"result": [{"psltEpsd": 9, "psltRflYmd": "20260723", "wnBndNo": "1", "wnRnkVl": 11391, "bnsRnkVl": "438906"}]}}"#,
                "leading zeros",
            ),
            (
                r#"{"data": {"result": [{"psltEpsd": 9, "psltRflYmd": "20260723", "wnBndNo": "1", "wnRnkVl": "11391", "bnsRnkVl": "438906"}]}}"#,
                "round 9: wnRnkVl",
            ),
            (
                r#"{"data": {"result": [{"psltEpsd": 9, "psltRflYmd": "2026-07-23", "wnBndNo": "1", "wnRnkVl": "011391", "bnsRnkVl": "438906"}]}}"#,
                "YYYYMMDD",
            ),
        ] {
            let e = read_official_pension(bad).unwrap_err();
            assert_eq!(e.field(), Some("response"));
            assert!(e.to_string().contains(words), "{bad}: {e}");
        }
    }

    #[test]
    fn html_and_broken_rows_are_refused_with_a_reason() {
        let e = api_rows(&game(), "<!doctype html><html>blocked</html>", 1).unwrap_err();
        assert!(e.contains("HTML"), "{e}");
        let e = api_rows(&game(), "{\"data\": {\"list\": [", 1).unwrap_err();
        assert!(e.contains("malformed JSON"), "{e}");
        let row = r#"{"data": {"list": [{"ltEpsd": 5, "tm1WnNo": 1, "tm2WnNo": 1, "tm3WnNo": 3,
            "tm4WnNo": 4, "tm5WnNo": 5, "tm6WnNo": 6, "bnsWnNo": 7, "ltRflYmd": "20030104"}]}}"#;
        let e = api_rows(&game(), row, 1).unwrap_err();
        assert!(e.contains("round 5"), "{e}");
        let totals = r#"{"data": {"list": [{"ltEpsd": 5, "tm1WnNo": 1, "tm2WnNo": 2, "tm3WnNo": 3,
            "tm4WnNo": 4, "tm5WnNo": 5, "tm6WnNo": 6, "bnsWnNo": 7, "ltRflYmd": "20030104",
            "rnk1WnNope": 2, "rnk1WnAmt": 100, "rnk1SumWnAmt": 201}]}}"#;
        let e = api_rows(&game(), totals, 1).unwrap_err();
        assert!(e.contains("≠ total"), "{e}");
    }

    #[test]
    fn the_api_keeps_the_draw_order() {
        let row = r#"{"resultCode": "0", "data": {"list": [{"ltEpsd": 5, "tm1WnNo": 16, "tm2WnNo": 2,
            "tm3WnNo": 33, "tm4WnNo": 4, "tm5WnNo": 25, "tm6WnNo": 6, "bnsWnNo": 7, "ltRflYmd": "20030104",
            "rnk1WnNope": 2, "rnk1WnAmt": 100, "rnk1SumWnAmt": 200}]}}"#;
        let rows = api_rows(&game(), row, 1).unwrap();
        assert_eq!(rows[0].order.as_deref(), Some(&[16, 2, 33, 4, 25, 6][..]));
        assert_eq!(rows[0].draw.numbers().to_vec(), vec![2, 4, 6, 16, 25, 33]);
        assert!(
            api_rows(&game(), row, 6).unwrap().is_empty(),
            "rounds before `from` are dropped"
        );
        // The public readers name the response as the field at fault.
        let e = read_official_api(&game(), "<html>", 1).unwrap_err();
        assert_eq!(e.field(), Some("response"));
        assert!(e.to_string().contains("HTML page"), "{e}");
    }
}
