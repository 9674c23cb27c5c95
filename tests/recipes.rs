//! The recipes in docs/recipes/, run as far as this machine allows (docs/recipes/README.md,
//! "What is tested"): the shell of the CI steps and the scheduled commands run as written
//! against moto and the scenario emulator on loopback; the IAM policies are checked against
//! `msgready policy`; the CloudFormation template against cfn-lint. YAML is read with the test
//! venv's PyYAML (the Rust side has no YAML parser, and needs none).

#[path = "support/emulators.rs"]
mod emulators;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn recipes() -> PathBuf {
    emulators::repo().join("docs/recipes")
}

/// A YAML file as JSON, through the venv's PyYAML.
fn yaml(file: &str) -> Value {
    let path = recipes().join(file);
    let out = emulators::python_script(
        "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        &[path.to_str().expect("path")],
    );
    serde_json::from_slice(&out).expect("JSON")
}

/// moto seeded as for the two-Region scan, with an organization (the default account alone)
/// and the report bucket; the emulator in front.
fn aws() -> emulators::Emulators {
    let py = emulators::python();
    let mut emus = emulators::start_moto();
    emulators::seed_moto(&py, &emus.moto);
    let script = r#"
import boto3, sys
kw = dict(region_name="us-east-1", endpoint_url=sys.argv[1])
boto3.client("organizations", **kw).create_organization(FeatureSet="ALL")
boto3.client("s3", **kw).create_bucket(Bucket="acme-msgready-reports")
"#;
    emulators::python_script(script, &[&emus.moto]);
    emus.attach_emulator("two-region.json", &[]);
    emus
}

/// Keys under `prefix` in the moto bucket.
fn s3_keys(emus: &emulators::Emulators, prefix: &str) -> Vec<String> {
    let script = r#"
import boto3, json, sys
s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=sys.argv[1])
r = s3.list_objects_v2(Bucket="acme-msgready-reports", Prefix=sys.argv[2])
print(json.dumps([o["Key"] for o in r.get("Contents", [])]))
"#;
    serde_json::from_slice(&emulators::python_script(script, &[&emus.moto, prefix])).expect("keys")
}

/// A scratch checkout: msgready.toml (the emulated deployment's config) and a `bin/` with
/// msgready on it.
fn checkout(emus: &emulators::Emulators, name: &str) -> PathBuf {
    let dir = emus.dir.path().join(name);
    std::fs::create_dir_all(dir.join("bin")).expect("mkdir");
    std::fs::copy(
        emulators::repo().join("tests/emulator/two-region.toml"),
        dir.join("msgready.toml"),
    )
    .expect("config");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_msgready"), dir.join("bin/msgready"))
        .expect("link msgready");
    dir
}

/// `bash -e -c script` (as GitHub's and GitLab's runners run steps) in `dir` with the
/// emulators' environment and msgready on PATH.
fn bash(
    emus: &emulators::Emulators,
    dir: &Path,
    script: &str,
    env: &[(&str, &Path)],
) -> std::process::Output {
    shell(emus, dir, &["bash", "-e", "-c", script], env)
}

