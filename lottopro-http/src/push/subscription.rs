//! A browser's push subscription, validated: the endpoint the push service
//! gave it and its two keys (RFC 8291 §3: a P-256 public key and a 16-byte
//! authentication secret). Errors name the field of the browser's
//! `PushSubscription` JSON (`endpoint`, `keys.p256dh`, `keys.auth`).

use std::net::IpAddr;

use base64ct::{Base64UrlUnpadded, Encoding};
use lottopro_core::{Error, Result};
use web_push_native::p256;

use crate::store::PushTarget;

/// The longest endpoint accepted, in bytes.
pub const MAX_ENDPOINT_BYTES: usize = 2048;

/// A subscription whose fields have been checked; see [`Subscription::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription(PushTarget);

impl Subscription {
    /// Checks a subscription as a browser sends it. The endpoint must be
    /// `https` with a public host; `allow_local` also accepts `http` and
    /// loopback or private hosts (a push-service stand-in in tests, see
    /// `PushConfig::push_local_endpoints`). Base64url keys are kept without
    /// padding.
    pub fn parse(endpoint: &str, p256dh: &str, auth: &str, allow_local: bool) -> Result<Self> {
        check_endpoint(endpoint, allow_local)?;
        let key = decode("keys.p256dh", p256dh)?;
        if key.len() != 65 || key.first() != Some(&4) {
            return Err(Error::invalid(
                "keys.p256dh",
                format!(
                    "must be an uncompressed P-256 public key (65 bytes, base64url), not {} bytes",
                    key.len()
                ),
            ));
        }
        if p256::PublicKey::from_sec1_bytes(&key).is_err() {
            return Err(Error::invalid(
                "keys.p256dh",
                "is not a point on the P-256 curve",
            ));
        }
        let secret = decode("keys.auth", auth)?;
        if secret.len() != 16 {
            return Err(Error::invalid(
                "keys.auth",
                format!(
                    "must be a 16-byte secret (base64url), not {} bytes",
                    secret.len()
                ),
            ));
        }
        Ok(Subscription(PushTarget {
            endpoint: endpoint.to_owned(),
            p256dh: Base64UrlUnpadded::encode_string(&key),
            auth: Base64UrlUnpadded::encode_string(&secret),
        }))
    }

    /// What the store keeps.
    pub fn target(&self) -> &PushTarget {
        &self.0
    }
}

/// The form of `keys.auth`: 16 bytes, base64url, padded or not.
pub const AUTH_PATTERN: &str = r"^[A-Za-z0-9_-]{21}[AQgw]=*$";

/// Base64url (padded or not) bytes of `field`.
fn decode(field: &str, text: &str) -> Result<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text.trim_end_matches('='))
        .map_err(|_| Error::invalid(field, "is not base64url (A-Z a-z 0-9 - _)"))
}

/// Refuses an endpoint longer than [`MAX_ENDPOINT_BYTES`].
pub fn check_length(endpoint: &str) -> Result<()> {
    if endpoint.len() > MAX_ENDPOINT_BYTES {
        return Err(Error::Limit {
            field: "endpoint".into(),
            value: endpoint.len() as u64,
            limit: MAX_ENDPOINT_BYTES as u64,
        });
    }
    Ok(())
}

/// The endpoints of push services, as the OpenAPI document states them:
/// `https://`, a host name (dot-separated labels, the last one starting
/// with a letter, so no IP address and no `localhost`), no port, no user,
/// then a path and query of URL characters. Every push service of the
/// browsers (FCM, Mozilla, Apple, Microsoft) gives endpoints of this form.
pub const ENDPOINT_PATTERN: &str = r"^https://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$";

/// Whether `endpoint` has the form of [`ENDPOINT_PATTERN`].
fn public_endpoint(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("https://") else {
        return false;
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let label = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| label(l))
        && labels
            .last()
            .is_some_and(|l| l.as_bytes()[0].is_ascii_alphabetic())
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~!$&'()*+,;=:@%/?-".contains(&b))
}

fn check_endpoint(endpoint: &str, allow_local: bool) -> Result<()> {
    check_length(endpoint)?;
    if public_endpoint(endpoint) || (allow_local && local_stand_in(endpoint)) {
        return Ok(());
    }
    let bad = |why: &str| Err(Error::invalid("endpoint", why.to_owned()));
    if endpoint
        .split('/')
        .nth(2)
        .is_some_and(|authority| authority.contains('@'))
    {
        bad("must not carry a user name or password")
    } else {
        bad("must be the https URL of a push service, by its host name (no port, no IP address)")
    }
}

/// Whether `endpoint` is on a loopback or private host, over http or
/// https: a push-service stand-in, allowed with `allow_local` only.
fn local_stand_in(endpoint: &str) -> bool {
    let Ok(uri) = endpoint.parse::<axum::http::Uri>() else {
        return false;
    };
    let Some(authority) = uri.authority().filter(|a| !a.as_str().contains('@')) else {
        return false;
    };
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let local = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| !public(ip));
    local && matches!(uri.scheme_str(), Some("http" | "https"))
}

