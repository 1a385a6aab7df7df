//! The one error type of the HTTP API: `application/problem+json` (RFC 9457).
//!
//! [`ApiError`] owns the status table. Bad input is shown to the client with
//! the field at fault; internal details (I/O, cache, a panicked worker) are
//! logged and hidden behind a generic message.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lottopro_core::{Error, ErrorKind};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem to report to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    title: &'static str,
    detail: String,
    field: Option<String>,
    /// Seconds after which a retry may succeed (`Retry-After`).
    retry_after: Option<u64>,
    /// The structured reason of an input error, for pages that say it in
    /// the player's language.
    reason: Option<lottopro_core::Reason>,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    /// A problem with an explicit status.
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            title,
            detail: detail.into(),
            field: None,
            retry_after: None,
            reason: None,
        }
    }

    /// The field at fault, when one is.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Seconds until a refused request may be tried again (429).
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The structured reason of an input error, when it has one.
    pub fn reason(&self) -> Option<&lottopro_core::Reason> {
        self.reason.as_ref()
    }

    /// Tells the client to retry after `seconds` (`Retry-After`).
    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What was wrong, as shown to the client.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// Renames the field at fault when it starts with `from` (the core's
    /// name) to start with `to` (the name the client used instead).
    pub fn rename_field(mut self, from: &str, to: &str) -> ApiError {
        if let Some(rest) = self.field.as_deref().and_then(|f| f.strip_prefix(from)) {
            let renamed = format!("{to}{rest}");
            self.detail = self.detail.replacen(from, to, 1);
            self.field = Some(renamed);
        }
        self
    }

    /// The field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    /// The history has no draws, so this route has nothing to work on.
    pub fn no_draws() -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "No draws loaded",
            "this route needs the draw history; start the service with --history FILE (and --prizes FILE), or load it with `lottopro import FILE --db DATABASE`",
        )
    }

    /// An internal failure: logged, not shown.
    pub fn internal(what: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %what, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "the request could not be completed",
        )
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let (status, title) = match e.kind() {
            // A round past the ones that can hold a ticket now is valid in
            // itself and accepted once the schedule reaches it: a conflict
            // with the present, as too few draws are.
            _ if matches!(e.reason(), Some(lottopro_core::Reason::TooFarAhead { .. })) => {
                (StatusCode::CONFLICT, "Round not open yet")
            }
            ErrorKind::InvalidInput | ErrorKind::Parse => {
                (StatusCode::BAD_REQUEST, "Invalid input")
            }
            ErrorKind::Limit => (StatusCode::UNPROCESSABLE_ENTITY, "Limit exceeded"),
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "Not found"),
            ErrorKind::History => (StatusCode::CONFLICT, "Inconsistent history"),
            ErrorKind::TooFewDraws => (StatusCode::CONFLICT, "Not enough draws"),
            // The detail of a failing dependency is logged, not shown.
            ErrorKind::Unavailable => {
                tracing::error!(error = %e, "a dependency failed");
                let service = match &e {
                    Error::Unavailable { service, .. } => *service,
                    _ => "a dependency",
                };
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service unavailable",
                    format!("the {service} is not answering; try again shortly"),
                );
            }
            _ => return ApiError::internal(e),
        };
        let field = e.field().map(str::to_owned);
        ApiError {
            status,
            title,
            detail: e.to_string(),
            field,
            retry_after: None,
            reason: e.reason().cloned(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: "about:blank",
            title: self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            field: self.field.as_deref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

/// An error response, `application/problem+json` (RFC 9457).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the body ApiError writes
pub(crate) struct Problem {
    /// Always `about:blank`.
    #[schema(rename = "type")]
    kind: String,
    /// A short summary, e.g. "Invalid input".
    title: String,
    /// The HTTP status.
    status: u16,
    /// What was wrong, for a person.
    detail: String,
    /// The request field at fault, when there is one.
    field: Option<String>,
}