fn shell(
    emus: &emulators::Emulators,
    dir: &Path,
    argv: &[&str],
    env: &[(&str, &Path)],
) -> std::process::Output {
    let template = emus.msgready();
    let mut cmd = Command::new(argv[0]);
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("PATH", path).current_dir(dir).args(&argv[1..]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run bash")
}

fn step<'a>(workflow: &'a Value, name: &str) -> &'a Value {
    workflow["jobs"]["readiness"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

#[test]
fn github_actions_workflow_runs_and_maps_exit_codes() {
    let wf = yaml("github-actions.yml");
    assert_eq!(wf["permissions"]["security-events"], "write");
    let uses: Vec<&str> = wf["jobs"]["readiness"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect();
    assert!(uses
        .iter()
        .any(|u| u.starts_with("github/codeql-action/upload-sarif@")));
    let sarif = step(&wf, "Upload SARIF to code scanning")["with"]["sarif_file"]
        .as_str()
        .expect("sarif_file")
        .to_string();
    let kept = step(&wf, "Keep the reports")["with"]["path"]
        .as_str()
        .expect("path")
        .to_string();
    let scan = step(&wf, "Scan")["run"].as_str().expect("run").to_string();
    let gate = step(&wf, "Gate")["run"].as_str().expect("run").to_string();

    let emus = aws();
    let dir = checkout(&emus, "gh");
    let (output, summary) = (dir.join("github-output"), dir.join("step-summary"));
    let env = [
        ("GITHUB_OUTPUT", output.as_path()),
        ("GITHUB_STEP_SUMMARY", summary.as_path()),
    ];
    let run = bash(&emus, &dir, &scan, &env);
    let err = String::from_utf8_lossy(&run.stderr).to_string();
    assert!(
        run.status.success(),
        "the Scan step never fails by itself: {err}"
    );
    let outputs = std::fs::read_to_string(&output).expect("GITHUB_OUTPUT");
    // The emulated deployment has planted gaps: the gate fails.
    assert_eq!(outputs.trim(), "code=1", "{err}");
    let text = std::fs::read_to_string(&summary).expect("summary");
    assert!(text.starts_with("## msgready:"), "{text}");
    assert!(dir.join(&sarif).exists(), "{sarif} for upload-sarif");
    assert!(dir.join(&kept).join("report.json").exists());

    // A pull request with main's report as baseline: every failure known, but the standby's
    // sender IDs could not be read (planted AccessDenied), so incomplete: 3.
    std::fs::create_dir_all(dir.join("baseline")).expect("mkdir");
    std::fs::copy(
        dir.join(&kept).join("report.json"),
        dir.join("baseline/report.json"),
    )
    .expect("baseline");
    std::fs::remove_file(&output).expect("reset output");
    let run = bash(&emus, &dir, &scan, &env);
    assert!(run.status.success());
    assert_eq!(
        std::fs::read_to_string(&output).expect("output").trim(),
        "code=3",
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // The Gate step: 1 and 2 fail the job, 3 warns (fails only when strict), 0 passes.
    for (code, strict, ok) in [
        ("0", "false", true),
        ("1", "false", false),
        ("2", "false", false),
        ("3", "false", true),
        ("3", "true", false),
        ("", "false", false),
    ] {
        let run = Command::new("bash")
            .args(["-e", "-c", &gate])
            .env("CODE", code)
            .env("MSGREADY_STRICT", strict)
            .output()
            .expect("bash");
        assert_eq!(run.status.success(), ok, "code {code:?}, strict {strict}");
    }
}

#[test]
fn gitlab_job_runs_and_writes_its_junit_report() {
    let ci = yaml("gitlab-ci.yml");
    let job = &ci["msgready"];
    assert_eq!(job["allow_failure"]["exit_codes"], serde_json::json!([3]));
    assert_eq!(job["artifacts"]["when"], "always");
    let junit = job["artifacts"]["reports"]["junit"]
        .as_str()
        .expect("junit")
        .to_string();
    let script: Vec<&str> = job["script"]
        .as_array()
        .expect("script")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let emus = aws();
    let dir = checkout(&emus, "gitlab");
    let run = bash(&emus, &dir, &script.join("\n"), &[]);
    // GitLab runs the script with `set -e`: the job's exit code is msgready's.
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let xml = std::fs::read_to_string(dir.join(&junit)).expect("JUnit report");
    assert!(xml.contains("<testsuites"), "{xml}");
}

/// (fields, user, command) of the one job line in the cron.d file, with its variables.
fn cron_job() -> (Vec<String>, String, String, Vec<(String, String)>) {
    let text = std::fs::read_to_string(recipes().join("cron.d-msgready")).expect("cron file");
    let mut vars = Vec::new();
    let mut job = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=').filter(|(k, _)| !k.contains(' ')) {
            vars.push((k.to_string(), v.to_string()));
            continue;
        }
        assert!(job.is_none(), "one job line expected");
        let parts: Vec<&str> = line.splitn(7, ' ').collect();
        assert_eq!(
            parts.len(),
            7,
            "five time fields, a user and a command: {line}"
        );
        job = Some((
            parts[..5].iter().map(|s| s.to_string()).collect(),
            parts[5].to_string(),
            parts[6].to_string(),
        ));
    }
    let (fields, user, command) = job.expect("a job line");
    (fields, user, command, vars)
}

fn cron_field_ok(field: &str, lo: u32, hi: u32) -> bool {
    field.split(',').all(|part| {
        let (range, step) = part.split_once('/').unwrap_or((part, "1"));
        let step_ok = step.parse::<u32>().is_ok_and(|s| s >= 1);
        let in_range = |v: &str| v.parse::<u32>().ok().filter(|v| (lo..=hi).contains(v));
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => matches!((in_range(a), in_range(b)), (Some(a), Some(b)) if a <= b),
                None => in_range(range).is_some(),
            };
        step_ok && range_ok
    })
}

