//! One push message to one subscription: encrypted (RFC 8291, aes128gcm),
//! signed (RFC 8292, VAPID), POSTed to the endpoint (RFC 8030 §5), and the
//! push service's answer classified.

use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use web_push_native::jwt_simple::algorithms::{
    ECDSAP256KeyPairLike, ECDSAP256PublicKeyLike, ES256KeyPair,
};
use web_push_native::jwt_simple::claims::Claims;
use web_push_native::{Auth, WebPushBuilder, p256};

use crate::store::PushTarget;

/// How long a push service keeps a message for a browser that is offline
/// (the `TTL` header), and how long the VAPID signature is valid (RFC 8292
/// allows at most 24 hours).
pub const MESSAGE_TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// What a push service said about one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted (2xx; RFC 8030 answers 201 Created).
    Sent,
    /// The subscription no longer exists (404 or 410): it is dropped.
    Gone,
    /// Anything else: refused, a server error, no answer within the
    /// deadline, a network failure. The subscription is kept.
    Failed(String),
}

impl Outcome {
    /// The outcome of an HTTP status from a push service.
    pub fn of_status(status: u16) -> Outcome {
        match status {
            200..=299 => Outcome::Sent,
            404 | 410 => Outcome::Gone,
            s => Outcome::Failed(format!("the push service answered {s}")),
        }
    }

    /// The metric label.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Gone => "gone",
            Outcome::Failed(_) => "failed",
        }
    }
}

/// The application server's VAPID key pair (RFC 8292 §3).
pub struct VapidKey {
    pair: ES256KeyPair,
    public: String,
}

impl std::fmt::Debug for VapidKey {
    /// The public key only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// A new random key pair.
    pub fn generate() -> VapidKey {
        VapidKey::from_pair(ES256KeyPair::generate())
    }

    /// The key pair of a private key: 32 bytes, base64url. `field` names
    /// where it came from in an error.
    pub fn from_private(field: &str, text: &str) -> lottopro_core::Result<VapidKey> {
        let bytes = Base64UrlUnpadded::decode_vec(text.trim().trim_end_matches('='))
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                lottopro_core::Error::invalid(
                    field,
                    "must be a P-256 private key: 32 bytes, base64url",
                )
            })?;
        let pair = ES256KeyPair::from_bytes(&bytes).map_err(|_| {
            lottopro_core::Error::invalid(field, "is not a valid P-256 private key")
        })?;
        Ok(VapidKey::from_pair(pair))
    }

    fn from_pair(pair: ES256KeyPair) -> VapidKey {
        let public = Base64UrlUnpadded::encode_string(
            &pair.public_key().public_key().to_bytes_uncompressed(),
        );
        VapidKey { pair, public }
    }

    /// The private key, base64url (what the store keeps).
    pub fn private(&self) -> String {
        Base64UrlUnpadded::encode_string(&self.pair.to_bytes())
    }

    /// The public key, base64url of the uncompressed point: the
    /// `applicationServerKey` browsers subscribe with.
    pub fn public(&self) -> &str {
        &self.public
    }
}

/// The VAPID `Authorization` header for `endpoint` (RFC 8292 §3): a JWT
/// for the endpoint's origin, signed with ES256, and the public key.
///
/// Signed here rather than by `web-push-native`, whose audience leaves out
/// the port: a push service on a port other than its scheme's default
/// (the loopback stand-in of the tests) would be given the wrong origin.
fn vapid(endpoint: &axum::http::Uri, key: &VapidKey, subject: &str) -> Result<String, String> {
    let scheme = endpoint.scheme_str().ok_or("endpoint: no scheme")?;
    let host = endpoint.host().ok_or("endpoint: no host")?;
    let origin = match (scheme, endpoint.port_u16()) {
        ("https", Some(443)) | ("http", Some(80)) | (_, None) => format!("{scheme}://{host}"),
        (_, Some(port)) => format!("{scheme}://{host}:{port}"),
    };
    let claims = Claims::create(MESSAGE_TTL.into())
        .with_audience(origin)
        .with_subject(subject);
    let token = key
        .pair
        .sign(claims)
        .map_err(|e| format!("cannot sign the VAPID token: {e}"))?;
    Ok(format!("vapid t={token}, k={}", key.public))
}

/// The request that delivers `payload` to `target`, signed by `key` with
/// `subject` as the contact (`mailto:` or `https:`).
pub(super) fn request(
    target: &PushTarget,
    payload: &[u8],
    key: &VapidKey,
    subject: &str,
) -> Result<reqwest::Request, String> {
    let endpoint: axum::http::Uri = target
        .endpoint
        .parse()
        .map_err(|e| format!("endpoint: {e}"))?;
    let authorization = vapid(&endpoint, key, subject)?;
    let ua_public = Base64UrlUnpadded::decode_vec(&target.p256dh)
        .ok()
        .and_then(|b| p256::PublicKey::from_sec1_bytes(&b).ok())
        .ok_or("keys.p256dh: not a P-256 key")?;
    let auth = Base64UrlUnpadded::decode_vec(&target.auth)
        .ok()
        .filter(|b| b.len() == 16)
        .map(|b| Auth::clone_from_slice(&b))
        .ok_or("keys.auth: not a 16-byte secret")?;
    let request = WebPushBuilder::new(endpoint, ua_public, auth)
        .with_valid_duration(MESSAGE_TTL)
        .build(payload.to_vec())
        .map_err(|e| format!("cannot encrypt the message: {e}"))?;
    let mut request = reqwest::Request::try_from(request).map_err(|e| e.to_string())?;
    let headers = request.headers_mut();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::try_from(authorization).map_err(|e| e.to_string())?,
    );
    headers.insert(
        "urgency",
        reqwest::header::HeaderValue::from_static("normal"),
    );
    Ok(request)
}

