//! Who a request comes from: the client token of saved numbers and
//! prediction history, and the address that rate limits count against.
//!
//! A token is 128 random bits from the OS-seeded CSPRNG followed by a
//! 128-bit tag, `HMAC-SHA256(SECRET_KEY, "token" ‖ random)`, issued on a
//! client's first save or prediction and sent back in the `X-Client-Token`
//! header or the `lottopro_token` cookie. The tag means only this server
//! can make a token: a token a client made up, or one planted in a victim's
//! browser, is not a session anyone can be led into; the request is treated
//! as a new client (a write gets a fresh token), never given access. Tokens
//! issued before tags existed (32 hex digits) still open the rows they own,
//! and nothing else. The token is the only credential, so it is never
//! logged, never appears in a URL, and is not stored either: the database
//! keeps `HMAC-SHA256(SECRET_KEY, token)`, so a copy of the database does
//! not let anyone act as its clients.
//!
//! A second browser joins a client through a one-time code (see
//! `store::links`): it gets a *linked* token, `owner ‖ random ‖ tag` with
//! the tag `HMAC-SHA256(SECRET_KEY, "linked" ‖ owner ‖ random)`, whose rows
//! are the embedded owner key's. The owner key alone opens nothing (it is
//! what the database holds, and a linked token needs the secret's tag), so
//! linking stores no new credential.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use hmac::{Hmac, Mac};
use lottopro_core::Error;
use sha2::Sha256;

use super::{ApiError, AppState};
use crate::secret::{random_hex, same_secret};

/// The header a client sends its token in.
pub const TOKEN_HEADER: &str = "x-client-token";
/// The cookie a browser keeps its token in.
pub const TOKEN_COOKIE: &str = "lottopro_token";
/// The same cookie when the service is reached over TLS: `Secure`, and the
/// `__Host-` prefix makes browsers refuse it from a sibling subdomain or
/// plain HTTP.
pub const TLS_TOKEN_COOKIE: &str = "__Host-lottopro_token";

/// Hex digits of a token's random part, and of its tag.
const PART: usize = 32;
/// Hex digits of an owner key (a whole HMAC-SHA256).
const OWNER: usize = 64;
/// Hex digits of a linked token: owner key, random part, tag.
const LINKED: usize = OWNER + 2 * PART;

/// A client's token, as sent or newly issued.
pub(crate) struct Client {
    token: String,
    issued: bool,
}

/// What a well-formed token is worth.
#[derive(Debug, PartialEq, Eq)]
enum Standing {
    /// Issued by this server (its tag verifies).
    Signed,
    /// Untagged, as issued before tags: valid only if it owns rows.
    Legacy,
    /// Not issued by this server.
    Forged,
}

impl Client {
    /// The request's client: `None` without a token, or with one this
    /// server did not issue; an error for a token that is malformed.
    pub(crate) async fn from_headers(
        headers: &HeaderMap,
        state: &AppState,
    ) -> Result<Option<Client>, ApiError> {
        let tls = over_tls(headers, state.options().trust_proxy);
        let Some(token) = sent_token(headers, tls)? else {
            return Ok(None);
        };
        let secret = &state.options().secret;
        let valid = match standing(secret, &token) {
            Standing::Signed => true,
            Standing::Forged => false,
            // A token from before tags is valid if it owns rows: asked of
            // the store within its deadline, as every store call is.
            Standing::Legacy if state.store.is_some() => {
                let owner = owner_key(secret, &token);
                super::on_store(state, move |s| s.owner_known(&owner)).await?
            }
            Standing::Legacy => false,
        };
        Ok(valid.then_some(Client {
            token,
            issued: false,
        }))
    }

    /// The request's client, or a new one (with a fresh token).
    pub(crate) async fn or_issue(
        headers: &HeaderMap,
        state: &AppState,
    ) -> Result<Client, ApiError> {
        Ok(match Client::from_headers(headers, state).await? {
            Some(c) => c,
            None => Client::issue(&state.options().secret),
        })
    }

    /// A new client with a fresh, tagged token.
    fn issue(secret: &[u8]) -> Client {
        let random = random_hex(PART);
        let token = format!("{random}{}", tag(secret, &random));
        Client {
            token,
            issued: true,
        }
    }
    /// Whether this request was given a new token.
    pub(crate) fn issued(&self) -> bool {
        self.issued
    }

    /// The token (for the response body of the request that issued it).
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// A new token for another browser of `owner` (device linking).
    pub(crate) fn linked(secret: &[u8], owner: &str) -> Client {
        let random = random_hex(PART);
        let token = format!("{owner}{random}{}", linked_tag(secret, owner, &random));
        Client {
            token,
            issued: true,
        }
    }

