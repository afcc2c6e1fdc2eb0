//! The one error type the library returns to its callers, and the one place where a kind of
//! failure becomes a process exit code.
//!
//! Every layer keeps its own typed error where it has more to say (a `ScenarioError` knows
//! the file, line, column and key); each converts into [`Error`], whose [`ErrorKind`] says
//! whose fault it is. The binary prints the message once and exits with
//! [`ErrorKind::exit_code`]; nothing else decides an exit code.

use std::fmt;

/// Whose fault a failure is, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Something the user gave is wrong: a file, a flag or a value (exit 2). The message
    /// names the file, line, column and key where known, and what is allowed.
    BadInput,
    /// A file the user named could not be read or written for a reason outside ccsim:
    /// missing, a permission, a full disk (exit 2, like bad input: the user can fix it).
    Io,
    /// The MIP solver stopped without a roster (time limit, numerical trouble): neither the
    /// user's input nor a fault of ccsim (exit 3).
    Solver,
    /// The caller cancelled the work (exit 130, as for an interrupt).
    Cancelled,
    /// Something went wrong inside ccsim (exit 1).
    Internal,
}

impl ErrorKind {
    /// The process exit code of this kind: 2 bad input or I/O, 3 solver, 130 cancelled,
    /// 1 internal. The only place exit codes are decided.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::BadInput | ErrorKind::Io => 2,
            ErrorKind::Solver => 3,
            ErrorKind::Cancelled => 130,
            ErrorKind::Internal => 1,
        }
    }

    /// The word printed before the message on stderr: `error` or `internal error`.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Internal => "internal error",
            _ => "error",
        }
    }
}

/// A failure: its kind and a one-paragraph message naming what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// Bad input: a file, flag or value the user gave (exit 2).
    pub fn bad_input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::BadInput, message)
    }

    /// A file that could not be read or written (exit 2).
    pub fn io(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Io, message)
    }

    /// A fault inside ccsim (exit 1).
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    /// Whose fault it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the `error:` label.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `prefix` (e.g. a file name and `: `) before its message.
    pub fn context(mut self, prefix: impl fmt::Display) -> Error {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A shorthand for results of [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
