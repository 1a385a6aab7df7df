//! Stopping long work early: a [`Cancel`] handle, with an optional
//! deadline, that the long-running kernels (backtests, simulations, wheel
//! searches, the popularity fit) check between steps.
//!
//! A host runs a call inside [`Cancel::scope`]; a kernel calls [`check`]
//! between rounds, batches or moves and returns [`Error::Cancelled`] once
//! the handle is cancelled or its deadline has passed. The handle travels in
//! a thread-local rather than as a parameter of every request type, so that
//! the engine's API, its cache keys and its single flights stay as they are
//! and a call made outside any scope is never stopped; kernels that fan out
//! to worker threads hand the handle to each worker ([`current`]). Checks
//! cost an atomic load and, with a deadline, a clock read: kernels make one
//! per unit of work of a millisecond or so, so stopping takes about that
//! long.
//!
//! A handle made by [`Cancel::lookups_only`] also stops work at the first
//! thing it would compute rather than find cached ([`computing`], which the
//! engine calls on a cache miss): a host tries a call that way first, as
//! light work, and runs it again under its gate of heavy work only when it
//! needs computing, so a cached answer never waits behind a backtest.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// A handle that stops the work of [`Cancel::scope`]: by [`Cancel::cancel`]
/// from any thread, or when its deadline passes. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    deadline: Option<Instant>,
    lookups_only: bool,
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

impl Cancel {
    /// A handle that stops work only when cancelled.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A handle that also stops work `limit` from now.
    pub fn with_deadline(limit: Duration) -> Cancel {
        Cancel {
            flag: Arc::default(),
            deadline: Instant::now().checked_add(limit),
            lookups_only: false,
        }
    }

    /// A handle that stops work `limit` from now and at the first thing it
    /// would compute rather than find cached (see [`computing`]).
    pub fn lookups_only(limit: Duration) -> Cancel {
        Cancel {
            lookups_only: true,
            ..Cancel::with_deadline(limit)
        }
    }

    /// Stops the work of every scope of this handle (and its clones).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether work under this handle should stop now.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// `Err(Error::Cancelled)` when work under this handle should stop.
    pub fn check(&self) -> Result<()> {
        if self.flag.load(Ordering::Relaxed) {
            return Err(Error::Cancelled {
                reason: "the caller stopped waiting".into(),
            });
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Error::Cancelled {
                reason: "the time allowed for it ran out".into(),
            });
        }
        Ok(())
    }

    /// Runs `f` on this thread with this handle as the current one (see
    /// [`check`]); the previous one is restored afterwards.
    pub fn scope<T>(&self, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<Cancel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _restore = Restore(previous);
        f()
    }
}

/// The handle of the enclosing [`Cancel::scope`] on this thread, if any:
/// what a kernel hands to the worker threads it starts.
pub fn current() -> Option<Cancel> {
    CURRENT.with(|c| c.borrow().clone())
}

/// `Err(Error::Cancelled)` when the enclosing scope's handle says stop;
/// always `Ok` outside any scope.
pub fn check() -> Result<()> {
    CURRENT.with(|c| c.borrow().as_ref().map_or(Ok(()), Cancel::check))
}

/// What the engine calls before computing what it did not find cached:
/// `Err(Error::Cancelled)` inside a [`Cancel::lookups_only`] scope, else
/// [`check`].
pub fn computing() -> Result<()> {
    if CURRENT.with(|c| c.borrow().as_ref().is_some_and(|c| c.lookups_only)) {
        return Err(Error::Cancelled {
            reason: "it needs computing, and only lookups were allowed".into(),
        });
    }
    check()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore() {
        assert!(check().is_ok(), "outside any scope nothing stops");
        let outer = Cancel::new();
        let inner = Cancel::new();
        inner.cancel();
        outer.scope(|| {
            assert!(check().is_ok());
            inner.scope(|| assert!(check().is_err()));
            assert!(check().is_ok(), "the outer handle is back");
        });
        assert!(current().is_none());
    }

    #[test]
    fn a_lookups_only_scope_stops_at_computing_only() {
        let light = Cancel::lookups_only(Duration::from_secs(60));
        light.scope(|| {
            assert!(check().is_ok(), "kernel steps go on");
            assert!(computing().unwrap_err().to_string().contains("computing"));
        });
        assert!(Cancel::new().scope(computing).is_ok());
        assert!(computing().is_ok(), "outside any scope nothing stops");
    }

    #[test]
    fn a_deadline_stops_work_and_says_why() {
        let c = Cancel::with_deadline(Duration::ZERO);
        let e = c.scope(check).unwrap_err();
        assert!(e.to_string().contains("time allowed"), "{e}");
        let other_thread = c.clone();
        let stopped = Cancel::new();
        let flag = stopped.clone();
        std::thread::spawn(move || flag.cancel()).join().unwrap();
        assert!(stopped.is_cancelled() && other_thread.is_cancelled());
    }
}
