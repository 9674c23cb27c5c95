//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! Rules come from the report's rule metadata. Findings have no source line, so each result
//! points at its rule file (cargo-audit's approach) and names the resource in its message and
//! in a logical location. `partialFingerprints` carries `rule:account:region:resource`, which
//! code scanning uses to recognise the same alert across runs. Only failing results (and waived
//! ones, as suppressed) are results; passes and unassessed checks are not alerts.
//!
//! Written with serde_json rather than a SARIF crate: the output is small, and a test validates
//! it against the official SARIF 2.1.0 schema.

use super::terminal::clean;
use crate::model::report::{Report, RuleInfo};
use crate::model::result::RuleResult;
use crate::model::vocab::{Severity, Status};
use serde_json::{json, Value};

pub const FINGERPRINT_KEY: &str = "msgreadyFingerprint/v1";

/// GitHub's `security-severity`: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.0.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `rule:account:region:resource`: stable across runs while the finding stands (control
/// characters in names replaced, as everywhere in the reports).
pub fn fingerprint(r: &RuleResult) -> String {
    clean(&format!(
        "{}:{}:{}:{}",
        r.rule_id, r.account_id, r.region, r.resource
    ))
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let rationale = super::html::unwrap_text(&rule.rationale);
    let remediation = super::html::unwrap_text(&rule.remediation);
    json!({
        "id": rule.id,
        "name": rule.id.replace('-', ""),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rationale },
        "help": {
            "text": format!("{rationale}\n\nRemediation:\n{remediation}\n\nGuide: {}", rule.guide),
            "markdown": format!(
                "**Why it matters**\n\n{rationale}\n\n**What to do**\n\n{remediation}\n\n**Guide:** {}",
                rule.guide
            ),
        },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "security-severity": security_severity(rule.severity),
            "problem.severity": level(rule.severity),
            "precision": "high",
            "tags": ["msgready", "resilience", rule.area.as_str(), rule.severity.as_str()],
        },
    })
}

fn result(report: &Report, r: &RuleResult) -> Value {
    let rule_index = report.rules.iter().position(|i| i.id == r.rule_id);
    let uri = report
        .rule(&r.rule_id)
        .map(|i| i.source.as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("msgready");
    let target = clean(r.arn.as_deref().unwrap_or(&r.resource));
    let text = format!(
        "{} (resource: {target}; Region: {}; account: {})",
        clean(&r.message),
        clean(&r.region),
        clean(&r.account_id)
    );
    let mut v = json!({
        "ruleId": r.rule_id,
        "level": level(r.severity),
        "kind": "fail",
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": { "startLine": 1 },
            },
            "logicalLocations": [{
                "name": clean(&r.resource),
                "fullyQualifiedName": target,
                "kind": "resource",
            }],
        }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(r) },
        "properties": {
            "severity": r.severity.as_str(),
            "area": r.area.as_str(),
            "account": clean(&r.account_id),
            "region": clean(&r.region),
            "resource": clean(&r.resource),
        },
    });
    if let Some(i) = rule_index {
        v["ruleIndex"] = json!(i);
    }
    if let Some(arn) = &r.arn {
        v["properties"]["arn"] = json!(clean(arn));
    }
    if let Some(f) = &r.figures {
        v["properties"]["figures"] = f.clone();
    }
    if r.status == Status::Waived {
        let mut suppression = json!({ "kind": "external" });
        if let Some(w) = &r.waiver {
            suppression["justification"] = json!(clean(&w.reason));
            suppression["properties"] = json!({
                "owner": clean(&w.owner),
                "expires": clean(&w.expires),
                "ticket": w.ticket.as_deref().map(clean),
                "source": clean(&w.source),
            });
        }
        v["suppressions"] = json!([suppression]);
    }
    // With a baseline, code scanning can tell new alerts from those already known.
    if report.baseline.is_some() {
        v["baselineState"] = json!(if r.known { "unchanged" } else { "new" });
    }
    v
}

pub fn to_value(report: &Report) -> Value {
    let results: Vec<Value> = report
        .findings()
        .into_iter()
        .chain(report.results.iter().filter(|r| r.status == Status::Waived))
        .map(|r| result(report, r))
        .collect();
    let notifications: Vec<Value> = report
        .collection
        .failed
        .iter()
        .map(|f| {
            let s = &f.status;
            let detail = s
                .detail
                .as_deref()
                .map(|d| format!(" ({})", clean(d)))
                .unwrap_or_default();
            json!({
                "level": "warning",
                "message": { "text": format!(
                    "Collection failed in account {}: {}:{} in {}: {}{detail}",
                    clean(&f.account_id), clean(&s.service), clean(&s.operation), clean(&s.region),
                    s.reason.map(|r| r.describe()).unwrap_or("failed"),
                ) },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "rules": report.rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            } },
            "invocations": [{
                "executionSuccessful": true,
                "endTimeUtc": report.generated_at,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "architecture": report.deployment.architecture,
                "primary": report.deployment.primary,
                "score": report.score.overall.score,
                "coverage": report.score.overall.coverage,
            },
        }],
    })
}

pub fn to_string(report: &Report) -> String {
    crate::jsonio::pretty(&to_value(report)).expect("SARIF always serialises") + "\n"
}
