//! msgready: is an AWS messaging deployment ready to survive the loss of a Region?
//!
//! The pipeline, one module each: collect → [`facts`] → [`engine`] (evaluate) → [`score`] →
//! [`report`] → [`exit`] code.

pub mod baseline;
pub mod cli;
pub mod collect;
pub mod config;
pub mod diff;
pub mod engine;
pub mod error;
pub mod exit;
pub mod facts;
pub mod fsutil;
pub mod merge;
pub mod output;
pub mod remediate;
pub mod report;
pub mod rules_meta;
pub mod rules_test;
pub mod score;
pub mod waivers;

use config::Config;
use engine::input::ResolvedDeployment;
use engine::rule::RuleSet;
use error::Result;
use facts::FactSnapshot;
use report::{Report, ReportInput};
use std::path::PathBuf;

/// Everything `evaluate` needs, already parsed from the command line.
#[derive(Debug, Clone, Default)]
pub struct EvaluateOptions {
    pub facts: PathBuf,
    pub config: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub gate: exit::GateOptions,
    /// Fixed evaluation time (tests); the current time otherwise. Waiver expiry is judged
    /// against its day (UTC).
    pub now: Option<String>,
    /// `--waivers FILE`.
    pub waivers: Option<PathBuf>,
    /// `--baseline FILE`: an earlier JSON report.
    pub baseline: Option<PathBuf>,
}

/// What decides the gate besides the rules: waivers and a baseline, both optional.
#[derive(Debug, Clone, Default)]
pub struct GateInputs {
    pub waivers: Option<waivers::Waivers>,
    pub baseline: Option<baseline::Baseline>,
}

impl GateInputs {
    /// Loads `--waivers` (rule IDs checked against `rules`) and `--baseline`.
    pub fn load(
        waivers: Option<&std::path::Path>,
        baseline: Option<&std::path::Path>,
        rules: &RuleSet,
    ) -> Result<GateInputs> {
        Ok(GateInputs {
            waivers: waivers
                .map(|p| waivers::Waivers::load(p, &rules.ids()))
                .transpose()?,
            baseline: baseline.map(baseline::Baseline::load).transpose()?,
        })
    }
}

/// Loads the config, checking `[rules.ID]` keys against the loaded rules.
pub fn load_config(path: Option<&std::path::Path>, rules: &RuleSet) -> Result<Config> {
    match path {
        Some(p) => {
            let config = Config::load(p)?;
            let text = std::fs::read_to_string(p).ok();
            config.check_rule_ids(&rules.ids(), &p.display().to_string(), text.as_deref())?;
            Ok(config)
        }
        None => Ok(Config::default()),
    }
}

/// Facts and config in, report out: the pure part of the pipeline.
pub fn evaluate(opts: &EvaluateOptions) -> Result<Report> {
    let rules = RuleSet::builtin_with(opts.rules.as_deref())?;
    let config = load_config(opts.config.as_deref(), &rules)?;
    let inputs = GateInputs::load(opts.waivers.as_deref(), opts.baseline.as_deref(), &rules)?;
    let facts = FactSnapshot::load(&opts.facts)?;
    evaluate_with(
        &rules,
        &config,
        &facts,
        opts.gate,
        opts.now.clone(),
        &inputs,
    )
}

pub fn evaluate_loaded(
    rules: &RuleSet,
    config: &Config,
    facts: &FactSnapshot,
    gate: exit::GateOptions,
    now: Option<String>,
) -> Result<Report> {
    evaluate_with(rules, config, facts, gate, now, &GateInputs::default())
}

/// [`evaluate_loaded`] with waivers applied and a baseline marking known failures.
pub fn evaluate_with(
    rules: &RuleSet,
    config: &Config,
    facts: &FactSnapshot,
    gate: exit::GateOptions,
    now: Option<String>,
    inputs: &GateInputs,
) -> Result<Report> {
    let deployment = ResolvedDeployment::resolve(config, facts);
    if deployment.regions.is_empty() {
        return Err(error::Error::Usage(
            "no Regions to evaluate: the config declares none and the fact snapshot has none"
                .into(),
        ));
    }
    let generated_at = now.unwrap_or_else(now_rfc3339);
    // Rules judge ages (import lag, exercise window) against the collection time, so that a
    // snapshot evaluates the same way tomorrow as today.
    let rule_now = facts
        .collected_at
        .clone()
        .unwrap_or_else(|| generated_at.clone());
    let mut evaluator = engine::Evaluator::new(rules, config)?;
    let mut results = evaluator.evaluate(facts, config, &deployment, &rule_now)?;
    // Waivers expire by the evaluation day, not the collection day: an old snapshot must not
    // revive an expired waiver.
    let waivers = match &inputs.waivers {
        Some(w) => {
            let today = waivers::day_of(&generated_at).ok_or_else(|| {
                error::Error::Usage(format!(
                    "evaluation time `{generated_at}` is not an RFC 3339 time"
                ))
            })?;
            waivers::apply(&mut results, w, today)
        }
        None => waivers::WaiverSummary::default(),
    };
    let baseline = inputs.baseline.as_ref().map(|b| b.mark(&mut results));
    let t = std::time::Instant::now();
    let report = Report::build(ReportInput {
        rules,
        facts,
        config,
        deployment,
        results,
        generated_at,
        gate_options: gate,
        waivers,
        baseline,
    });
    if std::env::var_os("MSGREADY_RULE_TIMINGS").is_some() {
        eprintln!("report built: {:?}", t.elapsed());
    }
    Ok(report)
}

