//! Shared fixtures of the lottopro-http tests.

use std::path::PathBuf;

/// A file of LottoPro's own data (`lottopro-core/data/`), as a path string.
pub(crate) fn data_file(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../lottopro-core/data")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The real history with its prizes, rounds up to `up_to`.
pub(crate) fn real_history(up_to: u32) -> lottopro_core::History {
    let h = lottopro_core::History::bundled();
    let draws = h.prefix(up_to).draws().to_vec();
    lottopro_core::History::new(h.game().clone(), draws).expect("a prefix of a history is one")
}

/// A real `lottopro serve` on a free loopback port, killed (SIGKILL) on drop.
pub(crate) struct Server {
    pub(crate) port: u16,
    child: std::process::Child,
}

impl Server {
    /// Starts `lottopro serve --bind ... ARGS` with `env` and waits until it
    /// accepts connections.
    pub(crate) fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lottopro"));
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("CACHE_WARMING", "false")
            .env("SYNC_SCHEDULE", "false")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("lottopro serve starts");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        Server { port, child }
    }

    /// One HTTP/1.1 request; `(status, headers, body)` or `None` if the
    /// server did not answer.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Option<(u16, String, String)> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        let mut msg =
            format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (k, v) in headers {
            msg.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() {
            msg.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        msg.push_str("\r\n");
        msg.push_str(body);
        s.write_all(msg.as_bytes()).ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        let status = head.split(' ').nth(1)?.parse().ok()?;
        Some((status, head.to_owned(), body.to_owned()))
    }

    /// A JSON request's status and body.
    pub(crate) fn json(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Option<(u16, serde_json::Value)> {
        let (status, _, body) = self.request(method, path, headers, body)?;
        Some((status, serde_json::from_str(&body).unwrap_or_default()))
    }

    /// Sends SIGTERM and waits: the service finishes what is in flight,
    /// flushes its logs and exits.
    pub(crate) fn terminate(mut self) -> std::process::ExitStatus {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("the service exits")
    }

    /// Kills the server at once, as a crash or power cut would.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A `redis-server` on a free port, killed when the guard drops.
pub(crate) fn redis_server() -> Option<(u16, KillOnDrop)> {
    let port = free_port();
    redis_server_on(port).map(|guard| (port, guard))
}

/// A `redis-server` on `port` (again, after a test stopped it).
pub(crate) fn redis_server_on(port: u16) -> Option<KillOnDrop> {
    let child = std::process::Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let guard = KillOnDrop(child);
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(guard);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    None
}

pub(crate) struct KillOnDrop(pub(crate) std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
