//! msgready: is an AWS messaging deployment ready to survive the loss of a Region?
//!
//! The pipeline, one module each: [`collect`] → facts ([`model::facts`]) → [`engine`]
//! (evaluate, rules in `rules/`) → [`score`] and [`gate`] → [`report`] (formats) and
//! [`output`] (sinks) → the exit code ([`cli::exit_code`]). [`pipeline::evaluate`] runs the
//! pure middle of it. Everything passes plain data from [`model`], which imports nothing else
//! of ours; `collect` is the only code that uses the AWS SDK; `cli` is the only code that
//! prints or decides an exit code.

pub mod baseline;
pub mod cli;
pub mod collect;
pub mod config;
pub mod diff;
pub mod engine;
pub mod error;
pub mod fsutil;
pub mod gate;
pub mod jsonio;
pub mod merge;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod remediate;
pub mod report;
pub mod rules_test;
pub mod score;
pub mod waivers;
mod walk;
