//! The CI gate end to end on the bundled warm-standby example: waivers, baselines and diffs.

#[path = "support/cli.rs"]
mod cli;
use cli::{code, run, stderr, stdout, write};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const FACTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/warm-standby/facts.json"
);
const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/warm-standby/msgready.toml"
);

/// The example's failing results at or above high (the default --fail-on), by rule.
const HIGH_FAILS: &[&str] = &[
    "CUSTOM-001",
    "EMAIL-001",
    "EMAIL-002",
    "IAM-004",
    "OPS-002",
    "SMS-003",
    "SMS-008",
];

fn evaluate(dir: &Path, out: &str, config: &str, extra: &[&str]) -> (Output, Option<Value>) {
    let out = dir.join(out);
    let mut args = vec![
        "evaluate",
        "--facts",
        FACTS,
        "--config",
        config,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json,text",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let report = std::fs::read_to_string(out.join("report.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).expect("report.json is JSON"));
    (o, report)
}

fn results<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == rule)
        .collect()
}

fn waiver(rule: &str, extra: &str, expires: &str) -> String {
    format!(
        "[[waiver]]\nrule = \"{rule}\"\n{extra}owner = \"platform@example.com\"\nreason = \"accepted for the test\"\nticket = \"OPS-1\"\nexpires = {expires}\n\n"
    )
}

/// Waivers for every high-or-above failure of the example, in force until 2999.
fn waive_all_high() -> String {
    HIGH_FAILS
        .iter()
        .map(|r| waiver(r, "", "2999-12-31"))
        .collect()
}

