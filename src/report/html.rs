//! The HTML report: one self-contained file (inline CSS, JS and SVG; nothing fetched when it is
//! opened), rendered with handlebars in strict mode with HTML escaping on.
//!
//! The templates under `reports/` are embedded in the binary; `--templates DIR` replaces any of
//! them file by file (mdBook's approach). Everything the templates see is prepared here, so a
//! template only lays out: numbers are formatted, strings from AWS are stripped of control
//! characters ([`clean`]) and handlebars escapes them on output. A Content-Security-Policy with
//! the hashes of the inline style and script stops any other script, style or request.

use super::terminal::clean;
use crate::error::{Error, Result};
use crate::model::report::Report;
use crate::model::result::RuleResult;
use crate::model::score::{ScoreFigure, VerdictKind};
use crate::model::vocab::{Area, Severity, Status, ALL_AREAS};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::path::Path;

/// (file name, built-in text) of every template file. `report.hbs` is the page; the other
/// `.hbs` files are partials named after their stem; `style.css` and `script.js` are inlined.
pub const TEMPLATE_FILES: &[(&str, &str)] = &[
    ("report.hbs", include_str!("../../reports/report.hbs")),
    ("bars.hbs", include_str!("../../reports/bars.hbs")),
    ("failover.hbs", include_str!("../../reports/failover.hbs")),
    ("findings.hbs", include_str!("../../reports/findings.hbs")),
    ("trend.hbs", include_str!("../../reports/trend.hbs")),
    ("style.css", include_str!("../../reports/style.css")),
    ("script.js", include_str!("../../reports/script.js")),
];

/// Messages listed per area in a failover panel; the rest are counted and left to Findings.
const FAILOVER_ITEMS: usize = 8;

/// The template files in force: the built-ins, each replaced by DIR's file of the same name.
#[derive(Debug, Clone)]
pub struct Templates {
    files: BTreeMap<&'static str, (String, String)>,
}

impl Templates {
    pub fn builtin() -> Templates {
        Templates {
            files: TEMPLATE_FILES
                .iter()
                .map(|(name, text)| (*name, (format!("built-in {name}"), (*text).to_string())))
                .collect(),
        }
    }

    /// The built-ins overridden by the files in `dir`. A `.hbs`, `.css` or `.js` file whose
    /// name is not a template's is an error, so that a misspelt override is not ignored.
    pub fn with_overrides(dir: &Path) -> Result<Templates> {
        let io = |e: std::io::Error| Error::Io {
            path: dir.display().to_string(),
            source: e,
        };
        let mut t = Templates::builtin();
        let mut unknown = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if !path.is_file() {
                continue;
            }
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            match t.files.iter_mut().find(|(n, _)| **n == name) {
                Some((_, slot)) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                        path: path.display().to_string(),
                        source: e,
                    })?;
                    *slot = (path.display().to_string(), text);
                }
                // Only template-like files: a README or notes beside them are fine.
                None if [".hbs", ".css", ".js"].iter().any(|e| name.ends_with(e)) => {
                    unknown.push(name)
                }
                None => {}
            }
        }
        if !unknown.is_empty() {
            unknown.sort();
            let known: Vec<&str> = TEMPLATE_FILES.iter().map(|(n, _)| *n).collect();
            return Err(Error::Usage(format!(
                "--templates {}: unknown template file(s) {}; the templates are {}",
                dir.display(),
                unknown.join(", "),
                known.join(", ")
            )));
        }
        Ok(t)
    }

    fn text(&self, name: &str) -> &str {
        self.files
            .get(name)
            .map(|(_, t)| t.as_str())
            .unwrap_or_default()
    }

    fn registry(&self) -> Result<handlebars::Handlebars<'static>> {
        let mut hb = handlebars::Handlebars::new();
        hb.set_strict_mode(true);
        hb.set_prevent_indent(true);
        for (name, (origin, text)) in &self.files {
            let Some(stem) = name.strip_suffix(".hbs") else {
                continue;
            };
            hb.register_template_string(stem, text)
                .map_err(|e| Error::Input {
                    file: origin.clone(),
                    message: format!("invalid template: {e}"),
                })?;
        }
        Ok(hb)
    }
}

