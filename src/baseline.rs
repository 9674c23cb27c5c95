//! Baselines (`--baseline report.json`): failures an earlier report already had are "known".
//! They stay `fail` in every output, but only failures that are not known count against
//! `--fail-on`, so a gate can be adopted on a deployment with existing debt.

use crate::engine::RuleResult;
use crate::error::Result;
use crate::report::Report;
use crate::rules_meta::Status;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// What identifies a finding across runs: (account, rule, Region, resource).
pub type FindingKey = (String, String, String, String);

pub fn key(r: &RuleResult) -> FindingKey {
    (
        r.account_id.clone(),
        r.rule_id.clone(),
        r.region.clone(),
        r.resource.clone(),
    )
}

/// The failures of an earlier report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub file: String,
    pub generated_at: String,
    failing: BTreeSet<FindingKey>,
}

/// The report's note of the baseline it was gated against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineInfo {
    pub file: String,
    /// When the baseline report was generated.
    pub generated_at: String,
    /// Failing results in the baseline.
    pub baseline_failures: u64,
    /// Failing results of this run that the baseline already had (marked `known`).
    pub known: u64,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let report = Report::load(path)?;
        Ok(Self::from_report(&path.display().to_string(), &report))
    }

    pub fn from_report(file: &str, report: &Report) -> Baseline {
        Baseline {
            file: file.to_string(),
            generated_at: report.generated_at.clone(),
            failing: report
                .results
                .iter()
                .filter(|r| r.status == Status::Fail)
                .map(key)
                .collect(),
        }
    }

    /// Marks this run's failures that the baseline had as `known`.
    pub fn mark(&self, results: &mut [RuleResult]) -> BaselineInfo {
        let mut known = 0;
        for r in results.iter_mut().filter(|r| r.status == Status::Fail) {
            if self.failing.contains(&key(r)) {
                r.known = true;
                known += 1;
            }
        }
        BaselineInfo {
            file: self.file.clone(),
            generated_at: self.generated_at.clone(),
            baseline_failures: self.failing.len() as u64,
            known,
        }
    }
}
