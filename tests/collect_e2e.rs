//! End to end over real HTTP on loopback: moto (seeded by tests/emulator/seed_moto.py) behind
//! the scenario emulator (tests/emulator/scenarios/two-region.json) serve a two-Region warm
//! standby with planted gaps; `msgready scan` reads it with the real SDK clients, evaluates and
//! reports. The findings are checked exactly (snapshot) and by name for the planted gaps, and
//! the emulator's request log proves the scan read only, within the printed IAM policy.

#[path = "support/emulators.rs"]
mod emulators;

use msgready::collect::policy;
use msgready::model::service::Service;
use serde_json::Value;

fn results(report: &Value) -> Vec<&Value> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .collect()
}

fn has(report: &Value, rule: &str, region: &str, status: &str) -> bool {
    results(report)
        .iter()
        .any(|r| r["rule_id"] == rule && r["region"] == region && r["status"] == status)
}

/// The IAM prefix of a SigV4 signing name.
fn iam_prefix(signing_name: &str) -> &str {
    match signing_name {
        "monitoring" => "cloudwatch",
        other => other,
    }
}

#[test]
fn two_region_scan_finds_the_planted_gaps_and_reads_only() {
    let mut emus = emulators::start("two-region.json", &[]);
    let dns = emus.start_dns("two-region-zone.json");
    let (code, report, stderr) = emus.scan(&["--dns", "--dns-server", &dns]);
    assert_eq!(
        code,
        Some(1),
        "gate should fail on the planted gaps; stderr:\n{stderr}"
    );

    // Every finding that is not a pass, exactly.
    let mut lines: Vec<String> = results(&report)
        .iter()
        .filter(|r| r["status"] != "pass" && r["status"] != "not_applicable")
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["rule_id"].as_str().unwrap_or_default(),
                r["region"].as_str().unwrap_or_default(),
                r["status"].as_str().unwrap_or_default(),
                r["resource"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    lines.sort();
    lines.dedup();
    insta::assert_snapshot!("two_region_findings", lines.join("\n"));

    // The planted gaps, by name (tests/emulator/README.md, tests/emulator/seed_moto.py), and
    // the primary passing where it was built right.
    for (rule, region, status) in [
        ("EMAIL-004", "us-west-2", "fail"), // standby DKIM CNAMEs never published
        ("EMAIL-004", "us-east-1", "pass"),
        ("DATA-004", "us-west-2", "fail"), // standby event bucket not replicated
        ("DATA-005", "us-east-1", "fail"), // replication without RTC
        ("IAM-003", "us-west-2", "fail"),  // import role without aws:SourceAccount
        ("IAM-004", "us-west-2", "fail"),  // standby events role names the primary's stream
        ("CUSTOM-001", "us-west-2", "fail"), // hook policy names the primary's principal
        ("OPS-005", "us-west-2", "fail"),  // no alarms in the standby
        ("OPS-006", "us-west-2", "pass"),  // the multi-Region trail covers it
        ("TPL-001", "us-west-2", "fail"),  // a Pinpoint template missing in the standby
        ("SMS-008", "us-west-2", "fail"),  // opt-out list not mirrored
    ] {
        assert!(
            has(&report, rule, region, status),
            "expected {rule} {status} in {region}"
        );
    }

    // The operation made to fail (AccessDenied on DescribeSenderIds in the standby) makes the
    // rules that need it not_assessed there, naming the operation; it fails nothing else.
    let failed: Vec<String> = report["collection"]["failed"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| format!("{}:{} {}", c["service"], c["operation"], c["region"]))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        results(&report)
            .iter()
            .any(|r| r["status"] == "not_assessed"
                && r["region"] == "us-west-2"
                && r["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("DescribeSenderIds"))),
        "no not_assessed result names DescribeSenderIds; failed operations: {failed:?}"
    );

    // Planted secrets and personal data never reach the report, the facts or -vv logs.
    let facts = emus.dir.path().join("facts.json");
    let collect = emus
        .msgready()
        .args(["-vv", "collect", "--config"])
        .arg(emulators::repo().join("tests/emulator/two-region.toml"))
        .arg("--out")
        .arg(&facts)
        .output()
        .expect("run msgready collect");
    assert_eq!(collect.status.code(), Some(0));
    let outputs = [
        report.to_string(),
        stderr.clone(),
        std::fs::read_to_string(&facts).expect("facts"),
        String::from_utf8_lossy(&collect.stderr).to_string(),
    ];
    assert!(outputs[3].contains("attempt"), "-vv logged nothing");
    for planted in [
        "AIzaPLANTEDsecretKEY0123456789",
        "angry@customer.example",
        "bounced1@customer.example",
        "alerts@acme.example",
        "+12065550101",
        "2065550102",
        emulators::SECRET_KEY,
    ] {
        for (i, text) in outputs.iter().enumerate() {
            assert!(!text.contains(planted), "{planted} leaked into output {i}");
        }
    }

    // Read-only and within the policy: every request the scan made, as the emulator logged it.
    let requests = emus.requests();
    assert!(
        requests.len() > 50,
        "only {} requests logged",
        requests.len()
    );
    for r in &requests {
        let service = iam_prefix(r["service"].as_str().unwrap_or_default());
        let op = r["operation"].as_str().unwrap_or_default();
        let action = Service::from_name(service).map_or(op, |s| s.iam_action(op));
        assert!(
            ["Get", "List", "Describe", "Head"]
                .iter()
                .any(|p| op.starts_with(p)),
            "the scan sent a non-read request: {r}"
        );
        assert!(
            policy::covers(service, action),
            "{service}:{action} is not in `msgready policy` (request {r})"
        );
    }
}