pub fn render(report: &Report, templates: &Templates) -> Result<String> {
    let hb = templates.registry()?;
    let ctx = context(report, templates);
    hb.render("report", &ctx).map_err(|e| Error::Input {
        file: e
            .template_name
            .clone()
            .map(|t| format!("template {t}.hbs"))
            .unwrap_or_else(|| "template".into()),
        message: format!("cannot render the HTML report: {e}"),
    })
}

/// A CSP source for inline content: `'sha256-BASE64'`.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", data_encoding::BASE64.encode(&digest))
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Fail => "fail",
        Status::NotAssessed => "not assessed",
        Status::Waived => "waived",
        Status::Pass => "pass",
        Status::NotApplicable => "not applicable",
    }
}

fn verdict_label(v: VerdictKind) -> (&'static str, &'static str) {
    match v {
        VerdictKind::Ready => ("ready", "READY"),
        VerdictKind::AtRisk => ("at_risk", "AT RISK"),
        VerdictKind::NotReady => ("not_ready", "NOT READY"),
        VerdictKind::Unknown => ("unknown", "UNKNOWN"),
    }
}

fn figure(f: &ScoreFigure) -> Value {
    let c = &f.counts;
    json!({
        "score": num(f.score),
        "coverage": pct(f.coverage),
        "pass": c.pass, "fail": c.fail, "not_assessed": c.not_assessed,
        "not_applicable": c.not_applicable, "waived": c.waived,
    })
}

/// A horizontal bar chart as SVG geometry: one row per figure, bar length = score.
fn bars(rows: Vec<(String, &ScoreFigure)>) -> Value {
    const ROW: u32 = 26;
    let bars: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, f))| {
            let y = i as u32 * ROW;
            let class = match f.score {
                None => "none",
                Some(s) if s >= 90.0 => "good",
                Some(s) if s >= 70.0 => "fair",
                Some(_) => "poor",
            };
            json!({
                "label": clean(label),
                "y": y,
                "text_y": y + 17,
                "width": format!("{:.1}", f.score.unwrap_or(0.0) * 3.0),
                "class": class,
                "score": num(f.score),
                "coverage": pct(f.coverage),
                "fail": f.counts.fail,
                "not_assessed": f.counts.not_assessed,
            })
        })
        .collect();
    json!({ "height": (rows.len() as u32 * ROW).max(ROW), "bars": bars })
}

/// The score trend (`Report::trend`) as a line chart: x = run (oldest left), y = 0–100.
fn trend(report: &Report) -> Value {
    const W: f64 = 560.0;
    const H: f64 = 170.0;
    const LEFT: f64 = 36.0;
    const RIGHT: f64 = 548.0;
    const TOP: f64 = 10.0;
    const BOTTOM: f64 = 150.0;
    let n = report.trend.len();
    let x = |i: usize| {
        if n <= 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| BOTTOM - (BOTTOM - TOP) * v.clamp(0.0, 100.0) / 100.0;
    let line = |get: fn(&crate::model::report::TrendPoint) -> Option<f64>| {
        report
            .trend
            .iter()
            .enumerate()
            .filter_map(|(i, p)| get(p).map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let points: Vec<Value> = report
        .trend
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "x": format!("{:.1}", x(i)),
                "score_y": p.score.map(|v| format!("{:.1}", y(v))),
                "coverage_y": p.coverage.map(|v| format!("{:.1}", y(v))),
                "run": clean(&p.run),
                "score": num(p.score),
                "coverage": pct(p.coverage),
            })
        })
        .collect();
    let grid: Vec<Value> = [0.0, 50.0, 100.0]
        .iter()
        .map(|v| json!({ "x1": LEFT, "x2": RIGHT, "y": format!("{:.1}", y(*v)), "text_y": format!("{:.1}", y(*v) + 4.0), "label": format!("{v}") }))
        .collect();
    json!({
        "show": n > 0,
        "chart": {
            "width": W, "height": H, "count": n,
            "first": report.trend.first().map(|p| clean(&p.run)).unwrap_or_default(),
            "last": report.trend.last().map(|p| clean(&p.run)).unwrap_or_default(),
            "score_line": line(|p| p.score),
            "coverage_line": line(|p| p.coverage),
            "points": points,
            "grid": grid,
        },
    })
}

