//! Log lines gathered in memory and written to stdout in batches.
//!
//! At info every request logs a line. Written from the request's thread,
//! each line cost a `write` call; handed to tracing-appender's worker, each
//! cost a wake-up of that thread (a futex call and a context switch), and
//! on a 2-core host either took a fifth of the request path's throughput.
//! Here a line is appended to a buffer under a lock held for a `memcpy`,
//! and a thread of its own writes whatever has gathered every
//! [`FLUSH_EVERY`]. Nothing is dropped: a buffer past [`HIGH_WATER`] is
//! written out by the thread that filled it, as a direct write would have
//! been, and the guard writes the rest on exit.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How often gathered lines are written.
pub const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Bytes gathered before the writing thread itself writes them out.
pub const HIGH_WATER: usize = 4 * 1024 * 1024;

type Sink = Box<dyn Write + Send>;

struct Shared {
    lines: Mutex<Vec<u8>>,
    /// Where the lines go; held while writing, so batches never interleave.
    sink: Mutex<Sink>,
    stop: AtomicBool,
}

impl Shared {
    /// Writes out what has gathered.
    fn drain(&self) {
        let mut sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        let batch = std::mem::take(&mut *self.lines.lock().unwrap_or_else(PoisonError::into_inner));
        if !batch.is_empty() {
            let _ = sink.write_all(&batch);
            let _ = sink.flush();
        }
    }
}

/// A `MakeWriter` whose lines are written in batches (module doc).
#[derive(Clone)]
pub struct Batched {
    shared: Arc<Shared>,
}

/// Writes the last lines when dropped, after stopping the writing thread.
pub struct BatchedGuard {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for BatchedGuard {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
        self.shared.drain();
    }
}

impl Batched {
    /// Lines to `sink`, written by a thread named `name`.
    pub fn new(sink: impl Write + Send + 'static, name: &str) -> (Batched, BatchedGuard) {
        let shared = Arc::new(Shared {
            lines: Mutex::new(Vec::with_capacity(64 * 1024)),
            sink: Mutex::new(Box::new(sink)),
            stop: AtomicBool::new(false),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(name.into())
                .spawn(move || {
                    while !shared.stop.load(Ordering::Relaxed) {
                        std::thread::park_timeout(FLUSH_EVERY);
                        shared.drain();
                    }
                })
                .ok()
        };
        (
            Batched {
                shared: shared.clone(),
            },
            BatchedGuard { shared, thread },
        )
    }
}

/// One event's writer.
pub struct Line<'a>(&'a Shared);

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut lines = self.0.lines.lock().unwrap_or_else(PoisonError::into_inner);
            lines.extend_from_slice(buf);
            lines.len() >= HIGH_WATER
        };
        if full {
            self.0.drain();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Batched {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line(&self.shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<u8>>>);

    impl Write for Seen {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_arrives_in_order_by_the_next_flush_and_the_rest_on_drop() {
        use tracing_subscriber::fmt::MakeWriter;
        let seen = Seen::default();
        let (batched, guard) = Batched::new(seen.clone(), "test-log");
        for i in 0..1000 {
            batched
                .make_writer()
                .write_all(format!("line {i}\n").as_bytes())
                .unwrap();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while seen.0.lock().unwrap().len() < 1000 * 6 && std::time::Instant::now() < deadline {
            std::thread::sleep(FLUSH_EVERY);
        }
        let text = String::from_utf8(seen.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1000);
        assert!(
            lines
                .iter()
                .enumerate()
                .all(|(i, l)| *l == format!("line {i}"))
        );
        batched.make_writer().write_all(b"last\n").unwrap();
        drop(guard);
        assert!(
            String::from_utf8(seen.0.lock().unwrap().clone())
                .unwrap()
                .ends_with("last\n")
        );
    }

    #[test]
    fn a_full_buffer_is_written_by_the_thread_that_filled_it() {
        use tracing_subscriber::fmt::MakeWriter;
        let seen = Seen::default();
        let (batched, _guard) = Batched::new(seen.clone(), "test-log");
        let big = vec![b'x'; HIGH_WATER];
        batched.make_writer().write_all(&big).unwrap();
        assert_eq!(seen.0.lock().unwrap().len(), HIGH_WATER);
    }
}
