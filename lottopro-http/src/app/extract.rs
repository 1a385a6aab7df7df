//! Extractors whose rejections are problem+json responses, and the proof of
//! an admin token.
//!
//! The admin token is read from the `Authorization` header only, never from
//! a query string or cookie (URLs end up in logs and browser history), and
//! is compared in constant time. Without `ADMIN_TOKEN` the admin routes
//! answer 401.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{ApiError, AppState};
use crate::secret::same_secret;

/// A JSON body whose rejection is a problem+json response.
///
/// An integral number written with a fraction (`3.0`, `1e2`) is read as the
/// integer it is: JSON Schema counts `3.0` as an integer, so a client that
/// writes every number as a double is within the contract, while serde's
/// integer types refuse it. Any other number reaches the target type as is.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Invalid JSON body",
                "Expected request with `Content-Type: application/json`",
            )
            .with_field("body"));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                let title = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "Body too large"
                } else {
                    "Invalid JSON body"
                };
                ApiError::new(r.status(), title, r.body_text()).with_field("body")
            })?;
        // A body with no fraction or exponent anywhere (most of them) reads
        // straight into its type. Any other, and one that does not read,
        // takes the detour through a value: integral floats become integers
        // there (whatever the field's type, `Value` included), and an error
        // names the path of the field at fault.
        let plain_numbers = !bytes.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
        if plain_numbers && let Ok(v) = serde_json::from_slice::<T>(&bytes) {
            return Ok(ApiJson(v));
        }
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "Invalid JSON body",
                format!("Failed to parse the request body as JSON: {e}"),
            )
            .with_field("body")
        })?;
        integral_floats_as_integers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid JSON body",
                    format!("Failed to deserialize the JSON body into the target type: {e}"),
                )
                .with_field("body")
            })
    }
}

/// `application/json` or `application/*+json`, as axum's `Json` accepts.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json"
        || media
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"))
}

/// Rewrites every float in `v` with no fractional part, within the range of
/// `i64` or `u64`, as that integer.
fn integral_floats_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // 2^63 and 2^64 are exact as f64; the bounds are half-open.
            if f.fract() == 0.0 {
                if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
                    *v = Value::from(f as u64);
                } else if (-9_223_372_036_854_775_808.0..0.0).contains(&f) {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Query parameters whose rejection is a problem+json response.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs)
            .map(ApiQuery)
            .map_err(|e| query_rejection(&e))
    }
}

/// A query that does not deserialize, naming the parameter at fault (or
/// `query` when the fault is not one parameter's).
fn query_rejection(e: &serde_path_to_error::Error<serde_urlencoded::de::Error>) -> ApiError {
    let path = e.path().to_string();
    let field = if path == "." {
        "query".to_owned()
    } else {
        path
    };
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "Invalid query",
        format!("{field}: {}", e.inner()),
    )
    .with_field(field)
}

/// Proof that the request carried the admin token: every admin handler
/// takes one, so none can run without the check.
pub(crate) struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, Response> {
        let Some(expected) = state.options().admin_token.as_deref() else {
            return Err(unauthorized(
                "the admin routes are off: no ADMIN_TOKEN is set",
            ));
        };
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        let client = super::client::address(&parts.headers, peer, state.options().trust_proxy);
        if let Some(wait) = state.admin_failures.locked(client) {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed attempts",
                format!("too many wrong admin tokens from this client; retry in {wait} s"),
            )
            .with_retry_after(wait)
            .into_response());
        }
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let refusal = match given {
            Some(token) if same_secret(token.as_bytes(), expected.as_bytes()) => return Ok(Admin),
            Some(_) => "the bearer token is not the admin token",
            None => "send Authorization: Bearer <ADMIN_TOKEN>",
        };
        tracing::warn!(target: "admin", %client, path = %parts.uri.path(), "admin authentication failed: {refusal}");
        state.admin_failures.failed(client);
        Err(unauthorized(refusal))
    }
}

/// Failed admin authentications per client: after [`AdminFailures::ALLOWED`]
/// in a minute the client is locked out of the admin routes (429 with
/// `Retry-After`, even with the right token) until the minute has passed.
#[derive(Debug, Default)]
pub(crate) struct AdminFailures {
    clients:
        std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>>,
}

impl AdminFailures {
    /// Wrong tokens a client may send within a minute.
    pub(crate) const ALLOWED: u32 = 30;
    const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

    /// Seconds until `client` may try again, if it is locked out.
    fn locked(&self, client: std::net::IpAddr) -> Option<u64> {
        let key = super::client::limit_key(client);
        let clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (since, count) = clients.get(&key)?;
        let left = Self::WINDOW.checked_sub(since.elapsed())?;
        (*count >= Self::ALLOWED).then(|| left.as_secs() + 1)
    }

    fn failed(&self, client: std::net::IpAddr) {
        let key = super::client::limit_key(client);
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if clients.len() > 10_000 {
            clients.retain(|_, (since, _)| since.elapsed() < Self::WINDOW);
        }
        let entry = clients.entry(key).or_insert((std::time::Instant::now(), 0));
        if entry.0.elapsed() >= Self::WINDOW {
            *entry = (std::time::Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

fn unauthorized(detail: &str) -> Response {
    let mut r = ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail).into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"lottopro admin\""),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::integral_floats_as_integers;
    use serde_json::json;

    #[test]
    fn integral_floats_become_integers_and_nothing_else_changes() {
        let mut v = json!({"n": [3.0, 1e2, 2.5, -4.0, 1e30, "7.0"], "s": 18446744073709551615.0});
        integral_floats_as_integers(&mut v);
        assert_eq!(
            v,
            json!({"n": [3, 100, 2.5, -4, 1e30, "7.0"], "s": 18446744073709551615.0})
        );
        assert!(v["n"][0].is_u64() && v["n"][3].is_i64() && v["s"].is_f64());
    }
}