#[test]
fn cron_line_parses_and_its_command_writes_the_history_to_s3() {
    let (fields, user, command, vars) = cron_job();
    for (field, (lo, hi)) in fields
        .iter()
        .zip([(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)])
    {
        assert!(cron_field_ok(field, lo, hi), "bad cron field {field}");
    }
    assert!(
        cron_field_ok("1-5", 0, 7) && !cron_field_ok("61", 0, 59) && !cron_field_ok("5-1", 0, 7)
    );
    assert!(!user.is_empty() && !user.starts_with('/'));
    assert!(vars.iter().any(|(k, v)| k == "CRON_TZ" && v == "UTC"));
    assert!(command.contains("--out s3://acme-msgready-reports/prod/"));

    let emus = aws();
    let dir = checkout(&emus, "cron");
    std::fs::create_dir_all(dir.join("log")).expect("mkdir");
    // The command as written, with the host's paths mapped into the scratch folder.
    let command = command
        .replace(
            "/etc/msgready/msgready.toml",
            &dir.join("msgready.toml").display().to_string(),
        )
        .replace(
            "/var/log/msgready/",
            &format!("{}/", dir.join("log").display()),
        );
    // cron runs the command with `sh -c` (no errexit).
    let run = shell(&emus, &dir, &["sh", "-c", &command], &[]);
    let log = std::fs::read_to_string(dir.join("log/scan.log")).unwrap_or_default();
    assert!(
        run.status.success(),
        "the cron job only fails on exit 2; log:\n{log}"
    );
    let keys = s3_keys(&emus, "prod/");
    for name in ["report.json", "report.html", "report.md"] {
        assert!(
            keys.iter()
                .any(|k| k.starts_with("prod/runs/") && k.ends_with(name)),
            "{keys:?}"
        );
        assert!(keys.contains(&format!("prod/latest/{name}")), "{keys:?}");
    }
}

/// Every `Allow`ed action of a policy document (strings or lists).
fn actions(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for st in doc["Statement"].as_array().expect("Statement") {
        assert!(st["Effect"] == "Allow" && !st["Resource"].is_null(), "{st}");
        match &st["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(list) => {
                out.extend(list.iter().filter_map(|a| a.as_str().map(String::from)))
            }
            other => panic!("Action {other}"),
        }
    }
    out
}

fn policy(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_msgready"))
        .arg("policy")
        .args(args)
        .output()
        .expect("msgready policy");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("policy JSON")
}

