//! Reports for the emitter tests: the sample (built-in rules on a small two-Region snapshot
//! whose names carry HTML, Markdown and terminal payloads), a richer one with waived and
//! OPS-004 results, and synthetic ones of any size.
#![allow(dead_code)]

use msgready::config::Config;
use msgready::engine::rule::RuleSet;
use msgready::model::facts::FactSnapshot;
use msgready::model::report::{Report, RuleInfo};
use msgready::model::result::RuleResult;
use msgready::model::vocab::{Area, Severity, Status};
use msgready::model::waiver::{Waiver, WaiverSummary, WaiverUse};
use std::path::Path;

pub const NOW: &str = "2026-01-01T00:00:00Z";

/// The rules the sample report keeps: a pinned subset, so that adding a rule elsewhere does
/// not change these snapshots, covering every status and the four channels.
pub const SAMPLE_RULES: &[&str] = &[
    "EMAIL-001",
    "EMAIL-002",
    "EMAIL-003",
    "EMAIL-008",
    "SMS-001",
    "SMS-012",
    "VOICE-001",
    "DATA-002",
    "IAM-001",
    "OPS-004",
];

pub const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "pipe|name|`tick`|[link](javascript:alert(1))",
];

pub fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
}

/// The sample report, tool version redacted.
pub fn sample_report() -> Report {
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    rules
        .rules
        .retain(|id, _| SAMPLE_RULES.contains(&id.as_str()));
    let facts = msgready::jsonio::load::<FactSnapshot>(&fixture("sample-facts.json"))
        .expect("sample facts load");
    let config = Config::default();
    let mut report = msgready::pipeline::evaluate(&msgready::pipeline::Evaluation {
        now: Some(NOW),
        ..msgready::pipeline::Evaluation::new(&rules, &config, &facts)
    })
    .expect("sample evaluates");
    report.tool.version = "[version]".into();
    report
}

/// Recomputes score and gate after the results were changed.
pub fn rescore(report: &mut Report) {
    report.score = msgready::score::score(&report.results, &report.deployment);
    report.gate = msgready::gate::gate(&report.gate.options, &report.results, &report.score);
    report.rpo = msgready::score::rpo_rows(&report.results);
}

fn ensure_rule(report: &mut Report, id: &str, area: Area, severity: Severity) {
    if report.rule(id).is_none() {
        report.rules.push(RuleInfo {
            id: id.into(),
            title: format!("{id} (test rule)"),
            area,
            severity,
            guide: "Test guide section".into(),
            rationale: "Why <b>it</b> matters.".into(),
            remediation: "Do the thing & check it.".into(),
            source: format!("rules/{}/{id}.toml", area.as_str()),
        });
    }
}

fn result(
    rule: &str,
    area: Area,
    sev: Severity,
    region: &str,
    resource: &str,
    status: Status,
) -> RuleResult {
    RuleResult {
        rule_id: rule.into(),
        area,
        severity: sev,
        account_id: "111122223333".into(),
        region: region.into(),
        resource: resource.into(),
        arn: None,
        status,
        message: format!("{rule} {status} for {resource} in {region}."),
        remediation: None,
        figures: None,
        waiver: None,
        known: false,
    }
}

/// The sample plus a waived result and OPS-004 results with RPO figures (one carrying a
/// payload), for the paths the built-in rules do not reach on the sample facts.
pub fn rich_report() -> Report {
    let mut report = sample_report();
    report.results.retain(|r| r.rule_id != "OPS-004");
    ensure_rule(&mut report, "OPS-004", Area::Ops, Severity::Medium);
    let mut waived = result(
        "EMAIL-001",
        Area::Email,
        Severity::Critical,
        "us-west-2",
        "waived.example.com",
        Status::Waived,
    );
    waived.arn = Some("arn:aws:ses:us-west-2:111122223333:identity/waived.example.com".into());
    waived.message = "Identity waived.example.com is missing in us-west-2 (accepted risk).".into();
    let waiver = |rule: &str, expires: &str, line: u32| Waiver {
        rule: rule.into(),
        region: Some("us-west-2".into()),
        resource: Some("waived.*".into()),
        owner: "email-platform@example.com".into(),
        reason: "Retired brand <script>alert(1)</script>; mail moves to the main domain".into(),
        ticket: Some("OPS-1234".into()),
        expires: expires.into(),
        source: format!("waivers.toml:{line}"),
    };
    waived.waiver = Some(waiver("EMAIL-001", "2026-03-31", 2));
    report.results.push(waived);
    report.waivers = WaiverSummary {
        file: Some("waivers.toml".into()),
        applied: vec![WaiverUse {
            waiver: waiver("EMAIL-001", "2026-03-31", 2),
            results: 1,
        }],
        expired: vec![WaiverUse {
            waiver: waiver("EMAIL-002", "2025-12-31", 11),
            results: 1,
        }],
        stale: vec![WaiverUse {
            waiver: Waiver {
                ticket: None,
                resource: None,
                ..waiver("SMS-001", "2026-06-30", 20)
            },
            results: 0,
        }],
    };
    let mut rpo_ok = result(
        "OPS-004",
        Area::Ops,
        Severity::Medium,
        "us-east-1",
        "event-data",
        Status::Pass,
    );
    rpo_ok.figures = Some(serde_json::json!({
        "data_class": "event data",
        "implied_rpo_minutes": 15,
        "implied_rpo": "15 min",
        "target_minutes": 60,
        "basis": "S3 replication with RTC on <script>alert(1)</script>",
    }));
    let mut rpo_bad = result(
        "OPS-004",
        Area::Ops,
        Severity::Medium,
        "us-west-2",
        "endpoints",
        Status::Fail,
    );
    rpo_bad.figures = Some(serde_json::json!({
        "data_class": "endpoints",
        "implied_rpo_minutes": 1440,
        "implied_rpo": null,
        "target_minutes": 60,
        "basis": "daily import job",
    }));
    rpo_bad.message =
        "Endpoints in us-west-2 are imported daily: implied RPO 1440 min, target 60 min.".into();
    rpo_bad.remediation = Some("Import endpoints more often.".into());
    report.results.push(rpo_ok);
    report.results.push(rpo_bad);
    rescore(&mut report);
    report
}

/// The sample's metadata with `n` failing results spread over its rules, both Regions and
/// many resources, with messages as long as real ones.
pub fn synthetic_report(n: usize) -> Report {
    let mut report = sample_report();
    let rules: Vec<(String, Area, Severity)> = report
        .rules
        .iter()
        .map(|r| (r.id.clone(), r.area, r.severity))
        .collect();
    let regions: Vec<String> = report
        .deployment
        .regions
        .iter()
        .map(|r| r.name.clone())
        .collect();
    report.results = (0..n)
        .map(|i| {
            let (id, area, sev) = &rules[i % rules.len()];
            let region = &regions[(i / rules.len()) % regions.len()];
            let name = format!("brand{i}.example.com");
            let mut r = result(id, *area, *sev, region, &name, Status::Fail);
            r.arn = Some(format!("arn:aws:ses:{region}:111122223333:identity/{name}"));
            r.message = format!(
                "Identity {name} is verified for sending in us-east-1 but does not exist in {region}: mail from it would be rejected after failover."
            );
            r
        })
        .collect();
    rescore(&mut report);
    report
}