fn has_results(f: &ScoreFigure) -> bool {
    let c = &f.counts;
    c.pass + c.fail + c.not_assessed + c.not_applicable + c.waived > 0
}

/// Region × channel: the worst status of that channel's results in that Region.
fn matrix(report: &Report) -> Value {
    let channels = [Area::Email, Area::Sms, Area::Voice, Area::Push];
    let rows: Vec<Value> = report
        .deployment
        .regions
        .iter()
        .map(|region| {
            let cells: Vec<Value> = channels
                .iter()
                .map(|area| {
                    let mine = report
                        .results
                        .iter()
                        .filter(|r| r.area == *area && r.region == region.name);
                    // Status orders fail < not_assessed < waived < pass < not_applicable.
                    let worst = mine.clone().map(|r| r.status).min();
                    let fails = mine.filter(|r| r.status == Status::Fail).count();
                    match worst {
                        Some(s) => json!({
                            "class": s.as_str(),
                            "label": status_label(s),
                            "fails": fails,
                        }),
                        None => json!({ "class": "none", "label": "no checks", "fails": 0 }),
                    }
                })
                .collect();
            json!({ "region": clean(&region.name), "role": region.role.as_str(), "cells": cells })
        })
        .collect();
    json!({ "channels": channels.iter().map(|a| a.as_str()).collect::<Vec<_>>(), "rows": rows })
}

fn resource_of(r: &RuleResult) -> String {
    clean(r.arn.as_deref().unwrap_or(&r.resource))
}

/// For each Region that would take traffic: what would stop or degrade there, from its results.
fn failover(report: &Report) -> Vec<Value> {
    report
        .score
        .verdicts
        .iter()
        .map(|v| {
            let in_region: Vec<&RuleResult> = report
                .results
                .iter()
                .filter(|r| r.region == v.region)
                .collect();
            let mut areas = Vec::new();
            for area in ALL_AREAS {
                let mut fails: Vec<&&RuleResult> = in_region
                    .iter()
                    .filter(|r| r.area == area && r.status == Status::Fail)
                    .collect();
                let unassessed = in_region
                    .iter()
                    .filter(|r| r.area == area && r.status == Status::NotAssessed)
                    .count();
                if fails.is_empty() && unassessed == 0 {
                    continue;
                }
                fails.sort_by(|a, b| {
                    b.severity
                        .cmp(&a.severity)
                        .then_with(|| a.rule_id.cmp(&b.rule_id))
                        .then_with(|| a.resource.cmp(&b.resource))
                });
                let worst = fails.first().map(|r| r.severity);
                let (impact, impact_label) = match worst {
                    Some(Severity::Critical) => ("stops", "would stop working or break compliance"),
                    Some(Severity::High | Severity::Medium) => ("degrades", "would work, degraded"),
                    Some(_) => ("minor", "minor gaps"),
                    None => ("unknown", "could not be checked"),
                };
                let items: Vec<Value> = fails
                    .iter()
                    .take(FAILOVER_ITEMS)
                    .map(|r| {
                        json!({
                            "severity": r.severity.as_str(),
                            "rule_id": clean(&r.rule_id),
                            "message": clean(&r.message),
                        })
                    })
                    .collect();
                areas.push(json!({
                    "area": area.as_str(),
                    "impact": impact,
                    "impact_label": impact_label,
                    "fail_count": fails.len(),
                    "items": items,
                    "more": fails.len().saturating_sub(FAILOVER_ITEMS),
                    "not_assessed": unassessed,
                }));
            }
            let (class, label) = verdict_label(v.verdict);
            json!({
                "region": clean(&v.region),
                "role": v.role.as_str(),
                "verdict": class,
                "verdict_label": label,
                "summary": clean(&v.summary),
                "coverage": pct(report.score.by_region.get(&v.region).and_then(|f| f.coverage)),
                "areas": areas,
                "clear": areas.is_empty(),
            })
        })
        .collect()
}

