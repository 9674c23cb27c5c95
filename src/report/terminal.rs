//! The terminal summary: score, per-area and per-Region tables, verdicts, top findings.
//! Colour only on a TTY (and never with NO_COLOR); everything from AWS is stripped of
//! control characters so a resource name cannot move the cursor or recolour the screen.

use crate::model::report::Report;
use crate::model::score::{ScoreFigure, VerdictKind};
use crate::model::vocab::{Severity, Status};
use std::fmt::Write;

pub struct Style {
    pub colour: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn sev(&self, s: Severity) -> String {
        let label = format!("{:<8}", s.as_str().to_uppercase());
        match s {
            Severity::Critical => self.paint("1;31", &label),
            Severity::High => self.paint("31", &label),
            Severity::Medium => self.paint("33", &label),
            Severity::Low => self.paint("36", &label),
            Severity::Info => self.paint("2", &label),
        }
    }
}

/// Removes control characters (ESC, BEL, CR, ...) from untrusted text.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into())
}

fn row(name: &str, f: &ScoreFigure) -> String {
    format!(
        "  {:<15}{:>7}{:>10}{:>7}{:>7}{:>14}{:>7}\n",
        name,
        pct(f.score),
        f.coverage
            .map(|c| format!("{c:.1}%"))
            .unwrap_or_else(|| "-".into()),
        f.counts.pass,
        f.counts.fail,
        f.counts.not_assessed,
        f.counts.not_applicable
    )
}

const TOP: usize = 15;

pub fn render(report: &Report, style: &Style) -> String {
    let mut o = String::new();
    for part in [
        heading,
        score_tables,
        verdicts,
        rpo,
        findings,
        waivers,
        not_assessed,
        collection,
        gate,
    ] {
        part(&mut o, report, style);
    }
    o
}

/// Tool, deployment, facts and the overall score.
fn heading(o: &mut String, report: &Report, style: &Style) {
    let d = &report.deployment;
    let _ = writeln!(
        o,
        "{} {} — {} deployment, primary {}, {} account(s), facts from {}",
        style.bold("msgready"),
        report.tool.version,
        d.architecture,
        d.primary,
        report.facts.accounts.len(),
        report
            .facts
            .collected_at
            .as_deref()
            .unwrap_or("an unknown time")
    );
    if !report.facts.complete {
        let _ = writeln!(
            o,
            "{}",
            style.paint(
                "33",
                "The fact snapshot is INCOMPLETE (collection was interrupted)."
            )
        );
    }
    let ov = &report.score.overall;
    let _ = writeln!(
        o,
        "\n{}  {} / 100    coverage {}%    pass {}, fail {}, not assessed {}, not applicable {}, waived {}\n",
        style.bold("Score"),
        style.bold(&pct(ov.score)),
        pct(ov.coverage),
        ov.counts.pass,
        ov.counts.fail,
        ov.counts.not_assessed,
        ov.counts.not_applicable,
        ov.counts.waived
    );
}

/// Score per area, Region and (with several) account.
fn score_tables(o: &mut String, report: &Report, style: &Style) {
    let d = &report.deployment;
    let header = format!(
        "  {:<15}{:>7}{:>10}{:>7}{:>7}{:>14}{:>7}\n",
        "", "score", "coverage", "pass", "fail", "not assessed", "n/a"
    );
    o.push_str(&style.bold(&header.replacen("               ", "Area           ", 1)));
    for (area, f) in &report.score.by_area {
        if f.counts.pass
            + f.counts.fail
            + f.counts.not_assessed
            + f.counts.waived
            + f.counts.not_applicable
            > 0
        {
            o.push_str(&row(area.as_str(), f));
        }
    }
    o.push('\n');
    o.push_str(&style.bold(&header.replacen("               ", "Region         ", 1)));
    for r in &d.regions {
        if let Some(f) = report.score.by_region.get(&r.name) {
            o.push_str(&row(&r.name, f));
        }
    }
    if report.score.by_account.len() > 1 {
        o.push('\n');
        o.push_str(&style.bold(&header.replacen("               ", "Account        ", 1)));
        for (account, f) in &report.score.by_account {
            o.push_str(&row(account, f));
        }
    }
}

/// One line per standby or active Region.
fn verdicts(o: &mut String, report: &Report, style: &Style) {
    if !report.score.verdicts.is_empty() {
        o.push_str(&format!("\n{}\n", style.bold("Failover readiness")));
        for v in &report.score.verdicts {
            let mark = match v.verdict {
                VerdictKind::Ready => style.paint("32", "READY    "),
                VerdictKind::AtRisk => style.paint("33", "AT RISK  "),
                VerdictKind::NotReady => style.paint("1;31", "NOT READY"),
                VerdictKind::Unknown => style.paint("35", "UNKNOWN  "),
            };
            let _ = writeln!(o, "  {mark}  {}", v.summary);
        }
    }
}

/// The recovery point the facts imply, per Region and data class.
fn rpo(o: &mut String, report: &Report, style: &Style) {
    if !report.rpo.is_empty() {
        let _ = writeln!(o, "\n{}", style.bold("Recovery point implied by the facts"));
        for r in &report.rpo {
            let target = r
                .target_minutes
                .map(|t| format!("target {t} min"))
                .unwrap_or_else(|| "no target".into());
            let mark = match r.status {
                Status::Pass => style.paint("32", "meets "),
                Status::Fail => style.paint("31", "misses"),
                _ => "  -   ".to_string(),
            };
            let _ = writeln!(
                o,
                "  {mark} {:<15}{:<27}{} ({target})",
                r.region,
                r.data_class,
                clean(&r.implied)
            );
        }
    }
}