#[test]
fn iam_policies_match_msgready_policy() {
    let read: BTreeSet<String> = policy(&[])["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| {
            s["Sid"]
                .as_str()
                .is_some_and(|s| s.starts_with("MsgreadyRead"))
        })
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(String::from))
        .collect();
    let load = |f: &str| -> Value {
        let doc: Value = serde_json::from_str(
            &std::fs::read_to_string(recipes().join("iam").join(f)).expect("policy file"),
        )
        .unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(doc["Version"], "2012-10-17", "{f}");
        doc
    };
    assert_eq!(actions(&load("member-read.json")), read);
    let full = policy(&[
        "--role-name",
        "msgready-read",
        "--out",
        "s3://acme-msgready-reports/prod/",
        "--sse-kms-key-id",
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ]);
    // Least privilege both ways: everything msgready needs, nothing more.
    assert_eq!(actions(&load("scheduled-scan.json")), actions(&full));
    let sinks: Vec<&Value> = full["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| {
            s["Sid"]
                .as_str()
                .is_some_and(|s| s.starts_with("MsgreadyReportSink"))
        })
        .collect();
    let scheduled = load("scheduled-scan.json");
    for s in sinks {
        let same = scheduled["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .find(|t| t["Sid"] == s["Sid"])
            .unwrap_or_else(|| panic!("{} missing", s["Sid"]));
        assert_eq!(same, s, "the sink statements are msgready policy's");
    }
    let trust = load("member-trust.json");
    assert_eq!(trust["Statement"][0]["Action"], "sts:AssumeRole");
    assert!(trust["Statement"][0]["Principal"]["AWS"].is_string());
}

/// `{"Ref": X}` / `{"Fn::Sub": "…${X}…"}` resolved with `params`.
fn resolve(v: &Value, params: &[(&str, &str)]) -> String {
    let sub = |s: &str| {
        params.iter().fold(s.to_string(), |acc, (k, val)| {
            acc.replace(&format!("${{{k}}}"), val)
        })
    };
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.contains_key("Ref") => {
            let name = m["Ref"].as_str().expect("Ref");
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| panic!("no value for {name}"))
        }
        Value::Object(m) if m.contains_key("Fn::Sub") => sub(m["Fn::Sub"].as_str().expect("Sub")),
        other => panic!("cannot resolve {other}"),
    }
}

#[test]
fn cloudformation_scheduled_scan() {
    let path = recipes().join("scheduled-ecs.cfn.json");
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("template"))
        .expect("template JSON");
    let cfn_lint = emulators::python().with_file_name("cfn-lint");
    if cfn_lint.exists() {
        let lint = Command::new(&cfn_lint)
            .arg(&path)
            .output()
            .expect("cfn-lint");
        assert!(
            lint.status.success(),
            "cfn-lint: {}",
            String::from_utf8_lossy(&lint.stdout)
        );
    } else {
        eprintln!("notice: cfn-lint is not in the venv; template not linted");
    }
    let r = &t["Resources"];
    assert_eq!(r["Schedule"]["Type"], "AWS::Scheduler::Schedule");
    assert_eq!(
        r["Schedule"]["Properties"]["Target"]["EcsParameters"]["TaskDefinitionArn"]["Ref"],
        "TaskDefinition"
    );

    // The task role covers what msgready policy prints for this sink (KMS aside: SSE-S3).
    let mut granted = BTreeSet::new();
    for p in r["TaskRole"]["Properties"]["Policies"]
        .as_array()
        .expect("policies")
    {
        granted.extend(actions(&p["PolicyDocument"]));
    }
    let needed = actions(&policy(&[
        "--role-name",
        "msgready-read",
        "--out",
        "s3://b/p/",
    ]));
    assert_eq!(granted, needed);

    // The container's command, parameters substituted, run against the emulators.
    let params = [
        ("Regions", "us-east-1,us-west-2"),
        ("MemberRoleName", "msgready-read"),
        ("ReportBucket", "acme-msgready-reports"),
        ("ReportPrefix", "ecs/"),
    ];
    let command: Vec<String> = r["TaskDefinition"]["Properties"]["ContainerDefinitions"][0]
        ["Command"]
        .as_array()
        .expect("Command")
        .iter()
        .map(|v| resolve(v, &params))
        .collect();
    let emus = aws();
    let run = emus.msgready().args(&command).output().expect("msgready");
    let err = String::from_utf8_lossy(&run.stderr);
    // The planted gaps fail the gate: a result, not an error.
    assert_eq!(run.status.code(), Some(1), "{command:?}: {err}");
    let keys = s3_keys(&emus, "ecs/");
    for name in ["report.json", "report.html", "report.md", "report.sarif"] {
        assert!(keys.contains(&format!("ecs/latest/{name}")), "{keys:?}");
    }
}
