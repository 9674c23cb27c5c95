//! Many accounts, over real HTTP on loopback: moto holds an organization (the default account
//! 123456789012 as management account, four created accounts, one of them closed) and the
//! scenario emulator serves the two-Region deployment in front of it, refusing AssumeRole of
//! one member's role. Scans enter each account with `--role-name`.
//!
//! What differs per account, honestly: the emulator is single-account (SMS/voice, SES,
//! Pinpoint and CloudWatch answers are the same scenario whoever asks), while moto is
//! multi-account (S3, IAM, Lambda, Firehose, Kinesis and CloudTrail are seeded only in
//! 123456789012; the members have none). So the members' results equal each other and differ
//! from the management account's; the refused account has only `not_assessed` results.

#[path = "support/emulators.rs"]
mod emulators;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

const ROLE: &str = "msgready-read";
const MANAGEMENT: &str = "123456789012";

struct Org {
    emus: emulators::Emulators,
    /// ACTIVE accounts, sorted, the management account included.
    active: Vec<String>,
    /// The member whose role is refused.
    denied: String,
    /// The closed (SUSPENDED) member: never scanned.
    closed: String,
}

/// moto seeded as for the two-Region scan, an organization made in it, and the emulator in
/// front with AssumeRole of `denied`'s role refused; with `no_list`, ListAccounts refused as
/// in a member account.
fn org_with(no_list: bool) -> Org {
    let py = emulators::python();
    let mut emus = emulators::start_moto();
    emulators::seed_moto(&py, &emus.moto);
    let script = r#"
import boto3, json, sys
o = boto3.client("organizations", region_name="us-east-1", endpoint_url=sys.argv[1])
o.create_organization(FeatureSet="ALL")
ids = [o.create_account(Email=f"m{i}@example.com", AccountName=f"m{i}")["CreateAccountStatus"]["AccountId"] for i in range(4)]
o.close_account(AccountId=ids[3])
print(json.dumps(ids))
"#;
    let out = emulators::python_script(script, &[&emus.moto]);
    let ids: Vec<String> = serde_json::from_slice(&out).expect("account IDs");
    let (denied, closed) = (ids[2].clone(), ids[3].clone());
    let mut scenario = emulators::scenario("two-region.json");
    scenario["errors"]
        .as_array_mut()
        .expect("errors")
        .push(json!({
            "service": "sts", "operation": "AssumeRole", "status": 403, "code": "AccessDenied",
            "key": format!("arn:aws:iam::{denied}:role/{ROLE}"),
            "message": format!("User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{denied}:role/{ROLE}"),
        }));
    if no_list {
        scenario["errors"]
            .as_array_mut()
            .expect("errors")
            .push(json!({
                "service": "organizations", "operation": "ListAccounts", "status": 400,
                "code": "AccessDeniedException",
                "message": "You don't have permissions to access this resource.",
            }));
    }
    let path = emus.dir.path().join("org-scenario.json");
    std::fs::write(&path, scenario.to_string()).expect("write scenario");
    emus.attach_emulator(&path.display().to_string(), &[]);
    let mut active: Vec<String> = ids[..3].to_vec();
    active.push(MANAGEMENT.into());
    active.sort();
    Org {
        emus,
        active,
        denied,
        closed,
    }
}

fn org() -> Org {
    org_with(false)
}

fn config() -> PathBuf {
    emulators::repo().join("tests/emulator/two-region.toml")
}

impl Org {
    fn run(&self, args: &[&str]) -> Output {
        self.emus
            .msgready()
            .args(args)
            .output()
            .expect("run msgready")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.emus.dir.path().join(name)
    }

    /// `evaluate --facts FACTS --config CONFIG --out DIR --format json`.
    fn evaluate(&self, facts: &Path, config: &str, dir: &Path) -> Output {
        self.run(&[
            "evaluate",
            "--facts",
            facts.to_str().expect("path"),
            "--config",
            config,
            "--out",
            dir.to_str().expect("path"),
            "--format",
            "json",
        ])
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .expect("JSON")
}

fn results_of<'a>(report: &'a Value, account: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["account_id"] == account)
        .collect()
}

/// A result without the account, to compare accounts with each other.
fn shape(r: &Value) -> String {
    format!(
        "{} {} {} {}",
        r["rule_id"], r["region"], r["resource"], r["status"]
    )
}

