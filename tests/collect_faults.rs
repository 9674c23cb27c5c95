//! Faults against the real SDK retry machinery, over loopback: the scenario emulator injects
//! throttling (30 % of requests), 5xx answers, connection resets and latency spikes in front
//! of moto, and denies one service in one Region. Every result must then be what the
//! fault-free scan says, or `not_assessed` with its reason — never a different verdict — and
//! the retries must stay bounded.

#[path = "support/emulators.rs"]
mod emulators;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn scan(emus: &emulators::Emulators, extra: &[&str]) -> (Option<i32>, Value) {
    let extra: Vec<&str> = ["--fail-on", "none"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    let (code, report, stderr) = emus.scan(&extra);
    assert!(
        !stderr.contains("panicked"),
        "msgready panicked under faults:\n{stderr}"
    );
    (code, report)
}

type Key = (String, String, String);

fn by_key(report: &Value) -> BTreeMap<Key, String> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            // Address identities are named by a hash salted per scan.
            let resource = match s("resource") {
                r if r.starts_with("address:") => "address:(hashed)".to_string(),
                r => r,
            };
            ((s("rule_id"), s("region"), resource), s("status"))
        })
        .collect()
}

/// Every verdict of `faulty` is the clean scan's, or not_assessed with a reason; every clean
/// result missing from `faulty` is covered by a not_assessed result of the same rule and Region.
/// OPS-001 is left out: its verdict is the collection's health, which faults do change.
fn same_or_not_assessed(clean: &Value, faulty: &Value) -> usize {
    let judged = |(k, _): &(&Key, &String)| k.0 != "OPS-001";
    let base: BTreeMap<Key, String> = by_key(clean)
        .iter()
        .filter(judged)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let got: BTreeMap<Key, String> = by_key(faulty)
        .iter()
        .filter(judged)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let unassessed: BTreeSet<(String, String)> = got
        .iter()
        .filter(|(_, s)| *s == "not_assessed")
        .map(|((rule, region, _), _)| (rule.clone(), region.clone()))
        .collect();
    for (key, status) in &got {
        if status == "not_assessed" {
            continue;
        }
        assert_eq!(
            base.get(key),
            Some(status),
            "{key:?} is {status} under faults but {:?} without",
            base.get(key)
        );
    }
    for key in base.keys() {
        assert!(
            got.contains_key(key) || unassessed.contains(&(key.0.clone(), key.1.clone())),
            "{key:?} vanished under faults without a not_assessed result"
        );
    }
    for r in faulty["results"].as_array().expect("results") {
        if r["status"] == "not_assessed" {
            assert!(
                r["message"].as_str().is_some_and(|m| m.len() > 20),
                "a not_assessed result without its reason: {r}"
            );
        }
    }
    got.values().filter(|s| *s == "not_assessed").count()
}