/// Whether `ip` is reachable on the public internet (not loopback, private,
/// link-local, unspecified or unique-local).
fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast())
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| !public(IpAddr::V4(v4))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real browser key (uncompressed P-256) and secret.
    const P256DH: &str =
        "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
    const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";
    const FCM: &str = "https://fcm.googleapis.com/fcm/send/abc:def";

    fn field(e: &Error) -> String {
        e.field().unwrap_or_default().to_owned()
    }

    #[test]
    fn a_browser_subscription_is_accepted_and_kept_unpadded() {
        let s = Subscription::parse(FCM, P256DH, &format!("{AUTH}=="), false).unwrap();
        assert_eq!(s.target().endpoint, FCM);
        assert_eq!(s.target().p256dh, P256DH);
        assert_eq!(s.target().auth, AUTH);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: [(&str, &str, &str, &str); 10] = [
            ("", P256DH, AUTH, "endpoint"),
            ("not a url", P256DH, AUTH, "endpoint"),
            ("ftp://push.example/x", P256DH, AUTH, "endpoint"),
            ("http://push.example/x", P256DH, AUTH, "endpoint"),
            ("https://user:pw@push.example/x", P256DH, AUTH, "endpoint"),
            (FCM, "not base64!", AUTH, "keys.p256dh"),
            (FCM, AUTH, AUTH, "keys.p256dh"),
            (FCM, P256DH, "", "keys.auth"),
            (FCM, P256DH, P256DH, "keys.auth"),
            (FCM, P256DH, "@@@@", "keys.auth"),
        ];
        for (endpoint, key, auth, expected) in cases {
            let e = Subscription::parse(endpoint, key, auth, false).unwrap_err();
            assert_eq!(field(&e), expected, "{endpoint} {key} {auth}: {e}");
        }
        // 65 bytes starting with 4, but not on the curve.
        let mut off_curve = vec![4u8];
        off_curve.extend([1u8; 64]);
        let e = Subscription::parse(
            FCM,
            &Base64UrlUnpadded::encode_string(&off_curve),
            AUTH,
            false,
        )
        .unwrap_err();
        assert_eq!(field(&e), "keys.p256dh");
        assert!(e.to_string().contains("curve"), "{e}");
        let long = format!("https://push.example/{}", "a".repeat(MAX_ENDPOINT_BYTES));
        let e = Subscription::parse(&long, P256DH, AUTH, false).unwrap_err();
        assert!(matches!(e, Error::Limit { .. }), "{e}");
    }

    #[test]
    fn local_endpoints_only_when_allowed() {
        for endpoint in [
            "http://127.0.0.1:8080/push/1",
            "https://127.0.0.1/push",
            "https://localhost/push",
            "https://10.0.0.8/push",
            "https://[::1]/push",
            "https://169.254.169.254/latest",
            "https://[::ffff:127.0.0.1]/push",
        ] {
            let e = Subscription::parse(endpoint, P256DH, AUTH, false).unwrap_err();
            assert_eq!(field(&e), "endpoint", "{endpoint}");
            Subscription::parse(endpoint, P256DH, AUTH, true).unwrap();
        }
        // Plain http to a public host stays refused.
        let e = Subscription::parse("http://push.example/x", P256DH, AUTH, true).unwrap_err();
        assert_eq!(field(&e), "endpoint");
        // Push services are named hosts: an address is refused, public or not.
        let e = Subscription::parse("https://8.8.8.8/push", P256DH, AUTH, false).unwrap_err();
        assert_eq!(field(&e), "endpoint");
    }

    /// Pieces near the endpoint rule's edges.
    const PIECES: &[&str] = &[
        "https://",
        "http://",
        "fcm",
        "googleapis",
        "com",
        "1",
        "8",
        ".",
        "..",
        "-",
        "/",
        "?",
        "=",
        ":",
        "@",
        "%",
        "#",
        " ",
        "a",
        "Z",
        "_",
        "~",
        "[",
        "]",
        "localhost",
        "가",
        "\"",
    ];

    proptest::proptest! {
        /// A secret's form is the document's pattern: a string decodes to
        /// 16 bytes exactly when it matches. (A key's form could be stated
        /// too, but not that it is a point on the curve: the document keeps
        /// it to the `lottopro-p256-key` format, so a generator that knows
        /// no better sends a string, not a key that looks right and is not.)
        #[test]
        fn the_secrets_form_is_the_documented_pattern(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 14..19),
            last in proptest::option::of(proptest::sample::select(&['A', 'B', 'Q', 'R', 'g', 'w', '_', '-'][..])),
            tail in proptest::sample::select(&["", "=", "==", "A", "!", "\n"][..]),
        ) {
            let mut text = Base64UrlUnpadded::encode_string(&bytes);
            // Another last character tries the non-canonical encodings
            // (only 0, 16, 32 and 48 leave the last 4 bits of 16 bytes clear).
            if let Some(last) = last {
                text.pop();
                text.push(last);
            }
            text.push_str(tail);
            let secret = regex::Regex::new(AUTH_PATTERN).unwrap();
            let decoded = decode("field", &text).ok();
            let is_secret = decoded.as_ref().is_some_and(|k| k.len() == 16);
            proptest::prop_assert_eq!(secret.is_match(&text), is_secret, "{:?}", text);
        }

        /// The check is the document's pattern: an endpoint passes exactly
        /// when it matches.
        #[test]
        fn the_endpoint_rule_is_the_documented_pattern(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..14),
            valid in proptest::bool::ANY,
        ) {
            let tail = pieces.concat();
            let endpoint = if valid { format!("https://push.example{tail}") } else { tail };
            let pattern = regex::Regex::new(ENDPOINT_PATTERN).unwrap();
            proptest::prop_assert_eq!(public_endpoint(&endpoint), pattern.is_match(&endpoint), "{:?}", endpoint);
        }
    }
}
