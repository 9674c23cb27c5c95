//! The gate: whether a run's results pass `--fail-on` and `--min-score`, in one place. The
//! exit code that follows from it is decided in `crate::cli::exit_code`.

use crate::model::gate::{Gate, GateOptions};
use crate::model::result::RuleResult;
use crate::model::score::Score;
use crate::model::vocab::Status;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::vocab::Severity;

    #[test]
    fn known_failures_do_not_fail_the_gate() {
        use crate::model::vocab::Area;
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
