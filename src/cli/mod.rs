//! The command line: parse the arguments, call the library, print, and decide the exit code
//! (in [`exit_code`], the one place). The library below never prints and never exits.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | gate passed: no failing result at or above `--fail-on`, score at least `--min-score`, everything assessed |
//! | 1 | gate failed: a failing result at or above `--fail-on`, or the score below `--min-score` |
//! | 2 | could not run: bad flags, config, rules or facts |
//! | 3 | incomplete: some results `not_assessed`, and the gate did not fail |
//! | 130 | interrupted (SIGINT) during collection: earlier outputs left as they were, the facts gathered so far written beside them (`*.incomplete.json`), no report |

pub mod args;
mod catalog;
mod commands;
mod progress;
mod sigint;

pub use args::Cli;
pub use catalog::{explain, rules_markdown};

use crate::error::Error;
use crate::model::gate::Gate;
use args::Command;
use clap::Parser;
use std::io::IsTerminal;

pub const PASSED: u8 = 0;
pub const GATE_FAILED: u8 = 1;
pub const COULD_NOT_RUN: u8 = 2;
pub const INCOMPLETE: u8 = 3;
/// 128 + SIGINT, the shell's convention, so that scripts see an interruption as one.
pub const INTERRUPTED: u8 = 130;

/// What a command ended with, for [`exit_code`].
pub enum Outcome {
    /// It ran and has no verdict (a snapshot written, a diff printed, a policy printed).
    Done,
    /// It ran and gated a report.
    Gated(Gate),
    /// `rules test`: how many cases failed.
    Tested { failed: usize },
}

/// The exit code of a run, decided here only: an error beats a failed gate, which beats an
/// incomplete scan.
pub fn exit_code(outcome: &Result<Outcome, Error>) -> u8 {
    match outcome {
        Err(Error::Interrupted(_)) => INTERRUPTED,
        Err(_) => COULD_NOT_RUN,
        Ok(Outcome::Done) => PASSED,
        Ok(Outcome::Gated(g)) if g.failed => GATE_FAILED,
        Ok(Outcome::Gated(g)) if g.not_assessed > 0 => INCOMPLETE,
        Ok(Outcome::Gated(_)) => PASSED,
        Ok(Outcome::Tested { failed: 0 }) => PASSED,
        Ok(Outcome::Tested { .. }) => GATE_FAILED,
    }
}

/// Parses the process arguments and runs; returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    PASSED
                }
                _ => COULD_NOT_RUN,
            };
        }
    };
    run(cli)
}

pub fn run(cli: Cli) -> u8 {
    init_logging(cli.verbose);
    let outcome = match cli.command {
        Command::Evaluate(args) => commands::evaluate(&args),
        Command::Scan(args) => commands::scan(&args),
        Command::Collect(args) => commands::collect(&args),
        Command::Rules(cmd) => catalog::rules(cmd),
        Command::Diff { old, new, format } => commands::diff(&old, &new, format),
        Command::Policy(args) => commands::policy(&args),
        Command::Remediate(args) => commands::remediate(&args),
        Command::Merge(args) => commands::merge(&args),
        Command::Schema { which } => commands::schema(which),
    };
    if let Err(e) = &outcome {
        eprintln!("msgready: error: {e}");
    }
    exit_code(&outcome)
}

/// Logs to stderr at the level `-v` asks for; `RUST_LOG` overrides it.
/// `MSGREADY_RULE_TIMINGS=1` adds where evaluation time goes, per rule.
fn init_logging(verbose: u8) {
    let timings = std::env::var_os("MSGREADY_RULE_TIMINGS").is_some();
    let default = match (verbose, timings) {
        (0, false) => return,
        (0, true) => "off,msgready::timings=debug".to_string(),
        (1, t) => format!("msgready=info,msgready::timings={}", level(t)),
        // The SDK crates stay at info: their debug and trace output carries request headers.
        (_, t) => format!(
            "msgready=trace,msgready::timings={},aws_smithy_runtime=info,aws_config=info",
            level(t)
        ),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .try_init();
}

fn level(on: bool) -> &'static str {
    if on {
        "debug"
    } else {
        "off"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::gate::GateOptions;

    fn g(failed: bool, not_assessed: u64) -> Outcome {
        Outcome::Gated(Gate {
            options: GateOptions::default(),
            failed,
            reasons: vec![],
            not_assessed,
            known: 0,
        })
    }

    #[test]
    fn precedence() {
        assert_eq!(exit_code(&Ok(g(false, 0))), 0);
        assert_eq!(exit_code(&Ok(g(true, 0))), 1);
        assert_eq!(exit_code(&Ok(g(true, 5))), 1);
        assert_eq!(exit_code(&Ok(g(false, 5))), 3);
        assert_eq!(exit_code(&Ok(Outcome::Done)), 0);
        assert_eq!(exit_code(&Ok(Outcome::Tested { failed: 0 })), 0);
        assert_eq!(exit_code(&Ok(Outcome::Tested { failed: 2 })), 1);
        assert_eq!(exit_code(&Err(Error::Usage("x".into()))), 2);
        assert_eq!(exit_code(&Err(Error::Interrupted("x".into()))), 130);
    }
}
