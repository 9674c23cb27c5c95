//! The command line end to end: exit codes, error messages that name file and line, outputs.

#[path = "support/cli.rs"]
mod cli;
use cli::{bin, code, run, stderr, stdout, write};
use std::path::{Path, PathBuf};
use std::process::Output;

const CONFIG: &str = r#"
[deployment]
architecture = "warm-standby"
[[deployment.regions]]
name = "us-east-1"
role = "primary"
[[deployment.regions]]
name = "us-west-2"
role = "standby"
"#;

/// A snapshot in which every service was read and nothing is deployed.
fn empty_region() -> serde_json::Value {
    serde_json::json!({
        "ses": {}, "sms_voice": {}, "pinpoint": {}, "firehose_streams": [], "kinesis_streams": [],
        "lambda_functions": [], "cloudwatch_alarms": [], "activity": {"window_days": 30},
        "dns": {}
    })
}

fn facts(regions: serde_json::Value) -> String {
    serde_json::json!({
        "schema_version": 1,
        "collected_at": "2026-11-20T09:00:00Z",
        "accounts": [{
            "account_id": "111122223333",
            "global": {"iam_roles": [], "s3_buckets": [], "cloudtrail_trails": []},
            "regions": regions
        }]
    })
    .to_string()
}

/// `evaluate` with the two-Region CONFIG and `--fail-on none`; returns the output and the
/// report folder.
fn evaluate_fail_on_none(dir: &Path, facts: &Path) -> (Output, PathBuf) {
    let c = write(dir, "m.toml", CONFIG);
    let out = dir.join("out");
    let o = run(&[
        "evaluate",
        "--facts",
        facts.to_str().unwrap(),
        "--config",
        c.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--fail-on",
        "none",
    ]);
    (o, out)
}

fn identity(name: &str, verified: bool) -> serde_json::Value {
    serde_json::json!({"name": name, "identity_type": "DOMAIN", "verified_for_sending": verified})
}

#[test]
fn exit_0_when_gate_passes_and_all_assessed() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "facts.json",
        &facts(serde_json::json!({
            "us-east-1": empty_region(), "us-west-2": empty_region()
        })),
    );
    let (o, out) = evaluate_fail_on_none(dir.path(), &f);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["gate"]["failed"], false);
    assert!(stdout(&o).contains("Gate passed"), "{}", stdout(&o));
}

#[test]
fn exit_1_on_failure_at_or_above_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut east = empty_region();
    east["ses"]["identities"] = serde_json::json!([identity("example.com", true)]);
    let f = write(
        dir.path(),
        "facts.json",
        &facts(serde_json::json!({
            "us-east-1": east, "us-west-2": empty_region()
        })),
    );
    let c = write(dir.path(), "m.toml", CONFIG);
    let out = dir.path().join("out");
    let args = |fail_on: &'static str| {
        vec![
            "evaluate".to_string(),
            "--facts".into(),
            f.display().to_string(),
            "--config".into(),
            c.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--fail-on".into(),
            fail_on.into(),
            "--format".into(),
            "json".into(),
        ]
    };
    let o = bin().args(args("critical")).output().unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let failing: Vec<&serde_json::Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == "EMAIL-001" && r["status"] == "fail")
        .collect();
    assert_eq!(failing.len(), 1);
    assert_eq!(failing[0]["region"], "us-west-2");
    assert_eq!(failing[0]["resource"], "example.com");
    assert!(failing[0]["remediation"]
        .as_str()
        .unwrap()
        .contains("create-email-identity"));
    assert!(report["gate"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("--fail-on critical"));
}

#[test]
fn min_score_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let mut east = empty_region();
    east["ses"]["identities"] = serde_json::json!([identity("example.com", true)]);
    let f = write(
        dir.path(),
        "facts.json",
        &facts(serde_json::json!({
            "us-east-1": east, "us-west-2": empty_region()
        })),
    );
    let c = write(dir.path(), "m.toml", CONFIG);
    let out = dir.path().join("out");
    let o = run(&[
        "evaluate",
        "--facts",
        f.to_str().unwrap(),
        "--config",
        c.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--fail-on",
        "none",
        "--min-score",
        "99.5",
        "--format",
        "text",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("below --min-score 99.5"),
        "{}",
        stdout(&o)
    );
    // text only: no JSON written
    assert!(!out.join("report.json").exists());
}

