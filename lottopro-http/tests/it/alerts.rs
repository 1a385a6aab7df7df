//! Alerts delivered for real: a webhook receiver (axum on loopback) and an
//! SMTP receiver (a small RFC 5321 server on loopback), both started here;
//! the backup report goes through the same mail channel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use lottopro_http::telemetry::alerts::{Alerter, Channels, Notifier, Readings, Thresholds};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Default)]
struct Hooks {
    calls: usize,
    delivered: Vec<Value>,
}

/// A webhook that fails its first call (so delivery must retry).
async fn webhook() -> (String, Arc<Mutex<Hooks>>) {
    async fn hook(State(s): State<Arc<Mutex<Hooks>>>, body: String) -> StatusCode {
        let mut h = s.lock().unwrap();
        h.calls += 1;
        if h.calls == 1 {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        h.delivered.push(serde_json::from_str(&body).unwrap());
        StatusCode::OK
    }
    let state = Arc::new(Mutex::new(Hooks::default()));
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, state)
}

/// An SMTP server that accepts every message and keeps its text.
async fn smtp() -> (String, Arc<Mutex<Vec<String>>>) {
    let mails = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let kept = mails.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            kept.lock().unwrap().push(std::mem::take(body));
                            data = None;
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(line.strip_prefix('.').unwrap_or(&line));
                            body.push('\n');
                        }
                        continue;
                    }
                    let reply: &[u8] =
                        match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                            "EHLO" => b"250-test\r\n250 8BITMIME\r\n",
                            "MAIL" | "RCPT" => b"250 ok\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go ahead\r\n"
                            }
                            "QUIT" => {
                                write.write_all(b"221 bye\r\n").await.unwrap();
                                break;
                            }
                            _ => b"500 what\r\n",
                        };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (url, mails)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crossing_alerts_once_cools_down_and_resolves_on_both_channels() {
    let (hook_url, hooks) = webhook().await;
    let (smtp_url, mails) = smtp().await;
    let notifier = Notifier::new(
        Channels {
            webhook: Some(hook_url),
            smtp: Some(smtp_url),
            email_to: Some("ops@example.org".into()),
            email_from: "lottopro@localhost".into(),
            instance: "replica-a".into(),
        },
        2,
        Duration::from_millis(10),
    );
    let limits = Thresholds {
        response_time_secs: 10.0,
        cpu_percent: 80.0,
        memory_percent: 85.0,
        error_rate_percent: 5.0,
    };
    let mut alerter = Alerter::new(limits, Duration::from_secs(300));
    let calm = Readings {
        cpu_percent: 20.0,
        ..Readings::default()
    };
    let hot = Readings {
        cpu_percent: 97.5,
        ..calm
    };
    // Crossing, staying crossed, clearing, crossing again within the
    // cooldown, clearing again.
    let timeline = [
        (0, calm),
        (10, hot),
        (20, hot),
        (30, hot),
        (40, calm),
        (50, hot),
        (60, calm),
    ];
    let mut sent = Vec::new();
    for (t, r) in timeline {
        for notice in alerter.evaluate(t, &r) {
            assert!(
                notifier.deliver(&notice).await.is_empty(),
                "{notice:?} delivered"
            );
            sent.push((notice.kind, notice.metric));
        }
    }
    assert_eq!(sent, vec![("alert", "cpu"), ("resolved", "cpu")]);

    let hooks = hooks.lock().unwrap();
    assert_eq!(hooks.calls, 3, "the first call failed and was retried");
    let texts: Vec<&str> = hooks
        .delivered
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2);
    assert!(
        texts[0].contains("alert") && texts[0].contains("cpu is 97.50"),
        "{texts:?}"
    );
    assert!(texts[1].contains("resolved") && texts[1].contains("back to 20.00"));
    let mails = mails.lock().unwrap();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(
        mails[0].contains("Subject: LottoPro alert: cpu is 97.50"),
        "{}",
        mails[0]
    );
    // Each replica watches itself: every notice names the one it is about.
    assert!(
        texts.iter().all(|t| t.ends_with("[replica-a]")),
        "{texts:?}"
    );
    assert!(
        mails[0].contains("threshold 80.00 [replica-a]\n"),
        "{}",
        mails[0]
    );
    assert_eq!(hooks.delivered[0]["instance"], "replica-a");
    assert!(mails[0].contains("To: <ops@example.org>"));
    assert!(mails[1].contains("Subject: LottoPro resolved"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_channel_is_reported_not_fatal() {
    let notifier = Notifier::new(
        Channels {
            webhook: Some("http://127.0.0.1:9/hook".into()),
            smtp: Some("smtp://127.0.0.1:9".into()),
            email_to: Some("ops@example.org".into()),
            email_from: "lottopro@localhost".into(),
            instance: "replica-a".into(),
        },
        1,
        Duration::from_millis(5),
    );
    let mut alerter = Alerter::new(
        Thresholds {
            response_time_secs: 1.0,
            cpu_percent: 80.0,
            memory_percent: 85.0,
            error_rate_percent: 5.0,
        },
        Duration::from_secs(60),
    );
    let notices = alerter.evaluate(
        0,
        &Readings {
            error_rate_percent: 50.0,
            ..Readings::default()
        },
    );
    assert_eq!(notices.len(), 1);
    let failed = notifier.deliver(&notices[0]).await;
    assert_eq!(failed, vec!["webhook".to_owned(), "email".to_owned()]);
}

/// The error-rate alert (`THRESHOLD_ERROR_RATE`, 5xx share of the last
/// minute): one webhook message per crossing, however long it lasts, and
/// one when it clears; a second crossing after the cooldown alerts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_rate_alerts_once_per_crossing_and_resolves() {
    let (hook_url, hooks) = webhook().await;
    let notifier = Notifier::new(
        Channels {
            webhook: Some(hook_url),
            smtp: None,
            email_to: None,
            email_from: "lottopro@localhost".into(),
            instance: "replica-a".into(),
        },
        2,
        Duration::from_millis(10),
    );
    let mut alerter = Alerter::new(Thresholds::default(), Duration::from_secs(300));
    let rate = |error_rate_percent| Readings {
        error_rate_percent,
        ..Readings::default()
    };
    let timeline = [
        (0, rate(0.0)),
        (10, rate(12.0)),
        (20, rate(30.0)),
        (30, rate(6.0)),
        (40, rate(1.0)),
        (400, rate(9.5)),
        (410, rate(0.0)),
    ];
    let mut sent = Vec::new();
    for (t, r) in timeline {
        for notice in alerter.evaluate(t, &r) {
            assert!(notifier.deliver(&notice).await.is_empty());
            sent.push((t, notice.kind, notice.metric));
        }
    }
    assert_eq!(
        sent,
        vec![
            (10, "alert", "error_rate"),
            (40, "resolved", "error_rate"),
            (400, "alert", "error_rate"),
            (410, "resolved", "error_rate"),
        ]
    );
    let hooks = hooks.lock().unwrap();
    let texts: Vec<&str> = hooks
        .delivered
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert!(
        texts[0].contains("error_rate is 12.00, above its threshold 5.00"),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("resolved: error_rate is back to 1.00"),
        "{texts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_backup_is_reported_to_backup_email_with_why() {
    let (smtp_url, mails) = smtp().await;
    let dir = std::env::temp_dir().join(format!("lottopro-backup-report-{}", std::process::id()));
    let mut config = lottopro_http::config::ServeConfig::defaults();
    config.store.db = dir.join("missing.db");
    config.smtp_url = Some(smtp_url);
    config.backup.backup_email = Some("backups@example.org".into());
    let e = lottopro_http::backup::run(&config).await.unwrap_err();
    assert_eq!(e.field(), Some("db"), "{e}");
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].contains("To: <backups@example.org>"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("Subject: LottoPro backup FAILED"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("missing.db does not exist"),
        "{}",
        mails[0]
    );
    assert!(!dir.exists(), "a failed backup leaves nothing behind");
}
