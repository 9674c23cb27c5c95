//! Collection benchmark: `cargo bench --profile dev --bench collect` (the release profile works
//! too; the scan is bound by quotas and latency, not CPU).
//!
//! Scans the large emulated deployment (tests/emulator/scenarios/large.json: 4 Regions, per
//! Region 2,000 SES templates, 500 phone numbers, 100,000 suppressed addresses, 20,000
//! opted-out numbers) through the scenario emulator with 30 ms added to every request and the
//! documented quotas enforced (over-quota requests are throttled), with the release binary, at
//! the default concurrency and at concurrency 1. Reports wall time, API calls, throttles met
//! (counted by the emulator), peak memory of the msgready process, and the lower bound the rate
//! limits and latency imply: for every (Region, operation), (calls - 1) / rate + latency for a
//! rate-limited operation, calls x latency / concurrency otherwise; the scan cannot finish
//! before its slowest operation has.
//!
//! Environment: MSGREADY_BENCH_LATENCY_MS (30), MSGREADY_BENCH_SCENARIO (large.json),
//! MSGREADY_BENCH_REGIONS (the four), MSGREADY_BENCH_CONCURRENCY ("8,1"). Needs moto
//! (scripts/setup-test-env.sh).

#[path = "../tests/support/emulators.rs"]
mod emulators;

use msgready::collect::Limits;
use msgready::model::facts::FactSnapshot;
use std::io::{Read, Write};
use std::time::Instant;

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_string())
}

/// Runs the command, returning (exit code, peak RSS in KiB, CPU seconds) from wait4's rusage.
fn run_measured(cmd: &mut std::process::Command) -> (i32, i64, f64) {
    let child = cmd.spawn().expect("start msgready");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    std::mem::forget(child);
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        libc::WEXITSTATUS(status),
        usage.ru_maxrss,
        cpu(usage.ru_utime) + cpu(usage.ru_stime),
    )
}

fn emulator_throttles(endpoint: &str) -> u64 {
    let addr = endpoint.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).expect("emulator");
    write!(
        s,
        "GET /__emulator/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("stats");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("{}");
    let stats: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    stats["throttles"]
        .as_u64()
        .or_else(|| stats["throttled"].as_u64())
        .unwrap_or(0)
}

fn reset_stats(endpoint: &str) {
    let addr = endpoint.trim_start_matches("http://");
    if let Ok(mut s) = std::net::TcpStream::connect(addr) {
        let _ = write!(
            s,
            "POST /__emulator/reset-stats HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let mut sink = String::new();
        let _ = s.read_to_string(&mut sink);
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("collect: bench");
        return;
    }
    let latency_ms: f64 = env_or("MSGREADY_BENCH_LATENCY_MS", "30")
        .parse()
        .unwrap_or(30.0);
    let scenario = env_or("MSGREADY_BENCH_SCENARIO", "large.json");
    let regions = env_or(
        "MSGREADY_BENCH_REGIONS",
        "us-east-1,us-west-2,eu-west-1,eu-central-1",
    );
    let concurrencies = env_or("MSGREADY_BENCH_CONCURRENCY", "8,1");
    let latency_flag = format!("{latency_ms}");
    let emus = emulators::start_with(
        &scenario,
        &["--latency-ms", &latency_flag, "--enforce-quotas"],
        false,
    );
    let limits = Limits::default();
    println!(
        "collect benchmark: {scenario}, Regions {regions}, {latency_ms} ms per request, quotas enforced"
    );
    for c in concurrencies.split(',') {
        let concurrency: usize = c.trim().parse().expect("concurrency");
        reset_stats(&emus.endpoint);
        let out = emus.dir.path().join(format!("facts-{concurrency}.json"));
        let start = Instant::now();
        let (code, rss_kib, cpu) = run_measured(
            emus.msgready()
                .args([
                    "collect",
                    "--regions",
                    &regions,
                    "--concurrency",
                    c.trim(),
                    "--out",
                ])
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null()),
        );
        let wall = start.elapsed().as_secs_f64();
        assert_eq!(code, 0, "msgready collect exited {code}");
        let snapshot: FactSnapshot =
            serde_json::from_slice(&std::fs::read(&out).expect("facts")).expect("facts parse");
        let statuses = &snapshot.accounts[0].collection;
        let calls: u64 = statuses.iter().filter_map(|s| s.calls).sum();
        let failed = statuses
            .iter()
            .filter(|s| s.status == msgready::model::facts::CollectionOutcome::Failed)
            .count();
        let latency = latency_ms / 1000.0;
        let (bound, slowest) = statuses
            .iter()
            .filter(|s| s.service != "dns")
            .map(|s| {
                let n = s.calls.unwrap_or(0) as f64;
                let Some(service) = msgready::model::service::Service::from_name(&s.service) else {
                    return (0.0, String::new());
                };
                let rate = limits.rate(service, &s.operation) as f64;
                let limited = matches!(
                    (s.service.as_str(), s.operation.as_str()),
                    ("sms-voice", _) | ("ses", "ListEmailTemplates" | "GetEmailTemplate")
                );
                let floor = if limited {
                    (n - 1.0).max(0.0) / rate + latency
                } else {
                    n * latency / concurrency as f64
                };
                (floor, format!("{} {} {}", s.region, s.service, s.operation))
            })
            .fold((0.0, String::new()), |a, b| if b.0 > a.0 { b } else { a });
        let throttles = emulator_throttles(&emus.endpoint);
        for s in statuses
            .iter()
            .filter(|s| s.status == msgready::model::facts::CollectionOutcome::Failed)
        {
            println!(
                "  failed: {}:{} in {} ({})",
                s.service,
                s.operation,
                s.region,
                s.detail.as_deref().unwrap_or("")
            );
        }
        println!(
            "concurrency {concurrency}: wall {wall:.1} s, CPU {cpu:.1} s, {calls} API calls, {throttles} throttles met, {failed} failed operations, peak RSS {:.0} MiB, lower bound {bound:.1} s ({slowest}), ratio {:.2}",
            rss_kib as f64 / 1024.0,
            wall / bound.max(f64::EPSILON)
        );
    }
}
