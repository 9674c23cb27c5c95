//! `msgready diff OLD.json NEW.json`: what changed between two JSON reports.
//!
//! Findings are matched by (account, rule, Region, resource), the key SARIF fingerprints and
//! baselines use. A key's status is the worst of its results in that report.

use crate::model::report::Report;
use crate::model::result::FindingKey;
use crate::model::result::RuleResult;
use crate::model::score::ScoreFigure;
use crate::model::vocab::{Area, Severity, Status};
use crate::report::terminal::clean;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub old: ReportRef,
    pub new: ReportRef,
    /// Failing in NEW, not failing (or absent) in OLD.
    pub new_findings: Vec<Finding>,
    /// Failing in OLD, passing, not applicable or gone in NEW.
    pub fixed: Vec<Finding>,
    /// Failing in both.
    pub still_failing: Vec<Finding>,
    /// Failing in OLD, waived in NEW: accepted, not fixed.
    pub now_waived: Vec<Finding>,
    /// Failing in OLD, not assessed in NEW: unknown, not fixed.
    pub now_not_assessed: Vec<Finding>,
    pub score: ScoreChanges,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRef {
    pub file: String,
    pub generated_at: String,
    pub facts_collected_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub account_id: String,
    pub rule_id: String,
    pub region: String,
    pub resource: String,
    pub severity: Severity,
    /// The newer report's message where it has the key, else the older's.
    pub message: String,
    /// Status in OLD; `None` when OLD has no such result.
    pub was: Option<Status>,
    /// Status in NEW; `None` when NEW has no such result.
    pub now: Option<Status>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScoreChanges {
    pub overall: Change,
    pub by_area: BTreeMap<Area, Change>,
    pub by_region: BTreeMap<String, Change>,
}

/// One score figure in both reports; deltas are NEW − OLD, `None` when either side has none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Change {
    pub score_old: Option<f64>,
    pub score_new: Option<f64>,
    pub score_delta: Option<f64>,
    pub coverage_old: Option<f64>,
    pub coverage_new: Option<f64>,
    pub coverage_delta: Option<f64>,
}

fn change(old: Option<&ScoreFigure>, new: Option<&ScoreFigure>) -> Change {
    let delta = |a: Option<f64>, b: Option<f64>| Some(((b? - a?) * 10.0).round() / 10.0);
    let (so, sn) = (old.and_then(|f| f.score), new.and_then(|f| f.score));
    let (co, cn) = (old.and_then(|f| f.coverage), new.and_then(|f| f.coverage));
    Change {
        score_old: so,
        score_new: sn,
        score_delta: delta(so, sn),
        coverage_old: co,
        coverage_new: cn,
        coverage_delta: delta(co, cn),
    }
}

/// Each key's worst result (`Status` orders fail first).
fn by_key(report: &Report) -> BTreeMap<FindingKey, &RuleResult> {
    let mut m: BTreeMap<FindingKey, &RuleResult> = BTreeMap::new();
    for r in &report.results {
        m.entry(r.key())
            .and_modify(|e| {
                if r.status < e.status {
                    *e = r;
                }
            })
            .or_insert(r);
    }
    m
}