/// Salted hashes (16 lowercase hex digits, e.g. `address:ce9077519354bf3f`) as `<hash>`: each
/// scan draws its own salt, so shards and a single scan name the same address differently.
fn unsalted(text: &str) -> String {
    let b = text.as_bytes();
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let (mut out, mut i) = (String::new(), 0);
    while i < b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let end = i + 16;
        if boundary
            && end <= b.len()
            && b[i..end].iter().all(|c| hex(*c))
            && b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            out.push_str("<hash>");
            i = end;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// What must be equal between a merged and a single scan: every result (salted hashes
/// replaced, then sorted), the score, coverage and gate, and the collection failures.
fn normalised(report: &Value) -> Value {
    let mut results: Vec<Value> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| serde_json::from_str(&unsalted(&r.to_string())).expect("JSON"))
        .collect();
    results.sort_by_key(|r| r.to_string());
    json!({
        "accounts": report["facts"]["accounts"],
        "results": results,
        "score": report["score"],
        "gate": report["gate"],
        "collection_failed": report["collection"]["failed"],
    })
}

/// `normalised(a) == normalised(b)`, naming the first difference when not.
fn assert_same(a: &Value, b: &Value, what: &str) {
    let (a, b) = (normalised(a), normalised(b));
    if a == b {
        return;
    }
    for key in ["accounts", "score", "gate", "collection_failed"] {
        assert_eq!(a[key], b[key], "{what}: {key} differs");
    }
    let (ra, rb) = (
        a["results"].as_array().expect("results"),
        b["results"].as_array().expect("results"),
    );
    for (x, y) in ra.iter().zip(rb) {
        assert_eq!(x, y, "{what}: first differing result");
    }
    assert_eq!(ra.len(), rb.len(), "{what}: number of results");
}

