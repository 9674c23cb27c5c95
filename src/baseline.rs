//! Baselines (`--baseline report.json`): failures an earlier report already had are "known".
//! They stay `fail` in every output, but only failures that are not known count against
//! `--fail-on`, so a gate can be adopted on a deployment with existing debt.

use crate::error::Result;
use crate::model::baseline::BaselineInfo;
use crate::model::report::Report;
use crate::model::result::{FindingKey, RuleResult};
use crate::model::vocab::Status;
use std::collections::BTreeSet;
use std::path::Path;

/// The failures of an earlier report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub file: String,
    pub generated_at: String,
    failing: BTreeSet<FindingKey>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let report: Report = crate::jsonio::load(path)?;
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
                .map(RuleResult::key)
                .collect(),
        }
    }

    /// Marks this run's failures that the baseline had as `known`.
    pub fn mark(&self, results: &mut [RuleResult]) -> BaselineInfo {
        let mut known = 0;
        for r in results.iter_mut().filter(|r| r.status == Status::Fail) {
            if self.failing.contains(&r.key()) {
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