pub fn diff(old_file: &str, old: &Report, new_file: &str, new: &Report) -> Diff {
    let (o, n) = (by_key(old), by_key(new));
    let keys: BTreeSet<&FindingKey> = o.keys().chain(n.keys()).collect();
    let mut d = Diff {
        old: reference(old_file, old),
        new: reference(new_file, new),
        new_findings: vec![],
        fixed: vec![],
        still_failing: vec![],
        now_waived: vec![],
        now_not_assessed: vec![],
        score: ScoreChanges::default(),
    };
    for k in keys {
        let (a, b) = (o.get(k).copied(), n.get(k).copied());
        let was = a.map(|r| r.status);
        let now = b.map(|r| r.status);
        let Some(r) = b.or(a) else { continue };
        let f = Finding {
            account_id: r.account_id.clone(),
            rule_id: r.rule_id.clone(),
            region: r.region.clone(),
            resource: r.resource.clone(),
            severity: r.severity,
            message: r.message.clone(),
            was,
            now,
        };
        let list = match (was == Some(Status::Fail), now) {
            (true, Some(Status::Fail)) => &mut d.still_failing,
            (false, Some(Status::Fail)) => &mut d.new_findings,
            (true, Some(Status::Waived)) => &mut d.now_waived,
            (true, Some(Status::NotAssessed)) => &mut d.now_not_assessed,
            (true, _) => &mut d.fixed,
            (false, _) => continue,
        };
        list.push(f);
    }
    for list in [
        &mut d.new_findings,
        &mut d.fixed,
        &mut d.still_failing,
        &mut d.now_waived,
        &mut d.now_not_assessed,
    ] {
        list.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
                .then_with(|| a.region.cmp(&b.region))
                .then_with(|| a.account_id.cmp(&b.account_id))
                .then_with(|| a.resource.cmp(&b.resource))
        });
    }
    let (os, ns) = (&old.score, &new.score);
    d.score.overall = change(Some(&os.overall), Some(&ns.overall));
    let areas: BTreeSet<&Area> = os.by_area.keys().chain(ns.by_area.keys()).collect();
    for a in areas {
        let c = change(os.by_area.get(a), ns.by_area.get(a));
        if has_figures(&c) {
            d.score.by_area.insert(*a, c);
        }
    }
    let regions: BTreeSet<&String> = os.by_region.keys().chain(ns.by_region.keys()).collect();
    for r in regions {
        let c = change(os.by_region.get(r), ns.by_region.get(r));
        if has_figures(&c) {
            d.score.by_region.insert(r.clone(), c);
        }
    }
    d
}

fn has_figures(c: &Change) -> bool {
    c.score_old.is_some()
        || c.score_new.is_some()
        || c.coverage_old.is_some()
        || c.coverage_new.is_some()
}

fn reference(file: &str, r: &Report) -> ReportRef {
    ReportRef {
        file: file.to_string(),
        generated_at: r.generated_at.clone(),
        facts_collected_at: r.facts.collected_at.clone(),
    }
}

fn fig(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.1}{unit}"))
}

fn delta(v: Option<f64>) -> String {
    match v {
        Some(0.0) => "(=)".into(),
        Some(d) => format!("({d:+.1})"),
        None => String::new(),
    }
}

/// `old → new (±d)` for scores or coverages.
fn arrow(old: Option<f64>, new: Option<f64>, d: Option<f64>, unit: &str) -> String {
    format!("{} → {} {}", fig(old, unit), fig(new, unit), delta(d))
        .trim_end()
        .to_string()
}

const TOP: usize = 15;

/// The list sections, in reading order.
fn sections(d: &Diff) -> [(&'static str, &Vec<Finding>); 5] {
    [
        ("New failures", &d.new_findings),
        ("Fixed", &d.fixed),
        ("Now waived", &d.now_waived),
        ("Now not assessed", &d.now_not_assessed),
        ("Still failing", &d.still_failing),
    ]
}

pub fn to_text(d: &Diff) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "msgready diff: {} ({}) → {} ({})\n",
        clean(&d.old.file),
        clean(&d.old.generated_at),
        clean(&d.new.file),
        clean(&d.new.generated_at)
    );
    let ov = &d.score.overall;
    let _ = writeln!(
        o,
        "Score     {}\nCoverage  {}\n",
        arrow(ov.score_old, ov.score_new, ov.score_delta, ""),
        arrow(ov.coverage_old, ov.coverage_new, ov.coverage_delta, "%")
    );
    let _ = writeln!(
        o,
        "{} new, {} fixed, {} now waived, {} now not assessed, {} still failing",
        d.new_findings.len(),
        d.fixed.len(),
        d.now_waived.len(),
        d.now_not_assessed.len(),
        d.still_failing.len()
    );
    for (title, list) in sections(d) {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{title} ({})", list.len());
        for f in list.iter().take(TOP) {
            let _ = writeln!(
                o,
                "  {:<9}{:<11}{:<15}{:<17} {}",
                f.severity.as_str().to_uppercase(),
                f.rule_id,
                clean(&f.region),
                status_change(f),
                clean(&f.resource)
            );
        }
        if list.len() > TOP {
            let _ = writeln!(
                o,
                "  ... and {} more (--format json lists all)",
                list.len() - TOP
            );
        }
    }
    for (title, rows) in [
        (
            "Area",
            d.score
                .by_area
                .iter()
                .map(|(a, c)| (a.as_str().to_string(), c))
                .collect::<Vec<_>>(),
        ),
        (
            "Region",
            d.score
                .by_region
                .iter()
                .map(|(r, c)| (clean(r), c))
                .collect(),
        ),
    ] {
        let _ = writeln!(o, "\n  {title:<15}{:<26}coverage", "score");
        for (name, c) in rows {
            let _ = writeln!(
                o,
                "  {name:<15}{:<26}{}",
                arrow(c.score_old, c.score_new, c.score_delta, ""),
                arrow(c.coverage_old, c.coverage_new, c.coverage_delta, "%")
            );
        }
    }
    o
}

