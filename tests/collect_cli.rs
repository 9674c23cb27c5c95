//! `msgready collect` / `scan`: failures to start exit 2. Network traffic goes to loopback only.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_msgready"))
        .args(args)
        .current_dir(dir.path())
        // A closed loopback port: no credentials check can reach AWS.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("run msgready")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn collect_without_regions_exits_2() {
    let o = run(&["collect", "--out", "facts.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no Regions to collect"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_region_and_primary_exit_2() {
    let o = run(&[
        "collect",
        "--out",
        "f.json",
        "--regions",
        "us-east-1,nowhere",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`nowhere` is not an AWS Region code"));
    let o = run(&[
        "scan",
        "--regions",
        "us-east-1,us-west-2",
        "--primary",
        "eu-west-1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--primary eu-west-1 is not one of the Regions"));
}

#[test]
fn external_id_needs_role_arn() {
    let o = run(&[
        "collect",
        "--out",
        "f.json",
        "--regions",
        "us-east-1",
        "--external-id",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unreachable_credentials_check_exits_2_and_writes_nothing() {
    for cmd in ["collect", "scan"] {
        let mut args = vec![cmd, "--regions", "us-east-1", "--max-attempts", "1"];
        if cmd == "collect" {
            args.extend(["--out", "facts.json"]);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("sts:GetCallerIdentity"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
}