    /// The key its rows are stored under: a linked token's embedded owner,
    /// else the keyed hash of the token.
    pub(crate) fn owner(&self, secret: &[u8]) -> String {
        owner_of_token(secret, &self.token)
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

/// Whether the request came over TLS: `X-Forwarded-Proto: https` from a
/// trusted proxy (the last one's word).
pub(crate) fn over_tls(headers: &HeaderMap, trust_proxy: u8) -> bool {
    trust_proxy > 0
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// Whether `t` has the form of a token the service issues.
fn well_formed(t: &str) -> bool {
    (t.len() == PART || t.len() == 2 * PART || t.len() == LINKED)
        && t.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The token a request carries, from the header or else the cookie; an
/// error if the header's is not one in form.
///
/// The `__Host-` cookie is preferred, and over TLS it is the only one that
/// counts: a sibling subdomain, or a plain-HTTP page of the same host, can
/// plant the plain cookie but not that one, so a token planted that way
/// cannot fix a player's session. A cookie
/// that is not a token in form is the browser's, not the player's doing
/// (planted, or left by an old version): it is ignored, and the answer
/// issues a fresh token that replaces it, where an error would have made
/// every save fail until the cookie was cleared by hand. A malformed
/// `X-Client-Token` header is a programmer's mistake and is named.
pub(crate) fn sent_token(headers: &HeaderMap, tls: bool) -> Result<Option<String>, ApiError> {
    if let Some(v) = headers.get(TOKEN_HEADER) {
        let t = v.to_str().unwrap_or("");
        if well_formed(t) {
            return Ok(Some(t.to_owned()));
        }
        return Err(ApiError::from(Error::InvalidInput {
            field: TOKEN_HEADER.into(),
            message:
                "is not a client token (64 or 128 lowercase hex digits, as the service issued it)"
                    .into(),
        }));
    }
    Ok(headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, v)| (*k == TLS_TOKEN_COOKIE || (*k == TOKEN_COOKIE && !tls)) && well_formed(v))
        .min_by_key(|(k, _)| usize::from(*k != TLS_TOKEN_COOKIE))
        .map(|(_, v)| v.to_owned()))
}

/// Whether `token` (well-formed) was issued by the server holding `secret`.
fn standing(secret: &[u8], token: &str) -> Standing {
    if token.len() == LINKED {
        let (owner, rest) = token.split_at(OWNER);
        let (random, sent) = rest.split_at(PART);
        return if same_secret(
            linked_tag(secret, owner, random).as_bytes(),
            sent.as_bytes(),
        ) {
            Standing::Signed
        } else {
            Standing::Forged
        };
    }
    match token.split_at_checked(PART) {
        Some((random, sent)) if !sent.is_empty() => {
            if same_secret(tag(secret, random).as_bytes(), sent.as_bytes()) {
                Standing::Signed
            } else {
                Standing::Forged
            }
        }
        _ => Standing::Legacy,
    }
}

/// The tag of a token's random part: the first 128 bits of
/// `HMAC-SHA256(secret, "token" ‖ random)` in hex. The prefix keeps tags
/// apart from owner keys, which hash whole tokens under the same secret.
fn tag(secret: &[u8], random: &str) -> String {
    let mut t = hmac_hex(secret, &["token", random]);
    t.truncate(PART);
    t
}

/// The tag of a linked token.
fn linked_tag(secret: &[u8], owner: &str, random: &str) -> String {
    let mut t = hmac_hex(secret, &["linked", owner, random]);
    t.truncate(PART);
    t
}

/// The key a device-link code is stored under: its keyed hash, so that the
/// database never holds a code that still works.
pub(crate) fn link_code_key(secret: &[u8], code: &str) -> String {
    hmac_hex(secret, &["link", code])
}

/// `HMAC-SHA256(secret, token)` in hex.
fn owner_key(secret: &[u8], token: &str) -> String {
    hmac_hex(secret, &[token])
}

/// The key the rows of `token`'s owner are stored under (see
/// [`Client::owner`]), whether or not this server issued it.
pub(crate) fn owner_of_token(secret: &[u8], token: &str) -> String {
    if token.len() == LINKED {
        return token[..OWNER].to_owned();
    }
    owner_key(secret, token)
}

fn hmac_hex(secret: &[u8], parts: &[&str]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    for p in parts {
        mac.update(p.as_bytes());
    }
    crate::secret::hex(&mac.finalize().into_bytes())
}

/// The address rate limits count against. Without trusted proxies it is
/// the peer. Behind `trusted_hops` proxies that each append the address
/// they received from to `X-Forwarded-For`, it is the entry that many hops
/// from the right of the chain `X-Forwarded-For, peer` (the peer is the
/// nearest proxy): the entries further left are whatever the client wrote.
/// Requests without a peer (in-process tests) count as 127.0.0.1.
pub(crate) fn address(
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trusted_hops: u8,
) -> IpAddr {
    let peer = peer.map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    if trusted_hops == 0 {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // Hop 1 is the rightmost entry (what the nearest proxy saw), and so on;
    // an entry that is not an address ends the trusted part of the chain.
    let mut client = peer;
    for entry in forwarded.iter().rev().take(usize::from(trusted_hops)) {
        match entry.parse() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

/// The key a client's allowance is kept under: its address, with IPv6
/// addresses cut to their /64 (one subscriber's network hands out 2^64
/// addresses) and every loopback address one (127.0.0.2 is the same
/// machine as 127.0.0.1).
pub(crate) fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => limit_key(IpAddr::V4(v4)),
            None if v6.is_loopback() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(bits))
            }
        },
        IpAddr::V4(v4) if v4.is_loopback() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_counted_from_the_right_of_the_proxy_chain() {
        let peer = ConnectInfo("10.0.0.2:40000".parse::<SocketAddr>().unwrap());
        let with = |xff: &str| {
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", xff.parse().unwrap());
            h
        };
        // No trusted proxy: the header is the client's own words.
        assert_eq!(address(&with("203.0.113.9"), Some(&peer), 0), peer.0.ip());
        // One proxy appending: its entry is the rightmost; what the client
        // wrote before it does not count.
        let chain = with("198.51.100.1, 203.0.113.7");
        assert_eq!(
            address(&chain, Some(&peer), 1),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            address(&chain, Some(&peer), 2),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(address(&HeaderMap::new(), Some(&peer), 1), peer.0.ip());
        assert_eq!(
            address(&with("junk, 203.0.113.7"), Some(&peer), 3),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limit_key(a), limit_key(b));
        assert_ne!(limit_key(a), limit_key(other));
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(limit_key(v4), v4);
        assert_eq!(limit_key("::ffff:192.0.2.1".parse().unwrap()), v4);
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for same in ["127.0.0.2", "127.255.0.9", "::1", "::ffff:127.0.0.3"] {
            assert_eq!(limit_key(same.parse().unwrap()), local, "{same}");
        }
    }

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
        assert_eq!(address(&h, Some(&peer), 0).to_string(), "10.0.0.2");
        // Two proxies appended: the client is two hops from the right.
        assert_eq!(address(&h, Some(&peer), 1).to_string(), "10.0.0.1");
        assert_eq!(address(&h, Some(&peer), 2).to_string(), "203.0.113.7");
        assert_eq!(address(&h, None, 0).to_string(), "127.0.0.1");
    }

    #[test]
    fn issued_tokens_carry_the_servers_tag() {
        let secret = b"a server secret";
        let a = Client::issue(secret);
        let b = Client::issue(secret);
        assert_eq!(a.token().len(), 64);
        assert!(a.issued());
        assert_ne!(a.token(), b.token());
        assert_eq!(standing(secret, a.token()), Standing::Signed);
        // Another server's token, a changed tag, a changed random part.
        assert_eq!(standing(b"another secret", a.token()), Standing::Forged);
        let mut flipped = a.token().to_owned();
        let last = if flipped.ends_with('0') { "1" } else { "0" };
        flipped.replace_range(63.., last);
        assert_eq!(standing(secret, &flipped), Standing::Forged);
        let mut moved = a.token().to_owned();
        let first = if moved.starts_with('0') { "1" } else { "0" };
        moved.replace_range(..1, first);
        assert_eq!(standing(secret, &moved), Standing::Forged);
        assert_eq!(standing(secret, &"0".repeat(64)), Standing::Forged);
        assert_eq!(standing(secret, &"0".repeat(32)), Standing::Legacy);
    }

    #[test]
    fn tokens_are_read_from_header_or_cookie_and_checked_for_form() {
        let token = "ab".repeat(32);
        let mut h = HeaderMap::new();
        assert_eq!(sent_token(&h, false).unwrap(), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {TOKEN_COOKIE}={token}")).unwrap(),
        );
        assert_eq!(
            sent_token(&h, false).unwrap().as_deref(),
            Some(token.as_str())
        );
        h.insert(TOKEN_HEADER, HeaderValue::from_static("../etc/passwd"));
        assert!(sent_token(&h, false).is_err());
        h.insert(
            TOKEN_HEADER,
            HeaderValue::from_str(&"AB".repeat(32)).unwrap(),
        );
        assert!(sent_token(&h, false).is_err(), "upper case is not a token");
        h.insert(
            TOKEN_HEADER,
            HeaderValue::from_str(&"a".repeat(48)).unwrap(),
        );
        assert!(sent_token(&h, false).is_err(), "neither length");
    }

    #[test]
    fn over_tls_only_the_host_cookie_counts_and_a_malformed_cookie_is_ignored() {
        let planted = "ab".repeat(32);
        let own = "cd".repeat(32);
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{TOKEN_COOKIE}={planted}")).unwrap(),
        );
        assert_eq!(
            sent_token(&h, true).unwrap(),
            None,
            "a planted plain cookie is not read over TLS"
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!(
                "{TOKEN_COOKIE}={planted}; {TLS_TOKEN_COOKIE}={own}"
            ))
            .unwrap(),
        );
        assert_eq!(sent_token(&h, true).unwrap().as_deref(), Some(own.as_str()));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lottopro_token=not-a-token"),
        );
        assert_eq!(
            sent_token(&h, false).unwrap(),
            None,
            "a malformed cookie is no token: a fresh one replaces it"
        );
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-proto", HeaderValue::from_static("http, https"));
        assert!(over_tls(&proxied, 1));
        assert!(!over_tls(&proxied, 0), "not from a trusted proxy");
    }
}
