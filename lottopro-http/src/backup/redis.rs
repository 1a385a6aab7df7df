//! A Redis snapshot for the archive: the RDB file Redis sends a replica,
//! read over a plain connection as `redis-cli --rdb` does (`REPLCONF
//! rdb-only 1`, then `SYNC`).
//!
//! Redis holds only the shared cache and the rate-limit buckets, so a
//! snapshot that cannot be taken (Redis down, `SYNC` disabled by a managed
//! service, TLS) is noted in the manifest and the backup goes on.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

/// Longest snapshot read (the cache is bounded far below this).
const MAX_BYTES: u64 = 4 << 30;

/// Writes Redis's RDB snapshot to `dest`; the bytes written.
pub(super) fn snapshot(url: &str, dest: &Path) -> Result<u64, String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let info = client.get_connection_info();
    let (host, port) = match info.addr() {
        redis::ConnectionAddr::Tcp(host, port) => (host.clone(), *port),
        _ => return Err("only redis:// over TCP is snapshotted (not TLS or a socket)".into()),
    };
    let auth = info.redis_settings();
    let stream = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
        .map_err(|e| format!("{host}:{port}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}:{port}: no address"))
        .and_then(|a| {
            TcpStream::connect_timeout(&a, Duration::from_secs(5))
                .map_err(|e| format!("{host}:{port}: {e}"))
        })?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let mut write = stream.try_clone().map_err(|e| e.to_string())?;
    let mut read = BufReader::new(stream);
    let mut command = |args: &[&str]| -> Result<(), String> {
        let mut out = format!("*{}\r\n", args.len());
        for a in args {
            out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        write.write_all(out.as_bytes()).map_err(|e| e.to_string())
    };
    if let Some(password) = auth.password() {
        match auth.username() {
            Some(user) => command(&["AUTH", user, password])?,
            None => command(&["AUTH", password])?,
        }
        let line = next_line(&mut read)?;
        if !line.starts_with('+') {
            return Err(format!("AUTH refused: {line}"));
        }
    }
    // Redis 7 sends no replication stream after the snapshot with this;
    // older servers answer an error, which is harmless.
    command(&["REPLCONF", "rdb-only", "1"])?;
    let _ = next_line(&mut read)?;
    command(&["SYNC"])?;
    let header = loop {
        // Newlines keep the connection alive while Redis forks.
        let line = next_line(&mut read)?;
        if !line.is_empty() {
            break line;
        }
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(dest).map_err(|e| e.to_string())?);
    let written = if let Some(mark) = header.strip_prefix("$EOF:") {
        // Diskless: the payload ends with the 40-byte mark.
        let mark = mark.as_bytes().to_vec();
        until_mark(&mut read, &mark, &mut out)?
    } else if let Some(len) = header.strip_prefix('$') {
        let len: u64 = len
            .parse()
            .map_err(|_| format!("unexpected reply to SYNC: {header}"))?;
        if len > MAX_BYTES {
            return Err(format!("the snapshot is {len} bytes, over the limit"));
        }
        std::io::copy(&mut (&mut read).take(len), &mut out).map_err(|e| e.to_string())?
    } else {
        return Err(format!("SYNC refused: {header}"));
    };
    out.flush().map_err(|e| e.to_string())?;
    let mut magic = [0u8; 5];
    std::fs::File::open(dest)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|e| e.to_string())?;
    if &magic != b"REDIS" {
        return Err("the snapshot is not an RDB file".into());
    }
    Ok(written)
}

fn next_line(read: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    if read.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
        return Err("Redis closed the connection".into());
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Copies `read` to `out` until `mark`, which is not copied.
fn until_mark(read: &mut impl Read, mark: &[u8], out: &mut impl Write) -> Result<u64, String> {
    let mut tail: Vec<u8> = Vec::with_capacity(mark.len() * 2);
    let mut buf = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let n = read.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("Redis closed the connection inside the snapshot".into());
        }
        tail.extend_from_slice(&buf[..n]);
        if tail.ends_with(mark) {
            let keep = tail.len() - mark.len();
            out.write_all(&tail[..keep]).map_err(|e| e.to_string())?;
            return Ok(written + keep as u64);
        }
        // Hold back what could be the start of the mark.
        if tail.len() > mark.len() {
            let keep = tail.len() - mark.len();
            out.write_all(&tail[..keep]).map_err(|e| e.to_string())?;
            written += keep as u64;
            tail.drain(..keep);
        }
        if written > MAX_BYTES {
            return Err("the snapshot is over the limit".into());
        }
    }
}