#[test]
fn organization_scan_shards_and_merge() {
    let org = org();
    let cfg = config();
    let cfg = cfg.to_str().expect("utf-8 path");

    // One scan of the whole organization.
    let single = org.path("single");
    let started = std::time::Instant::now();
    let run = org.run(&[
        "scan",
        "--config",
        cfg,
        "--organization",
        "--role-name",
        ROLE,
        "--out",
        single.to_str().expect("path"),
        "--format",
        "json,markdown,html,text",
    ]);
    let single_secs = started.elapsed().as_secs_f64();
    let err = stderr(&run);
    // The planted gaps fail the gate; a failed gate wins over the refused account.
    assert_eq!(run.status.code(), Some(1), "stderr:\n{err}");
    let report = read_json(&single.join("report.json"));
    let accounts: Vec<String> =
        serde_json::from_value(report["facts"]["accounts"].clone()).expect("accounts");
    assert_eq!(accounts, org.active, "ACTIVE accounts only, sorted");
    assert!(!accounts.contains(&org.closed));

    // The refused account: recorded, and every one of its results not_assessed.
    let failed = report["collection"]["failed"].as_array().expect("failed");
    assert!(
        failed.iter().any(|f| f["account_id"] == org.denied.as_str()
            && f["service"] == "sts"
            && f["operation"] == "AssumeRole"
            && f["reason"] == "access_denied"),
        "{failed:?}"
    );
    let denied = results_of(&report, &org.denied);
    assert!(
        denied.len() >= 54,
        "one result per rule and Region at least"
    );
    assert!(denied.iter().all(|r| r["status"] == "not_assessed"));
    assert!(denied[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("could not be entered")));

    // Reachable accounts: assessed; the members (empty in moto) alike, the management
    // account (seeded in moto) different from them.
    let entered: Vec<&String> = org.active.iter().filter(|a| **a != org.denied).collect();
    for a in &entered {
        let rs = results_of(&report, a);
        assert!(rs.iter().any(|r| r["status"] == "pass"), "{a} has passes");
        assert!(
            rs.iter().any(|r| r["rule_id"] == "SMS-008"
                && r["region"] == "us-west-2"
                && r["status"] == "fail"),
            "{a}: the emulator's opt-out gap is seen in every account"
        );
    }
    let members: Vec<&&String> = entered
        .iter()
        .filter(|a| a.as_str() != MANAGEMENT)
        .collect();
    let set =
        |a: &str| -> BTreeSet<String> { results_of(&report, a).into_iter().map(shape).collect() };
    assert_eq!(set(members[0]), set(members[1]));
    assert_ne!(set(members[0]), set(MANAGEMENT));

    // The per-account breakdown: one figure per account, in JSON, Markdown, HTML and text.
    let by_account = report["score"]["by_account"]
        .as_object()
        .expect("by_account");
    assert_eq!(by_account.len(), 4);
    assert!(by_account[&org.denied]["score"].is_null());
    assert_eq!(by_account[&org.denied]["coverage"], 0.0);
    assert!(by_account[MANAGEMENT]["score"].is_number());
    let md = std::fs::read_to_string(single.join("report.md")).expect("report.md");
    assert!(md.contains("### By account"), "{md}");
    let html = std::fs::read_to_string(single.join("report.html")).expect("report.html");
    assert!(html.contains("By account") && html.contains(org.denied.as_str()));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("Account ") && text.contains(org.denied.as_str()),
        "{text}"
    );

    // Three shards (0-based) collect snapshots: each account exactly once.
    let mut shard_files = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for i in 0..3 {
        let file = org.path(&format!("shard-{i}.json"));
        let run = org.run(&[
            "collect",
            "--config",
            cfg,
            "--organization",
            "--role-name",
            ROLE,
            "--shard",
            &format!("{i}/3"),
            "--out",
            file.to_str().expect("path"),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let snap = read_json(&file);
        for a in snap["accounts"].as_array().expect("accounts") {
            seen.push(a["account_id"].as_str().expect("id").to_string());
        }
        shard_files.push(file);
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(
        sorted, org.active,
        "the shards cover every account exactly once"
    );
    assert_eq!(seen.len(), org.active.len());

    // More shards than accounts: the extra worker has nothing to do, and says so.
    let empty = org.path("shard-5.json");
    let run = org.run(&[
        "collect",
        "--config",
        cfg,
        "--organization",
        "--role-name",
        ROLE,
        "--shard",
        "5/6",
        "--out",
        empty.to_str().expect("path"),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("no account to scan") && !empty.exists());

    // Merge the snapshots, evaluate: the same as the single scan.
    let merged = org.path("merged.json");
    let mut args = vec!["merge".to_string()];
    args.extend(shard_files.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), merged.display().to_string()]);
    let run = org.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("salted differently"),
        "separate scans, separate salts"
    );
    let eval_dir = org.path("merged-eval");
    let run = org.evaluate(&merged, cfg, &eval_dir);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let from_snapshots = read_json(&eval_dir.join("report.json"));
    assert_same(&from_snapshots, &report, "merged snapshots, evaluated");

    // Each shard evaluated on its own, the reports merged: the same again, score and gate
    // re-derived from the merged results.
    let mut report_files = Vec::new();
    for (i, f) in shard_files.iter().enumerate() {
        let dir = org.path(&format!("shard-report-{i}"));
        let run = org.evaluate(f, cfg, &dir);
        assert!(matches!(run.status.code(), Some(1 | 3)), "{}", stderr(&run));
        report_files.push(dir.join("report.json"));
    }
    let merged_dir = org.path("merged-reports");
    let mut args = vec!["merge".to_string()];
    args.extend(report_files.iter().map(|p| p.display().to_string()));
    args.extend([
        "--out".into(),
        merged_dir.display().to_string(),
        "--format".into(),
        "json,markdown".into(),
    ]);
    let run = org.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        run.status.code(),
        Some(1),
        "gate of the merged results; {}",
        stderr(&run)
    );
    let from_reports = read_json(&merged_dir.join("report.json"));
    assert_same(&from_reports, &report, "merged reports");
    assert!(merged_dir.join("report.md").exists());

    // Mixing kinds, and merging a shard twice, are refused (exit 2, naming the files).
    let run = org.run(&[
        "merge",
        shard_files[0].to_str().expect("p"),
        report_files[1].to_str().expect("p"),
        "--out",
        org.path("x").to_str().expect("p"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("is a fact snapshot but"),
        "{}",
        stderr(&run)
    );
    let run = org.run(&[
        "merge",
        shard_files[0].to_str().expect("p"),
        shard_files[0].to_str().expect("p"),
        "--out",
        org.path("y.json").to_str().expect("p"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("is in both"), "{}", stderr(&run));

    eprintln!(
        "organization scan of {} accounts: {single_secs:.1} s",
        org.active.len()
    );
}

#[test]
fn named_accounts_and_a_role_that_cannot_be_assumed() {
    let org = org_with(true);
    let cfg = config();
    let cfg = cfg.to_str().expect("utf-8 path");
    let member = org
        .active
        .iter()
        .find(|a| **a != org.denied && a.as_str() != MANAGEMENT)
        .expect("a member")
        .clone();

    // Only the refused account, gate off for findings: nothing assessed, so exit 3, never 0.
    let out = org.path("denied");
    let run = org.run(&[
        "scan",
        "--config",
        cfg,
        "--accounts",
        &org.denied,
        "--role-name",
        ROLE,
        "--external-id",
        "msgready-ext",
        "--fail-on",
        "none",
        "--out",
        out.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let report = read_json(&out.join("report.json"));
    let rs = report["results"].as_array().expect("results");
    assert!(!rs.is_empty() && rs.iter().all(|r| r["status"] == "not_assessed"));
    assert!(stderr(&run).contains("sts:AssumeRole"), "{}", stderr(&run));
    // The refusal is the emulator's, keyed by the role ARN msgready built.
    let assumed: Vec<Value> = org
        .emus
        .requests()
        .into_iter()
        .filter(|r| r["service"] == "sts" && r["operation"] == "AssumeRole")
        .collect();
    assert!(assumed.iter().any(|r| r["status"] == 403), "{assumed:?}");

    // --accounts with a member and the refused one: both reported, in order, the member
    // assessed; ListAccounts is never called.
    let out = org.path("named");
    let run = org.run(&[
        "scan",
        "--config",
        cfg,
        "--accounts",
        &format!("{},{member}", org.denied),
        "--role-name",
        ROLE,
        "--account-concurrency",
        "2",
        "--out",
        out.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let report = read_json(&out.join("report.json"));
    let mut expected = vec![org.denied.clone(), member.clone()];
    expected.sort();
    assert_eq!(report["facts"]["accounts"], json!(expected));
    assert!(results_of(&report, &member)
        .iter()
        .any(|r| r["status"] == "pass"));
    assert!(!org
        .emus
        .requests()
        .iter()
        .any(|r| r["service"] == "organizations"));

    // --organization from an account that may not list the organization: could not run.
    let run = org.run(&[
        "scan",
        "--config",
        cfg,
        "--organization",
        "--role-name",
        ROLE,
        "--out",
        org.path("nolist").to_str().expect("path"),
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("organizations:ListAccounts") && err.contains("management account"),
        "{err}"
    );

    // Bad values: exit 2 naming the flag.
    for (args, needle) in [
        (
            vec!["--accounts", "12345", "--role-name", ROLE],
            "--accounts",
        ),
        (
            vec!["--accounts", &member, "--role-name", ROLE, "--shard", "3/3"],
            "--shard",
        ),
        (
            vec!["--accounts", &member, "--role-name", ROLE, "--shard", "x"],
            "--shard",
        ),
        (vec!["--accounts", &member], "--role-name"),
        (vec!["--shard", "0/2"], "--shard"),
        (vec!["--external-id", "msgready-ext"], "--external-id"),
        (
            vec![
                "--accounts",
                &member,
                "--role-name",
                "arn:aws:iam::1:role/x",
            ],
            "--role-name",
        ),
    ] {
        let mut full = vec![
            "collect",
            "--config",
            cfg,
            "--out",
            "/nonexistent/never.json",
        ];
        full.extend(args.iter().copied());
        let run = org.run(&full);
        assert_eq!(run.status.code(), Some(2), "{full:?}: {}", stderr(&run));
        assert!(stderr(&run).contains(needle), "{full:?}: {}", stderr(&run));
    }

    // From a hub role (--role-arn) into a member's role: the hub AssumeRole is signed with the
    // caller's own credentials, the member AssumeRole with the hub role's, the reads with the
    // member role's (the emulator logs a hash of each call's access key ID).
    let signed_with = |log: &[Value], pick: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
        log.iter()
            .filter(|r| pick(r))
            .filter_map(|r| r["credential"].as_str().map(str::to_string))
            .collect()
    };
    let member_role = format!("arn:aws:iam::{member}:role/{ROLE}");
    let earlier = org.emus.requests();
    let own = signed_with(&earlier, &|r| r["role_arn"] == member_role.as_str());
    assert_eq!(
        own.len(),
        1,
        "without a hub, the caller's credentials: {own:?}"
    );
    let hub = format!("arn:aws:iam::{MANAGEMENT}:role/msgready-hub");
    let out = org.path("hub");
    let run = org.run(&[
        "scan",
        "--config",
        cfg,
        "--role-arn",
        &hub,
        "--accounts",
        &member,
        "--role-name",
        ROLE,
        "--out",
        out.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let log = org.emus.requests().split_off(earlier.len());
    let to_hub = signed_with(&log, &|r| r["role_arn"] == hub.as_str());
    let to_member = signed_with(&log, &|r| r["role_arn"] == member_role.as_str());
    let reads = signed_with(&log, &|r| r["service"] == "ses");
    assert_eq!(
        to_hub, own,
        "the hub role is assumed with the caller's credentials"
    );
    assert!(
        !to_member.is_empty() && to_member.is_disjoint(&own),
        "the member role is assumed with the hub's credentials: {to_member:?} vs {own:?}"
    );
    assert!(
        !reads.is_empty() && reads.is_disjoint(&own) && reads.is_disjoint(&to_member),
        "reads use the member role's credentials: {reads:?}"
    );
    let report = read_json(&out.join("report.json"));
    assert_eq!(report["facts"]["accounts"], json!([member]));
}
