//! The score as reports carry it: overall, per area, per Region and per account, with the
//! verdict per standby or active Region (computed in `crate::score`).

use super::deployment::Role;
use super::vocab::{Area, Severity, Status};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub pass: u64,
    pub fail: u64,
    pub not_assessed: u64,
    pub not_applicable: u64,
    pub waived: u64,
}

impl Counts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::NotAssessed => self.not_assessed += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::Waived => self.waived += 1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScoreFigure {
    /// 0–100, one decimal; `None` when nothing weighted was assessed.
    pub score: Option<f64>,
    /// Percentage of applicable results that could be assessed; `None` when nothing applies.
    pub coverage: Option<f64>,
    pub counts: Counts,
    pub weighted_pass: u64,
    pub weighted_assessed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// No failing result at medium or above, and everything at high or above assessed.
    Ready,
    /// Failing results at high or medium: failover works but degrades.
    AtRisk,
    /// A critical failure: failing over now would stop messages or break compliance.
    NotReady,
    /// No critical failure, but results at high or above could not be assessed.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    pub region: String,
    pub role: Role,
    pub verdict: VerdictKind,
    /// One sentence for the person deciding whether to fail over.
    pub summary: String,
    /// Failing results by severity.
    pub failing: BTreeMap<Severity, u64>,
    pub not_assessed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Score {
    pub overall: ScoreFigure,
    pub by_area: BTreeMap<Area, ScoreFigure>,
    pub by_region: BTreeMap<String, ScoreFigure>,
    /// Per account (many-account scans); one entry for a single-account scan. An account
    /// that could not be entered has no score and 0 % coverage.
    #[serde(default)]
    pub by_account: BTreeMap<String, ScoreFigure>,
    /// One verdict per standby or active Region.
    pub verdicts: Vec<Verdict>,
}