/// The most severe failures.
fn findings(o: &mut String, report: &Report, style: &Style) {
    let findings = report.findings();
    if !findings.is_empty() {
        let _ = writeln!(
            o,
            "\n{} ({} failing)",
            style.bold("Top findings"),
            findings.len()
        );
        let many = report.score.by_account.len() > 1;
        for f in findings.iter().take(TOP) {
            let _ = writeln!(
                o,
                "  {} {:<11}{:<15}{}{}",
                style.sev(f.severity),
                f.rule_id,
                if many {
                    format!("{} {}", f.account_id, f.region)
                } else {
                    f.region.clone()
                },
                if f.known { "[known] " } else { "" },
                clean(&f.message)
            );
        }
        if findings.len() > TOP {
            let _ = writeln!(
                o,
                "  ... and {} more in the JSON report",
                findings.len() - TOP
            );
        }
    }
}

/// What could not be judged, and why.
fn not_assessed(o: &mut String, report: &Report, style: &Style) {
    let unassessed: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::NotAssessed)
        .collect();
    if !unassessed.is_empty() {
        let _ = writeln!(o, "\n{} ({})", style.bold("Not assessed"), unassessed.len());
        for r in unassessed.iter().take(TOP) {
            let _ = writeln!(
                o,
                "  {:<11}{:<15}{}",
                r.rule_id,
                r.region,
                clean(&r.message)
            );
        }
        if unassessed.len() > TOP {
            let _ = writeln!(o, "  ... and {} more", unassessed.len() - TOP);
        }
    }
}

/// Calls that failed.
fn collection(o: &mut String, report: &Report, style: &Style) {
    if !report.collection.failed.is_empty() {
        let _ = writeln!(
            o,
            "\n{}: {} call(s) failed, {} succeeded",
            style.bold("Collection"),
            report.collection.failed.len(),
            report.collection.ok
        );
        for f in report.collection.failed.iter().take(TOP) {
            let s = &f.status;
            let _ = writeln!(
                o,
                "  {} {}:{} in {}: {}",
                f.account_id,
                s.service,
                s.operation,
                s.region,
                clean(s.reason.map(|r| r.describe()).unwrap_or("failed"))
            );
        }
    }
}

/// The gate, and the baseline it was measured against.
fn gate(o: &mut String, report: &Report, style: &Style) {
    let g = &report.gate;
    let fail_on = g
        .options
        .fail_on
        .map(|s| s.to_string())
        .unwrap_or_else(|| "none".into());
    if g.failed {
        let _ = writeln!(
            o,
            "\n{} {}",
            style.paint("1;31", "Gate FAILED:"),
            g.reasons.join("; ")
        );
    } else if g.not_assessed > 0 {
        let _ = writeln!(
            o,
            "\n{} no failure at or above {fail_on}, but {} result(s) could not be assessed",
            style.paint("35", "Gate INCOMPLETE:"),
            g.not_assessed
        );
    } else {
        let _ = writeln!(
            o,
            "\n{} no failure at or above {fail_on}",
            style.paint("32", "Gate passed:")
        );
    }
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            o,
            "Baseline {} ({}): {} failing result(s) known, {} at or above {fail_on} not counted by the gate",
            clean(&b.file),
            clean(&b.generated_at),
            b.known,
            g.known
        );
    }
}

/// `owner, until DATE, TICKET: reason`.
pub fn waiver_note(w: &crate::model::waiver::Waiver) -> String {
    format!(
        "{}, until {}{}: {}",
        clean(&w.owner),
        clean(&w.expires),
        w.ticket
            .as_deref()
            .map(|t| format!(", {}", clean(t)))
            .unwrap_or_default(),
        clean(&w.reason)
    )
}

/// Waived results with their waivers, then the waivers that expired or matched nothing.
fn waivers(o: &mut String, report: &Report, style: &Style) {
    let waived: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(o, "\n{} ({})", style.bold("Waived"), waived.len());
        for r in waived.iter().take(TOP) {
            let note = r.waiver.as_ref().map(waiver_note).unwrap_or_default();
            let _ = writeln!(
                o,
                "  {} {:<11}{:<15}{} — {note}",
                style.sev(r.severity),
                r.rule_id,
                r.region,
                clean(&r.resource)
            );
        }
        if waived.len() > TOP {
            let _ = writeln!(o, "  ... and {} more", waived.len() - TOP);
        }
    }
    let w = &report.waivers;
    for (label, list, what) in [
        ("Expired waivers", &w.expired, "no longer waive"),
        ("Stale waivers", &w.stale, "match no failing result"),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{} ({}, {what})", style.bold(label), list.len());
        for u in list {
            let _ = writeln!(
                o,
                "  {} {}{}{} — {}{}",
                clean(&u.waiver.source),
                clean(&u.waiver.rule),
                u.waiver
                    .region
                    .as_deref()
                    .map(|r| format!(" in {}", clean(r)))
                    .unwrap_or_default(),
                u.waiver
                    .resource
                    .as_deref()
                    .map(|r| format!(" on {}", clean(r)))
                    .unwrap_or_default(),
                waiver_note(&u.waiver),
                if u.results > 0 {
                    format!(" ({} failing result(s))", u.results)
                } else {
                    String::new()
                }
            );
        }
    }
}