/// The implied RPO table (`Report::rpo`, from OPS-004), formatted for the page.
fn rpo(report: &Report) -> Value {
    let minutes = |m: Option<f64>| m.map_or_else(|| "—".to_string(), |m| format!("{m} min"));
    let rows: Vec<Value> = report
        .rpo
        .iter()
        .map(|r| {
            json!({
                "region": clean(&r.region),
                "account": clean(&r.account_id),
                "data_class": clean(&r.data_class),
                "implied": if r.implied.is_empty() { minutes(r.implied_minutes) } else { clean(&r.implied) },
                "target": minutes(r.target_minutes),
                "basis": clean(&r.basis),
                "status": r.status.as_str(),
                "status_label": status_label(r.status),
            })
        })
        .collect();
    json!({ "assessed": !rows.is_empty(), "rows": rows })
}

/// One severity's results of one area, by rule ID.
type ByRule<'a> = BTreeMap<&'a str, Vec<&'a RuleResult>>;

/// Findings (fail, waived, not assessed) grouped area → severity → rule, each rule's
/// rationale and remediation once, rows kept to four cells.
fn findings(report: &Report) -> (Value, BTreeMap<Status, usize>) {
    let mut groups: BTreeMap<Area, BTreeMap<Reverse<Severity>, ByRule>> = BTreeMap::new();
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for r in &report.results {
        if !matches!(
            r.status,
            Status::Fail | Status::Waived | Status::NotAssessed
        ) {
            continue;
        }
        *counts.entry(r.status).or_default() += 1;
        groups
            .entry(r.area)
            .or_default()
            .entry(Reverse(r.severity))
            .or_default()
            .entry(r.rule_id.as_str())
            .or_default()
            .push(r);
    }
    let multi_account = report.facts.accounts.len() > 1;
    let areas: Vec<Value> = groups
        .into_iter()
        .map(|(area, sevs)| {
            let sevs: Vec<Value> = sevs
                .into_iter()
                .map(|(Reverse(sev), rules)| {
                    let rules: Vec<Value> = rules
                        .into_iter()
                        .map(|(id, mut rows)| {
                            rows.sort_by(|a, b| {
                                (a.status, &a.region, &a.account_id, &a.resource)
                                    .cmp(&(b.status, &b.region, &b.account_id, &b.resource))
                            });
                            let info = report.rule(id);
                            let rows: Vec<Value> = rows
                                .iter()
                                .map(|r| {
                                    let res = if multi_account {
                                        format!("{} {}", clean(&r.account_id), resource_of(r))
                                    } else {
                                        resource_of(r)
                                    };
                                    json!({
                                        "s": r.status.as_str(),
                                        "sl": status_label(r.status),
                                        "r": clean(&r.region),
                                        "res": res,
                                        "msg": clean(&r.message),
                                        "known": r.known,
                                        "waiver": r.waiver.as_ref().map(waiver),
                                    })
                                })
                                .collect();
                            json!({
                                "id": clean(id),
                                "title": info.map(|i| i.title.clone()).unwrap_or_default(),
                                "guide": info.map(|i| i.guide.clone()).unwrap_or_default(),
                                "rationale": info.map(|i| unwrap_text(&i.rationale)).unwrap_or_default(),
                                "remediation": info.map(|i| unwrap_text(&i.remediation)).unwrap_or_default(),
                                "source": info.map(|i| i.source.clone()).unwrap_or_default(),
                                "count": rows.len(),
                                "rows": rows,
                            })
                        })
                        .collect();
                    json!({ "severity": sev.as_str(), "rules": rules })
                })
                .collect();
            json!({ "area": area.as_str(), "severities": sevs })
        })
        .collect();
    (json!(areas), counts)
}

fn waiver(w: &crate::model::waiver::Waiver) -> Value {
    json!({
        "rule": clean(&w.rule),
        "region": w.region.as_deref().map(clean),
        "resource": w.resource.as_deref().map(clean),
        "owner": clean(&w.owner),
        "reason": clean(&w.reason),
        "ticket": w.ticket.as_deref().map(clean),
        "expires": clean(&w.expires),
        "source": clean(&w.source),
    })
}

