//! The service watching itself: system readings, thresholds, alerts.
//!
//! Every `MONITOR_INTERVAL` seconds the service samples the process and the
//! machine ([`SystemSampler`], sysinfo) and its own request figures, and
//! hands the readings to an [`Alerter`]. Crossing a threshold raises one
//! alert; while it stays crossed nothing more is sent; when it clears a
//! "resolved" message follows; and a threshold that crosses again within
//! the cooldown of its last alert stays quiet, so a flapping reading cannot
//! flood anyone. [`Alerter::evaluate`] is a pure function of the readings
//! and the clock, tested without waiting.
//!
//! A [`Notifier`] delivers each notice to a Slack-compatible webhook and by
//! e-mail over plain SMTP (`smtp://host:port`, no TLS or login: relay
//! through a local mail server), each with retries and backoff, on a task
//! of its own: a slow or failing channel is logged and never holds up a
//! request.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// System samples kept (at the default 10-s interval: one hour).
pub const SYSTEM_SAMPLES: usize = 360;

/// One system reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SystemSample {
    /// When, seconds since 1970.
    pub at: u64,
    /// CPU use of the whole machine, percent.
    pub cpu_percent: f64,
    /// Memory use of the whole machine, percent.
    pub memory_percent: f64,
    /// CPU use of this process, percent of one core.
    pub process_cpu_percent: f64,
    /// Resident memory of this process, bytes.
    pub process_rss_bytes: u64,
    /// Bytes in the data directory.
    pub data_dir_bytes: u64,
    /// Use of the file system holding the data directory, percent.
    pub disk_percent: f64,
}

/// Reads the process and the machine.
pub struct SystemSampler {
    system: sysinfo::System,
    pid: Option<sysinfo::Pid>,
    data_dir: PathBuf,
    samples: Mutex<VecDeque<SystemSample>>,
}

impl SystemSampler {
    /// A sampler for this process and `data_dir`.
    pub fn new(data_dir: &Path) -> Option<SystemSampler> {
        Some(SystemSampler {
            system: sysinfo::System::new().ok()?,
            pid: sysinfo::get_current_pid().ok(),
            data_dir: data_dir.to_owned(),
            samples: Mutex::new(VecDeque::with_capacity(SYSTEM_SAMPLES)),
        })
    }

    /// Takes a reading and keeps it.
    pub fn sample(&mut self) -> SystemSample {
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        if let Some(pid) = self.pid {
            self.system
                .refresh_processes(sysinfo::ProcessesToUpdate::Some(&[pid]), false);
        }
        let process = self.pid.and_then(|p| self.system.process(p));
        let total = self.system.total_memory().max(1);
        let (disk_total, disk_free) = disk_of(&self.data_dir);
        let sample = SystemSample {
            at: now_secs(),
            cpu_percent: f64::from(self.system.global_cpu_usage()),
            memory_percent: 100.0 * self.system.used_memory() as f64 / total as f64,
            process_cpu_percent: process.map_or(0.0, |p| f64::from(p.cpu_usage())),
            process_rss_bytes: process.map_or(0, sysinfo::Process::memory),
            data_dir_bytes: dir_bytes(&self.data_dir),
            disk_percent: if disk_total == 0 {
                0.0
            } else {
                100.0 * (disk_total - disk_free) as f64 / disk_total as f64
            },
        };
        if let Ok(mut s) = self.samples.lock() {
            if s.len() == SYSTEM_SAMPLES {
                s.pop_front();
            }
            s.push_back(sample);
        }
        sample
    }

