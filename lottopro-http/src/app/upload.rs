//! Uploads (photos of a ticket's QR code): admitted before their body is
//! read, decoded apart from the heavy work, answered by a deadline.
//!
//! An upload takes a per-client slot ([`upload_slot`]) before its body is
//! read: one at a time per client, [`MAX_UPLOADS`] over all clients, so
//! their memory is bounded (each body is at most 8 MiB). The photo is then
//! decoded by [`read_photo`] on a thread of its own, outside the gate of
//! heavy work (a photo never makes a backtest wait, nor the reverse),
//! [`PHOTO_CONCURRENCY`] at a time. The decoder is bounded before it starts
//! (pixels and finder-pattern candidates, see `lottopro_core::qr::read_image`)
//! and checks the deadline between its steps; the waiting side enforces the
//! deadline as well, so the answer comes in time whatever the decoder does.

use std::net::IpAddr;
use std::sync::{Arc, PoisonError};

use axum::http::StatusCode;
use lottopro_core::Cancel;

use super::work::{CancelOnDrop, Gate, busy, current_client, stopped};
use super::{ApiError, AppState};

/// Photos decoded at once (each bounded to about a second of one core).
pub(crate) const PHOTO_CONCURRENCY: usize = 1;
/// Uploads whose bodies are read at once, over all clients (each at most
/// 8 MiB: this bounds their memory).
pub(crate) const MAX_UPLOADS: usize = 8;

/// A client's place among the uploads being received; see [`upload_slot`].
pub(crate) struct UploadSlot {
    gate: Arc<Gate>,
    client: IpAddr,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut uploads = self
            .gate
            .uploads
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = uploads.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                uploads.remove(&self.client);
            }
        }
    }
}

/// Admits an upload before its body is read: one at a time per client
/// (429 for a second), [`MAX_UPLOADS`] over all clients (503), both with
/// `Retry-After`. Held until the upload is answered.
pub(crate) fn upload_slot(state: &AppState) -> Result<UploadSlot, ApiError> {
    let gate = &state.gate;
    let client = current_client().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    let mut uploads = gate.uploads.lock().unwrap_or_else(PoisonError::into_inner);
    if uploads.contains_key(&client) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "One upload at a time",
            "another upload of yours is being read; send the next when it is answered",
        )
        .with_retry_after(2));
    }
    if uploads.values().sum::<usize>() >= MAX_UPLOADS {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            format!("{MAX_UPLOADS} uploads are being read; try again shortly"),
        )
        .with_retry_after(2));
    }
    uploads.insert(client, 1);
    Ok(UploadSlot {
        gate: gate.clone(),
        client,
    })
}

/// The text of the QR code in an uploaded photo
/// (`lottopro_core::qr::read_image`), decoded on a thread of its own outside
/// the gate of heavy work, [`PHOTO_CONCURRENCY`] at a time (503 after the
/// queue wait), under the work deadline: the answer comes by the deadline
/// whatever the decoder does, and the thread stops at its next step.
pub(crate) async fn read_photo(
    state: &AppState,
    photo: impl AsRef<[u8]> + Send + 'static,
) -> Result<String, ApiError> {
    let gate = &state.gate;
    let limits = gate.limits;
    let waited = tokio::time::timeout(limits.queue_wait, gate.photos.clone().acquire_owned()).await;
    let Ok(Ok(permit)) = waited else {
        return Err(busy(
            limits,
            &format!("{PHOTO_CONCURRENCY} photos are being read"),
        ));
    };
    let cancel = Cancel::with_deadline(limits.deadline);
    let _on_drop = CancelOnDrop(cancel.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("photo".into())
        .spawn(move || {
            let _permit = permit;
            let _ = tx.send(cancel.scope(|| lottopro_core::qr::read_image(photo.as_ref())));
        })
        .map_err(ApiError::internal)?;
    match tokio::time::timeout(limits.deadline, rx).await {
        Ok(Ok(result)) => result.map_err(|e| stopped(limits, e)),
        Ok(Err(e)) => Err(ApiError::internal(e)),
        Err(_) => Err(stopped(
            limits,
            lottopro_core::Error::Cancelled {
                reason: "the time allowed for it ran out".into(),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::response::IntoResponse;
    use lottopro_core::{Engine, History};

    use super::*;
    use crate::app::work::CLIENT;

    fn state() -> AppState {
        let engine = Arc::new(Engine::builder(History::bundled()).build());
        AppState::new(engine, None)
    }

    #[tokio::test]
    async fn one_upload_at_a_time_per_client() {
        let state = state();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = CLIENT.sync_scope(a, || upload_slot(&state)).ok().unwrap();
        let second = CLIENT.sync_scope(a, || upload_slot(&state)).err().unwrap();
        let second = second.into_response();
        assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(second.headers().contains_key("retry-after"));
        assert!(CLIENT.sync_scope(b, || upload_slot(&state)).is_ok());
        drop(first);
        assert!(CLIENT.sync_scope(a, || upload_slot(&state)).is_ok());
    }
}
