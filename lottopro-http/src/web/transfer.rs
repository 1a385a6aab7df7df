//! My tickets out and back in: the list exported as CSV (formula-safe
//! cells) or JSON, and an export imported again without duplicates (see
//! `tickets`).

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use lottopro_core::Ticket;
use lottopro_core::money::group_thousands;
use serde::Deserialize;

use super::forms::Fragment;
use super::slip::multipart_error;
use super::tickets::{known_client, list_response, status};
use super::{LangQuery, text_for};
use crate::app::client::Client;
use crate::app::{ApiError, AppState, Limits, on_store, require_store, unix_now};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

/// The largest import file.
const MAX_IMPORT_BYTES: usize = 512 * 1024;

/// The routes: an import spends the save allowance.
pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            limits.saves(
                OpenApiRouter::new()
                    .route("/ui/saved/import", post(ui_import))
                    .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
            ),
        )
        .route("/ui/saved/export", get(ui_export))
}

#[derive(Deserialize)]
struct ExportQuery {
    format: Option<String>,
}

/// The columns of an export, in order.
const EXPORT_COLUMNS: [&str; 7] = [
    "round", "letter", "choice", "numbers", "label", "slip", "claimed",
];

/// A CSV cell, quoted, and kept from being read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a
/// `'` in front, as OWASP recommends).
fn csv_cell(v: &str) -> String {
    let safe = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    format!("\"{}\"", safe.replace('"', "\"\""))
}

/// My tickets as CSV or JSON, to keep or to import elsewhere.
async fn ui_export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let format = q.format.as_deref().unwrap_or("csv");
        if !matches!(format, "csv" | "json") {
            return Err(ApiError::from(lottopro_core::Error::invalid(
                "format",
                format!("'{format}' is not csv or json"),
            )));
        }
        let client = known_client(&state, &headers).await?;
        let owner = client.owner(&state.options().secret);
        let saved = on_store(&state, move |store| store.saved_numbers(&owner)).await?;
        let rows: Vec<[String; 7]> = saved
            .iter()
            .map(|s| {
                [
                    s.round.map(|r| r.to_string()).unwrap_or_default(),
                    s.letter.clone().unwrap_or_default(),
                    s.choice.clone().unwrap_or_default(),
                    s.numbers.clone(),
                    s.label.clone(),
                    s.slip.clone().unwrap_or_default(),
                    s.claimed_at.is_some().to_string(),
                ]
            })
            .collect();
        let (body, mime, ext) = if format == "json" {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    EXPORT_COLUMNS
                        .iter()
                        .zip(r)
                        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
                        .collect::<serde_json::Map<_, _>>()
                        .into()
                })
                .collect();
            (
                serde_json::to_string_pretty(&list).unwrap_or_default(),
                "application/json",
                "json",
            )
        } else {
            let mut csv = EXPORT_COLUMNS.join(",");
            csv.push_str("\r\n");
            for r in &rows {
                let cells: Vec<String> = r.iter().map(|c| csv_cell(c)).collect();
                csv.push_str(&cells.join(","));
                csv.push_str("\r\n");
            }
            (csv, "text/csv; charset=utf-8", "csv")
        };
        Ok::<_, ApiError>((body, mime, ext))
    }
    .await;
    match result {
        Err(e) => e.into_response(),
        Ok((body, mime, ext)) => (
            [
                (header::CONTENT_TYPE, mime.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"lottopro-tickets.{ext}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
    }
}

/// One row of an imported file.
#[derive(Debug)]
struct ImportRow {
    round: Option<u32>,
    letter: Option<String>,
    choice: Option<String>,
    numbers: String,
    label: String,
    slip: Option<String>,
}

/// Reads an export back (CSV with the export's header, or its JSON); an
/// error names the line or item.
fn parse_import(text: &str) -> Result<Vec<ImportRow>, lottopro_core::Error> {
    let bad = |at: String, m: String| lottopro_core::Error::invalid("file", format!("{at}: {m}"));
    let records: Vec<(String, Vec<(String, String)>)> = if text.trim_start().starts_with('[') {
        let items: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(text).map_err(|e| bad("JSON".into(), e.to_string()))?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let fields = m
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (k, v)
                    })
                    .collect();
                (format!("item {}", i + 1), fields)
            })
            .collect()
    } else {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad("line 1".into(), e.to_string()))?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut out = Vec::new();
        for (i, r) in reader.records().enumerate() {
            let r = r.map_err(|e| bad(format!("line {}", i + 2), e.to_string()))?;
            let fields = header
                .iter()
                .cloned()
                .zip(
                    r.iter()
                        .map(|c| c.strip_prefix('\'').unwrap_or(c).to_owned()),
                )
                .collect();
            out.push((format!("line {}", i + 2), fields));
        }
        out
    };
    records
        .into_iter()
        .map(|(at, fields)| {
            let get = |k: &str| {
                fields
                    .iter()
                    .find(|(name, _)| name == k)
                    .map(|(_, v)| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            };
            let numbers = get("numbers").ok_or_else(|| bad(at.clone(), "has no numbers".into()))?;
            let round = get("round")
                .map(|r| {
                    r.parse::<u32>()
                        .ok()
                        .filter(|r| *r > 0)
                        .ok_or_else(|| bad(at.clone(), format!("round '{r}' is not a round")))
                })
                .transpose()?;
            Ok(ImportRow {
                round,
                letter: get("letter"),
                choice: get("choice"),
                numbers,
                label: get("label").unwrap_or_default(),
                slip: get("slip"),
            })
        })
        .collect()
}

