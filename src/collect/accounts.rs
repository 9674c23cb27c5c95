//! Many accounts: which accounts to scan (`--accounts`, `--organization`, `--shard`), and
//! entering each one (STS AssumeRole of `--role-name`).
//!
//! Every account is assumed to run the same deployment (the same Regions and roles, one
//! config); the per-account pacing of [`super::Pacer`] is kept because AWS quotas are per
//! account. An account whose role cannot be assumed is not an error of the scan: it is
//! recorded as a failed `sts:AssumeRole` and every one of its results comes out
//! `not_assessed` (see `engine::account_unreachable`).

use super::{classify, scrub, Credentials, GLOBAL};
use crate::error::{Error, Result};
use crate::model::facts::FailureReason;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sesv2::error::ProvideErrorMetadata;

/// Which accounts a scan covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountTargets {
    /// `--accounts`: explicit account IDs.
    pub accounts: Vec<String>,
    /// `--organization`: every ACTIVE account of the caller's organization.
    pub organization: bool,
    /// `--role-name`: the role assumed in each account.
    pub role_name: String,
    /// `--shard I/N`.
    pub shard: Option<Shard>,
    /// `--account-concurrency`: accounts collected at once.
    pub concurrency: usize,
}

impl AccountTargets {
    /// True when the scan enters accounts by role rather than reading the caller's own.
    pub fn is_multi(&self) -> bool {
        self.organization || !self.accounts.is_empty()
    }
}

/// `--shard I/N`: worker `index` (0-based, as AWS Batch array jobs, Kubernetes indexed Jobs
/// and Step Functions map iterations number them) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` with 0 ≤ I < N. The message names the flag (exit 2).
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let bad = |why: &str| format!("--shard `{text}`: {why}");
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| bad("expected I/N, e.g. 0/4 (I is 0-based)"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| bad("I is not a whole number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if index >= count {
            return Err(bad(&format!(
                "I is 0-based and must be below N: 0..={}",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    /// This shard's accounts: every `count`-th of the sorted, de-duplicated list, starting at
    /// `index`. Over all indexes the shards cover the list exactly once (some may be empty
    /// when N exceeds the number of accounts).
    pub fn select(&self, accounts: &[String]) -> Vec<String> {
        sorted_unique(accounts)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index)
            .map(|(_, a)| a)
            .collect()
    }
}

/// Sorted, without duplicates: the order shards are cut from, the same on every worker.
pub fn sorted_unique(accounts: &[String]) -> Vec<String> {
    let set: std::collections::BTreeSet<String> = accounts.iter().cloned().collect();
    set.into_iter().collect()
}

/// Checks `--accounts` values: 12 digits each.
pub fn validate_account_ids(ids: &[String]) -> Result<()> {
    for id in ids {
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::Usage(format!(
                "--accounts: `{id}` is not an AWS account ID (12 digits)"
            )));
        }
    }
    Ok(())
}

/// `arn:<partition>:iam::<account>:role/<name>`. `name` may carry a path (`ops/msgready`).
pub fn role_arn(partition: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{partition}:iam::{account}:role/{}",
        name.trim_start_matches('/')
    )
}

/// The caller's partition, from the ARN sts:GetCallerIdentity returns. A failure is a
/// failure to start (exit 2).
pub async fn caller_partition(sdk: &SdkConfig, home: &str) -> Result<String> {
    let sts = sts_client(sdk, home);
    let out = sts.get_caller_identity().send().await.map_err(|e| {
        Error::Usage(format!(
            "cannot identify the AWS caller (sts:GetCallerIdentity): {}; check credentials, --profile and --role-arn",
            service_detail(&e)
        ))
    })?;
    Ok(out
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string())
}

fn sts_client(sdk: &SdkConfig, home: &str) -> aws_sdk_sts::Client {
    let mut conf = aws_sdk_sts::config::Builder::from(sdk);
    if sdk.region().is_none() {
        conf = conf.region(Region::new(home.to_string()));
    }
    aws_sdk_sts::Client::from_conf(conf.build())
}

fn service_detail<E, R>(e: &aws_sdk_sts::error::SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e.as_service_error() {
        Some(s) => format!(
            "{}: {}",
            s.code().unwrap_or("error"),
            s.message().map(scrub).unwrap_or_default()
        ),
        None => super::classify::error_chain(e),
    }
}

