//! Moving My tickets to another device without an account: the first
//! browser asks for a one-time code (shown as text and as a QR code of the
//! address that redeems it), the second enters or scans it within
//! [`LINK_TTL_SECS`] and from then on sees the same tickets and prediction
//! history. A code works once; the store keeps only its keyed hash (see
//! `store::links` and the linked tokens of `app::client`).

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use qrcode::QrCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm};
use super::tickets::saved_fragment;
use super::{LangQuery, Text, esc, text_for};
use crate::app::client::{Client, link_code_key};
use crate::app::{ApiError, AppState, Limits, require_store};
use crate::secret::{CODE_ALPHABET, random_code};
use crate::store::LINK_TTL_SECS;

/// Characters of a code.
const CODE_LEN: usize = 8;

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    // Both spend the save allowance: a guess at a code costs what a save does.
    limits.saves(
        OpenApiRouter::new()
            .route("/ui/link", post(ui_link))
            .route("/ui/link/redeem", post(ui_redeem)),
    )
}

/// The section of My tickets.
pub(super) fn section(t: &Text, code: Option<&str>) -> String {
    format!(
        r#"<section id="link"><h2>{title}</h2><p class="note">{note}</p><form id="link-form" method="post" action="/ui/link?lang={lang}" data-target="link-result"><button type="submit">{button}</button></form><div id="link-result" aria-live="polite"></div><form id="redeem-form" method="post" action="/ui/link/redeem?lang={lang}" data-target="saved-list"><label>{code_label} <input name="code" required autocomplete="one-time-code" autocapitalize="characters" maxlength="12" placeholder="ABCD-EFGH" value="{code}"></label><button type="submit">{redeem}</button></form></section>"#,
        title = t.link_title,
        note = t.link_note,
        lang = t.lang,
        button = t.link_button,
        code_label = t.code,
        code = esc(code.unwrap_or("")),
        redeem = t.redeem_button,
    )
}

/// A code as typed: letters upper-cased, spaces and dashes dropped; an
/// error naming `code` unless it is [`CODE_LEN`] characters of the alphabet.
fn normalise(code: &str) -> Result<String, ApiError> {
    let c: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.len() == CODE_LEN && c.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        Ok(c)
    } else {
        Err(lottopro_core::Error::invalid(
            "code",
            format!(
                "is not a link code ({CODE_LEN} letters and digits, as shown on the other device)"
            ),
        )
        .into())
    }
}

/// The address the page was reached at, for the code's QR: the `Host`
/// header if it is a plain host name (and port), else nothing.
fn origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    plain.then(|| format!("{}://{host}", if https { "https" } else { "http" }))
}

/// Dashboard: a new one-time code for this browser's tickets.
async fn ui_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let store = require_store(&state)?;
        let client = Client::from_headers(&headers, &state)
            .await?
            .ok_or_else(|| {
                ApiError::from(lottopro_core::Error::invalid("code", t.nothing_to_link))
            })?;
        let secret = &state.options().secret;
        let code = random_code(CODE_LEN);
        let (key, owner) = (link_code_key(secret, &code), client.owner(secret));
        tokio::task::spawn_blocking(move || store.create_link(&key, &owner))
            .await
            .map_err(ApiError::internal)??;
        Ok::<_, ApiError>(code)
    }
    .await;
    let code = match result {
        Ok(c) => c,
        Err(e) => return Fragment::error(t, e),
    };
    let shown = format!("{}-{}", &code[..4], &code[4..]);
    let qr = origin(&headers)
        .and_then(|o| QrCode::new(format!("{o}/tickets?code={code}")).ok())
        .map(|c| {
            c.render::<qrcode::render::svg::Color<'_>>()
                .quiet_zone(true)
                .min_dimensions(160, 160)
                .build()
        })
        .map(|svg| {
            // The document's XML prolog is not allowed inside HTML.
            let start = svg.find("<svg").unwrap_or(0);
            format!(
                r#"<figure class="link-qr" role="img" aria-label="QR {shown}">{}</figure>"#,
                &svg[start..]
            )
        })
        .unwrap_or_default();
    Fragment::ok(format!(
        r#"<div class="link"><p class="code"><strong>{shown}</strong></p>{qr}<p class="note">{} {} min.</p></div>"#,
        t.link_expires,
        LINK_TTL_SECS / 60
    ))
}

#[derive(Deserialize)]
struct RedeemForm {
    code: String,
}

/// Dashboard: attaches this browser to the tickets of the code's owner.
async fn ui_redeem(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<RedeemForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let code = normalise(&f.code)?;
        let store = require_store(&state)?;
        let key = link_code_key(&state.options().secret, &code);
        let owner = tokio::task::spawn_blocking(move || store.redeem_link(&key))
            .await
            .map_err(ApiError::internal)??;
        owner.ok_or_else(|| {
            ApiError::from(lottopro_core::Error::invalid(
                "code",
                "is unknown, already used or expired: ask the other device for a new one",
            ))
        })
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok(owner) => {
            let client = Client::linked(&state.options().secret, &owner);
            let list = saved_fragment(&state, Some(&client), t).await;
            let mut r = Fragment::ok(format!(
                r#"<p class="ok" role="status">{}</p>{list}"#,
                t.linked
            ))
            .into_response();
            client.attach(&mut r);
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(normalise("abcd-efgh").unwrap(), "ABCDEFGH");
        assert_eq!(normalise(" ABCD EFGH ").unwrap(), "ABCDEFGH");
        for bad in ["ABCDEFG", "ABCDEFGH2", "ABCD-EFG0", "ABCDEFG1", ""] {
            let e = normalise(bad).unwrap_err();
            assert!(e.detail().contains("code"), "{bad}: {}", e.detail());
        }
        let code = random_code(CODE_LEN);
        assert_eq!(normalise(&code).unwrap(), code);
    }
}
