//! Shared fixtures: paths to the real draw history and to test data.

use std::path::PathBuf;

use lottopro_core::{GameSpec, History};

/// A file of LottoPro's own data (`lottopro-core/data/`).
pub(crate) fn data_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// A data file of this test suite.
pub(crate) fn test_data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Rows of a comma-separated test data file, skipping `#` comments.
pub(crate) fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(',').collect())
}

/// The full real history, with per-rank prizes attached, read from the
/// repository's files (so the files on disk and the embedded copy are both
/// exercised; `history_io` checks that they agree).
pub(crate) fn real_history() -> History {
    let h =
        lottopro_core::io::load_history(&data_file("kr_lotto_645.csv"), None, GameSpec::kr645())
            .unwrap();
    lottopro_core::io::load_prizes(&h, &data_file("kr_lotto_645_prizes.csv")).unwrap()
}

/// A synthetic Korean history of `len` weekly draws from `seed`: fair
/// (`History::simulated`), or with number `bias.0` drawn with probability
/// `bias.1` in each draw and the other numbers uniform among the rest.
pub(crate) fn synthetic_history(len: u32, seed: u64, bias: Option<(u8, f64)>) -> History {
    use lottopro_core::{Date, Draw};
    use rand::RngExt;
    let game = GameSpec::kr645();
    let start = Date::parse("2002-12-07").unwrap();
    let Some((biased, q)) = bias else {
        return History::simulated(game, len, start, seed).unwrap();
    };
    let mut rng = lottopro_core::rng::seeded(seed);
    let draws = (1..=len)
        .map(|round| {
            let mut nums: Vec<u8> = Vec::with_capacity(7);
            if rng.random::<f64>() < q {
                nums.push(biased);
            }
            while nums.len() < 7 {
                let n = rng.random_range(1..=45u8);
                // The biased number enters only through the coin above (or as the bonus).
                if !nums.contains(&n) && (n != biased || nums.len() == 6) {
                    nums.push(n);
                }
            }
            let bonus = nums.pop().unwrap();
            let date = start.add_days(7 * i64::from(round - 1)).unwrap();
            Draw::new(&game, round, date, &nums, &[bonus]).unwrap()
        })
        .collect();
    History::new(game, draws).unwrap()
}

/// A real `redis-server` on a free loopback port, stopped (SIGKILL) on drop.
#[cfg(feature = "redis")]
pub(crate) struct RedisServer {
    pub(crate) port: u16,
    child: Option<std::process::Child>,
}

#[cfg(feature = "redis")]
impl RedisServer {
    /// Starts a server, or returns `None` (after saying why the caller's test
    /// is skipped) when `redis-server` is not installed.
    pub(crate) fn start(test: &str) -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut s = RedisServer { port, child: None };
        if s.restart().is_err() {
            eprintln!(
                "SKIPPED {test}: redis-server is not installed (.ci/run installs it; apt-get install redis-server)"
            );
            return None;
        }
        Some(s)
    }

    /// (Re)starts the server on the same port and waits until it answers.
    pub(crate) fn restart(&mut self) -> std::io::Result<()> {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        self.child = Some(child);
        for _ in 0..200 {
            if self.ping() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        Err(std::io::Error::other(
            "redis-server did not answer within 5 s",
        ))
    }

    /// Kills the server at once, as a crash would.
    pub(crate) fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn ping(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(std::time::Duration::from_millis(200)));
        let mut buf = [0u8; 7];
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
    }
}

#[cfg(feature = "redis")]
impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The mean sales of `h`'s last ten draws with sales: what a ticket's
/// valuation assumes when given none.
pub(crate) fn recent_sales(h: &History) -> lottopro_core::Money {
    let recent: Vec<u64> = h
        .draws()
        .iter()
        .rev()
        .filter_map(|d| d.total_sales())
        .take(10)
        .map(|s| s.get())
        .collect();
    lottopro_core::Money::new(recent.iter().sum::<u64>() / recent.len() as u64, "sales").unwrap()
}
