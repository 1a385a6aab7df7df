//! The JSON API: one router per resource, merged by [`router`]. A leaf: it
//! builds on `crate::app` (state, errors, extractors, shared operations) and
//! never imports the dashboard.

mod admin;
mod analysis;
mod docs;
mod draws;
mod game;
mod metrics;
mod numbers;
mod pension;
mod popularity;
mod predictions;
mod push;
mod qr;

use utoipa_axum::router::OpenApiRouter;

use crate::app::{AppState, Limits};

pub use draws::MAX_PAGE;
pub use qr::MAX_QR_TICKETS;

/// Every API route, with the prediction and saved-number allowances of
/// `limits` on the routes that spend them.
pub(crate) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(game::router())
        .merge(limits.predictions(analysis::compute_router()))
        .merge(limits.predictions(popularity::compute_router()))
        .merge(popularity::router())
        .merge(analysis::router())
        .merge(draws::router())
        .merge(pension::router())
        .merge(limits.saves(numbers::router()))
        .merge(limits.saves(push::router()))
        .merge(push::admin_router())
        .merge(predictions::router())
        .merge(qr::router())
        .merge(admin::router())
        .merge(docs::router())
        .merge(metrics::router())
}