/// Expired and stale waivers, and the baseline, for the page.
fn waivers(report: &Report) -> Value {
    let list = |l: &[crate::model::waiver::WaiverUse]| -> Vec<Value> {
        l.iter()
            .map(|u| json!({ "waiver": waiver(&u.waiver), "results": u.results }))
            .collect()
    };
    let w = &report.waivers;
    json!({
        "file": w.file.as_deref().map(clean),
        "applied": w.applied.len(),
        "expired": list(&w.expired),
        "stale": list(&w.stale),
        "expired_count": w.expired.len(),
        "stale_count": w.stale.len(),
        "baseline": report.baseline.as_ref().map(|b| json!({
            "file": clean(&b.file),
            "generated_at": clean(&b.generated_at),
            "known": b.known,
            "gate_known": report.gate.known,
        })),
    })
}

fn filters(report: &Report, counts: &BTreeMap<Status, usize>) -> Value {
    let statuses: Vec<Value> = [Status::Fail, Status::NotAssessed, Status::Waived]
        .iter()
        .map(|s| json!({ "value": s.as_str(), "label": status_label(*s), "count": counts.get(s).copied().unwrap_or(0) }))
        .collect();
    let severities: Vec<Value> = Severity::ALL
        .iter()
        .map(|s| json!({ "value": s.as_str(), "label": s.as_str() }))
        .collect();
    let regions: Vec<Value> = report
        .deployment
        .regions
        .iter()
        .map(|r| json!({ "value": clean(&r.name), "label": clean(&r.name) }))
        .collect();
    let areas: Vec<Value> = ALL_AREAS
        .iter()
        .map(|a| json!({ "value": a.as_str(), "label": a.as_str() }))
        .collect();
    json!({ "statuses": statuses, "severities": severities, "regions": regions, "areas": areas })
}

fn rules_table(report: &Report) -> Vec<Value> {
    report
        .rules
        .iter()
        .map(|rule| {
            let mut c: BTreeMap<Status, u64> = BTreeMap::new();
            for r in report.results.iter().filter(|r| r.rule_id == rule.id) {
                *c.entry(r.status).or_default() += 1;
            }
            let n = |s| c.get(&s).copied().unwrap_or(0);
            json!({
                "id": rule.id, "title": rule.title, "area": rule.area.as_str(),
                "severity": rule.severity.as_str(),
                "pass": n(Status::Pass), "fail": n(Status::Fail),
                "not_assessed": n(Status::NotAssessed), "not_applicable": n(Status::NotApplicable),
                "waived": n(Status::Waived),
            })
        })
        .collect()
}