#[test]
fn waivers_match_by_rule_region_and_glob() {
    let dir = tempfile::tempdir().unwrap();
    let w = write(
        dir.path(),
        "w.toml",
        &waiver(
            "SMS-005",
            "region = \"us-west-2\"\nresource = \"?N\"\n",
            "2999-01-31",
        ),
    );
    let (o, report) = evaluate(
        dir.path(),
        "out",
        CONFIG,
        &["--waivers", w.to_str().unwrap()],
    );
    let report = report.expect("report written");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let sms005: Vec<(String, String, String)> = results(&report, "SMS-005")
        .iter()
        .map(|r| {
            (
                r["region"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Only IN in us-west-2: CA does not match `?N`, us-east-1 is not the waiver's Region.
    for (region, resource, status) in &sms005 {
        let want = if region == "us-west-2" && resource == "IN" {
            "waived"
        } else if resource == "CA" || resource == "IN" {
            "fail"
        } else {
            continue;
        };
        assert_eq!(status, want, "{region} {resource}");
    }
    let waived = results(&report, "SMS-005")
        .into_iter()
        .find(|r| r["status"] == "waived")
        .expect("one waived result");
    assert_eq!(waived["waiver"]["owner"], "platform@example.com");
    assert_eq!(waived["waiver"]["ticket"], "OPS-1");
    assert_eq!(waived["waiver"]["expires"], "2999-01-31");
    assert_eq!(report["waivers"]["applied"][0]["results"], 1);
    assert_eq!(report["score"]["overall"]["counts"]["waived"], 1);
    assert!(stdout(&o).contains("Waived (1)"), "{}", stdout(&o));
}

#[test]
fn waived_failures_do_not_fail_the_gate_until_the_waiver_expires() {
    let dir = tempfile::tempdir().unwrap();
    let w = write(dir.path(), "w.toml", &waive_all_high());
    let (o, report) = evaluate(
        dir.path(),
        "ok",
        CONFIG,
        &["--waivers", w.to_str().unwrap()],
    );
    let report = report.expect("report written");
    // Nothing at or above high fails any more, but three results are not assessed.
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    assert_eq!(report["gate"]["failed"], false);
    assert_eq!(report["waivers"]["applied"].as_array().unwrap().len(), 7);
    assert_eq!(report["score"]["overall"]["counts"]["waived"], 10);

    // One of them expired yesterday (before 2000-01-02 is before any evaluation day).
    let expired = waive_all_high().replacen("expires = 2999-12-31", "expires = 2000-01-01", 1);
    let w = write(dir.path(), "expired.toml", &expired);
    let (o, report) = evaluate(
        dir.path(),
        "expired",
        CONFIG,
        &["--waivers", w.to_str().unwrap()],
    );
    let report = report.expect("report written");
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let expired = &report["waivers"]["expired"][0];
    assert_eq!(expired["waiver"]["rule"], HIGH_FAILS[0]);
    assert_eq!(expired["results"], 1);
    let was_waived: Vec<&Value> = results(&report, HIGH_FAILS[0])
        .into_iter()
        .filter(|r| r["status"] != "pass")
        .collect();
    assert_eq!(was_waived.len(), 1);
    assert_eq!(was_waived[0]["status"], "fail");
    assert!(was_waived[0].get("waiver").is_none());
    assert!(stdout(&o).contains("Expired waivers (1"), "{}", stdout(&o));
}

#[test]
fn a_waiver_never_touches_a_result_that_is_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    // VOICE-002 in us-west-2 is not assessed (access denied); DATA-001 passes.
    let text = waiver("VOICE-002", "region = \"us-west-2\"\n", "2999-12-31")
        + &waiver("DATA-001", "", "2999-12-31");
    let w = write(dir.path(), "w.toml", &text);
    let (o, report) = evaluate(
        dir.path(),
        "out",
        CONFIG,
        &["--waivers", w.to_str().unwrap(), "--fail-on", "none"],
    );
    let report = report.expect("report written");
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let voice: Vec<&Value> = results(&report, "VOICE-002")
        .into_iter()
        .filter(|r| r["region"] == "us-west-2")
        .collect();
    assert!(!voice.is_empty());
    for r in voice {
        assert_eq!(r["status"], "not_assessed");
        assert!(r.get("waiver").is_none());
    }
    assert!(results(&report, "DATA-001")
        .iter()
        .all(|r| r["status"] != "waived"));
    let stale: Vec<&str> = report["waivers"]["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["waiver"]["rule"].as_str().unwrap())
        .collect();
    assert_eq!(stale, ["VOICE-002", "DATA-001"]);
    assert_eq!(report["score"]["overall"]["counts"]["waived"], 0);
    assert!(stdout(&o).contains("Stale waivers (2"), "{}", stdout(&o));
}

#[test]
fn bad_waiver_files_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = waiver("SMS-004", "region = \"us-west-2\"\n", "2027-03-31");
    let cases = [
        (good.replace("ticket", "tikcet"), ":6:", "tikcet"),
        (
            good.replace("SMS-004", "SMS-04"),
            ":2:",
            "did you mean `SMS-004`",
        ),
        (
            good.replace("2027-03-31", "\"2027-03-31\""),
            ":7:",
            "datetime",
        ),
        (good.replace("2027-03-31", "2027-13-01"), ":7:", "month"),
        (
            good.replace("us-west-2", "oregon"),
            ":3:",
            "not an AWS Region",
        ),
        (good.replace("expires = 2027-03-31\n", ""), "", "expires"),
    ];
    for (i, (text, line, says)) in cases.iter().enumerate() {
        let w = write(dir.path(), &format!("w{i}.toml"), text);
        let (o, report) = evaluate(
            dir.path(),
            &format!("out{i}"),
            CONFIG,
            &["--waivers", w.to_str().unwrap()],
        );
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{text}\n{err}");
        assert!(
            err.contains(&format!("{}{line}", w.display())),
            "want {line}: {err}"
        );
        assert!(err.contains(says), "want {says}: {err}");
        assert!(report.is_none(), "no report on a bad waivers file");
    }
    let o = run(&[
        "evaluate",
        "--facts",
        FACTS,
        "--waivers",
        "/nonexistent/w.toml",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("/nonexistent/w.toml"), "{}", stderr(&o));
}

/// The example's config with the two rules that come out not assessed disabled.
fn config_fully_assessed(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(CONFIG).unwrap()
        + "\n[rules.EMAIL-004]\ndisabled = true\n\n[rules.VOICE-002]\ndisabled = true\n";
    write(dir, "assessed.toml", &text)
}

#[test]
fn a_baseline_with_the_same_failures_passes_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = evaluate(dir.path(), "base", CONFIG, &[]);
    assert_eq!(code(&o), 1);
    let base = dir.path().join("base/report.json");
    let (o, report) = evaluate(
        dir.path(),
        "again",
        CONFIG,
        &["--baseline", base.to_str().unwrap()],
    );
    let report = report.expect("report written");
    // Every failure is known, but results are still not assessed: incomplete, not passed.
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    assert_eq!(report["gate"]["failed"], false);
    assert_eq!(report["gate"]["known"], 10);
    assert_eq!(report["baseline"]["known"], 33);
    assert_eq!(report["baseline"]["baseline_failures"], 33);
    let fails: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "fail")
        .collect();
    assert_eq!(fails.len(), 33, "known failures are still failures");
    assert!(fails.iter().all(|r| r["known"] == true));
    assert!(
        stdout(&o).contains("33 failing result(s) known"),
        "{}",
        stdout(&o)
    );

    // Fully assessed: the same failures pass the gate.
    let config = config_fully_assessed(dir.path());
    let config = config.to_str().unwrap();
    let (o, _) = evaluate(dir.path(), "base2", config, &[]);
    assert_eq!(code(&o), 1);
    let base2 = dir.path().join("base2/report.json");
    let (o, report) = evaluate(
        dir.path(),
        "again2",
        config,
        &[
            "--baseline",
            base2.to_str().unwrap(),
            "--format",
            "json,sarif",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        report.expect("report")["gate"]["reasons"],
        serde_json::json!([])
    );
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("again2/report.sarif")).unwrap(),
    )
    .unwrap();
    let states: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["baselineState"])
        .collect();
    assert!(!states.is_empty());
    assert!(states.iter().all(|s| *s == "unchanged"), "{states:?}");
}

