//! Web Push subscriptions: `GET /api/push/key`, `POST /api/push/subscribe`
//! and `POST /api/push/unsubscribe`, owned by the client token like saved
//! numbers; and `POST /admin/push/test`, which sends a notice to the
//! browsers of the client whose token comes with the admin token (an
//! operator trying notifications on their own browser, and the tests'
//! way to send one without a draw). See `crate::push`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lottopro_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::client::Client;
use crate::app::{Admin, ApiError, ApiJson, AppState, Problem, on_store, require_store};
use crate::push::{Notice, NotifyReport, Subscription};

/// The routes a client calls (counted against the saved-number allowance).
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(key))
        .routes(routes!(subscribe))
        .routes(routes!(unsubscribe))
}

/// The admin route.
pub(super) fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(test))
}

/// The public key browsers subscribe with.
#[derive(Serialize, ToSchema)]
struct PushKey {
    /// The VAPID public key: an uncompressed P-256 point, base64url; pass
    /// it as `applicationServerKey` to `pushManager.subscribe`.
    key: String,
}

/// The service's VAPID public key (RFC 8292).
#[utoipa::path(get, path = "/api/push/key", tag = "notifications",
    responses((status = 200, description = "the public key", body = PushKey),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn key(State(state): State<AppState>) -> Result<Json<PushKey>, ApiError> {
    let store = require_store(&state)?;
    let key = state.push().key(Some(&store)).await?;
    Ok(Json(PushKey {
        key: key.public().to_owned(),
    }))
}

/// A browser's `PushSubscription` as `JSON.stringify` gives it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SubscribeBody {
    /// The push service's URL for this browser: https, the service's host
    /// name (no IP address, port, user name or password), then its path.
    #[schema(max_length = 2048, format = "lottopro-push-endpoint")]
    endpoint: String,
    /// When the subscription expires, if the browser says (accepted, not
    /// used: a push service reports an expired subscription as gone).
    #[serde(rename = "expirationTime", default)]
    #[schema(nullable)]
    #[allow(dead_code)]
    expiration_time: Option<f64>,
    /// The browser's keys.
    keys: SubscriptionKeys,
}

/// The keys of a subscription (RFC 8291 §3).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SubscriptionKeys {
    /// The browser's P-256 public key: an uncompressed point on the curve
    /// (65 bytes), base64url.
    #[schema(format = "lottopro-p256-key")]
    p256dh: String,
    /// The browser's authentication secret: 16 bytes, base64url.
    #[schema(format = "lottopro-push-auth")]
    auth: String,
}

/// A subscription kept.
#[derive(Serialize, ToSchema)]
struct Subscribed {
    /// The endpoint now subscribed.
    endpoint: String,
    /// The client token the subscription belongs to.
    token: String,
}

/// Subscribes this browser to notifications of its client's tickets. The
/// first call of a new client issues its token, as a first save does.
#[utoipa::path(post, path = "/api/push/subscribe", tag = "notifications", request_body = SubscribeBody,
    params(("x-client-token" = Option<String>, Header, description = "the client token, if you have one")),
    responses((status = 201, description = "subscribed", body = Subscribed),
              (status = 400, description = "a bad endpoint or key (the field is named), or a malformed token", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "more than 20 subscriptions for this client, or an endpoint over 2,048 bytes", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_SAVE_NUMBERS); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn subscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SubscribeBody>,
) -> Result<Response, ApiError> {
    let subscription = Subscription::parse(
        &b.endpoint,
        &b.keys.p256dh,
        &b.keys.auth,
        state.push().config().push_local_endpoints,
    )?;
    require_store(&state)?;
    let client = Client::or_issue(&headers, &state).await?;
    let owner = client.owner(&state.options().secret);
    let target = subscription.target().clone();
    let endpoint = target.endpoint.clone();
    on_store(&state, move |s| s.subscribe_push(&owner, &target)).await?;
    let mut response = (
        StatusCode::CREATED,
        Json(Subscribed {
            endpoint,
            token: client.token().to_owned(),
        }),
    )
        .into_response();
    client.attach(&mut response);
    Ok(response)
}

/// Which subscription to end.
#[derive(Deserialize, ToSchema)]
struct UnsubscribeBody {
    /// The endpoint of the subscription (a whole `PushSubscription` is
    /// accepted too; only its endpoint is read).
    #[schema(max_length = 2048)]
    endpoint: String,
}

/// Whether a subscription was ended.
#[derive(Serialize, ToSchema)]
struct Unsubscribed {
    /// True if this client held the subscription and it is gone now.
    removed: bool,
}

/// Ends this client's subscription of an endpoint (a no-op if it holds none).
#[utoipa::path(post, path = "/api/push/unsubscribe", tag = "notifications", request_body = UnsubscribeBody,
    params(("x-client-token" = Option<String>, Header, description = "the client token")),
    responses((status = 200, description = "whether a subscription was removed", body = Unsubscribed),
              (status = 400, description = "a malformed token or body", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "an endpoint over 2,048 bytes", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_SAVE_NUMBERS); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn unsubscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<UnsubscribeBody>,
) -> Result<Json<Unsubscribed>, ApiError> {
    crate::push::check_length(&b.endpoint)?;
    require_store(&state)?;
    let Some(client) = Client::from_headers(&headers, &state).await? else {
        return Ok(Json(Unsubscribed { removed: false }));
    };
    let owner = client.owner(&state.options().secret);
    let removed = on_store(&state, move |s| s.unsubscribe_push(&owner, &b.endpoint)).await?;
    Ok(Json(Unsubscribed { removed }))
}

/// Sends `notice` to every browser the client (its token in
/// `X-Client-Token` or the cookie) has subscribed, and waits for the push
/// services' answers (each within `PUSH_TIMEOUT`).
#[utoipa::path(post, path = "/admin/push/test", tag = "admin", security(("admin" = [])), request_body = Notice,
    params(("x-client-token" = String, Header, description = "the client whose browsers are notified")),
    responses((status = 200, description = "messages sent, subscriptions gone (and dropped), messages failed", body = NotifyReport),
              (status = 400, description = "a bad notice (the field is named), or no or a malformed client token", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "a client token this service did not issue", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn test(
    _: Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(notice): ApiJson<Notice>,
) -> Result<Json<NotifyReport>, ApiError> {
    notice.payload()?;
    require_store(&state)?;
    let sent = headers.contains_key(crate::app::client::TOKEN_HEADER);
    let client = Client::from_headers(&headers, &state)
        .await?
        .ok_or_else(|| {
            if sent {
                // Well-formed but not one this service issued: there is
                // no such client to notify.
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "No such client",
                    "x-client-token: this service did not issue that token",
                )
                .with_field("x-client-token")
            } else {
                ApiError::from(Error::invalid(
                    "x-client-token",
                    "send the token of the client to notify",
                ))
            }
        })?;
    let owner = client.owner(&state.options().secret);
    Ok(Json(
        crate::push::notify(&state, vec![(owner, notice)]).await,
    ))
}
