//! A short Markdown summary for pull-request comments and `$GITHUB_STEP_SUMMARY`: score,
//! coverage, gate and failover verdicts, a per-area table, the top findings and what could not
//! be assessed. Strings from AWS are escaped so that they render as text: no table breaks out,
//! no link, image, code span or HTML tag is formed.

use super::terminal::clean;
use crate::model::report::Report;
use crate::model::score::{ScoreFigure, VerdictKind};
use crate::model::vocab::Status;
use std::fmt::Write;

const TOP: usize = 20;

/// Escapes untrusted text for Markdown (GitHub flavoured), table cells included: HTML special
/// characters become entities, Markdown punctuation is backslash-escaped, control characters
/// (line breaks included) become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            // With brackets escaped no link or image can form, so parentheses can stay.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                o.push('\\');
                o.push(c);
            }
            // An address or a mention must not notify anyone.
            '@' => o.push_str("&#64;"),
            c => o.push(c),
        }
    }
    o
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "–".into())
}

fn verdict_mark(v: VerdictKind) -> &'static str {
    match v {
        VerdictKind::Ready => "🟢 **READY**",
        VerdictKind::AtRisk => "🟠 **AT RISK**",
        VerdictKind::NotReady => "🔴 **NOT READY**",
        VerdictKind::Unknown => "🟣 **UNKNOWN**",
    }
}

fn row(o: &mut String, name: &str, f: &ScoreFigure) {
    let c = &f.counts;
    let _ = writeln!(
        o,
        "| {name} | {} | {} | {} | {} | {} | {} |",
        num(f.score),
        pct(f.coverage),
        c.pass,
        c.fail,
        c.not_assessed,
        c.waived
    );
}

pub fn to_string(report: &Report) -> String {
    let mut o = String::new();
    for part in [heading, verdicts, score_tables, findings, waivers, footer] {
        part(&mut o, report);
    }
    o
}

/// Score, gate, deployment and counts.
fn heading(o: &mut String, report: &Report) {
    let ov = &report.score.overall;
    let g = &report.gate;
    let gate = if g.failed {
        "❌ gate failed"
    } else if g.not_assessed > 0 {
        "⚠️ gate incomplete"
    } else {
        "✅ gate passed"
    };
    let _ = writeln!(
        o,
        "## msgready: {} / 100, coverage {} — {gate}\n",
        num(ov.score),
        pct(ov.coverage)
    );
    let d = &report.deployment;
    let _ = writeln!(
        o,
        "{} deployment, primary {}, {} account(s); facts collected {}{}.\n",
        escape(d.architecture.as_str()),
        escape(&d.primary),
        report.facts.accounts.len(),
        escape(
            report
                .facts
                .collected_at
                .as_deref()
                .unwrap_or("at an unknown time")
        ),
        if report.facts.complete {
            ""
        } else {
            " (**incomplete** snapshot)"
        }
    );
    let c = &ov.counts;
    let _ = writeln!(
        o,
        "pass {} · fail {} · not assessed {} · not applicable {} · waived {}\n",
        c.pass, c.fail, c.not_assessed, c.not_applicable, c.waived
    );
    for reason in &g.reasons {
        let _ = writeln!(o, "- {}", escape(reason));
    }
    if !g.reasons.is_empty() {
        o.push('\n');
    }
}

/// One line per standby or active Region.
fn verdicts(o: &mut String, report: &Report) {
    if !report.score.verdicts.is_empty() {
        o.push_str("### Failover readiness\n\n");
        for v in &report.score.verdicts {
            let _ = writeln!(o, "- {} {}", verdict_mark(v.verdict), escape(&v.summary));
        }
        o.push('\n');
    }
}

/// Score per area and (with several) account.
fn score_tables(o: &mut String, report: &Report) {
    let ov = &report.score.overall;
    o.push_str("### By area\n\n| Area | Score | Coverage | Pass | Fail | Not assessed | Waived |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (area, f) in &report.score.by_area {
        let c = &f.counts;
        if c.pass + c.fail + c.not_assessed + c.not_applicable + c.waived > 0 {
            row(o, area.as_str(), f);
        }
    }
    row(o, "**all**", ov);
    o.push('\n');
    let many = report.score.by_account.len() > 1;
    if many {
        o.push_str("### By account\n\n| Account | Score | Coverage | Pass | Fail | Not assessed | Waived |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (account, f) in &report.score.by_account {
            row(o, &escape(account), f);
        }
        o.push('\n');
    }
}

