//! Report history: `--out DIR --history` (runs/<time>/ + latest/, nothing else at the top),
//! the default flat layout unchanged, and `--out s3://bucket/prefix/` against moto on
//! loopback (PutObject with SSE, trend read back with ListObjectsV2 + GetObject).

#[path = "support/emulators.rs"]
mod emulators;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const FACTS: &str = "examples/warm-standby/facts.json";
const CONFIG: &str = "examples/warm-standby/msgready.toml";

fn evaluate(cmd: &mut Command, out: &str, extra: &[&str]) -> Output {
    let repo = emulators::repo();
    cmd.arg("evaluate")
        .arg("--facts")
        .arg(repo.join(FACTS))
        .arg("--config")
        .arg(repo.join(CONFIG))
        .args(["--out", out])
        .args(extra)
        .output()
        .expect("run msgready")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_msgready"));
    c.env("NO_COLOR", "1");
    c
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn local_history_keeps_runs_and_latest_with_a_trend() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("hist");
    let out_s = out.to_str().unwrap();
    for _ in 0..2 {
        let o = evaluate(
            &mut bin(),
            out_s,
            &["--history", "--format", "json,html,markdown"],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(
        names(&out),
        ["latest", "runs"],
        "nothing else at the top level"
    );
    let runs = names(&out.join("runs"));
    assert_eq!(runs.len(), 2, "{runs:?}");
    for r in &runs {
        assert!(
            r.len() >= 16 && (r.ends_with('Z') || r.contains("Z-")),
            "{r}"
        );
        assert_eq!(
            names(&out.join("runs").join(r)),
            ["report.html", "report.json", "report.md"]
        );
    }
    let second = out.join("runs").join(&runs[1]);
    for f in ["report.html", "report.json", "report.md"] {
        assert_eq!(
            std::fs::read(out.join("latest").join(f)).unwrap(),
            std::fs::read(second.join(f)).unwrap(),
            "latest/{f} is the second run's"
        );
    }
    let first = read_json(&out.join("runs").join(&runs[0]).join("report.json"));
    assert_eq!(first["trend"].as_array().unwrap().len(), 1);
    let latest = read_json(&out.join("latest/report.json"));
    let trend = latest["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 2);
    assert_eq!(trend[0]["run"], runs[0].as_str());
    assert_eq!(trend[1]["run"], runs[1].as_str());
    assert_eq!(trend[1]["score"], latest["score"]["overall"]["score"]);
    let html = std::fs::read_to_string(out.join("latest/report.html")).unwrap();
    assert!(html.contains("<svg class=\"trend\""));
    assert!(html.contains("last 2 run(s)"));
}

#[test]
fn default_layout_is_flat_and_has_no_trend() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("flat");
    for _ in 0..2 {
        evaluate(
            &mut bin(),
            out.to_str().unwrap(),
            &["--format", "json,html"],
        );
    }
    assert_eq!(names(&out), ["report.html", "report.json"]);
    let report = read_json(&out.join("report.json"));
    assert!(report.get("trend").is_none());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("class=\"trend\""));
}

#[test]
fn kms_key_without_s3_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let o = evaluate(
        &mut bin(),
        d.path().join("x").to_str().unwrap(),
        &["--sse-kms-key-id", "k"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--sse-kms-key-id"));
}

/// Runs boto3 against moto; prints what `script` prints.
fn boto(moto: &str, script: &str) -> String {
    let full = format!(
        "import boto3, json, sys\ns3 = boto3.client('s3', endpoint_url={moto:?}, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\n{script}"
    );
    let o = Command::new(emulators::python())
        .args(["-c", &full])
        .output()
        .expect("run python");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn s3_output_writes_runs_and_latest_encrypted_and_reads_the_trend() {
    let emus = emulators::start_moto();
    boto(&emus.moto, "s3.create_bucket(Bucket='reports')");
    for _ in 0..2 {
        let o = evaluate(
            &mut emus.msgready(),
            "s3://reports/team/msg/",
            &["--format", "json,html"],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("wrote s3://reports/team/msg/latest/"), "{err}");
    }
    let listing = boto(
        &emus.moto,
        "keys = [o['Key'] for o in s3.list_objects_v2(Bucket='reports')['Contents']]\n\
         out = {k: s3.head_object(Bucket='reports', Key=k).get('ServerSideEncryption') for k in keys}\n\
         out['__latest'] = json.loads(s3.get_object(Bucket='reports', Key='team/msg/latest/report.json')['Body'].read())\n\
         print(json.dumps(out))",
    );
    let v: Value = serde_json::from_str(&listing).unwrap();
    let keys: Vec<&String> = v
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !k.starts_with("__"))
        .collect();
    assert_eq!(
        keys.len(),
        6,
        "two runs and latest, two files each: {keys:?}"
    );
    assert!(keys.iter().all(|k| k.starts_with("team/msg/")));
    for k in &keys {
        assert_eq!(v[k.as_str()], "AES256", "{k} encrypted with SSE-S3");
    }
    let runs: std::collections::BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| k.strip_prefix("team/msg/runs/"))
        .filter_map(|k| k.split('/').next())
        .collect();
    assert_eq!(runs.len(), 2, "{keys:?}");
    assert!(v.get("team/msg/latest/report.html").is_some());
    let trend = v["__latest"]["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 2);
    let runs: Vec<&str> = runs.into_iter().collect();
    assert_eq!(trend[0]["run"], runs[0]);
    assert_eq!(trend[1]["run"], runs[1]);
}

#[test]
fn s3_output_to_a_missing_bucket_exits_2_naming_it() {
    let emus = emulators::start_moto();
    let o = evaluate(
        &mut emus.msgready(),
        "s3://no-such-bucket/p/",
        &["--format", "json"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("s3://no-such-bucket/p/"), "{err}");
    assert!(err.contains("NoSuchBucket"), "{err}");
}

#[test]
fn s3_output_with_a_kms_key_encrypts_every_object_with_it() {
    let emus = emulators::start_moto();
    let key = boto(
        &emus.moto,
        "s3.create_bucket(Bucket='reports')\n\
         kms = boto3.client('kms', endpoint_url=s3.meta.endpoint_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\n\
         print(kms.create_key(Description='msgready reports')['KeyMetadata']['Arn'])",
    );
    let key = key.trim();
    let o = evaluate(
        &mut emus.msgready(),
        "s3://reports/kms/",
        &["--format", "json,markdown", "--sse-kms-key-id", key],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let listing = boto(
        &emus.moto,
        "keys = [o['Key'] for o in s3.list_objects_v2(Bucket='reports')['Contents']]\n\
         print(json.dumps({k: [h.get('ServerSideEncryption'), h.get('SSEKMSKeyId')] for k in keys for h in [s3.head_object(Bucket='reports', Key=k)]}))",
    );
    let v: Value = serde_json::from_str(&listing).unwrap();
    let objects = v.as_object().unwrap();
    assert_eq!(objects.len(), 4, "one run and latest, two files each: {v}");
    for (k, enc) in objects {
        assert_eq!(enc[0], "aws:kms", "{k} encrypted with SSE-KMS");
        assert_eq!(enc[1], key, "{k} encrypted with the key given");
    }
}
