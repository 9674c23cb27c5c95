//! Evaluation benchmark: a synthetic deployment of at least 100,000 resources over 4 Regions,
//! evaluated with every built-in rule. Run with `cargo bench --bench evaluate`; it prints wall
//! time (best and median of several runs) and peak resident memory (VmHWM).
//!
//! Target (Foundation issue): under 2 s and under 1 GiB on a 2-core machine.

use msgready::config::Config;
use msgready::engine::rule::RuleSet;
use msgready::model::facts::*;
use std::collections::BTreeMap;
use std::time::Instant;

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

fn hashes(n: usize, seed: usize, skip_every: usize) -> HashedSet {
    let hashes: Vec<String> = (0..n)
        .filter(|i| skip_every == 0 || i % skip_every != 0)
        .map(|i| {
            format!(
                "{:016x}",
                (i as u64 ^ seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            )
        })
        .collect();
    HashedSet {
        count: hashes.len() as u64,
        hashes,
    }
}

/// One Region's facts; `gap` makes the non-primary Regions miss a few things, as real ones do.
fn region(r: &str, gap: bool, counter: &mut usize) -> RegionFacts {
    let mut count = |n: usize| {
        *counter += n;
        n
    };
    let acct = "111122223333";
    let identities = (0..count(1_500))
        .filter(|i| !(gap && i % 97 == 0))
        .map(|i| EmailIdentity {
            name: format!("brand{i}.example.com"),
            identity_type: "DOMAIN".into(),
            verified_for_sending: !(gap && i % 89 == 0),
            dkim: Some(DkimAttributes {
                signing_enabled: true,
                status: Some("SUCCESS".into()),
                tokens: vec![format!("tok{i}a"), format!("tok{i}b"), format!("tok{i}c")],
                signing_attributes_origin: Some("AWS_SES".into()),
                signing_hosted_zone: Some("dkim.amazonses.com".into()),
                ..Default::default()
            }),
            mail_from: Some(MailFrom {
                domain: format!("bounce.brand{i}.example.com"),
                status: "SUCCESS".into(),
                behavior_on_mx_failure: Some("USE_DEFAULT_VALUE".into()),
            }),
            configuration_set: Some(format!("cs-{}", i % 100)),
            ..Default::default()
        })
        .collect();
    let templates = (0..count(2_000))
        .map(|i| SesTemplate {
            name: format!("tpl-{i}"),
            content_hash: format!("{:064x}", if gap && i % 50 == 0 { i + 1 } else { i }),
        })
        .collect();
    let configuration_sets = (0..count(100))
        .map(|i| SesConfigurationSet {
            name: format!("cs-{i}"),
            event_destinations: vec![EventDestination {
                name: "to-firehose".into(),
                enabled: true,
                event_types: [
                    "SEND",
                    "DELIVERY",
                    "BOUNCE",
                    "COMPLAINT",
                    "SUBSCRIPTION",
                    "RENDERING_FAILURE",
                ]
                .map(String::from)
                .to_vec(),
                destination_type: "firehose".into(),
                destination_arn: Some(format!(
                    "arn:aws:firehose:{r}:{acct}:deliverystream/ses-events"
                )),
                role_arn: Some(format!("arn:aws:iam::{acct}:role/ses-firehose")),
            }],
            ..Default::default()
        })
        .collect();
    let countries = ["US", "CA", "GB", "DE", "FR", "IN", "BR", "MX", "JP", "AU"];
    let types = ["SHORT_CODE", "TEN_DLC", "TOLL_FREE", "LONG_CODE"];
    let phone_numbers = (0..count(1_000))
        .filter(|i| !(gap && i % 7 == 0))
        .map(|i| PhoneNumber {
            id: format!("phone-{r}-{i}"),
            arn: format!("arn:aws:sms-voice:{r}:{acct}:phone-number/phone-{i}"),
            iso_country_code: countries[i % countries.len()].into(),
            number_type: types[i % types.len()].into(),
            status: "ACTIVE".into(),
            capabilities: vec!["SMS".into(), "VOICE".into()],
            opt_out_list_name: Some(format!("list-{}", i % 20)),
            deletion_protection: i % 3 != 0,
            ..Default::default()
        })
        .collect();
    let opt_out_lists = (0..count(20))
        .map(|i| OptOutList {
            name: format!("list-{i}"),
            arn: None,
            opted_out: hashes(250, i, if gap { 13 } else { 0 }),
        })
        .collect();
    count(5_000); // opted-out numbers
    let projects = (0..count(40))
        .map(|i| Project {
            id: format!("{r}-{i:032x}"),
            arn: format!("arn:aws:mobiletargeting:{r}:{acct}:apps/{i:032x}"),
            name: format!("app-{i}"),
            channels: vec![Channel {
                channel_type: "APNS".into(),
                enabled: true,
                has_credential: true,
                authentication_method: Some("TOKEN".into()),
            }],
            event_stream: Some(EventStream {
                destination_stream_arn: format!(
                    "arn:aws:firehose:{r}:{acct}:deliverystream/pinpoint-events"
                ),
                role_arn: format!("arn:aws:iam::{acct}:role/pinpoint-events"),
            }),
            journeys: (0..count(10))
                .map(|j| Journey {
                    id: format!("j{j}"),
                    name: format!("journey-{j}"),
                    state: "ACTIVE".into(),
                })
                .collect(),
            segments: (0..count(10))
                .map(|j| Segment {
                    id: format!("s{j}"),
                    name: format!("segment-{j}"),
                    segment_type: None,
                })
                .collect(),
            campaigns: (0..count(10))
                .map(|j| Campaign {
                    id: format!("c{j}"),
                    name: format!("campaign-{j}"),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let ptemplates = (0..count(2_000))
        .map(|i| MessageTemplate {
            name: format!("msg-{i}"),
            template_type: ["EMAIL", "SMS", "PUSH"][i % 3].into(),
            version: Some("1".into()),
            content_hash: format!("{i:064x}"),
        })
        .collect();
    count(13_000); // suppressed addresses
    RegionFacts {
        ses: Some(SesFacts {
            identities,
            account: Some(SesAccount {
                production_access_enabled: true,
                sending_enabled: true,
                max_24_hour_send: 1_000_000.0,
                max_send_rate: 200.0,
                sent_last_24_hours: if gap { 20_000.0 } else { 400_000.0 },
                suppression_reasons: vec!["BOUNCE".into(), "COMPLAINT".into()],
                ..Default::default()
            }),
            suppressed_destinations: hashes(13_000, 7, if gap { 11 } else { 0 }),
            configuration_sets,
            templates,
            ..Default::default()
        }),
        sms_voice: Some(SmsVoiceFacts {
            account_tier: Some("PRODUCTION".into()),
            phone_numbers,
            opt_out_lists,
            ..Default::default()
        }),
        pinpoint: Some(PinpointFacts {
            projects,
            templates: ptemplates,
        }),
        firehose_streams: Some(vec![]),
        kinesis_streams: Some(vec![]),
        lambda_functions: Some(vec![]),
        cloudwatch_alarms: Some(vec![]),
        activity: Some(Activity {
            window_days: 30,
            ..Default::default()
        }),
        dns: None,
    }
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; accept and ignore it.
    let runs: usize = std::env::var("MSGREADY_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut resources = 0;
    let regions: BTreeMap<String, RegionFacts> = REGIONS
        .iter()
        .enumerate()
        .map(|(i, r)| (r.to_string(), region(r, i > 0, &mut resources)))
        .collect();
    let facts = FactSnapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: "bench".into(),
        collected_at: Some("2026-11-20T09:00:00Z".into()),
        complete: true,
        salt_id: None,
        accounts: vec![AccountFacts {
            account_id: "111122223333".into(),
            salt_id: None,
            global: GlobalFacts {
                iam_roles: Some(vec![]),
                s3_buckets: Some(vec![]),
                cloudtrail_trails: Some(vec![]),
            },
            regions,
            collection: vec![],
        }],
    };
    if let Some(path) = std::env::var_os("MSGREADY_BENCH_DUMP") {
        std::fs::write(path, serde_json::to_string(&facts).unwrap()).unwrap();
    }
    let rules = RuleSet::builtin().expect("rules load");
    let mut config = Config::default();
    config.deployment.regions = REGIONS
        .iter()
        .enumerate()
        .map(|(i, r)| msgready::config::RegionRole {
            name: r.to_string(),
            role: if i == 0 {
                msgready::model::deployment::Role::Primary
            } else {
                msgready::model::deployment::Role::Standby
            },
        })
        .collect();
    println!(
        "evaluate benchmark: {resources} resources over {} Regions, {} rules, {runs} runs",
        REGIONS.len(),
        rules.rules.len()
    );
    let mut times = Vec::new();
    let mut results = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let report = msgready::pipeline::evaluate(&msgready::pipeline::Evaluation {
            now: Some("2026-11-20T09:00:00Z"),
            ..msgready::pipeline::Evaluation::new(&rules, &config, &facts)
        })
        .expect("evaluation succeeds");
        times.push(t.elapsed().as_secs_f64());
        results = report.results.len();
        std::hint::black_box(&report);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("results per run: {results}");
    println!(
        "wall time: best {:.3} s, median {:.3} s, worst {:.3} s",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
    if let Some(m) = peak_rss_mib() {
        println!("peak resident memory (VmHWM): {m:.0} MiB");
    }
}
