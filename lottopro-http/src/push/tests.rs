//! [`Pusher::notify`] against a push-service stand-in in this process: an
//! axum server on loopback that decrypts what it receives, answers 410 for
//! one subscription, and never answers for another.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64ct::{Base64UrlUnpadded, Encoding};
use web_push_native::jwt_simple::algorithms::ES256KeyPair;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
use web_push_native::{Auth, p256};

use super::*;

/// A browser: its key pair and authentication secret.
struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new(seed: u8) -> Browser {
        let secret = p256::SecretKey::from_slice(&ES256KeyPair::generate().to_bytes()).unwrap();
        Browser {
            secret,
            auth: [seed; 16],
        }
    }

    fn target(&self, endpoint: String) -> PushTarget {
        PushTarget {
            endpoint,
            p256dh: Base64UrlUnpadded::encode_string(
                self.secret.public_key().to_encoded_point(false).as_bytes(),
            ),
            auth: Base64UrlUnpadded::encode_string(&self.auth),
        }
    }
}

/// What the stand-in received: per path, the decrypted body and the VAPID header.
type Received = Arc<Mutex<Vec<(String, Vec<u8>, String)>>>;

/// Starts the stand-in: `/ok/N` decrypts with `browsers[N]` and answers 201,
/// `/gone/N` answers 410, `/hang/N` never answers. Its base URL.
async fn stand_in(browsers: Arc<Vec<Browser>>, received: Received) -> String {
    async fn push(
        State((browsers, received)): State<(Arc<Vec<Browser>>, Received)>,
        Path((kind, n)): Path<(String, usize)>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        match kind.as_str() {
            "gone" => return StatusCode::GONE,
            "hang" => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return StatusCode::CREATED;
            }
            _ => {}
        }
        let b = &browsers[n];
        let Ok(plain) =
            web_push_native::decrypt(body.to_vec(), &b.secret, &Auth::clone_from_slice(&b.auth))
        else {
            return StatusCode::BAD_REQUEST;
        };
        let vapid = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        received.lock().unwrap().push((kind, plain, vapid));
        StatusCode::CREATED
    }
    let app = Router::new()
        .route("/{kind}/{n}", axum::routing::post(push))
        .with_state((browsers, received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A stand-in, a store in a temporary folder, and one subscription per
/// `(owner, kind)`: subscription `n` is served at `/{kind}/{n}`.
struct Fixture {
    store: Arc<Store>,
    received: Received,
    dir: std::path::PathBuf,
}

impl Fixture {
    async fn new(subscriptions: &[(&str, &str)]) -> Fixture {
        let browsers: Arc<Vec<Browser>> =
            Arc::new((1..=subscriptions.len() as u8).map(Browser::new).collect());
        let received = Received::default();
        let base = stand_in(browsers.clone(), received.clone()).await;
        let dir = std::env::temp_dir().join(format!(
            "lottopro-push-{}-{}",
            std::process::id(),
            crate::secret::random_hex(8)
        ));
        let store = Arc::new(Store::open(&dir.join("push.db")).unwrap());
        for (n, (owner, kind)) in subscriptions.iter().enumerate() {
            store
                .subscribe_push(owner, &browsers[n].target(format!("{base}/{kind}/{n}")))
                .unwrap();
        }
        Fixture {
            store,
            received,
            dir,
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn notice(title: &str) -> Notice {
    Notice {
        title: title.into(),
        body: "3등 · 5개 일치".into(),
        url: "/tickets#t-1".into(),
        tag: "round-1254".into(),
    }
}

#[tokio::test]
async fn each_subscription_gets_the_notice_and_gone_ones_are_dropped() {
    let f = Fixture::new(&[("alice", "ok"), ("alice", "gone"), ("bob", "ok")]).await;
    let store = &f.store;
    let pusher = Pusher::new(PushConfig::default());
    let report = pusher
        .notify(
            store,
            vec![
                ("alice".into(), notice("회차 1254 결과")),
                ("bob".into(), notice("for bob")),
                ("nobody".into(), notice("no subscription")),
            ],
        )
        .await;
    assert_eq!(
        report,
        NotifyReport {
            sent: 2,
            gone: 1,
            failed: 0
        }
    );
    // The gone subscription is dropped, the others kept.
    assert_eq!(store.push_targets("alice").unwrap().len(), 1);
    assert_eq!(store.push_targets("bob").unwrap().len(), 1);
    let mut got = f.received.lock().unwrap().clone();
    got.sort();
    assert_eq!(got.len(), 2);
    let key = pusher.key(Some(store)).await.unwrap();
    for (_, plain, vapid) in &got {
        let n: Notice = serde_json::from_slice(plain).unwrap();
        assert!(n.title == "회차 1254 결과" || n.title == "for bob", "{n:?}");
        assert!(vapid.ends_with(&format!("k={}", key.public())), "{vapid}");
    }
    // The key is the store's, the same for another pusher (a replica).
    let again = Pusher::new(PushConfig::default());
    assert_eq!(again.key(Some(store)).await.unwrap().public(), key.public());
}

#[tokio::test]
async fn a_push_service_that_never_answers_costs_one_deadline() {
    let f = Fixture::new(&[("alice", "hang"), ("alice", "ok")]).await;
    let pusher = Pusher::new(PushConfig {
        push_timeout: 1,
        ..PushConfig::default()
    });
    let started = Instant::now();
    let report = pusher
        .notify(&f.store, vec![("alice".into(), notice("t"))])
        .await;
    let took = started.elapsed();
    assert_eq!(
        report,
        NotifyReport {
            sent: 1,
            gone: 0,
            failed: 1
        }
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // A failure keeps the subscription.
    assert_eq!(f.store.push_targets("alice").unwrap().len(), 2);
}

#[tokio::test]
async fn a_bad_notice_is_counted_failed_and_sends_nothing() {
    let f = Fixture::new(&[("alice", "ok")]).await;
    let mut bad = notice("t");
    bad.url = "https://elsewhere.example/".into();
    let report = Pusher::new(PushConfig::default())
        .notify(&f.store, vec![("alice".into(), bad)])
        .await;
    assert_eq!(report.failed, 1);
    assert!(f.received.lock().unwrap().is_empty());
}

#[test]
fn notices_are_checked_field_by_field() {
    notice("ok").check().unwrap();
    type Spoil = fn(&mut Notice);
    let cases: [(Spoil, &str); 11] = [
        (|n| n.title.clear(), "title"),
        (|n| n.title = "x".repeat(101), "title"),
        (|n| n.body = "가".repeat(501), "body"),
        (|n| n.tag = "t".repeat(65), "tag"),
        (|n| n.url = "//evil.example/".into(), "url"),
        (|n| n.url = "javascript:alert(1)".into(), "url"),
        (|n| n.url = "/a\nb".into(), "url"),
        (|n| n.url = "/티켓".into(), "url"),
        (|n| n.title = "a\tb".into(), "title"),
        (|n| n.tag = "a\u{85}".into(), "tag"),
        (|n| n.body = "a\rb".into(), "body"),
    ];
    // What the document states is the whole rule: the longest notice it
    // admits, in the characters JSON escapes most, still fits the payload.
    Notice {
        title: "\"".repeat(50) + &"😀".repeat(50),
        body: "\n".repeat(250) + &"😀".repeat(250),
        url: "/".to_owned() + &"\"".repeat(499),
        tag: "😀".repeat(64),
    }
    .payload()
    .unwrap();
    let mut with_new_lines = notice("ok");
    with_new_lines.body = "first line\nsecond line".into();
    with_new_lines.check().unwrap();
    for (spoil, field) in cases {
        let mut n = notice("ok");
        spoil(&mut n);
        assert_eq!(n.check().unwrap_err().field(), Some(field), "{n:?}");
    }
}

#[test]
fn settings_are_checked() {
    PushConfig::default().check().unwrap();
    let field = |c: PushConfig| c.check().unwrap_err().field().map(str::to_owned);
    assert_eq!(
        field(PushConfig {
            push_subject: "ops@example.org".into(),
            ..PushConfig::default()
        })
        .as_deref(),
        Some("PUSH_SUBJECT")
    );
    assert_eq!(
        field(PushConfig {
            vapid_private_key: Some("nope".into()),
            ..PushConfig::default()
        })
        .as_deref(),
        Some("VAPID_PRIVATE_KEY")
    );
    assert_eq!(
        field(PushConfig {
            push_timeout: 0,
            ..PushConfig::default()
        })
        .as_deref(),
        Some("PUSH_TIMEOUT")
    );
    // Empty means unset.
    let empty = PushConfig {
        vapid_private_key: Some(" ".into()),
        push_subject: String::new(),
        ..PushConfig::default()
    };
    empty.check().unwrap();
    assert_eq!(
        (empty.vapid_private_key(), empty.subject()),
        (None, DEFAULT_SUBJECT)
    );
    let key = VapidKey::generate();
    PushConfig {
        vapid_private_key: Some(key.private()),
        ..PushConfig::default()
    }
    .check()
    .unwrap();
}