#[test]
fn exit_3_when_facts_are_missing_and_gate_passes() {
    let dir = tempfile::tempdir().unwrap();
    let mut east = empty_region();
    east["ses"]["identities"] = serde_json::json!([identity("example.com", true)]);
    let mut west = empty_region();
    west["ses"] = serde_json::Value::Null;
    let mut snapshot: serde_json::Value = serde_json::from_str(&facts(serde_json::json!({
        "us-east-1": east, "us-west-2": west
    })))
    .unwrap();
    snapshot["accounts"][0]["collection"] = serde_json::json!([{
        "service": "ses", "region": "us-west-2", "operation": "*", "status": "failed",
        "reason": "access_denied", "detail": "AccessDeniedException: explicit deny in a service control policy"
    }]);
    let f = write(dir.path(), "facts.json", &snapshot.to_string());
    let (o, out) = evaluate_fail_on_none(dir.path(), &f);
    assert_eq!(code(&o), 3, "{}{}", stdout(&o), stderr(&o));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let r = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == "EMAIL-001")
        .unwrap();
    assert_eq!(r["status"], "not_assessed");
    let msg = r["message"].as_str().unwrap();
    assert!(
        msg.contains("access denied") && msg.contains("us-west-2"),
        "{msg}"
    );
    // Not assessed is never a pass: the score has no EMAIL-001 pass in it.
    assert!(report["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| !(r["rule_id"] == "EMAIL-001" && r["status"] == "pass")));
    assert!(stdout(&o).contains("Gate INCOMPLETE"), "{}", stdout(&o));
}

#[test]
fn failed_gate_beats_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let mut east = empty_region();
    east["ses"]["identities"] = serde_json::json!([identity("example.com", true)]);
    let mut west = empty_region();
    west["sms_voice"] = serde_json::Value::Null; // something not assessed
    let f = write(
        dir.path(),
        "facts.json",
        &facts(serde_json::json!({
            "us-east-1": east, "us-west-2": west
        })),
    );
    let c = write(dir.path(), "m.toml", CONFIG);
    let o = run(&[
        "evaluate",
        "--facts",
        f.to_str().unwrap(),
        "--config",
        c.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--fail-on",
        "critical",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

fn expect_2(args: &[&str], needle: &str) -> String {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "stdout: {}\nstderr: {err}", stdout(&o));
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn malformed_and_truncated_facts_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = facts(serde_json::json!({"us-east-1": empty_region(), "us-west-2": empty_region()}));
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated.json",
            good[..good.len() / 2].to_string(),
            "truncated.json:1:",
        ),
        (
            "notjson.json",
            "schema_version = 1".into(),
            "not valid JSON",
        ),
        ("empty.json", String::new(), "empty.json:1:0"),
        (
            "version.json",
            good.replace("\"schema_version\":1", "\"schema_version\":99"),
            "schema_version 99",
        ),
        ("noversion.json", "{}".into(), "schema_version"),
        (
            "unknown.json",
            good.replace("\"account_id\"", "\"acount_id\":\"x\",\"account_id\""),
            "acount_id",
        ),
        (
            "type.json",
            good.replace("\"window_days\":30", "\"window_days\":\"thirty\""),
            "window_days",
        ),
        (
            "noaccounts.json",
            r#"{"schema_version":1,"accounts":[]}"#.into(),
            "no accounts",
        ),
    ];
    for (name, text, needle) in cases {
        let f = write(dir.path(), name, &text);
        let err = expect_2(
            &[
                "evaluate",
                "--facts",
                f.to_str().unwrap(),
                "--out",
                dir.path().join("o").to_str().unwrap(),
            ],
            needle,
        );
        assert!(err.contains(name), "{err}");
    }
    expect_2(
        &["evaluate", "--facts", "/nonexistent/facts.json"],
        "/nonexistent/facts.json",
    );
}

#[test]
fn bad_config_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "facts.json",
        &facts(serde_json::json!({"us-east-1": empty_region()})),
    );
    let cases = [
        (
            "[deployment]\narchitecture = \"warm-standby\"\nprimary = \"us-east-1\"\n",
            "m.toml:3",
            "primary",
        ),
        ("[deployment]\narchitecture = \"hot\"\n", "m.toml:2", "hot"),
        (
            "[thresholds]\nimport-lag-hours = -1\n",
            "m.toml:2",
            "import-lag-hours",
        ),
        (
            "[rules.EMAIL-01]\nseverity = \"low\"\n",
            "m.toml:1",
            "did you mean `EMAIL-001`",
        ),
        (
            "[rules.EMAIL-001]\nseverity = \"urgent\"\n",
            "m.toml:2",
            "urgent",
        ),
        ("[deployment\n", "m.toml:1", "m.toml"),
    ];
    for (text, loc, needle) in cases {
        let c = write(dir.path(), "m.toml", text);
        let err = expect_2(
            &[
                "evaluate",
                "--facts",
                f.to_str().unwrap(),
                "--config",
                c.to_str().unwrap(),
            ],
            needle,
        );
        assert!(err.contains(loc), "expected {loc} in {err}");
    }
}

#[test]
fn bad_flags_exit_2() {
    expect_2(
        &["evaluate", "--facts", "x.json", "--min-score", "101"],
        "between 0 and 100",
    );
    expect_2(&["evaluate", "--facts", "x.json", "--format", "pdf"], "pdf");
    expect_2(
        &["evaluate", "--facts", "x.json", "--fail-on", "urgent"],
        "urgent",
    );
    expect_2(&["evaluate"], "--facts");
    expect_2(&["frobnicate"], "frobnicate");
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Exit codes"));
}

