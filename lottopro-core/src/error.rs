//! The one error type of the core.
//!
//! Every fallible public function returns [`Result<T>`]. An [`Error`] says what
//! was wrong in words a user can act on (the field, the value, the allowed
//! range), and [`Error::kind`] gives bindings a stable, flat category to map
//! onto their own error types (Python exception classes, HTTP status codes)
//! without matching on message text.

use std::fmt;

/// A specialised `Result` for the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with enough context to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value supplied by the caller is not acceptable (a ticket with seven
    /// numbers, a number outside the pool, a negative amount, an unknown game).
    #[error("{field}: {message}")]
    InvalidInput {
        /// The parameter or field at fault, e.g. `ticket`, `numbers[2]`, `game`.
        field: String,
        /// What was wrong and, where it helps, what is allowed.
        message: String,
    },

    /// A value supplied by the caller is not acceptable, for a [`Reason`]
    /// that hosts can put in their own words (the player's language) from
    /// its values; [`Error::kind`] is [`ErrorKind::InvalidInput`] as for
    /// [`Error::InvalidInput`], and the English `Display` is the same.
    #[error("{field}: {reason}")]
    Rejected {
        /// The parameter or field at fault.
        field: String,
        /// Why, with the values involved.
        reason: Reason,
    },

    /// A record of an input file could not be read as a draw or a prize row.
    #[error("{location}: {message}")]
    Parse {
        /// Where: `line 7, column n3` or `item 3`.
        location: String,
        /// 1-based line number in the input, when known.
        line: Option<u64>,
        /// The column or field at fault, when known.
        column: Option<String>,
        /// What was wrong with it.
        message: String,
    },

    /// Draws that are individually valid do not form a consistent history
    /// (a gap or a repeat in round numbers, dates going backwards, prizes for
    /// a round that is not there).
    #[error("history: {message}")]
    History {
        /// The round at which the inconsistency was found, if any.
        round: Option<u32>,
        /// What is inconsistent.
        message: String,
    },

    /// A request asked for more work than the documented limit allows.
    #[error("{field}: {value} exceeds the limit of {limit}")]
    Limit {
        /// The parameter that is too large.
        field: String,
        /// The requested value.
        value: u64,
        /// The largest accepted value.
        limit: u64,
    },

    /// A request that is valid in itself needs more draws than the history
    /// holds (a backtest whose warm-up covers every draw). The same request
    /// succeeds once the history is long enough, so services answer it as a
    /// conflict with their current data rather than as bad input.
    #[error("{field}: needs more than {needed} draws; the history holds {available}")]
    TooFewDraws {
        /// The parameter that asks for the draws, e.g. `warmup`.
        field: String,
        /// Draws the request uses before it can answer.
        needed: usize,
        /// Draws in the history.
        available: usize,
    },

    /// Work was stopped before it finished: its caller cancelled it or its
    /// deadline passed (see [`crate::cancel`]). Nothing was changed.
    #[error("stopped: {reason}")]
    Cancelled {
        /// Why, e.g. "the time allowed for it ran out".
        reason: String,
    },

    /// Something asked for does not exist (a round not in the history).
    #[error("{0}")]
    NotFound(String),

    /// A cache backend failed (Redis unreachable, a timeout). The engine
    /// never returns this: a failing cache counts as a miss.
    #[error("cache: {0}")]
    Cache(String),

    /// Reading or writing failed at the operating-system level.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// A service the caller depends on did not answer or failed: the
    /// database, the network. The source is kept, typed, for logs and for
    /// callers that look into it ([`std::error::Error::source`]).
    #[error("{service}: {source}")]
    Unavailable {
        /// What failed, e.g. `database`, `network`.
        service: &'static str,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

/// Why an input was refused, with the values involved: the common input
/// errors of tickets, amounts, rounds and codes, which hosts render in
/// their own words (the pages do in Korean, English and Japanese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// A number outside its range.
    #[error("{value} is out of range {min}..={max}")]
    OutOfRange {
        /// The number given.
        value: i64,
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
    },
    /// Text where a number belongs.
    #[error("'{text}' is not a number")]
    NotANumber {
        /// What was given.
        text: String,
    },
    /// A number given twice.
    #[error("{value} appears more than once")]
    Repeated {
        /// The number.
        value: u8,
    },
    /// The wrong count of numbers.
    #[error("expected {expected} numbers, got {given}")]
    Count {
        /// How many a ticket holds.
        expected: usize,
        /// How many were given.
        given: usize,
    },
    /// Nothing where numbers belong.
    #[error("is empty; expected {expected} numbers such as \"3 11 17 25 33 41\"")]
    Empty {
        /// How many a ticket holds.
        expected: usize,
    },
    /// Text that is not an amount of money.
    #[error("'{text}' is not an amount (e.g. 1000000, 1,000,000 or 10억)")]
    NotAnAmount {
        /// What was given.
        text: String,
    },
    /// A round too far after the next draw to hold a ticket.
    #[error("{round} is too far ahead: tickets can be saved for rounds up to {last}")]
    TooFarAhead {
        /// The round given.
        round: u32,
        /// The last round a ticket may be saved for now.
        last: u32,
    },
    /// A one-time device-link code that opens nothing.
    #[error("is unknown, already used or expired: ask the other device for a new one")]
    UnknownCode,
}

