//! The gate as reports carry it: the options it was run with and its outcome (decided in
//! `crate::gate`; the exit code in `crate::cli`).

use super::vocab::Severity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GateOptions {
    /// Fail on a failing result at or above this severity; `None` never fails on findings.
    pub fail_on: Option<Severity>,
    pub min_score: Option<f64>,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            fail_on: Some(Severity::High),
            min_score: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Gate {
    pub options: GateOptions,
    /// True when the gate failed (exit 1).
    pub failed: bool,
    /// Why it failed, one sentence each.
    pub reasons: Vec<String>,
    /// Results that could not be assessed (exit 3 when the gate did not fail).
    pub not_assessed: u64,
    /// Failing results at or above `--fail-on` that the `--baseline` report already had: shown
    /// as failures, not counted by the gate.
    #[serde(default)]
    pub known: u64,
}