const GOOD_RULE: &str = r#"id = "ACME-001"
title = "Something"
area = "ops"
severity = "low"
guide = "x"
scope = "all-regions"
requires = []
rationale = "r"
remediation = "m"
rego = '''
package msgready.rules.ACME_001
import data.msgready.lib
results contains r if {
	some region in lib.regions
	r := lib.pass(region, "-", sprintf("ok in %s", [region]))
}
'''
"#;

#[test]
fn rule_problems_are_all_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    write(&rules, "ops/ACME-001.toml", GOOD_RULE);
    // unknown key
    write(
        &rules,
        "ops/ACME-002.toml",
        &GOOD_RULE
            .replace("ACME-001", "ACME-002")
            .replace("ACME_001", "ACME_002")
            .replace("title =", "colour = \"red\"\ntitle ="),
    );
    // id does not match the file name
    write(&rules, "ops/ACME-003.toml", GOOD_RULE);
    // Rego that does not compile (line 14 of the file)
    write(
        &rules,
        "ops/ACME-004.toml",
        &GOOD_RULE
            .replace("ACME-001", "ACME-004")
            .replace("ACME_001", "ACME_004")
            .replace(
                "some region in lib.regions",
                "some region in lib.regions\n\tregion ===",
            ),
    );
    // wrong package
    write(
        &rules,
        "ops/ACME-005.toml",
        &GOOD_RULE.replace("id = \"ACME-001\"", "id = \"ACME-005\""),
    );
    // bad requires entry
    write(
        &rules,
        "ops/ACME-006.toml",
        &GOOD_RULE
            .replace("ACME-001", "ACME-006")
            .replace("ACME_001", "ACME_006")
            .replace("requires = []", "requires = [\"ses\"]"),
    );
    let o = run(&["rules", "lint", rules.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{err}");
    for needle in [
        "ACME-002.toml:2:",
        "colour",
        "ACME-003.toml:1: id `ACME-001` does not match the file name",
        "ACME-004.toml:15: rego",
        "ACME-005.toml:11: rego must begin with `package msgready.rules.ACME_005`",
        "ACME-006.toml:7: requires entry `ses`",
    ] {
        assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
    }
    // the same problems stop evaluate
    let f = write(
        dir.path(),
        "facts.json",
        &facts(serde_json::json!({"us-east-1": empty_region()})),
    );
    expect_2(
        &[
            "evaluate",
            "--facts",
            f.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
        "ACME-004.toml:15",
    );
}

#[test]
fn duplicate_ids_and_user_rules_override_builtins() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    write(&rules, "a/ACME-001.toml", GOOD_RULE);
    write(&rules, "b/ACME-001.toml", GOOD_RULE);
    expect_2(
        &["rules", "lint", rules.to_str().unwrap()],
        "duplicate rule id `ACME-001`",
    );

    // A user rule with a built-in ID replaces it.
    let over = dir.path().join("over");
    let replaced = GOOD_RULE
        .replace("ACME-001", "EMAIL-001")
        .replace("ACME_001", "EMAIL_001")
        .replace("title = \"Something\"", "title = \"Replaced by the user\"")
        .replace("area = \"ops\"", "area = \"email\"");
    write(&over, "EMAIL-001.toml", &replaced);
    let o = run(&[
        "rules",
        "list",
        "--format",
        "json",
        "--rules",
        over.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let e1 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "EMAIL-001")
        .unwrap();
    assert_eq!(e1["title"], "Replaced by the user");
}

#[test]
fn rules_list_and_explain() {
    let o = run(&["rules", "list", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for r in list.as_array().unwrap() {
        for key in ["id", "title", "severity", "area"] {
            assert!(r[key].is_string(), "{key} missing in {r}");
        }
    }
    let o = run(&["rules", "explain", "email-001"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    for needle in [
        "EMAIL-001",
        "Why it matters",
        "What to do",
        "ses:GetEmailIdentity",
        "accounts[].regions.<region>.ses",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    expect_2(&["rules", "explain", "EMAIL-01"], "did you mean EMAIL-001");
}

#[test]
fn rules_test_command_reports_pass_and_fail() {
    let o = run(&["rules", "test", "tests/fixtures/rules/EMAIL-001"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("2 passed, 0 failed"));

    let dir = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string("tests/fixtures/rules/EMAIL-001/noncompliant.json")
        .unwrap()
        .replace("\"does not exist in us-west-2\"", "\"something else\"");
    write(dir.path(), "case.json", &case);
    let o = run(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("FAILED") && out.contains("0 passed, 1 failed"),
        "{out}"
    );
    assert!(
        out.contains("unexpected us-west-2 news.example.com fail"),
        "{out}"
    );
}
