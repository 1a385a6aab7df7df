//! Extractors whose rejections are problem+json responses, and the proof of
//! an admin token.
//!
//! The admin token is read from the `Authorization` header only, never from
//! a query string or cookie (URLs end up in logs and browser history), and
//! is compared in constant time. Without `ADMIN_TOKEN` the admin routes
//! answer 401.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{ApiError, AppState};
use crate::secret::same_secret;

/// A JSON body whose rejection is a problem+json response.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(r: &JsonRejection) -> ApiError {
    let status = r.status();
    let title = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        "Body too large"
    } else {
        "Invalid JSON body"
    };
    ApiError::new(status, title, r.body_text()).with_field("body")
}

/// Query parameters whose rejection is a problem+json response.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(query_rejection(&r)),
        }
    }
}

fn query_rejection(r: &QueryRejection) -> ApiError {
    ApiError::new(r.status(), "Invalid query", r.body_text()).with_field("query")
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
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match given {
            Some(token) if same_secret(token.as_bytes(), expected.as_bytes()) => Ok(Admin),
            Some(_) => Err(unauthorized("the bearer token is not the admin token")),
            None => Err(unauthorized("send Authorization: Bearer <ADMIN_TOKEN>")),
        }
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