/// Everything `collect` and `scan` need to reach AWS, already parsed from the command line.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// Regions to read, in order; overrides the config's deployment.
    pub regions: Vec<String>,
    /// Primary Region; the first Region when not given.
    pub primary: Option<String>,
    pub credentials: collect::Credentials,
    pub limits: collect::Limits,
    /// Resolve the DNS records EMAIL-004 checks.
    pub dns: bool,
    /// DNS server (IP[:port]) for `dns`; the system's resolver when `None`.
    pub dns_server: Option<String>,
    /// `--accounts` / `--organization` with `--role-name`, `--shard`; empty: the caller's
    /// own account only.
    pub targets: collect::accounts::AccountTargets,
}

/// The config with `--regions`/`--primary` applied: with them, the deployment is those
/// Regions (first or `--primary` primary, the others standby or active per architecture).
pub fn apply_deployment_overrides(mut config: Config, opts: &CollectOptions) -> Result<Config> {
    use config::{Architecture, RegionRole, Role};
    let mut names: Vec<String> = if opts.regions.is_empty() {
        config
            .deployment
            .regions
            .iter()
            .map(|r| r.name.clone())
            .collect()
    } else {
        opts.regions.iter().map(|r| r.trim().to_string()).collect()
    };
    if names.is_empty() {
        return Err(error::Error::Usage(
            "no Regions to collect: pass --regions or declare deployment.regions in --config"
                .into(),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for n in &names {
        if !config::is_region_code(n) {
            return Err(error::Error::Usage(format!(
                "`{n}` is not an AWS Region code (like us-east-1)"
            )));
        }
        if !seen.insert(n.clone()) {
            return Err(error::Error::Usage(format!("Region `{n}` is listed twice")));
        }
    }
    if opts.regions.is_empty() && opts.primary.is_none() {
        return Ok(config);
    }
    let primary = match &opts.primary {
        Some(p) if !names.contains(p) => {
            return Err(error::Error::Usage(format!(
                "--primary {p} is not one of the Regions ({})",
                names.join(", ")
            )))
        }
        Some(p) => p.clone(),
        None => config
            .deployment
            .regions
            .iter()
            .find(|r| r.role == Role::Primary && names.contains(&r.name))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| names[0].clone()),
    };
    // The primary first, the rest in the order given.
    names.retain(|n| *n != primary);
    names.insert(0, primary);
    let other = match config.deployment.architecture {
        Architecture::WarmStandby => Role::Standby,
        Architecture::ActiveActive => Role::Active,
    };
    config.deployment.regions = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| RegionRole {
            name,
            role: if i == 0 { Role::Primary } else { other },
        })
        .collect();
    Ok(config)
}

/// Reads the deployment's Regions from AWS into a fact snapshot: the caller's account, or
/// with `opts.targets` every account named or found in the organization (this shard's share),
/// entered by role. Only a failure to start (no credentials, no account, the organization
/// not listable) is an error; everything else, an account that cannot be entered included, is
/// recorded in the snapshot.
pub fn collect_snapshot(config: &Config, opts: &CollectOptions) -> Result<FactSnapshot> {
    let regions: Vec<String> = config
        .deployment
        .regions
        .iter()
        .map(|r| r.name.clone())
        .collect();
    // One salt for every account of the scan: hashes compare across them too.
    let salt = collect::Salt::random()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| error::Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let dns_server = match &opts.dns_server {
        Some(s) => Some(collect::dns::parse_server(s)?),
        None => None,
    };
    let (cancel, trigger) = collect::Cancel::new();
    on_sigint(trigger)?;
    let accounts = runtime.block_on(async {
        let resolver = match opts.dns {
            true => Some(collect::Resolver(std::sync::Arc::new(
                collect::dns::resolver(dns_server)?,
            ))),
            false => None,
        };
        let collector = |_: &str| {
            let mut c = collect::Collector::new(salt.clone(), opts.limits);
            c.window_days = config.thresholds.exercise_window_days;
            c.dns = resolver.clone();
            c.cancel = cancel.clone();
            c
        };
        let sdk = collect::load_sdk_config(&opts.credentials, &opts.limits).await;
        if opts.targets.is_multi() {
            return collect_accounts(&sdk, &regions, opts, collector).await;
        }
        let collector = collector("");
        let progress = collect::progress::start(collector.recorder.clone(), regions.clone());
        // Once collecting, the cancel makes every pending call give up, so `collect` returns
        // what was gathered (see `collect::Cancel`).
        let account = collector.collect(&sdk, &regions).await;
        if let Some(p) = progress {
            p.finish();
        }
        Ok(vec![account?])
    })?;
    Ok(FactSnapshot {
        schema_version: facts::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        collected_at: Some(now_rfc3339()),
        complete: !cancel.is_raised(),
        salt_id: Some(salt.id()),
        accounts,
    })
}

/// The accounts of `opts.targets` (this shard's share), `--account-concurrency` at a time,
/// each with its own collector (quotas are per account, so is the pacing). Sorted by ID.
async fn collect_accounts(
    base: &aws_config::SdkConfig,
    regions: &[String],
    opts: &CollectOptions,
    collector: impl Fn(&str) -> collect::Collector,
) -> Result<Vec<facts::AccountFacts>> {
    use collect::accounts;
    use futures_util::stream::{self, StreamExt};
    let t = &opts.targets;
    let home = regions.first().map(String::as_str).unwrap_or("us-east-1");
    let partition = accounts::caller_partition(base, home).await?;
    let all = if t.organization {
        accounts::organization_accounts(base, home).await?
    } else {
        accounts::validate_account_ids(&t.accounts)?;
        accounts::sorted_unique(&t.accounts)
    };
    let mine = match t.shard {
        Some(s) => s.select(&all),
        None => all.clone(),
    };
    eprintln!(
        "msgready: {} account(s){}, {} at a time, role {}",
        mine.len(),
        t.shard
            .map(|s| format!(" (shard {}/{} of {})", s.index, s.count, all.len()))
            .unwrap_or_default(),
        t.concurrency.max(1),
        t.role_name
    );
    let collector = &collector;
    let partition = partition.as_str();
    let mut out: Vec<facts::AccountFacts> = stream::iter(mine)
        .map(|id| async move {
            let started = std::time::Instant::now();
            let c = collector(&id);
            let role = accounts::role_arn(partition, &id, &t.role_name);
            let facts = match accounts::enter(base, home, &role, &opts.credentials).await {
                Ok(sdk) => {
                    c.recorder.ok("sts", collect::GLOBAL, "AssumeRole");
                    c.collect_with(id.clone(), regions, |r| {
                        collect::RegionClients::new(&sdk, r, &c.recorder)
                    })
                    .await
                }
                Err((reason, detail)) => {
                    c.recorder
                        .failed("sts", collect::GLOBAL, "AssumeRole", reason, detail);
                    facts::AccountFacts {
                        account_id: id.clone(),
                        collection: c.recorder.statuses(),
                        ..Default::default()
                    }
                }
            };
            eprintln!(
                "msgready: account {id} done in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            facts
        })
        .buffer_unordered(t.concurrency.max(1))
        .collect()
        .await;
    out.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(out)
}

/// First SIGINT: raise the cancel (calls give up, the facts so far are kept and written). A
/// second one: leave at once, as a user pressing Ctrl-C twice expects. A plain thread on
/// signal-hook's self-pipe (tokio's signal support would rebuild every SDK crate with another
/// tokio feature set for this one handler).
fn on_sigint(trigger: collect::CancelTrigger) -> Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT])
        .map_err(|e| error::Error::Usage(format!("cannot listen for SIGINT: {e}")))?;
    std::thread::Builder::new()
        .name("msgready-sigint".into())
        .spawn(move || {
            for _ in signals.forever() {
                if trigger.is_raised() {
                    std::process::exit(i32::from(exit::INTERRUPTED));
                }
                eprintln!(
                    "msgready: interrupted: finishing with the facts gathered so far (Ctrl-C again to quit now)"
                );
                trigger.raise();
            }
        })
        .map_err(|e| error::Error::Usage(format!("cannot listen for SIGINT: {e}")))?;
    Ok(())
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(regions: &[&str], primary: Option<&str>) -> CollectOptions {
        CollectOptions {
            regions: regions.iter().map(|r| r.to_string()).collect(),
            primary: primary.map(str::to_string),
            ..Default::default()
        }
    }

    fn roles(c: &Config) -> Vec<(String, &'static str)> {
        c.deployment
            .regions
            .iter()
            .map(|r| (r.name.clone(), r.role.as_str()))
            .collect()
    }

    #[test]
    fn regions_flag_overrides_the_deployment() {
        let c = apply_deployment_overrides(
            Config::default(),
            &opts(&["eu-west-1", "us-east-1"], Some("us-east-1")),
        )
        .expect("valid");
        assert_eq!(
            roles(&c),
            [
                ("us-east-1".to_string(), "primary"),
                ("eu-west-1".to_string(), "standby")
            ]
        );
        let c = apply_deployment_overrides(Config::default(), &opts(&["eu-west-1"], None))
            .expect("valid");
        assert_eq!(roles(&c), [("eu-west-1".to_string(), "primary")]);
    }

    #[test]
    fn bad_overrides_are_usage_errors() {
        for o in [
            opts(&[], None),
            opts(&["us-east-1", "us-east-1"], None),
            opts(&["Mars"], None),
            opts(&["us-east-1"], Some("us-west-2")),
        ] {
            assert!(apply_deployment_overrides(Config::default(), &o).is_err());
        }
    }
}
