//! Scoring, in one place.
//!
//! score = 100 × Σ weight(pass) ÷ Σ weight(pass + fail), overall, per area, per Region.
//! Coverage = assessed ÷ applicable (by count) is reported beside the score, never folded
//! into it: a scan that could read little should look incomplete, not good or bad.

use crate::model::deployment::{ResolvedDeployment, Role};
use crate::model::report::RpoRow;
use crate::model::result::RuleResult;
use crate::model::score::{Counts, Score, ScoreFigure, Verdict, VerdictKind};
use crate::model::vocab::{Area, Severity, Status, ALL_AREAS};
use std::collections::BTreeMap;

pub fn weight(s: Severity) -> u32 {
    match s {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

#[derive(Debug, Default)]
struct Acc {
    counts: Counts,
    wpass: u64,
    wassessed: u64,
}

impl Acc {
    fn add(&mut self, r: &RuleResult) {
        self.counts.add(r.status);
        let w = u64::from(weight(r.severity));
        match r.status {
            Status::Pass => {
                self.wpass += w;
                self.wassessed += w;
            }
            Status::Fail => self.wassessed += w,
            // Waived results leave the score: they are accepted risk, neither pass nor fail.
            _ => {}
        }
    }

    fn finish(self) -> ScoreFigure {
        let c = &self.counts;
        let assessed = c.pass + c.fail + c.waived;
        let applicable = assessed + c.not_assessed;
        ScoreFigure {
            score: (self.wassessed > 0)
                .then(|| round1(100.0 * self.wpass as f64 / self.wassessed as f64)),
            coverage: (applicable > 0).then(|| round1(100.0 * assessed as f64 / applicable as f64)),
            counts: self.counts,
            weighted_pass: self.wpass,
            weighted_assessed: self.wassessed,
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn score(results: &[RuleResult], deployment: &ResolvedDeployment) -> Score {
    let mut overall = Acc::default();
    let mut by_area: BTreeMap<Area, Acc> = ALL_AREAS.iter().map(|a| (*a, Acc::default())).collect();
    let mut by_region: BTreeMap<String, Acc> = deployment
        .names()
        .map(|n| (n.to_string(), Acc::default()))
        .collect();
    let mut by_account: BTreeMap<String, Acc> = BTreeMap::new();
    for r in results {
        overall.add(r);
        by_area.entry(r.area).or_default().add(r);
        by_region.entry(r.region.clone()).or_default().add(r);
        by_account.entry(r.account_id.clone()).or_default().add(r);
    }
    let verdicts = deployment
        .regions
        .iter()
        .filter(|r| r.name != deployment.primary)
        .map(|r| verdict(&r.name, r.role, results))
        .collect();
    Score {
        overall: overall.finish(),
        by_area: finish_all(by_area),
        by_region: finish_all(by_region),
        by_account: finish_all(by_account),
        verdicts,
    }
}

fn finish_all<K: Ord>(accs: BTreeMap<K, Acc>) -> BTreeMap<K, ScoreFigure> {
    accs.into_iter().map(|(k, v)| (k, v.finish())).collect()
}

fn verdict(region: &str, role: Role, results: &[RuleResult]) -> Verdict {
    let mut failing: BTreeMap<Severity, u64> = BTreeMap::new();
    let mut not_assessed = 0;
    let mut unassessed_serious = 0;
    for r in results.iter().filter(|r| r.region == region) {
        match r.status {
            Status::Fail => *failing.entry(r.severity).or_default() += 1,
            Status::NotAssessed => {
                not_assessed += 1;
                if r.severity >= Severity::High {
                    unassessed_serious += 1;
                }
            }
            _ => {}
        }
    }
    let n = |s: Severity| failing.get(&s).copied().unwrap_or(0);
    let kind = if n(Severity::Critical) > 0 {
        VerdictKind::NotReady
    } else if n(Severity::High) + n(Severity::Medium) > 0 {
        VerdictKind::AtRisk
    } else if unassessed_serious > 0 {
        VerdictKind::Unknown
    } else {
        VerdictKind::Ready
    };
    let fails: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| n(**s) > 0)
        .map(|s| format!("{} {s}", n(*s)))
        .collect();
    let head = match kind {
        VerdictKind::NotReady => "not ready to take traffic",
        VerdictKind::AtRisk => "can take traffic, degraded",
        VerdictKind::Unknown => "readiness unknown",
        VerdictKind::Ready => "ready to take traffic",
    };
    let mut summary = format!("{region} ({}): {head}", role.as_str());
    if !fails.is_empty() {
        summary.push_str(&format!("; failing: {}", fails.join(", ")));
    }
    if not_assessed > 0 {
        summary.push_str(&format!("; {not_assessed} result(s) not assessed"));
    }
    summary.push('.');
    Verdict {
        region: region.into(),
        role,
        verdict: kind,
        summary,
        failing,
        not_assessed,
    }
}

/// The RPO table: one row per result whose figures state an implied recovery point for a
/// data class (`data_class`, `implied_rpo`, `implied_rpo_minutes`, `target_minutes`, `basis`).
/// Any rule may report such rows; the built-in catalog's RPO rule does.
pub fn rpo_rows(results: &[RuleResult]) -> Vec<RpoRow> {
    results.iter().filter_map(rpo_row).collect()
}

fn rpo_row(r: &RuleResult) -> Option<RpoRow> {
    let f = r.figures.as_ref()?;
    let text = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    Some(RpoRow {
        account_id: r.account_id.clone(),
        region: r.region.clone(),
        data_class: f.get("data_class")?.as_str()?.to_string(),
        implied: text("implied_rpo"),
        implied_minutes: f.get("implied_rpo_minutes").and_then(|v| v.as_f64()),
        target_minutes: f.get("target_minutes").and_then(|v| v.as_f64()),
        basis: text("basis"),
        status: r.status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep() -> ResolvedDeployment {
        ResolvedDeployment::warm_standby("us-east-1", "us-west-2")
    }

    fn r(sev: Severity, status: Status, area: Area, region: &str) -> RuleResult {
        RuleResult {
            rule_id: "X-001".into(),
            area,
            severity: sev,
            account_id: "1".into(),
            region: region.into(),
            resource: "-".into(),
            arn: None,
            status,
            message: String::new(),
            remediation: None,
            figures: None,
            waiver: None,
            known: false,
        }
    }

    #[test]
    fn weighted_arithmetic() {
        // pass critical (10) + pass low (1) + fail high (5) => 11 / 16 = 68.75 -> 68.8
        let results = vec![
            r(Severity::Critical, Status::Pass, Area::Email, "us-west-2"),
            r(Severity::Low, Status::Pass, Area::Sms, "us-west-2"),
            r(Severity::High, Status::Fail, Area::Sms, "us-west-2"),
            r(Severity::High, Status::NotAssessed, Area::Sms, "us-west-2"),
            r(
                Severity::High,
                Status::NotApplicable,
                Area::Sms,
                "us-west-2",
            ),
        ];
        let s = score(&results, &dep());
        assert_eq!(s.overall.score, Some(68.8));
        assert_eq!(s.overall.weighted_pass, 11);
        assert_eq!(s.overall.weighted_assessed, 16);
        // 3 assessed of 4 applicable: not_applicable is out, not_assessed is in.
        assert_eq!(s.overall.coverage, Some(75.0));
        assert_eq!(s.by_area[&Area::Email].score, Some(100.0));
        assert_eq!(s.by_area[&Area::Sms].score, Some(16.7));
        assert_eq!(s.by_area[&Area::Voice].score, None);
        assert_eq!(s.by_region["us-east-1"].coverage, None);
        assert_eq!(s.verdicts.len(), 1);
        assert_eq!(s.verdicts[0].verdict, VerdictKind::AtRisk);
    }

    #[test]
    fn not_assessed_never_counts_as_pass() {
        let results = vec![
            r(
                Severity::Critical,
                Status::NotAssessed,
                Area::Email,
                "us-west-2",
            ),
            r(Severity::Low, Status::Fail, Area::Email, "us-west-2"),
        ];
        let s = score(&results, &dep());
        assert_eq!(s.overall.score, Some(0.0));
        assert_eq!(s.overall.coverage, Some(50.0));
        assert_eq!(s.verdicts[0].verdict, VerdictKind::Unknown);
    }

    #[test]
    fn critical_fail_is_not_ready() {
        let results = vec![r(Severity::Critical, Status::Fail, Area::Sms, "us-west-2")];
        let s = score(&results, &dep());
        assert_eq!(s.verdicts[0].verdict, VerdictKind::NotReady);
        assert!(
            s.verdicts[0].summary.contains("1 critical"),
            "{}",
            s.verdicts[0].summary
        );
    }

    #[test]
    fn per_account_breakdown() {
        let mut a = r(Severity::High, Status::Pass, Area::Sms, "us-west-2");
        a.account_id = "111111111111".into();
        let mut b = r(Severity::High, Status::Fail, Area::Sms, "us-west-2");
        b.account_id = "222222222222".into();
        let mut c = r(Severity::High, Status::NotAssessed, Area::Sms, "us-west-2");
        c.account_id = "333333333333".into();
        let s = score(&[a, b, c], &dep());
        assert_eq!(s.by_account.len(), 3);
        assert_eq!(s.by_account["111111111111"].score, Some(100.0));
        assert_eq!(s.by_account["222222222222"].score, Some(0.0));
        // Not entered: no score, and nothing assessed of what applies.
        assert_eq!(s.by_account["333333333333"].score, None);
        assert_eq!(s.by_account["333333333333"].coverage, Some(0.0));
        assert_eq!(s.overall.score, Some(50.0));
    }

    #[test]
    fn info_only_has_no_score() {
        let results = vec![r(Severity::Info, Status::Fail, Area::Ops, "us-west-2")];
        let s = score(&results, &dep());
        assert_eq!(s.overall.score, None);
        assert_eq!(s.verdicts[0].verdict, VerdictKind::Ready);
    }
}
