//! No cross-site writes: a request that changes state (`POST`, `PUT`,
//! `PATCH`, `DELETE` under `/api` and `/ui`) sent by a page of another site
//! is refused with 403 before any handler runs, so it never saves, deletes
//! or issues a token cookie that would replace the visitor's own.
//!
//! Browsers say where a request comes from: `Sec-Fetch-Site` (every current
//! browser) and `Origin` (on every cross-origin write). A request is refused
//! when `Sec-Fetch-Site` is `cross-site` or `same-site` (a sibling
//! subdomain is another party too), or when its `Origin` is neither this
//! service's own (the `Host` it was sent to) nor one of `CORS_ORIGINS`.
//! Requests with neither header (curl, servers, tests) are not browsers
//! carrying someone's cookie and pass.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// 403: a cross-site write, refused for `why`.
pub(crate) fn refused(why: &str) -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "Cross-site request",
        format!("{why}: this service accepts changes only from its own pages"),
    )
    .into_response()
}

/// Why `request` is a cross-site write, if it is one.
pub(crate) fn cross_site(request: &Request, allowed: &[String]) -> Option<String> {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    if !writes || !(path.starts_with("/api/") || path.starts_with("/ui/")) {
        return None;
    }
    let headers = request.headers();
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    if let Some(site @ ("cross-site" | "same-site")) = fetch_site.as_deref() {
        return Some(format!("Sec-Fetch-Site is {site}"));
    }
    let origin = headers.get(header::ORIGIN)?.to_str().unwrap_or("?");
    if allowed.iter().any(|a| a == origin) {
        return None;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let own = origin
        .split_once("://")
        .map(|(_, authority)| authority)
        .is_some_and(|authority| Some(authority) == host);
    (!own).then(|| format!("the request comes from {origin}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> Request {
        let mut r = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn writes_from_other_sites_are_refused_and_everything_else_passes() {
        let allowed = vec!["https://app.example".to_owned()];
        let host = ("host", "lotto.example:5000");
        for (r, refused) in [
            (
                request(
                    "POST",
                    "/api/numbers",
                    &[host, ("origin", "http://evil.example")],
                ),
                true,
            ),
            (
                request(
                    "POST",
                    "/ui/saved",
                    &[host, ("sec-fetch-site", "cross-site")],
                ),
                true,
            ),
            (
                request(
                    "DELETE",
                    "/api/numbers/1",
                    &[host, ("sec-fetch-site", "same-site")],
                ),
                true,
            ),
            (
                request(
                    "POST",
                    "/api/numbers",
                    &[host, ("origin", "http://lotto.example:5000")],
                ),
                false,
            ),
            (
                request(
                    "POST",
                    "/api/numbers",
                    &[host, ("origin", "https://app.example")],
                ),
                false,
            ),
            (
                request(
                    "POST",
                    "/ui/saved",
                    &[host, ("sec-fetch-site", "same-origin")],
                ),
                false,
            ),
            (request("POST", "/api/check", &[host]), false),
            (
                request(
                    "GET",
                    "/api/numbers",
                    &[host, ("origin", "http://evil.example")],
                ),
                false,
            ),
            (
                request(
                    "POST",
                    "/admin/sync",
                    &[host, ("origin", "http://evil.example")],
                ),
                false,
            ),
        ] {
            let what = format!("{} {} {:?}", r.method(), r.uri(), r.headers());
            assert_eq!(cross_site(&r, &allowed).is_some(), refused, "{what}");
        }
    }
}