fn status_change(f: &Finding) -> String {
    let s = |v: Option<Status>| v.map_or("absent", |s| s.as_str());
    format!("{} → {}", s(f.was), s(f.now))
}

pub fn to_markdown(d: &Diff) -> String {
    use crate::report::markdown::escape;
    let mut o = String::new();
    let ov = &d.score.overall;
    let _ = writeln!(
        o,
        "## msgready diff: score {}, coverage {}\n",
        arrow(ov.score_old, ov.score_new, ov.score_delta, ""),
        arrow(ov.coverage_old, ov.coverage_new, ov.coverage_delta, "%")
    );
    let _ = writeln!(
        o,
        "{} ({}) → {} ({})\n\n**{}** new · **{}** fixed · {} now waived · {} now not assessed · {} still failing\n",
        escape(&d.old.file),
        escape(&d.old.generated_at),
        escape(&d.new.file),
        escape(&d.new.generated_at),
        d.new_findings.len(),
        d.fixed.len(),
        d.now_waived.len(),
        d.now_not_assessed.len(),
        d.still_failing.len()
    );
    for (title, list) in sections(d) {
        if list.is_empty() || title == "Still failing" {
            continue;
        }
        let _ = writeln!(
            o,
            "### {title} ({})\n\n| Severity | Rule | Region | Resource | Status | Finding |\n|---|---|---|---|---|---|",
            list.len()
        );
        for f in list.iter().take(TOP) {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                f.severity,
                escape(&f.rule_id),
                escape(&f.region),
                escape(&f.resource),
                escape(&status_change(f)),
                escape(&f.message)
            );
        }
        if list.len() > TOP {
            let _ = writeln!(o, "\n… and {} more.", list.len() - TOP);
        }
        o.push('\n');
    }
    o.push_str("### Scores\n\n| | Score | Coverage |\n|---|---|---|\n");
    let _ = writeln!(
        o,
        "| **all** | {} | {} |",
        escape(&arrow(ov.score_old, ov.score_new, ov.score_delta, "")),
        escape(&arrow(
            ov.coverage_old,
            ov.coverage_new,
            ov.coverage_delta,
            "%"
        ))
    );
    let rows = d
        .score
        .by_area
        .iter()
        .map(|(a, c)| (a.as_str().to_string(), c))
        .chain(d.score.by_region.iter().map(|(r, c)| (r.clone(), c)));
    for (name, c) in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            escape(&name),
            escape(&arrow(c.score_old, c.score_new, c.score_delta, "")),
            escape(&arrow(
                c.coverage_old,
                c.coverage_new,
                c.coverage_delta,
                "%"
            ))
        );
    }
    o
}

pub fn to_json(d: &Diff) -> String {
    crate::jsonio::pretty(d).expect("a diff always serialises") + "\n"
}