#[test]
fn a_failure_the_baseline_lacks_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_fully_assessed(dir.path());
    let config = config.to_str().unwrap();
    let (o, report) = evaluate(dir.path(), "base", config, &[]);
    assert_eq!(code(&o), 1);
    // The baseline as it was before SMS-003 started failing.
    let mut base = report.expect("report");
    base["results"]
        .as_array_mut()
        .unwrap()
        .retain(|r| !(r["rule_id"] == "SMS-003" && r["status"] == "fail"));
    let base = write(dir.path(), "base.json", &base.to_string());
    let (o, report) = evaluate(
        dir.path(),
        "new",
        config,
        &["--baseline", base.to_str().unwrap()],
    );
    let report = report.expect("report written");
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let reasons = report["gate"]["reasons"].to_string();
    assert!(
        reasons.contains("1 new failing result(s) at or above high")
            && reasons.contains("9 more known from the baseline"),
        "{reasons}"
    );
    let sms003: Vec<&Value> = results(&report, "SMS-003")
        .into_iter()
        .filter(|r| r["status"] == "fail")
        .collect();
    assert_eq!(sms003.len(), 1);
    assert!(
        sms003[0].get("known").is_none(),
        "a new failure is not known"
    );
}

#[test]
fn a_bad_baseline_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = write(dir.path(), "not.json", "{ this is not json");
    let wrong_version = write(dir.path(), "v9.json", "{\"schema_version\": 9}");
    // A fact snapshot is JSON with a schema_version, but not a report.
    for (file, says) in [
        (not_json.to_str().unwrap(), "not valid JSON"),
        (wrong_version.to_str().unwrap(), "schema_version 9"),
        (FACTS, "not a msgready JSON report"),
        ("/nonexistent/report.json", "cannot read report"),
    ] {
        let (o, report) = evaluate(dir.path(), "out", CONFIG, &["--baseline", file]);
        assert_eq!(code(&o), 2, "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains(file), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert!(report.is_none());
    }
    // A baseline never turns an error into success: bad facts still exit 2.
    let (o, _) = evaluate(dir.path(), "base", CONFIG, &[]);
    assert_eq!(code(&o), 1);
    let o = run(&[
        "evaluate",
        "--facts",
        not_json.to_str().unwrap(),
        "--baseline",
        dir.path().join("base/report.json").to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
}

/// OLD: the example as it is. NEW: SMS-004's threshold lowered (fixes it), a tighter
/// event-data RPO target (a new OPS-004 failure), VOICE-002 disabled (coverage up) and SMS-008
/// waived. Both with their times fixed, in `dir` as old.json and new.json.
fn two_reports(dir: &Path) {
    let (o, old) = evaluate(dir, "old", CONFIG, &[]);
    assert_eq!(code(&o), 1);
    let config = std::fs::read_to_string(CONFIG)
        .unwrap()
        .replace(
            "standby-throughput-fraction = 0.5",
            "standby-throughput-fraction = 0.1",
        )
        .replace("event-data-rpo-minutes = 15", "event-data-rpo-minutes = 10")
        + "\n[rules.VOICE-002]\ndisabled = true\n";
    let config = write(dir, "new.toml", &config);
    let w = write(dir, "w.toml", &waiver("SMS-008", "", "2999-12-31"));
    let (o, new) = evaluate(
        dir,
        "new",
        config.to_str().unwrap(),
        &["--waivers", w.to_str().unwrap()],
    );
    assert_eq!(code(&o), 1);
    for (name, mut report, at) in [
        ("old.json", old.unwrap(), "2026-11-20T10:00:00Z"),
        ("new.json", new.unwrap(), "2026-11-27T10:00:00Z"),
    ] {
        report["generated_at"] = Value::from(at);
        write(dir, name, &report.to_string());
    }
}

fn diff(dir: &Path, format: &str) -> Output {
    cli::bin()
        .current_dir(dir)
        .args(["diff", "old.json", "new.json", "--format", format])
        .output()
        .expect("msgready runs")
}

#[test]
fn diff_lists_new_fixed_and_still_failing_findings() {
    let dir = tempfile::tempdir().unwrap();
    two_reports(dir.path());
    let o = diff(dir.path(), "json");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let d: Value = serde_json::from_str(&stdout(&o)).expect("diff JSON parses");
    let keys = |list: &str| -> Vec<String> {
        d[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {} {}→{}",
                    f["account_id"].as_str().unwrap(),
                    f["rule_id"].as_str().unwrap(),
                    f["region"].as_str().unwrap(),
                    f["resource"].as_str().unwrap(),
                    f["was"].as_str().unwrap_or("absent"),
                    f["now"].as_str().unwrap_or("absent"),
                )
            })
            .collect()
    };
    assert_eq!(
        keys("new_findings"),
        ["111122223333 OPS-004 us-east-1 event-data pass→fail"]
    );
    assert_eq!(
        keys("fixed"),
        ["111122223333 SMS-004 us-west-2 US fail→pass"]
    );
    assert_eq!(
        keys("now_waived"),
        ["111122223333 SMS-008 us-west-2 retail-optouts fail→waived"]
    );
    assert_eq!(keys("now_not_assessed"), Vec::<String>::new());
    // 33 failures before: one fixed, one waived, the rest still failing.
    assert_eq!(keys("still_failing").len(), 31);
    let overall = &d["score"]["overall"];
    assert_eq!(overall["score_old"], 90.5);
    assert_eq!(overall["coverage_old"], 98.9);
    let delta = overall["coverage_delta"].as_f64().unwrap();
    assert!(
        delta > 0.0,
        "coverage rises with VOICE-002 disabled: {delta}"
    );
    assert_eq!(
        d["score"]["by_area"]["voice"]["coverage_new"], 100.0,
        "{}",
        d["score"]["by_area"]["voice"]
    );
    assert!(d["score"]["by_region"]["us-west-2"]["score_delta"].is_number());
    assert_eq!(d["old"]["file"], "old.json");
    assert_eq!(d["new"]["generated_at"], "2026-11-27T10:00:00Z");
}

#[test]
fn diff_text_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    two_reports(dir.path());
    let o = diff(dir.path(), "text");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    insta::assert_snapshot!("diff_text", stdout(&o));
    let o = diff(dir.path(), "markdown");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("## msgready diff: score 90.5 → "), "{md}");
    assert!(md.contains("### New failures (1)"), "{md}");
    assert!(
        md.contains("| medium | SMS-004 | us-west-2 | US | fail → pass |"),
        "{md}"
    );
}

#[test]
fn diff_of_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    two_reports(dir.path());
    write(dir.path(), "bad.json", "[]");
    for args in [
        ["diff", "old.json", "bad.json"],
        ["diff", "missing.json", "new.json"],
        ["diff", "old.json", FACTS],
    ] {
        let o = cli::bin()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(code(&o), 2, "{args:?}");
        let named = if args[1] == "missing.json" {
            args[1]
        } else {
            args[2]
        };
        assert!(stderr(&o).contains(named), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}
