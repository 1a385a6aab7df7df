//! What every answer obeys, whoever asks: caching of personal answers,
//! the TLS cookie and HSTS, no CORS on admin routes, and the owner tag of
//! pages.
//!
//! The service worker keeps the last copy of each page for offline reading
//! (`web/static/sw.js`). It cannot read the `HttpOnly` token cookie, so each
//! page says whose it is in [`OWNER_TAG_HEADER`]: a one-way tag of the
//! player's key (or `none`), and the worker drops every kept page when the
//! tag changes — a token removed on a shared device, or another player —
//! so nobody reads the last player's tickets offline.

use axum::http::{HeaderValue, header};
use sha2::{Digest, Sha256};

use super::client::{
    TLS_TOKEN_COOKIE, TOKEN_COOKIE, TOKEN_HEADER, over_tls, owner_of_token, sent_token,
};

/// The header naming, by a tag, whose page an answer is.
pub(crate) const OWNER_TAG_HEADER: &str = "x-lottopro-owner";

/// The tag of the owner of `token`: 16 hex digits of a hash of the owner's
/// key, which the key cannot be recovered from.
fn owner_tag(secret: &[u8], token: &str) -> String {
    let owner = owner_of_token(secret, token);
    let digest = Sha256::digest(format!("lottopro-owner-tag:{owner}").as_bytes());
    crate::secret::hex(&digest[..8])
}

/// Responses that depend on who asks (saved tickets, prediction history,
/// the page that lists them) are never stored by a cache, and say which
/// request headers pick the person; admin answers never carry CORS
/// headers, whatever `CORS_ORIGINS` allows elsewhere. A request that came
/// over TLS (`X-Forwarded-Proto: https` from a trusted proxy) gets its
/// token as the `Secure`, `__Host-` cookie, and HSTS. Every page carries
/// [`OWNER_TAG_HEADER`], for the service worker (below).
///
/// One middleware, not three: cross-site writes are refused
/// ([`super::origin::cross_site`]), the request runs with its client known
/// to the heavy-work gate ([`super::work::CLIENT`]), and the answer gets the
/// policies above. Every `from_fn` layer clones the whole service stack
/// below it and boxes a future on every request; the three layers this
/// replaces cost the prediction route a tenth of its throughput.
pub(crate) async fn every_request(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let options = state.options();
    let path = request.uri().path().to_owned();
    let tls = over_tls(request.headers(), options.trust_proxy);
    // Pages are asked for with GET; other requests need no owner tag, so
    // their token is not read a second time here.
    let asked_by = if request.method() == axum::http::Method::GET {
        sent_token(request.headers(), tls).ok().flatten()
    } else {
        None
    };
    let mut response = match super::origin::cross_site(&request, &options.cors_origins) {
        Some(why) => super::origin::refused(&why),
        None => {
            let client = super::work::client_of(&request, options.trust_proxy);
            super::work::CLIENT.scope(client, next.run(request)).await
        }
    };
    apply(&mut response, &path, tls, asked_by, &options.secret);
    response
}

/// The policies of [`every_request`] on the answer to a request for `path`.
fn apply(
    response: &mut axum::response::Response,
    path: &str,
    tls: bool,
    asked_by: Option<String>,
    secret: &[u8],
) {
    let headers = response.headers_mut();
    let page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if page {
        // The token this answer leaves the browser with: a new one it
        // issues, else the one it was asked with.
        let token = headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or(asked_by);
        let tag = token.map_or_else(|| "none".to_owned(), |t| owner_tag(secret, &t));
        if let Ok(v) = HeaderValue::from_str(&tag) {
            headers.insert(OWNER_TAG_HEADER, v);
        }
    }
    if tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
        let prefix = format!("{TOKEN_COOKIE}=");
        let upgraded = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.strip_prefix(&prefix))
            .map(|rest| format!("{TLS_TOKEN_COOKIE}={rest}; Secure"))
            .and_then(|c| HeaderValue::from_str(&c).ok());
        if let Some(c) = upgraded {
            headers.insert(header::SET_COOKIE, c);
        }
    }
    let personal = path == "/"
        || path == "/tickets"
        || path.starts_with("/ui/link")
        || path.starts_with("/ui/qr")
        || path.starts_with("/api/numbers")
        || path.starts_with("/api/predictions")
        || path.starts_with("/ui/saved");
    if personal {
        headers.insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        headers.insert(
            header::VARY,
            axum::http::HeaderValue::from_static("Cookie, X-Client-Token"),
        );
    }
    if path.starts_with("/admin") {
        let cors: Vec<_> = headers
            .keys()
            .filter(|k| k.as_str().starts_with("access-control-"))
            .cloned()
            .collect();
        for k in cors {
            headers.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_tag_is_short_stable_and_shared_by_linked_devices() {
        let secret = b"a secret";
        let token = "ab".repeat(32);
        let tag = owner_tag(secret, &token);
        assert_eq!(tag.len(), 16);
        assert_eq!(tag, owner_tag(secret, &token));
        assert_ne!(tag, owner_tag(secret, &"cd".repeat(32)));
        assert!(!owner_of_token(secret, &token).contains(&tag));
    }
}