/// The most severe failures.
fn findings(o: &mut String, report: &Report) {
    let many = report.score.by_account.len() > 1;
    let findings = report.findings();
    if findings.is_empty() {
        o.push_str("### Findings\n\nNo failing result.\n\n");
    } else {
        let _ = writeln!(
            o,
            "### Top findings ({} of {})\n\n| Severity | Rule | Region | Finding |\n|---|---|---|---|",
            findings.len().min(TOP),
            findings.len()
        );
        for f in findings.iter().take(TOP) {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {}{} |",
                f.severity,
                escape(&f.rule_id),
                // Many accounts: the same Region appears once per account.
                if many {
                    escape(&format!("{} ({})", f.region, f.account_id))
                } else {
                    escape(&f.region)
                },
                if f.known { "*(known)* " } else { "" },
                escape(&f.message)
            );
        }
        if findings.len() > TOP {
            let _ = writeln!(
                o,
                "\n… and {} more in the full report.",
                findings.len() - TOP
            );
        }
        o.push('\n');
    }
}

/// Baseline, what was not assessed, and the version.
fn footer(o: &mut String, report: &Report) {
    let g = &report.gate;
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            o,
            "**Baseline** {} ({}): {} failing result(s) known, {} of them at or above --fail-on not counted by the gate.\n",
            escape(&b.file),
            escape(&b.generated_at),
            b.known,
            g.known
        );
    }
    let unassessed = report
        .results
        .iter()
        .filter(|r| r.status == Status::NotAssessed)
        .count();
    let _ = writeln!(
        o,
        "**Not assessed:** {unassessed} result(s){}; collection failures: {}.\n",
        if unassessed > 0 {
            " (facts missing or unreadable; see the full report)"
        } else {
            ""
        },
        report.collection.failed.len()
    );
    let _ = writeln!(
        o,
        "<sub>msgready {} · generated {}</sub>",
        escape(&report.tool.version),
        escape(&report.generated_at)
    );
}

fn opt(s: Option<&str>) -> String {
    s.map(escape).unwrap_or_else(|| "–".into())
}

/// Waived results with owner, reason, ticket and expiry; expired and stale waivers.
fn waivers(o: &mut String, report: &Report) {
    let waived: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Waived)
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(
            o,
            "### Waived ({})\n\n| Severity | Rule | Region | Resource | Owner | Reason | Ticket | Expires |\n|---|---|---|---|---|---|---|---|",
            waived.len()
        );
        for r in waived.iter().take(TOP) {
            let w = r.waiver.as_ref();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                r.severity,
                escape(&r.rule_id),
                escape(&r.region),
                escape(&r.resource),
                opt(w.map(|w| w.owner.as_str())),
                opt(w.map(|w| w.reason.as_str())),
                opt(w.and_then(|w| w.ticket.as_deref())),
                opt(w.map(|w| w.expires.as_str())),
            );
        }
        if waived.len() > TOP {
            let _ = writeln!(o, "\n… and {} more in the full report.", waived.len() - TOP);
        }
        o.push('\n');
    }
    let w = &report.waivers;
    for (label, list) in [
        ("Expired waivers (no longer waive)", &w.expired),
        ("Stale waivers (match no failing result)", &w.stale),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "**{label}:**\n");
        for u in list {
            let _ = writeln!(
                o,
                "- {} {}{}{} — {}, expires {}{}: {}{}",
                escape(&u.waiver.source),
                escape(&u.waiver.rule),
                opt_in(" in ", u.waiver.region.as_deref()),
                opt_in(" on ", u.waiver.resource.as_deref()),
                escape(&u.waiver.owner),
                escape(&u.waiver.expires),
                opt_in(", ", u.waiver.ticket.as_deref()),
                escape(&u.waiver.reason),
                if u.results > 0 {
                    format!(" ({} failing result(s))", u.results)
                } else {
                    String::new()
                }
            );
        }
        o.push('\n');
    }
}

fn opt_in(prefix: &str, s: Option<&str>) -> String {
    s.map(|s| format!("{prefix}{}", escape(s)))
        .unwrap_or_default()
}
