//! A whole collection, as `collect` and `scan` run it: the deployment's Regions, for the
//! caller's account or for many accounts entered by role, on a runtime of its own.

use super::Recorder;
use super::{Cancel, Collector, RegionClients, Resolver, Salt, GLOBAL};
use crate::config::Config;
use crate::config::RegionRole;
use crate::error::{Error, Result};
use crate::model::deployment::{Architecture, Role};
use crate::model::facts::{AccountFacts, FactSnapshot};
use crate::model::service::Service;

/// What a collection tells the person running it as it goes; the CLI shows it (the library
/// never prints).
pub trait Observer: Sync {
    /// One line of news ("12 account(s), 4 at a time").
    fn note(&self, _line: String) {}
    /// A single-account collection starts recording into `recorder`.
    fn watch(&self, _recorder: &Recorder, _regions: &[String]) {}
    /// It is over.
    fn done(&self) {}
}

/// An observer that shows nothing (tests, library users).
pub struct Quiet;

impl Observer for Quiet {}

/// Everything `collect` and `scan` need to reach AWS, already parsed from the command line.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// Regions to read, in order; overrides the config's deployment.
    pub regions: Vec<String>,
    /// Primary Region; the first Region when not given.
    pub primary: Option<String>,
    pub credentials: super::Credentials,
    pub limits: super::Limits,
    /// Resolve the DNS records EMAIL-004 checks.
    pub dns: bool,
    /// DNS server (IP[:port]) for `dns`; the system's resolver when `None`.
    pub dns_server: Option<String>,
    /// `--accounts` / `--organization` with `--role-name`, `--shard`; empty: the caller's
    /// own account only.
    pub targets: super::accounts::AccountTargets,
}

/// The config with `--regions`/`--primary` applied: with them, the deployment is those
/// Regions (first or `--primary` primary, the others standby or active per architecture).
pub fn apply_deployment_overrides(mut config: Config, opts: &CollectOptions) -> Result<Config> {
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
        return Err(Error::Usage(
            "no Regions to collect: pass --regions or declare deployment.regions in --config"
                .into(),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for n in &names {
        if !crate::config::is_region_code(n) {
            return Err(Error::Usage(format!(
                "`{n}` is not an AWS Region code (like us-east-1)"
            )));
        }
        if !seen.insert(n.clone()) {
            return Err(Error::Usage(format!("Region `{n}` is listed twice")));
        }
    }
    if opts.regions.is_empty() && opts.primary.is_none() {
        return Ok(config);
    }
    let primary = match &opts.primary {
        Some(p) if !names.contains(p) => {
            return Err(Error::Usage(format!(
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
pub fn collect_snapshot(
    config: &Config,
    opts: &CollectOptions,
    cancel: &Cancel,
    observer: &dyn Observer,
) -> Result<FactSnapshot> {
    let regions: Vec<String> = config
        .deployment
        .regions
        .iter()
        .map(|r| r.name.clone())
        .collect();
    // One salt for every account of the scan: hashes compare across them too.
    let salt = Salt::random()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let dns_server = match &opts.dns_server {
        Some(s) => Some(super::dns::parse_server(s)?),
        None => None,
    };
    let accounts = runtime.block_on(async {
        let resolver = match opts.dns {
            true => Some(Resolver(std::sync::Arc::new(super::dns::resolver(
                dns_server,
            )?))),
            false => None,
        };
        let collector = |_: &str| {
            let mut c = Collector::new(salt.clone(), opts.limits);
            c.window_days = config.thresholds.exercise_window_days;
            c.dns = resolver.clone();
            c.cancel = cancel.clone();
            c
        };
        let sdk = super::load_sdk_config(&opts.credentials, &opts.limits).await;
        if opts.targets.is_multi() {
            return collect_accounts(&sdk, &regions, opts, collector, observer).await;
        }
        let collector = collector("");
        observer.watch(&collector.recorder, &regions);
        // Once collecting, the cancel makes every pending call give up, so `collect` returns
        // what was gathered (see `Cancel`).
        let account = collector.collect(&sdk, &regions).await;
        observer.done();
        Ok(vec![account?])
    })?;
    Ok(FactSnapshot {
        schema_version: crate::model::facts::SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        collected_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
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
    collector: impl Fn(&str) -> Collector,
    observer: &dyn Observer,
) -> Result<Vec<AccountFacts>> {
    use super::accounts;
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
    observer.note(format!(
        "{} account(s){}, {} at a time, role {}",
        mine.len(),
        t.shard
            .map(|s| format!(" (shard {}/{} of {})", s.index, s.count, all.len()))
            .unwrap_or_default(),
        t.concurrency.max(1),
        t.role_name
    ));
    let collector = &collector;
    let partition = partition.as_str();
    let mut out: Vec<AccountFacts> = stream::iter(mine)
        .map(|id| async move {
            let started = std::time::Instant::now();
            let c = collector(&id);
            let role = accounts::role_arn(partition, &id, &t.role_name);
            let facts = match accounts::enter(base, home, &role, &opts.credentials).await {
                Ok(sdk) => {
                    c.recorder.ok(Service::Sts, GLOBAL, "AssumeRole");
                    c.collect_with(id.clone(), regions, |r| {
                        RegionClients::new(&sdk, r, &c.recorder)
                    })
                    .await
                }
                Err((reason, detail)) => {
                    c.recorder
                        .failed(Service::Sts, GLOBAL, "AssumeRole", reason, detail);
                    AccountFacts {
                        account_id: id.clone(),
                        collection: c.recorder.statuses(),
                        ..Default::default()
                    }
                }
            };
            observer.note(format!(
                "account {id} done in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
            facts
        })
        .buffer_unordered(t.concurrency.max(1))
        .collect()
        .await;
    out.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

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