#[test]
fn injected_faults_change_no_verdict_and_retries_stay_bounded() {
    let clean = emulators::start("two-region.json", &[]);
    let (clean_code, clean_report) = scan(&clean, &[]);
    assert_eq!(
        clean_code,
        Some(3),
        "the clean scan has one denied operation"
    );
    let clean_requests = clean.requests().len();

    let faulty = emulators::start(
        "two-region.json",
        &[
            "--faults",
            "throttle=0.3,5xx=0.05,reset=0.02,spike=0.05:300",
            "--seed",
            "20261126",
        ],
    );
    let (code, report) = scan(&faulty, &["--max-attempts", "5"]);
    assert!(matches!(code, Some(0 | 3)), "exit {code:?} under faults");
    let failed: Vec<String> = report["collection"]["failed"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{}:{} {} ({})",
                        c["service"], c["operation"], c["region"], c["reason"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    eprintln!("faults: operations that failed under faults: {failed:?}");
    let unassessed = same_or_not_assessed(&clean_report, &report);

    let requests = faulty.requests();
    let mut faults: BTreeMap<String, usize> = BTreeMap::new();
    for r in &requests {
        if let Some(f) = r["fault"].as_str() {
            *faults.entry(f.to_string()).or_default() += 1;
        }
    }
    let injected: usize = faults
        .iter()
        .filter(|(k, _)| k.as_str() != "injected")
        .map(|(_, n)| n)
        .sum();
    eprintln!(
        "faults: clean scan {clean_requests} requests; faulty scan {} requests, injected {faults:?}, {unassessed} not_assessed results (clean: {})",
        requests.len(),
        by_key(&clean_report).values().filter(|s| *s == "not_assessed").count()
    );
    assert!(
        injected > 20,
        "too few faults were injected to test anything: {faults:?}"
    );
    // Each logical call is attempted at most --max-attempts times.
    assert!(
        requests.len() <= 5 * clean_requests,
        "{} requests for {clean_requests} calls: retries are not bounded",
        requests.len()
    );
}

#[test]
fn one_service_denied_in_one_region_leaves_the_rest_and_exits_3() {
    let clean = emulators::start("two-region.json", &[]);
    let (_, clean_report) = scan(&clean, &[]);

    let mut scenario = emulators::scenario("two-region.json");
    scenario["errors"]
        .as_array_mut()
        .expect("errors")
        .push(serde_json::json!({
            "region": "us-west-2", "service": "ses", "operation": "*", "status": 400,
            "code": "AccessDeniedException", "message": "not authorized to perform ses:*"
        }));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ses-denied.json");
    std::fs::write(&path, scenario.to_string()).expect("write scenario");
    let denied = emulators::start(path.to_str().expect("utf-8 path"), &[]);
    let (code, report) = scan(&denied, &[]);
    assert_eq!(
        code,
        Some(3),
        "access denied must make the scan incomplete (exit 3)"
    );

    same_or_not_assessed(&clean_report, &report);
    let base = by_key(&clean_report);
    let got = by_key(&report);
    // Email rules in us-west-2 are not assessed, naming the denial; nothing else changed.
    let mut email_unassessed = 0;
    for r in report["results"].as_array().expect("results") {
        let rule = r["rule_id"].as_str().unwrap_or_default();
        if rule.starts_with("EMAIL-") && r["region"] == "us-west-2" {
            assert_eq!(r["status"], "not_assessed", "{r}");
            assert!(
                r["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("access denied")),
                "{r}"
            );
            email_unassessed += 1;
        }
    }
    assert!(email_unassessed > 0);
    let untouched = |(rule, region, _): &Key| {
        region == "us-east-1" || rule.starts_with("SMS-") || rule.starts_with("VOICE-")
    };
    for (key, status) in base.iter().filter(|(k, _)| untouched(k)) {
        assert_eq!(got.get(key), Some(status), "{key:?} changed");
    }
}

/// Runs `cmd` until the emulator has answered `after` requests, then sends it SIGINT; returns
/// its exit code and stderr.
fn interrupt(
    emus: &emulators::Emulators,
    cmd: &mut std::process::Command,
    after: usize,
) -> (Option<i32>, String) {
    use std::time::{Duration, Instant};
    let log = emus.dir.path().join("interrupted.stderr");
    // The emulator may still be answering the previous run's requests (it adds latency to
    // each): start counting once its log is quiet.
    let mut before = emus.requests().len();
    loop {
        std::thread::sleep(Duration::from_millis(1500));
        let now = emus.requests().len();
        if now == before {
            break;
        }
        before = now;
    }
    let mut child = cmd
        .stderr(std::fs::File::create(&log).expect("stderr file"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start msgready");
    let start = Instant::now();
    while emus.requests().len() < before + after {
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the scan ended before it could be interrupted: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the scan made no progress"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(killed.success());
    let interrupted_at = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("poll") {
            break s;
        }
        assert!(
            interrupted_at.elapsed() < Duration::from_secs(60),
            "msgready did not stop after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    eprintln!(
        "sigint: stopped {} ms after SIGINT",
        interrupted_at.elapsed().as_millis()
    );
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status.code(), format!("{status}; stderr:\n{stderr}"))
}

/// The facts an interrupted run wrote: marked incomplete, with what was read and what was not.
fn check_incomplete(path: &std::path::Path) -> Value {
    let facts: Value = serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("the incomplete facts parse");
    assert_eq!(facts["complete"], false, "not marked incomplete");
    let statuses: Vec<&Value> = facts["accounts"][0]["collection"]
        .as_array()
        .expect("collection")
        .iter()
        .collect();
    let interrupted = statuses
        .iter()
        .filter(|c| c["reason"] == "interrupted")
        .count();
    let ok = statuses.iter().filter(|c| c["status"] == "ok").count();
    eprintln!("sigint: {ok} operations read, {interrupted} interrupted");
    assert!(interrupted > 0, "no operation recorded as interrupted");
    assert!(ok > 0, "nothing gathered before the interruption");
    facts
}

#[test]
fn sigint_leaves_earlier_outputs_and_writes_the_facts_so_far_marked_incomplete() {
    let clean = emulators::start("two-region.json", &[]);
    let (_, clean_report) = scan(&clean, &[]);

    // Latency keeps the scan running long enough to be interrupted midway.
    let slow = emulators::start("two-region.json", &["--latency-ms", "100"]);
    let config = emulators::repo().join("tests/emulator/two-region.toml");
    let dir = tempfile::tempdir().expect("tempdir");

    // `collect --out FILE`: FILE from an earlier run stays as it was.
    let facts = dir.path().join("facts.json");
    std::fs::write(&facts, "earlier facts").expect("write");
    let (code, stderr) = interrupt(
        &slow,
        slow.msgready()
            .arg("collect")
            .arg("--config")
            .arg(&config)
            .arg("--out")
            .arg(&facts),
        15,
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("facts.incomplete.json"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&facts).expect("read"),
        "earlier facts"
    );
    check_incomplete(&dir.path().join("facts.incomplete.json"));

    // `scan --out DIR`: the reports of the earlier run stay, no report of half a scan appears.
    let out = dir.path().join("report");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("report.json"), "earlier report").expect("write");
    let (code, stderr) = interrupt(
        &slow,
        slow.msgready()
            .arg("scan")
            .arg("--config")
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .args(["--format", "json,html"]),
        25,
    );
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("report.json")).expect("read"),
        "earlier report"
    );
    assert!(!out.join("report.html").exists(), "a report of half a scan");
    let partial = out.join("facts.incomplete.json");
    check_incomplete(&partial);

    // Evaluated, the incomplete facts judge what they hold and leave the rest not_assessed,
    // naming the interruption: never a pass the full scan would not give.
    let report_dir = dir.path().join("evaluated");
    let run = slow
        .msgready()
        .arg("evaluate")
        .arg("--facts")
        .arg(&partial)
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&report_dir)
        .args(["--format", "json", "--fail-on", "none"])
        .output()
        .expect("evaluate");
    assert_eq!(
        run.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(report_dir.join("report.json")).expect("report"),
    )
    .expect("parses");
    assert_eq!(report["facts"]["complete"], false);
    let unassessed = same_or_not_assessed(&clean_report, &report);
    let naming = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| {
            r["status"] == "not_assessed"
                && r["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("interrupted"))
        })
        .count();
    eprintln!("sigint: {unassessed} not_assessed results, {naming} naming the interruption");
    assert!(naming > 0, "no not_assessed result names the interruption");
    let passed = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["status"] == "pass")
        .count();
    assert!(
        passed > 0,
        "nothing gathered before the interruption was judged"
    );
}