/// Sends one message with `client` (whose connect and read deadlines bound
/// the wait) and classifies the answer.
pub(super) async fn send(
    client: &reqwest::Client,
    target: &PushTarget,
    payload: &[u8],
    key: &VapidKey,
    subject: &str,
) -> Outcome {
    let request = match request(target, payload, key, subject) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    match client.execute(request).await {
        Ok(response) => Outcome::of_status(response.status().as_u16()),
        Err(e) if e.is_timeout() => Outcome::Failed("no answer within the deadline".into()),
        Err(e) if e.is_connect() => Outcome::Failed("cannot connect to the push service".into()),
        Err(e) => Outcome::Failed(format!("network: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vapid_audience_is_the_endpoints_origin() {
        let key = VapidKey::generate();
        for (endpoint, origin) in [
            ("https://push.example:443/a", "https://push.example"),
            ("https://push.example:8443/a", "https://push.example:8443"),
            ("http://127.0.0.1:9000/a/b", "http://127.0.0.1:9000"),
        ] {
            let header = vapid(&endpoint.parse().unwrap(), &key, "mailto:a@b.example").unwrap();
            let token = header["vapid t=".len()..header.find(',').unwrap()].to_owned();
            let claims = key
                .pair
                .public_key()
                .verify_token::<web_push_native::jwt_simple::claims::NoCustomClaims>(&token, None)
                .unwrap();
            assert_eq!(
                claims.audiences.unwrap().into_string().unwrap(),
                origin,
                "{endpoint}"
            );
        }
    }

    #[test]
    fn statuses_are_classified_per_rfc_8030() {
        assert_eq!(Outcome::of_status(201), Outcome::Sent);
        assert_eq!(Outcome::of_status(202), Outcome::Sent);
        assert_eq!(Outcome::of_status(404), Outcome::Gone);
        assert_eq!(Outcome::of_status(410), Outcome::Gone);
        for kept in [400, 401, 403, 413, 429, 500, 503] {
            assert!(
                matches!(Outcome::of_status(kept), Outcome::Failed(_)),
                "{kept}"
            );
        }
    }

    #[test]
    fn a_key_round_trips_through_its_private_form() {
        let key = VapidKey::generate();
        let again = VapidKey::from_private("VAPID_PRIVATE_KEY", &key.private()).unwrap();
        assert_eq!(key.public(), again.public());
        assert_eq!(
            Base64UrlUnpadded::decode_vec(key.public()).unwrap().len(),
            65
        );
        for bad in ["", "short", &"A".repeat(43), "!!!"] {
            let e = VapidKey::from_private("VAPID_PRIVATE_KEY", bad).unwrap_err();
            assert_eq!(e.field(), Some("VAPID_PRIVATE_KEY"), "{bad:?}");
        }
    }

    #[test]
    fn the_request_is_encrypted_for_the_subscription_and_signed() {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let browser = p256::SecretKey::from_slice(&ES256KeyPair::generate().to_bytes()).unwrap();
        let auth = [7u8; 16];
        let target = PushTarget {
            endpoint: "https://push.example/sub/1".into(),
            p256dh: Base64UrlUnpadded::encode_string(
                browser.public_key().to_encoded_point(false).as_bytes(),
            ),
            auth: Base64UrlUnpadded::encode_string(&auth),
        };
        let key = VapidKey::generate();
        let request = request(
            &target,
            b"{\"title\":\"x\"}",
            &key,
            "mailto:ops@example.org",
        )
        .unwrap();
        assert_eq!(request.url().as_str(), "https://push.example/sub/1");
        let h = request.headers();
        assert_eq!(h["content-encoding"], "aes128gcm");
        assert_eq!(h["ttl"], MESSAGE_TTL.as_secs().to_string().as_str());
        let vapid = h["authorization"].to_str().unwrap();
        assert!(vapid.starts_with("vapid t="), "{vapid}");
        assert!(vapid.ends_with(&format!(", k={}", key.public())), "{vapid}");
        let claims = key
            .pair
            .public_key()
            .verify_token::<web_push_native::jwt_simple::claims::NoCustomClaims>(
                vapid[8..vapid.find(',').unwrap()].trim(),
                None,
            )
            .unwrap();
        assert_eq!(
            claims.audiences.unwrap().into_string().unwrap(),
            "https://push.example"
        );
        assert_eq!(claims.subject.as_deref(), Some("mailto:ops@example.org"));
        let body = request.body().and_then(|b| b.as_bytes()).unwrap().to_vec();
        let plain =
            web_push_native::decrypt(body, &browser, &Auth::clone_from_slice(&auth)).unwrap();
        assert_eq!(plain, b"{\"title\":\"x\"}");
    }
}
