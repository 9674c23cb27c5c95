//! The gate and the exit code, decided in one place.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | gate passed: no failing result at or above `--fail-on`, score at least `--min-score`, everything assessed |
//! | 1 | gate failed: a failing result at or above `--fail-on`, or the score below `--min-score` |
//! | 2 | could not run: bad flags, config, rules or facts |
//! | 3 | incomplete: some results `not_assessed`, and the gate did not fail |
//! | 130 | interrupted (SIGINT) during collection: earlier outputs left as they were, the facts gathered so far written beside them (`*.incomplete.json`), no report |

use crate::engine::RuleResult;
use crate::rules_meta::{Severity, Status};
use crate::score::Score;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const PASSED: u8 = 0;
pub const GATE_FAILED: u8 = 1;
pub const COULD_NOT_RUN: u8 = 2;
pub const INCOMPLETE: u8 = 3;
/// 128 + SIGINT, the shell's convention, so that scripts see an interruption as one.
pub const INTERRUPTED: u8 = 130;

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

pub fn gate(options: &GateOptions, results: &[RuleResult], score: &Score) -> Gate {
    let mut reasons = Vec::new();
    let mut known = 0;
    if let Some(threshold) = options.fail_on {
        let at_or_above = results
            .iter()
            .filter(|r| r.status == Status::Fail && r.severity >= threshold);
        let (old, new): (Vec<&RuleResult>, Vec<&RuleResult>) = at_or_above.partition(|r| r.known);
        known = old.len() as u64;
        if !new.is_empty() {
            let failing = new.len();
            reasons.push(if known > 0 {
                format!(
                    "{failing} new failing result(s) at or above {threshold} (--fail-on {threshold}); {known} more known from the baseline"
                )
            } else {
                format!(
                    "{failing} failing result(s) at or above {threshold} (--fail-on {threshold})"
                )
            });
        }
    }
    if let Some(min) = options.min_score {
        match score.overall.score {
            Some(s) if s < min => reasons.push(format!("score {s} is below --min-score {min}")),
            None => reasons.push(format!("no score could be computed (--min-score {min})")),
            _ => {}
        }
    }
    Gate {
        options: *options,
        failed: !reasons.is_empty(),
        reasons,
        not_assessed: results
            .iter()
            .filter(|r| r.status == Status::NotAssessed)
            .count() as u64,
        known,
    }
}

/// The exit code for a run: an error beats a failed gate, which beats an incomplete scan.
pub fn exit_code(outcome: &Result<Gate, crate::error::Error>) -> u8 {
    match outcome {
        Err(e) => error_code(e),
        Ok(g) if g.failed => GATE_FAILED,
        Ok(g) if g.not_assessed > 0 => INCOMPLETE,
        Ok(_) => PASSED,
    }
}

/// The exit code of a run that ended in an error.
pub fn error_code(e: &crate::error::Error) -> u8 {
    match e {
        crate::error::Error::Interrupted(_) => INTERRUPTED,
        _ => COULD_NOT_RUN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn g(failed: bool, not_assessed: u64) -> Gate {
        Gate {
            options: GateOptions::default(),
            failed,
            reasons: vec![],
            not_assessed,
            known: 0,
        }
    }

    #[test]
    fn precedence() {
        assert_eq!(exit_code(&Ok(g(false, 0))), 0);
        assert_eq!(exit_code(&Ok(g(true, 0))), 1);
        assert_eq!(exit_code(&Ok(g(true, 5))), 1);
        assert_eq!(exit_code(&Ok(g(false, 5))), 3);
        assert_eq!(exit_code(&Err(Error::Usage("x".into()))), 2);
        assert_eq!(exit_code(&Err(Error::Interrupted("x".into()))), 130);
    }

    #[test]
    fn known_failures_do_not_fail_the_gate() {
        use crate::rules_meta::Area;
        let r = |known: bool| RuleResult {
            rule_id: "SMS-003".into(),
            area: Area::Sms,
            severity: Severity::High,
            account_id: "1".into(),
            region: "us-west-2".into(),
            resource: "x".into(),
            arn: None,
            status: Status::Fail,
            message: String::new(),
            remediation: None,
            figures: None,
            waiver: None,
            known,
        };
        let opts = GateOptions::default();
        let g = gate(&opts, &[r(true), r(true)], &Score::default());
        assert!(!g.failed);
        assert_eq!(g.known, 2);
        let g = gate(&opts, &[r(true), r(false)], &Score::default());
        assert!(g.failed);
        assert_eq!(
            g.reasons,
            ["1 new failing result(s) at or above high (--fail-on high); 1 more known from the baseline"]
        );
    }
}
