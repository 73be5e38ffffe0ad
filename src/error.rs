//! Typed errors of the library (lỗi). The binary renders them with file, line and hint.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// Longest message a diagnostic carries, in characters: errors never echo more of the input.
pub const MAX_MESSAGE_CHARS: usize = 300;

fn clip(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}… (cut)", &message[..cut]),
        None => message,
    }
}

/// One problem found in an input file, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// File the problem is in.
    pub file: PathBuf,
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem in `file` at `line` (if known). A message that quotes a long piece of input
    /// is cut to [`MAX_MESSAGE_CHARS`] characters.
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line,
            column: None,
            message: clip(message.into()),
            hint: None,
        }
    }

    /// The same problem with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same problem at a column.
    pub fn column(mut self, column: Option<usize>) -> Self {
        self.column = column;
        self
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input has problems; all of them are listed.
    #[error("{} problem(s) in the input", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// The solver failed for a reason other than infeasibility.
    #[error("solver failed: {0}")]
    Solver(String),
    /// An internal invariant failed: a bug in ntm, never a problem of the input.
    #[error("internal error (a bug in ntm; please report it with the scenario): {0}")]
    Internal(String),
    /// A request that cannot be carried out with the given inputs.
    #[error("{message}")]
    Unsupported {
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A single input problem.
    pub fn invalid(diagnostic: Diagnostic) -> Self {
        Error::Invalid(vec![diagnostic])
    }
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