/// A flat category of [`Error`], stable across releases, for bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::InvalidInput`].
    InvalidInput,
    /// See [`Error::Parse`].
    Parse,
    /// See [`Error::History`].
    History,
    /// See [`Error::Limit`].
    Limit,
    /// See [`Error::TooFewDraws`].
    TooFewDraws,
    /// See [`Error::Cancelled`].
    Cancelled,
    /// See [`Error::NotFound`].
    NotFound,
    /// See [`Error::Cache`].
    Cache,
    /// See [`Error::Io`].
    Io,
    /// See [`Error::Unavailable`].
    Unavailable,
}

impl ErrorKind {
    /// A short snake_case name, e.g. for JSON error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Parse => "parse",
            ErrorKind::History => "history",
            ErrorKind::Limit => "limit",
            ErrorKind::TooFewDraws => "too_few_draws",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Cache => "cache",
            ErrorKind::Io => "io",
            ErrorKind::Unavailable => "unavailable",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } | Error::Rejected { .. } => ErrorKind::InvalidInput,
            Error::Parse { .. } => ErrorKind::Parse,
            Error::History { .. } => ErrorKind::History,
            Error::Limit { .. } => ErrorKind::Limit,
            Error::TooFewDraws { .. } => ErrorKind::TooFewDraws,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Cache(_) => ErrorKind::Cache,
            Error::Io(_) => ErrorKind::Io,
            Error::Unavailable { .. } => ErrorKind::Unavailable,
        }
    }

    /// The field at fault, for errors that concern one input field.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. }
            | Error::Rejected { field, .. }
            | Error::Limit { field, .. }
            | Error::TooFewDraws { field, .. } => Some(field),
            Error::Parse { column, .. } => column.as_deref(),
            _ => None,
        }
    }

    /// Bad input in `field`: the common case for hosts validating their own
    /// parameters with the same error type.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Bad input in `field` for a structured [`Reason`].
    pub fn rejected(field: impl Into<String>, reason: Reason) -> Self {
        Error::Rejected {
            field: field.into(),
            reason,
        }
    }

    /// The structured reason of an input error, when it has one.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Error::Rejected { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The same input error about `outer` (a ticket among several, a game
    /// of a QR code): a structured reason is kept, other input errors carry
    /// their field in the message; other errors pass through.
    pub fn within(self, outer: impl Into<String>) -> Self {
        match self {
            Error::Rejected { reason, .. } => Error::Rejected {
                field: outer.into(),
                reason,
            },
            Error::InvalidInput { field, message } => Error::InvalidInput {
                field: outer.into(),
                message: format!("{field}: {message}"),
            },
            other => other,
        }
    }

    /// A failure of `service` (the database, the network), keeping `source`.
    pub fn unavailable(
        service: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Error::Unavailable {
            service,
            source: source.into(),
        }
    }

    pub(crate) fn history(round: Option<u32>, message: impl Into<String>) -> Self {
        Error::History {
            round,
            message: message.into(),
        }
    }

    /// Places an input error at a line (and column) of a file. Errors that
    /// are not about the input's content (I/O) pass through unchanged.
    pub(crate) fn at_line(self, line: u64, column: Option<&str>) -> Self {
        let location = match column {
            Some(c) => format!("line {line}, column {c}"),
            None => format!("line {line}"),
        };
        self.located(location, Some(line), column)
    }

    /// Places an input error at the `index`-th item (1-based) of a document.
    pub(crate) fn at_item(self, index: usize) -> Self {
        self.located(format!("item {index}"), None, None)
    }

    fn located(self, location: String, line: Option<u64>, column: Option<&str>) -> Self {
        let (column, message) = match self {
            Error::InvalidInput { field, message } => (
                column.map_or(field.clone(), str::to_owned),
                format!("{field}: {message}"),
            ),
            Error::Rejected { field, reason } => (
                column.map_or(field.clone(), str::to_owned),
                format!("{field}: {reason}"),
            ),
            Error::History { message, .. } => (column.unwrap_or_default().to_owned(), message),
            Error::Parse {
                column: c, message, ..
            } => (
                c.or_else(|| column.map(str::to_owned)).unwrap_or_default(),
                message,
            ),
            other => return other,
        };
        Error::Parse {
            location,
            line,
            column: (!column.is_empty()).then_some(column),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_dependency_keeps_its_typed_source() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = Error::unavailable("database", io);
        assert_eq!(
            (e.kind(), e.kind().as_str()),
            (ErrorKind::Unavailable, "unavailable")
        );
        assert_eq!(e.to_string(), "database: refused");
        let source = std::error::Error::source(&e).expect("a source");
        let io = source
            .downcast_ref::<std::io::Error>()
            .expect("the io::Error itself");
        assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn messages_name_the_field_and_location() {
        let e = Error::invalid("numbers[2]", "46 is out of range 1..=45");
        assert_eq!(e.to_string(), "numbers[2]: 46 is out of range 1..=45");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.field(), Some("numbers[2]"));

        let p = e.at_line(7, Some("n3"));
        assert_eq!(
            p.to_string(),
            "line 7, column n3: numbers[2]: 46 is out of range 1..=45"
        );
        assert_eq!(p.kind(), ErrorKind::Parse);
    }
}
