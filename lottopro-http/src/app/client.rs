//! Who a request comes from: the client token of saved numbers and
//! prediction history, and the address that rate limits count against.
//!
//! A token is 128 random bits from the OS-seeded CSPRNG, issued on a
//! client's first save or prediction and sent back in the `X-Client-Token`
//! header or the `lottopro_token` cookie. It is the only credential, so it
//! is never logged, never appears in a URL, and is not stored either: the
//! database keeps `HMAC-SHA256(SECRET_KEY, token)`, so a copy of the
//! database does not let anyone act as its clients.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use hmac::{Hmac, Mac};
use lottopro_core::Error;
use sha2::Sha256;

use super::ApiError;
use crate::secret::random_hex;

/// The header a client sends its token in.
pub const TOKEN_HEADER: &str = "x-client-token";
/// The cookie a browser keeps its token in.
pub const TOKEN_COOKIE: &str = "lottopro_token";

/// A client's token, as sent or newly issued.
pub(crate) struct Client {
    token: String,
    issued: bool,
}

impl Client {
    /// The token the request carries; an error for a malformed one.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Result<Option<Client>, ApiError> {
        let from_header = headers
            .get(TOKEN_HEADER)
            .map(|v| v.to_str().unwrap_or("").to_owned());
        let from_cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|c| c.split(';'))
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == TOKEN_COOKIE)
            .map(|(_, v)| v.to_owned());
        match from_header.or(from_cookie) {
            None => Ok(None),
            Some(t)
                if t.len() == 32
                    && t.bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) =>
            {
                Ok(Some(Client {
                    token: t,
                    issued: false,
                }))
            }
            Some(_) => Err(ApiError::from(Error::InvalidInput {
                field: TOKEN_HEADER.into(),
                message: "is not a client token (32 lowercase hex digits)".into(),
            })),
        }
    }

    /// The request's client, or a new one.
    pub(crate) fn or_issue(headers: &HeaderMap) -> Result<Client, ApiError> {
        Ok(Client::from_headers(headers)?.unwrap_or_else(|| Client {
            token: random_hex(32),
            issued: true,
        }))
    }

    /// Whether this request was given a new token.
    pub(crate) fn issued(&self) -> bool {
        self.issued
    }

    /// The token (for the response body of the request that issued it).
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// The key its rows are stored under.
    pub(crate) fn owner(&self, secret: &[u8]) -> String {
        owner_key(secret, &self.token)
    }

    /// Sends a newly issued token back as header and cookie.
    pub(crate) fn attach(&self, response: &mut Response) {
        if !self.issued {
            return;
        }
        let cookie = format!(
            "{TOKEN_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000",
            self.token
        );
        if let (Ok(c), Ok(t)) = (
            HeaderValue::from_str(&cookie),
            HeaderValue::from_str(&self.token),
        ) {
            response.headers_mut().insert(header::SET_COOKIE, c);
            response.headers_mut().insert(TOKEN_HEADER, t);
        }
    }
}

/// `HMAC-SHA256(secret, token)` in hex.
fn owner_key(secret: &[u8], token: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(token.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The address rate limits count against: the peer, or with `trust_proxy`
/// the first `X-Forwarded-For` entry. Requests without a peer (in-process
/// tests) count as 127.0.0.1.
pub(crate) fn address(
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trust_proxy: bool,
) -> IpAddr {
    if trust_proxy
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_keys_depend_on_token_and_secret() {
        let a = owner_key(b"secret one", "0123456789abcdef0123456789abcdef");
        assert_eq!(a.len(), 64);
        assert_eq!(
            a,
            owner_key(b"secret one", "0123456789abcdef0123456789abcdef")
        );
        assert_ne!(
            a,
            owner_key(b"secret two", "0123456789abcdef0123456789abcdef")
        );
        assert_ne!(
            a,
            owner_key(b"secret one", "0123456789abcdef0123456789abcdee")
        );
    }

    #[test]
    fn the_forwarded_address_is_used_only_when_trusted() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.7, 10.0.0.1"),
        );
        let peer = ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 4000)));
        assert_eq!(address(&h, Some(&peer), false).to_string(), "10.0.0.2");
        assert_eq!(address(&h, Some(&peer), true).to_string(), "203.0.113.7");
        assert_eq!(address(&h, None, false).to_string(), "127.0.0.1");
    }

    #[test]
    fn issued_tokens_are_fresh_hex() {
        let a = Client::or_issue(&HeaderMap::new()).unwrap();
        let b = Client::or_issue(&HeaderMap::new()).unwrap();
        assert_eq!(a.token().len(), 32);
        assert_ne!(a.token(), b.token());
        let mut h = HeaderMap::new();
        h.insert(TOKEN_HEADER, HeaderValue::from_str(a.token()).unwrap());
        assert_eq!(Client::or_issue(&h).unwrap().token(), a.token());
        h.insert(TOKEN_HEADER, HeaderValue::from_static("../etc/passwd"));
        assert!(Client::from_headers(&h).is_err());
    }
}
