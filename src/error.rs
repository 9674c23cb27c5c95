//! Library errors. Every variant but `Interrupted` is a reason msgready could not run (exit
//! code 2); `Interrupted` (SIGINT) is exit 130. Findings are never errors.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem in an input file, located as `file:line` where the line is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad input file (facts, config, waivers): `file` carries `:line[:col]` when known.
    #[error("{file}: {message}")]
    Input { file: String, message: String },
    /// All problems found while loading rules, reported together.
    #[error("{} problem(s) in rule files:\n{}", .0.len(), join(.0))]
    Rules(Vec<Diagnostic>),
    /// A rule failed while being evaluated (a runtime error in its Rego or a malformed result).
    #[error("rule {rule} ({file}) failed during evaluation: {message}")]
    RuleEval {
        rule: String,
        file: String,
        message: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A flag or argument that is well-formed but not acceptable.
    #[error("{0}")]
    Usage(String),
    /// SIGINT: the run stopped early; the message says what was kept and where.
    #[error("{0}")]
    Interrupted(String),
}

fn join(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// 1-based line of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Turns a TOML parse error into a diagnostic with the line its span starts on.
pub fn toml_diagnostic(file: &str, text: &str, err: &toml::de::Error) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: err.span().map(|s| line_of(text, s.start)),
        message: err.message().trim().to_string(),
    }
}