/// Every ACTIVE account of the organization (Organizations ListAccounts, all pages), sorted.
/// Runs with the caller's credentials, which must be those of the management account or of
/// a delegated administrator; a failure is a failure to start (exit 2).
pub async fn organization_accounts(sdk: &SdkConfig, home: &str) -> Result<Vec<String>> {
    let mut conf = aws_sdk_organizations::config::Builder::from(sdk);
    if sdk.region().is_none() {
        conf = conf.region(Region::new(home.to_string()));
    }
    let client = aws_sdk_organizations::Client::from_conf(conf.build());
    let mut pages = client.list_accounts().into_paginator().send();
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            Error::Usage(format!(
                "cannot list the organization's accounts (organizations:ListAccounts): {}; run --organization with credentials of the management account or of a delegated administrator, or name accounts with --accounts",
                service_detail(&e)
            ))
        })?;
        for a in page.accounts() {
            // Suspended and closing accounts cannot be entered; they are not part of the scan.
            let active = a
                .status()
                .is_some_and(|s| *s == aws_sdk_organizations::types::AccountStatus::Active);
            if let (true, Some(id)) = (active, a.id()) {
                ids.push(id.to_string());
            }
        }
    }
    if ids.is_empty() {
        return Err(Error::Usage(
            "the organization has no ACTIVE account (organizations:ListAccounts)".into(),
        ));
    }
    Ok(sorted_unique(&ids))
}

/// Enters `account` by assuming `role`: on success an SDK config whose credentials are that
/// role's (refreshed by the SDK when a long scan outlives them); on failure the reason and
/// detail to record as `sts:AssumeRole` in `global`.
pub async fn enter(
    base: &SdkConfig,
    home: &str,
    role: &str,
    creds: &Credentials,
) -> std::result::Result<SdkConfig, (FailureReason, String)> {
    // One explicit call first: its error is classified like any other collection failure
    // (AccessDenied → access_denied), which the lazy credentials provider would only report
    // later as an opaque credentials error on the first read.
    let sts = sts_client(base, home);
    let mut req = sts
        .assume_role()
        .role_arn(role)
        .role_session_name("msgready");
    if let Some(x) = &creds.external_id {
        req = req.external_id(x);
    }
    if let Err(e) = req.send().await {
        let (reason, detail) = classify(&e, GLOBAL);
        return Err((reason, format!("{role}: {detail}")));
    }
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("msgready")
        .configure(base);
    if let Some(x) = &creds.external_id {
        provider = provider.external_id(x);
    }
    if sdk_region_missing(base) {
        provider = provider.region(Region::new(home.to_string()));
    }
    let provider = provider.build().await;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(provider)
        .region(
            base.region()
                .cloned()
                .unwrap_or_else(|| Region::new(home.to_string())),
        );
    if let Some(retry) = base.retry_config() {
        loader = loader.retry_config(retry.clone());
    }
    if let Some(p) = &creds.profile {
        // Keeps endpoint and other settings of the profile; the credentials are the role's.
        loader = loader.profile_name(p);
    }
    Ok(loader.load().await)
}

fn sdk_region_missing(sdk: &SdkConfig) -> bool {
    sdk.region().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{:012}", 100 + i * 7)).collect()
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse(" 3 / 4 "), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1/0", "a/2", "1", "-1/2", "1/2/3", "", "/"] {
            let e = Shard::parse(bad).expect_err(bad);
            assert!(e.starts_with("--shard"), "{e}");
        }
    }

    /// The property: for every N (including N above the number of accounts), the shards
    /// 0..N are pairwise disjoint and their union is the whole (sorted, unique) list.
    #[test]
    fn shards_cover_every_account_exactly_once() {
        for total in [0usize, 1, 2, 3, 7, 20] {
            let mut accounts = ids(total);
            accounts.reverse(); // input order must not matter
            if total > 1 {
                accounts.push(accounts[0].clone()); // nor duplicates
            }
            for count in 1..=total + 3 {
                let mut seen = std::collections::BTreeMap::new();
                for index in 0..count {
                    let part = Shard { index, count }.select(&accounts);
                    // Shards are balanced: sizes differ by at most one.
                    assert!(part.len() <= total.div_ceil(count));
                    for a in part {
                        *seen.entry(a).or_insert(0) += 1;
                    }
                }
                assert_eq!(
                    seen.keys().cloned().collect::<Vec<_>>(),
                    sorted_unique(&accounts),
                    "union, N={count}"
                );
                assert!(seen.values().all(|&n| n == 1), "disjoint, N={count}");
            }
        }
    }

    #[test]
    fn account_ids_and_role_arns() {
        assert!(validate_account_ids(&ids(3)).is_ok());
        for bad in ["12345", "1234567890123", "12345678901a"] {
            assert!(validate_account_ids(&[bad.to_string()]).is_err());
        }
        assert_eq!(
            role_arn("aws-cn", "111122223333", "msgready-read"),
            "arn:aws-cn:iam::111122223333:role/msgready-read"
        );
        assert_eq!(
            role_arn("aws", "111122223333", "/ops/msgready"),
            "arn:aws:iam::111122223333:role/ops/msgready"
        );
    }
}