/// Rule text as written in the rule files, hard-wrapped: joins the lines of each paragraph,
/// keeping blank lines and list items (`- `, `* `, `1. `) on lines of their own.
pub(crate) fn unwrap_text(s: &str) -> String {
    let mut out = String::new();
    for line in s.trim().lines().map(str::trim) {
        let item = line.starts_with("- ")
            || line.starts_with("* ")
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if line.is_empty() {
            out.push_str("\n\n");
        } else if out.is_empty() || out.ends_with('\n') {
            out.push_str(line);
        } else if item {
            out.push('\n');
            out.push_str(line);
        } else {
            out.push(' ');
            out.push_str(line);
        }
    }
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

fn pretty(v: &Value) -> String {
    clean_keep_newlines(&serde_json::to_string_pretty(v).unwrap_or_default())
}

fn clean_keep_newlines(s: &str) -> String {
    s.lines().map(clean).collect::<Vec<_>>().join("\n")
}

fn gate(report: &Report) -> Value {
    let g = &report.gate;
    let (class, label) = if g.failed {
        ("failed", "Gate failed")
    } else if g.not_assessed > 0 {
        ("incomplete", "Gate incomplete")
    } else {
        ("passed", "Gate passed")
    };
    json!({
        "class": class,
        "label": label,
        "reasons": g.reasons.iter().map(|r| clean(r)).collect::<Vec<_>>(),
        "fail_on": g.options.fail_on.map(|s| s.as_str()).unwrap_or("none"),
        "min_score": g.options.min_score.map(|s| format!("{s}")).unwrap_or_else(|| "none".into()),
        "not_assessed": g.not_assessed,
    })
}

fn verdicts(report: &Report) -> Vec<Value> {
    report
        .score
        .verdicts
        .iter()
        .map(|v| {
            let (class, label) = verdict_label(v.verdict);
            json!({ "region": clean(&v.region), "verdict": class, "label": label, "summary": clean(&v.summary) })
        })
        .collect()
}

fn collection(report: &Report) -> Value {
    let failed: Vec<Value> = report
        .collection
        .failed
        .iter()
        .map(|f| {
            let s = &f.status;
            json!({
                "account": clean(&f.account_id),
                "service": clean(&s.service),
                "region": clean(&s.region),
                "operation": clean(&s.operation),
                "reason": s.reason.map(|r| r.describe()).unwrap_or("failed"),
                "detail": clean(s.detail.as_deref().unwrap_or("")),
            })
        })
        .collect();
    json!({ "ok": report.collection.ok, "failed_count": failed.len(), "failed": failed })
}

fn context(report: &Report, templates: &Templates) -> Value {
    let css = templates.text("style.css");
    let js = templates.text("script.js");
    let ov = &report.score.overall;
    let area_rows: Vec<(String, &ScoreFigure)> = report
        .score
        .by_area
        .iter()
        .filter(|(_, f)| has_results(f))
        .map(|(a, f)| (a.as_str().to_string(), f))
        .collect();
    let region_rows: Vec<(String, &ScoreFigure)> = report
        .deployment
        .regions
        .iter()
        .filter_map(|r| {
            report
                .score
                .by_region
                .get(&r.name)
                .map(|f| (format!("{} ({})", r.name, r.role), f))
        })
        .collect();
    // Many accounts: one bar each (a single account would repeat the overall figure).
    let account_rows: Vec<(String, &ScoreFigure)> = report
        .score
        .by_account
        .iter()
        .map(|(a, f)| (a.clone(), f))
        .collect();
    let show_accounts = account_rows.len() > 1;
    let (findings, counts) = findings(report);
    let shown: usize = counts.values().sum();
    json!({
        "csp": format!(
            "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
            csp_hash(css),
            csp_hash(js)
        ),
        "css": css,
        "js": js,
        "tool": { "name": clean(&report.tool.name), "version": clean(&report.tool.version) },
        "generated_at": clean(&report.generated_at),
        "facts": {
            "collected_at": clean(report.facts.collected_at.as_deref().unwrap_or("an unknown time")),
            "complete": report.facts.complete,
            "tool_version": clean(&report.facts.tool_version),
            "accounts": report.facts.accounts.iter().map(|a| clean(a)).collect::<Vec<_>>(),
            "account_count": report.facts.accounts.len(),
        },
        "deployment": {
            "architecture": report.deployment.architecture.as_str(),
            "primary": clean(&report.deployment.primary),
            "regions": report.deployment.regions.iter().map(|r| json!({"name": clean(&r.name), "role": r.role.as_str()})).collect::<Vec<_>>(),
        },
        "overall": figure(ov),
        "gate": gate(report),
        "verdicts": verdicts(report),
        "area_chart": bars(area_rows),
        "region_chart": bars(region_rows),
        "account_chart": { "show": show_accounts, "chart": bars(account_rows) },
        "trend": trend(report),
        "matrix": matrix(report),
        "failover": failover(report),
        "rpo": rpo(report),
        "filters": filters(report, &counts),
        "findings": findings,
        "findings_total": shown,
        "waivers": waivers(report),
        "rules": rules_table(report),
        "collection": collection(report),
        "settings": {
            "thresholds": pretty(&report.settings.thresholds),
            "targets": pretty(&report.settings.targets),
            "channels": pretty(&report.settings.channels),
            "rule_overrides": pretty(&report.settings.rule_overrides),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::unwrap_text;

    #[test]
    fn unwrap_joins_paragraph_lines_and_keeps_lists() {
        let text = "\nOne\ntwo.\n\nSteps:\n1. first\n   continued\n2. second\n- item\n";
        assert_eq!(
            unwrap_text(text),
            "One two.\n\nSteps:\n1. first continued\n2. second\n- item"
        );
    }
}
