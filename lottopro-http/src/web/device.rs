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
use crate::app::{ApiError, AppState, Limits, on_store, require_store};
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

/// The section of My tickets. With a code (from a scanned link), it opens
/// on the confirmation: what linking will do to this device's tickets.
pub(super) async fn section(
    state: &AppState,
    client: Option<&Client>,
    t: &Text,
    code: Option<&str>,
) -> String {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let confirm = match code {
        Some(_) => format!(
            r#"<p class="warning" role="status">{}</p>"#,
            confirmation(state, client, t).await
        ),
        None => String::new(),
    };
    format!(
        r#"<section id="link"><h2>{title}</h2><p class="note">{note}</p><form id="link-form" method="post" action="/ui/link?lang={lang}" data-target="link-result"><button type="submit">{button}</button></form><div id="link-result" aria-live="polite"></div>{confirm}<form id="redeem-form" method="post" action="/ui/link/redeem?lang={lang}" data-target="saved-list"><label>{code_label} <input name="code" required autocomplete="one-time-code" autocapitalize="characters" maxlength="12" placeholder="ABCD-EFGH" value="{code}"></label><input type="hidden" name="confirm" value="{confirmed}"><div class="form-error" aria-live="assertive"></div><button type="submit">{redeem}</button></form></section>"#,
        title = t.link_title,
        note = t.link_note,
        lang = t.lang,
        button = t.link_button,
        code_label = t.code,
        code = esc(code.unwrap_or("")),
        confirmed = code.is_some(),
        redeem = if code.is_some() {
            t.week.merge_button
        } else {
            t.redeem_button
        },
    )
}

/// What linking will do to this device's tickets, in words.
async fn confirmation(state: &AppState, client: Option<&Client>, t: &Text) -> String {
    let mine = match client {
        Some(client) if state.store.is_some() => {
            let owner = client.owner(&state.options().secret);
            on_store(state, move |store| store.count_numbers(&owner))
                .await
                .unwrap_or(0)
        }
        _ => 0,
    };
    if mine == 0 {
        t.week.link_confirm_empty.to_owned()
    } else {
        super::text::week::fill(
            t.week.link_confirm,
            &[("mine", &lottopro_core::money::group_thousands(mine))],
        )
    }
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
        require_store(&state)?;
        let client = Client::from_headers(&headers, &state)
            .await?
            .ok_or_else(|| {
                ApiError::from(lottopro_core::Error::invalid("code", t.nothing_to_link))
            })?;
        let secret = &state.options().secret;
        let code = random_code(CODE_LEN);
        let (key, owner) = (link_code_key(secret, &code), client.owner(secret));
        on_store(&state, move |store| store.create_link(&key, &owner)).await?;
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
    /// `true` once the player saw what linking does to this device's tickets.
    #[serde(default)]
    confirm: String,
}

/// Dashboard: attaches this browser to the tickets of the code's owner.
/// A browser that holds tickets of its own is first told that they will be
/// merged (the code is not used up by that); once confirmed, its tickets
/// and predictions move to the other device's owner, so both see one list.
async fn ui_redeem(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<RedeemForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let unknown = || {
        ApiError::from(lottopro_core::Error::rejected(
            "code",
            lottopro_core::Reason::UnknownCode,
        ))
    };
    let result = async {
        let code = normalise(&f.code)?;
        require_store(&state)?;
        let key = link_code_key(&state.options().secret, &code);
        let me = Client::from_headers(&headers, &state).await?;
        let mine = match &me {
            Some(c) => {
                let owner = c.owner(&state.options().secret);
                on_store(&state, move |store| store.count_numbers(&owner)).await?
            }
            None => 0,
        };
        if mine > 0 && f.confirm.trim() != "true" {
            let k = key.clone();
            on_store(&state, move |store| store.peek_link(&k))
                .await?
                .ok_or_else(unknown)?;
            return Ok(Redeemed::Confirm(code));
        }
        let from = me.map(|c| c.owner(&state.options().secret));
        let owner = on_store(&state, move |store| {
            let Some(owner) = store.redeem_link(&key)? else {
                return Ok(None);
            };
            if let Some(from) = from {
                store.merge_owner(&from, &owner)?;
            }
            Ok::<_, lottopro_core::Error>(Some(owner))
        })
        .await?;
        owner.map(Redeemed::Linked).ok_or_else(unknown)
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok(Redeemed::Confirm(code)) => {
            let me = Client::from_headers(&headers, &state).await.ok().flatten();
            let words = confirmation(&state, me.as_ref(), t).await;
            let mut list = saved_fragment(&state, me.as_ref(), t).await;
            list.insert_str(
                0,
                &format!(
                    r#"<div class="warning" role="status"><p>{words}</p><form method="post" action="/ui/link/redeem?lang={}" data-target="saved-list"><input type="hidden" name="code" value="{code}"><input type="hidden" name="confirm" value="true"><button type="submit">{}</button></form></div>"#,
                    t.lang, t.week.merge_button
                ),
            );
            Fragment::ok(list).into_response()
        }
        Ok(Redeemed::Linked(owner)) => {
            let client = Client::linked(&state.options().secret, &owner);
            let list = saved_fragment(&state, Some(&client), t).await;
            let mut r = Fragment::ok(format!(
                r#"<p class="ok" role="status">{}</p>{list}"#,
                t.week.merged
            ))
            .into_response();
            client.attach(&mut r);
            r
        }
    }
}

/// What a redemption came to.
enum Redeemed {
    /// This device holds tickets: ask before merging them.
    Confirm(String),
    /// Linked to this owner.
    Linked(String),
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