/// Dashboard: imports an export (CSV or JSON); tickets already held are
/// not stored twice.
async fn ui_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let mut m = multipart
            .map_err(|r| ApiError::from(lottopro_core::Error::invalid("file", r.body_text())))?;
        let mut text = None;
        while let Some(field) = m.next_field().await.map_err(multipart_error("file"))? {
            if field.name() == Some("file") {
                text = Some(field.text().await.map_err(multipart_error("file"))?);
            }
        }
        let text = text.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
            ApiError::from(lottopro_core::Error::invalid(
                "file",
                "choose a file exported from My tickets (CSV or JSON)",
            ))
        })?;
        let rows = parse_import(&text)?;
        let game = state.engine.game();
        let now = unix_now();
        let history = state.engine.history();
        let mut slips = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let at = |e: lottopro_core::Error| {
                ApiError::from(lottopro_core::Error::invalid(
                    "file",
                    format!("row {}: {e}", i + 1),
                ))
            };
            let ticket = Ticket::parse(&game, &r.numbers).map_err(at)?;
            if let Some(round) = r.round {
                history.saveable_round(round, now).map_err(at)?;
            }
            slips.push((ticket, r));
        }
        let client = Client::or_issue(&headers, &state).await?;
        require_store(&state)?;
        let owner = client.owner(&state.options().secret);
        let entries: Vec<crate::store::Imported> = slips
            .into_iter()
            .map(|(ticket, r)| crate::store::Imported {
                ticket,
                round: r.round,
                letter: r.letter.clone(),
                choice: r.choice.clone(),
                label: r.label.clone(),
                slip: r.slip.clone(),
            })
            .collect();
        let (added, skipped) = on_store(&state, move |store| {
            store.import_numbers(&owner, &game, &entries)
        })
        .await?;
        Ok::<_, ApiError>((client, added, skipped))
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok((client, added, skipped)) => {
            let notice = status(
                "ok",
                &format!(
                    "{} {} · {} {}",
                    t.week.imported,
                    group_thousands(added),
                    t.week.already_saved,
                    group_thousands(skipped)
                ),
            );
            list_response(&state, &client, t, &notice).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_become_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("@SUM"), "\"'@SUM\"");
        assert_eq!(csv_cell("3 11 17"), "\"3 11 17\"");
        // Read back, the guard is dropped again.
        let rows = parse_import(&format!(
            "round,letter,choice,numbers,label,slip,claimed\r\n{},\"A\",\"q\",\"1 2 3 4 5 6\",{},\"\",\"false\"\r\n",
            csv_cell("1254"),
            csv_cell("=cmd")
        ))
        .unwrap();
        assert_eq!(rows[0].label, "=cmd");
        assert_eq!(rows[0].round, Some(1254));
    }

    #[test]
    fn imports_name_the_row_at_fault() {
        let e = parse_import("round,numbers\n12x,1 2 3 4 5 6\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("file: line 2: round '12x'"), "{e}");
        let e = parse_import("[{\"round\": \"5\"}]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("item 1: has no numbers"), "{e}");
        let rows = parse_import("[{\"round\": 1254, \"numbers\": \"1 2 3 4 5 6\"}]").unwrap();
        assert_eq!(rows[0].round, Some(1254));
    }
}