    /// The readings kept, oldest first.
    pub fn samples(&self) -> Vec<SystemSample> {
        self.samples
            .lock()
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `(total, available)` bytes of the file system holding `dir`.
fn disk_of(dir: &Path) -> (u64, u64) {
    let Ok(disks) = sysinfo::Disks::new_with_refreshed_list() else {
        return (0, 0);
    };
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    disks
        .iter()
        .filter(|d| dir.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len())
        .map_or((0, 0), |d| (d.total_space(), d.available_space()))
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(std::result::Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The alert thresholds (`THRESHOLD_*`): what is watched, with the values
/// that count as trouble.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Thresholds {
    /// p95 response time, seconds (`THRESHOLD_RESPONSE_TIME`).
    pub response_time_secs: f64,
    /// Machine CPU, percent (`THRESHOLD_CPU_USAGE`).
    pub cpu_percent: f64,
    /// Machine memory, percent (`THRESHOLD_MEMORY_USAGE`).
    pub memory_percent: f64,
    /// Requests answered 5xx, percent.
    pub error_rate_percent: f64,
}

impl Default for Thresholds {
    /// The original app's defaults, and 5 % of requests failing.
    fn default() -> Self {
        Thresholds {
            response_time_secs: 10.0,
            cpu_percent: 80.0,
            memory_percent: 85.0,
            error_rate_percent: 5.0,
        }
    }
}

/// The readings one evaluation looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Readings {
    /// p95 response time over recent requests, seconds.
    pub response_time_secs: f64,
    /// Machine CPU, percent.
    pub cpu_percent: f64,
    /// Machine memory, percent.
    pub memory_percent: f64,
    /// Share of recent requests answered 5xx, percent.
    pub error_rate_percent: f64,
}

/// An alert or its all-clear.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notice {
    /// `alert` or `resolved`.
    pub kind: &'static str,
    /// `response_time`, `cpu`, `memory` or `error_rate`.
    pub metric: &'static str,
    /// The reading.
    pub value: f64,
    /// The threshold.
    pub threshold: f64,
}

impl Notice {
    /// One line for people.
    pub fn text(&self) -> String {
        match self.kind {
            "alert" => format!(
                "LottoPro alert: {} is {:.2}, above its threshold {:.2}",
                self.metric, self.value, self.threshold
            ),
            _ => format!(
                "LottoPro resolved: {} is back to {:.2} (threshold {:.2})",
                self.metric, self.value, self.threshold
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct State {
    /// The reading is over its threshold.
    alerting: bool,
    /// An alert was sent for this crossing.
    notified: bool,
    last_alert: Option<u64>,
}

/// Turns readings into notices; see the module docs.
pub struct Alerter {
    limits: Thresholds,
    cooldown: Duration,
    states: BTreeMap<&'static str, State>,
}

impl Alerter {
    /// An alerter with `limits` and a `cooldown` between alerts of one metric.
    pub fn new(limits: Thresholds, cooldown: Duration) -> Alerter {
        Alerter {
            limits,
            cooldown,
            states: BTreeMap::new(),
        }
    }

    /// The notices `readings` at time `now` (seconds) call for.
    pub fn evaluate(&mut self, now: u64, r: &Readings) -> Vec<Notice> {
        let checks = [
            (
                "response_time",
                r.response_time_secs,
                self.limits.response_time_secs,
            ),
            ("cpu", r.cpu_percent, self.limits.cpu_percent),
            ("memory", r.memory_percent, self.limits.memory_percent),
            (
                "error_rate",
                r.error_rate_percent,
                self.limits.error_rate_percent,
            ),
        ];
        let mut out = Vec::new();
        for (metric, value, threshold) in checks {
            let state = self.states.entry(metric).or_default();
            let over = value > threshold;
            let notice = |kind| Notice {
                kind,
                metric,
                value,
                threshold,
            };
            if over && !state.alerting {
                state.alerting = true;
                let cooling = state
                    .last_alert
                    .is_some_and(|t| now.saturating_sub(t) < self.cooldown.as_secs());
                state.notified = !cooling;
                if !cooling {
                    state.last_alert = Some(now);
                    out.push(notice("alert"));
                }
            } else if !over && state.alerting {
                state.alerting = false;
                // An all-clear only for an alert that was sent.
                if std::mem::take(&mut state.notified) {
                    out.push(notice("resolved"));
                }
            }
        }
        out
    }
}

/// Where notices go.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    /// A Slack-compatible incoming webhook (`SLACK_WEBHOOK_URL`).
    pub webhook: Option<String>,
    /// `smtp://host:port` (`SMTP_URL`).
    pub smtp: Option<String>,
    /// Recipient (`ALERT_EMAIL_TO`).
    pub email_to: Option<String>,
    /// The replica that sends (its host name): each replica watches itself,
    /// so every notice says whose figures it is about.
    pub instance: String,
    /// Sender (`ALERT_EMAIL_FROM`).
    pub email_from: String,
}

/// Delivers notices; see the module docs.
pub struct Notifier {
    channels: Channels,
    client: reqwest::Client,
    retries: u32,
    backoff: Duration,
}

impl Notifier {
    /// A notifier for `channels`, with `retries` and a first `backoff`.
    pub fn new(channels: Channels, retries: u32, backoff: Duration) -> Notifier {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Notifier {
            channels,
            client,
            retries,
            backoff,
        }
    }

    /// Sends `notice` on every configured channel; returns the channels
    /// that failed after their retries (and logs them).
    pub async fn deliver(&self, notice: &Notice) -> Vec<String> {
        let mut failed = Vec::new();
        if let Some(url) = &self.channels.webhook {
            let text = format!("{} [{}]", notice.text(), self.channels.instance);
            let body = serde_json::json!({ "text": text, "notice": notice, "instance": self.channels.instance });
            let result = self
                .retry(|| async {
                    let r = self
                        .client
                        .post(url)
                        .header("Content-Type", "application/json")
                        .body(body.to_string())
                        .send()
                        .await
                        // The webhook's URL is its secret: never in an error.
                        .map_err(|e| {
                            format!("{}: {}", crate::secret::redact_url(url), e.without_url())
                        })?;
                    if r.status().is_success() {
                        Ok(())
                    } else {
                        Err(format!("HTTP {}", r.status()))
                    }
                })
                .await;
            if let Err(e) = result {
                tracing::warn!(channel = "webhook", error = %e, "alert not delivered");
                failed.push("webhook".to_owned());
            }
        }
        if let (Some(smtp), Some(to)) = (&self.channels.smtp, &self.channels.email_to) {
            let result = self
                .retry(|| {
                    let body = format!(
                        "{}\r\n\r\nmetric: {}\r\nvalue: {:.3}\r\nthreshold: {:.3}\r\n",
                        notice.text(),
                        notice.metric,
                        notice.value,
                        notice.threshold
                    );
                    let from = &self.channels.email_from;
                    let subject = format!("{} [{}]", notice.text(), self.channels.instance);
                    async move { send_mail(smtp, from, to, &subject, &body).await }
                })
                .await;
            if let Err(e) = result {
                tracing::warn!(channel = "email", error = %e, "alert not delivered");
                failed.push("email".to_owned());
            }
        }
        failed
    }

    async fn retry<F, Fut>(&self, f: F) -> Result<(), String>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(), String>>,
    {
        let mut wait = self.backoff;
        let mut attempt = 0;
        loop {
            match f().await {
                Ok(()) => return Ok(()),
                Err(e) if attempt >= self.retries => return Err(e),
                Err(_) => {
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
            }
        }
    }
}

/// One message over plain SMTP (RFC 5321): EHLO, MAIL, RCPT, DATA, QUIT;
/// alerts and backup reports both go through it.
pub async fn send_mail(
    url: &str,
    from: &str,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<(), String> {
    let address = url
        .strip_prefix("smtp://")
        .ok_or_else(|| {
            format!(
                "SMTP_URL '{}' is not smtp://host:port",
                crate::secret::redact_url(url)
            )
        })?
        .trim_end_matches('/');
    let stream = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::net::TcpStream::connect(address),
    )
    .await
    .map_err(|_| format!("{address}: connection timed out"))?
    .map_err(|e| format!("{address}: {e}"))?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    // Reads one reply (multi-line replies continue with "NNN-").
    async fn reply(
        lines: &mut tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>,
        want: &str,
    ) -> Result<(), String> {
        loop {
            let line = lines
                .next_line()
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the server closed the connection")?;
            if line.len() >= 4 && line.as_bytes()[3] == b'-' {
                continue;
            }
            return if line.starts_with(want) {
                Ok(())
            } else {
                Err(format!("expected {want}, got '{line}'"))
            };
        }
    }
    reply(&mut lines, "220").await?;
    // Bare newlines become CRLF, as SMTP requires.
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let body = format!(
        "From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    );
    // Dot-stuffing: a line starting with '.' gets another.
    let body = body.replace("\r\n.", "\r\n..");
    for (command, want) in [
        ("EHLO lottopro\r\n".to_owned(), "250"),
        (format!("MAIL FROM:<{from}>\r\n"), "250"),
        (format!("RCPT TO:<{to}>\r\n"), "250"),
        ("DATA\r\n".to_owned(), "354"),
        (format!("{body}\r\n.\r\n"), "250"),
        ("QUIT\r\n".to_owned(), "221"),
    ] {
        write
            .write_all(command.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        reply(&mut lines, want).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Thresholds {
        Thresholds::default()
    }

    #[test]
    fn one_alert_per_crossing_a_cooldown_and_an_all_clear() {
        let mut a = Alerter::new(limits(), Duration::from_secs(300));
        let calm = Readings::default();
        let hot = Readings {
            cpu_percent: 95.0,
            ..calm
        };
        assert!(a.evaluate(0, &calm).is_empty());
        let n = a.evaluate(10, &hot);
        assert_eq!((n.len(), n[0].kind, n[0].metric), (1, "alert", "cpu"));
        assert!(
            a.evaluate(20, &hot).is_empty(),
            "still crossed: nothing more"
        );
        let n = a.evaluate(30, &calm);
        assert_eq!((n.len(), n[0].kind), (1, "resolved"));
        // Crossing again within the cooldown stays quiet, and so does its clearing.
        assert!(a.evaluate(40, &hot).is_empty());
        assert!(a.evaluate(50, &calm).is_empty());
        // After the cooldown a new crossing alerts again.
        let n = a.evaluate(400, &hot);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, "alert");
        // Several metrics at once.
        let all = Readings {
            response_time_secs: 11.0,
            cpu_percent: 95.0,
            memory_percent: 90.0,
            error_rate_percent: 6.0,
        };
        let n = a.evaluate(410, &all);
        let metrics: Vec<_> = n.iter().map(|n| n.metric).collect();
        assert_eq!(metrics, vec!["response_time", "memory", "error_rate"]);
    }
}
