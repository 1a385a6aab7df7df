//! The settings of the original app's README, each answered: it works here
//! under the same name, it is read as another name, or it is ignored with a
//! one-line reason in the log. A deployment moved from the original keeps
//! its environment file and learns, at start, what each line does now.

use super::ServeConfig;

/// What LottoPro does with one of the original's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Read under the same name (an environment variable of `serve`).
    Works,
    /// Read as the given variable, when that one is not set itself.
    Alias(&'static str),
    /// Not read; the reason is logged when it is set.
    Ignored(&'static str),
    /// Read from the environment by a client library, as its own standard
    /// variable (the AWS keys by the S3 client of backups); nothing logged.
    Standard(&'static str),
}

/// Every variable the original's README names.
pub const ORIGINAL: &[(&str, Answer)] = &[
    (
        "FLASK_ENV",
        Answer::Ignored(
            "LottoPro is not a Flask app: development behaviour is DEBUG=true, production is the default",
        ),
    ),
    ("SECRET_KEY", Answer::Works),
    ("DEBUG", Answer::Works),
    ("REDIS_URL", Answer::Works),
    ("CACHE_TYPE", Answer::Works),
    ("CACHE_DEFAULT_TIMEOUT", Answer::Works),
    ("MONITORING_ENABLED", Answer::Works),
    ("THRESHOLD_RESPONSE_TIME", Answer::Works),
    ("THRESHOLD_CPU_USAGE", Answer::Works),
    ("THRESHOLD_MEMORY_USAGE", Answer::Works),
    ("THRESHOLD_ERROR_RATE", Answer::Works),
    ("SLACK_WEBHOOK_URL", Answer::Works),
    ("BACKUP_EMAIL", Answer::Works),
    ("CACHE_COMPRESSION", Answer::Works),
    ("CACHE_WARMING", Answer::Works),
    ("MEMORY_CACHE_SIZE", Answer::Works),
    ("RATE_LIMIT_ENABLED", Answer::Works),
    ("RATE_LIMIT_PREDICT", Answer::Works),
    ("RATE_LIMIT_SAVE_NUMBERS", Answer::Works),
    ("S3_BACKUP_BUCKET", Answer::Works),
    (
        "AWS_ACCESS_KEY_ID",
        Answer::Standard("read by the S3 client of `lottopro backup` and `restore`"),
    ),
    (
        "AWS_SECRET_ACCESS_KEY",
        Answer::Standard("read by the S3 client of `lottopro backup` and `restore`"),
    ),
    (
        "MONITORING_COLLECTION_INTERVAL",
        Answer::Alias("MONITOR_INTERVAL"),
    ),
];

/// One log line for each of the original's settings that `get` finds set
/// and that is not read under its own name.
pub fn notes(get: impl Fn(&str) -> Option<String>) -> Vec<String> {
    ORIGINAL
        .iter()
        .filter(|(name, _)| get(name).is_some())
        .filter_map(|(name, answer)| match answer {
            Answer::Works | Answer::Standard(_) => None,
            Answer::Alias(to) if get(to).is_some() => Some(format!(
                "{name} is ignored: {to} is set too, and takes its place"
            )),
            Answer::Alias(to) => Some(format!("{name} is read as {to}")),
            Answer::Ignored(why) => Some(format!("{name} is ignored: {why}")),
        })
        .collect()
}

/// Applies the settings read under another name (see [`ORIGINAL`]).
pub fn apply(
    config: &mut ServeConfig,
    get: impl Fn(&str) -> Option<String>,
) -> lottopro_core::Result<()> {
    if get("MONITOR_INTERVAL").is_none()
        && let Some(v) = get("MONITORING_COLLECTION_INTERVAL")
    {
        config.monitor_interval = v.trim().parse().map_err(|_| {
            lottopro_core::Error::invalid(
                "MONITORING_COLLECTION_INTERVAL",
                format!("'{v}' is not a whole number of seconds"),
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Args;

    /// The variables `serve` reads.
    fn read_by_serve() -> Vec<String> {
        ServeConfig::augment_args(clap::Command::new("serve"))
            .get_arguments()
            .filter_map(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
            .collect()
    }

    #[test]
    fn every_setting_of_the_original_is_answered() {
        let read = read_by_serve();
        for (name, answer) in ORIGINAL {
            match answer {
                Answer::Works => assert!(read.contains(&(*name).to_owned()), "{name} is not read"),
                Answer::Alias(to) => {
                    assert!(read.contains(&(*to).to_owned()), "{name}: {to} is not read");
                    assert!(!read.contains(&(*name).to_owned()), "{name} is read itself");
                }
                Answer::Standard(by) => {
                    assert!(!read.contains(&(*name).to_owned()), "{name} is a flag");
                    assert!(by.contains("S3"), "{name} says what reads it");
                }
                Answer::Ignored(why) => {
                    assert!(
                        !read.contains(&(*name).to_owned()),
                        "{name} is read, not ignored"
                    );
                    assert!(why.len() > 20, "{name} says why");
                }
            }
        }
        // Set, each one that is not read under its own name says so.
        let all = |name: &str| {
            ORIGINAL
                .iter()
                .any(|(n, _)| *n == name)
                .then(|| "1".to_owned())
        };
        let lines = notes(all);
        for (name, answer) in ORIGINAL {
            let said = lines.iter().any(|l| l.starts_with(&format!("{name} is ")));
            let silent = matches!(answer, Answer::Works | Answer::Standard(_));
            assert_eq!(said, !silent, "{name}: {lines:?}");
        }
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("FLASK_ENV is ignored: LottoPro is not a Flask app"))
        );
        assert!(notes(|_| None).is_empty());
    }

    #[test]
    fn the_original_collection_interval_sets_the_monitor_interval() {
        let mut c = ServeConfig::defaults();
        apply(&mut c, |n| {
            (n == "MONITORING_COLLECTION_INTERVAL").then(|| "60".to_owned())
        })
        .unwrap();
        assert_eq!(c.monitor_interval, 60);
        let mut c = ServeConfig::defaults();
        apply(&mut c, |n| match n {
            "MONITORING_COLLECTION_INTERVAL" => Some("60".into()),
            "MONITOR_INTERVAL" => Some("5".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            c.monitor_interval,
            ServeConfig::defaults().monitor_interval,
            "the new name wins"
        );
        let e = apply(&mut c, |n| {
            (n == "MONITORING_COLLECTION_INTERVAL").then(|| "soon".to_owned())
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("MONITORING_COLLECTION_INTERVAL"));
    }
}
