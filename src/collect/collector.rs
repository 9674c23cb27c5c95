//! One account, read across Regions in three phases.

use super::classify::{error_chain, scrub};
use super::{
    cloudtrail, cloudwatch, dns, firehose, iam, kinesis, lambda, pinpoint, refs, s3, sesv2,
    sms_voice, Cancel, Ctx, Limits, Pacer, Recorder, RegionClients, Salt, GLOBAL,
};
use crate::error::{Error, Result};
use crate::model::facts::{AccountFacts, RegionFacts};
use crate::model::service::Service;
use aws_config::{Region, SdkConfig};
use aws_sdk_sesv2::error::ProvideErrorMetadata;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Collects one account across Regions.
#[derive(Debug, Clone)]
pub struct Collector {
    pub salt: Salt,
    pub limits: Limits,
    pub recorder: Recorder,
    /// Days of CloudWatch sending metrics to read for the exercise evidence (OPS-003).
    pub window_days: u32,
    /// Resolver for the DNS checks (`--dns`); `None` leaves `dns` uncollected.
    pub dns: Option<Resolver>,
    /// Raised by SIGINT (see [`Cancel`]).
    pub cancel: Cancel,
    pacer: Pacer,
}

/// A shared DNS resolver (hickory), cheap to clone.
#[derive(Clone)]
pub struct Resolver(pub Arc<hickory_resolver::TokioResolver>);

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

impl Collector {
    pub fn new(salt: Salt, limits: Limits) -> Collector {
        Collector {
            salt,
            limits,
            recorder: Recorder::default(),
            window_days: 30,
            dns: None,
            cancel: Cancel::never(),
            pacer: Pacer::new(limits),
        }
    }

    /// The account ID of the credentials. A failure here is a failure to start (exit 2).
    pub async fn account_id(sdk: &SdkConfig, fallback_region: &str) -> Result<String> {
        let mut conf = aws_sdk_sts::config::Builder::from(sdk);
        if sdk.region().is_none() {
            conf = conf.region(Region::new(fallback_region.to_string()));
        }
        let sts = aws_sdk_sts::Client::from_conf(conf.build());
        let out = sts.get_caller_identity().send().await.map_err(|e| {
            let detail = match e.as_service_error() {
                Some(s) => format!(
                    "{}: {}",
                    s.code().unwrap_or("error"),
                    s.message().map(scrub).unwrap_or_default()
                ),
                None => error_chain(&e),
            };
            Error::Usage(format!(
                "cannot identify the AWS account (sts:GetCallerIdentity): {detail}; check credentials, --profile and --role-arn"
            ))
        })?;
        out.account()
            .map(str::to_string)
            .ok_or_else(|| Error::Usage("sts:GetCallerIdentity returned no account".into()))
    }

    /// Reads every Region concurrently with clients built from `sdk`.
    pub async fn collect(&self, sdk: &SdkConfig, regions: &[String]) -> Result<AccountFacts> {
        let first = regions.first().map(String::as_str).unwrap_or("us-east-1");
        // Interrupted before the account is known: there is nothing worth keeping.
        let account_id = self
            .cancel
            .race(Self::account_id(sdk, first))
            .await
            .ok_or_else(|| {
                Error::Interrupted(
                    "interrupted before the account was identified; nothing was collected".into(),
                )
            })??;
        Ok(self
            .collect_with(account_id, regions, |r| {
                RegionClients::new(sdk, r, &self.recorder)
            })
            .await)
    }

    /// Reads the account with the clients `clients` makes for a Region (tests pass mocks).
    ///
    /// Three phases, each as concurrent as its inputs allow: (1) every Region's own services
    /// and CloudTrail; (2) what phase 1 points at: each Region's Lambda functions, and the S3
    /// buckets event data lands in (with their replication destinations); (3) the IAM roles
    /// referenced anywhere, S3 replication roles included.
    pub async fn collect_with(
        &self,
        account_id: String,
        regions: &[String],
        clients: impl Fn(&str) -> RegionClients + Sync,
    ) -> AccountFacts {
        let cache: Mutex<HashMap<String, RegionClients>> = Mutex::default();
        let client_for = |r: &str| -> RegionClients {
            let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(r.to_string())
                .or_insert_with(|| clients(r))
                .clone()
        };
        let home = regions.first().map(String::as_str).unwrap_or("us-east-1");

        // Phase 1.
        tracing::info!(regions = ?regions, "collecting Regions and CloudTrail");
        let per_region = regions.iter().map(|r| {
            let c = client_for(r);
            async move { (r.clone(), Box::pin(self.collect_region(r, &c)).await) }
        });
        let trail_clients = |r: &str| client_for(r).cloudtrail;
        let cloudtrail_ctx = self.ctx(GLOBAL, Service::CloudTrail);
        let (per_region, trails) = tokio::join!(
            futures_util::future::join_all(per_region),
            Box::pin(cloudtrail::collect(
                &cloudtrail_ctx,
                &trail_clients,
                regions
            )),
        );
        let mut facts: BTreeMap<String, RegionFacts> = per_region.into_iter().collect();

        // Phase 2.
        tracing::info!("collecting Lambda functions, S3 buckets and DNS records");
        let functions = refs::lambda_functions(&facts);
        // A function in a Region outside the deployment has no place in the facts.
        let lambda_reads = functions
            .into_iter()
            .filter(|(r, _)| facts.contains_key(r))
            .map(|(r, names)| {
                let c = client_for(&r);
                let ctx = self.ctx(&r, Service::Lambda);
                async move {
                    if names.is_empty() {
                        // Pinpoint was read and calls no function: nothing is missing.
                        return (r, Some(Vec::new()));
                    }
                    (r, Box::pin(lambda::collect(&ctx, &c.lambda, names)).await)
                }
            });
        let s3_clients = |r: &str| client_for(r).s3;
        let s3_ctx = self.ctx(GLOBAL, Service::S3);
        let dns_reads = facts.iter().filter_map(|(r, f)| {
            let resolver = self.dns.clone()?;
            let ctx = self.ctx(r, Service::Dns);
            Some(async move {
                let records = dns::collect(&ctx, &resolver.0, f.ses.as_ref()).await;
                (r.clone(), records)
            })
        });
        let (lambdas, buckets, dns) = tokio::join!(
            futures_util::future::join_all(lambda_reads),
            Box::pin(s3::collect(&s3_ctx, &s3_clients, refs::buckets(&facts))),
            futures_util::future::join_all(dns_reads),
        );
        for (r, functions) in lambdas {
            if let Some(f) = facts.get_mut(&r) {
                f.lambda_functions = functions;
            }
        }
        for (r, records) in dns {
            if let Some(f) = facts.get_mut(&r) {
                f.dns = records;
            }
        }

        // Phase 3.
        let roles = refs::roles(&facts, buckets.as_deref().unwrap_or_default());
        tracing::info!(roles = roles.len(), "collecting IAM roles");
        let iam_ctx = self.ctx(GLOBAL, Service::Iam);
        let iam_roles = Box::pin(iam::collect(&iam_ctx, &client_for(home).iam, roles)).await;

        AccountFacts {
            account_id,
            salt_id: None,
            global: crate::model::facts::GlobalFacts {
                iam_roles,
                s3_buckets: buckets,
                cloudtrail_trails: trails,
            },
            regions: facts,
            collection: self.recorder.statuses(),
        }
    }

    fn ctx(&self, region: &str, service: Service) -> Ctx {
        Ctx {
            region: region.to_string(),
            service,
            salt: self.salt.clone(),
            recorder: self.recorder.clone(),
            pacer: self.pacer.clone(),
            concurrency: self.limits.concurrency.max(1),
            cancel: self.cancel.clone(),
        }
    }

    /// Phase 1 of one Region: the services that need nothing from the others.
    pub async fn collect_region(&self, region: &str, clients: &RegionClients) -> RegionFacts {
        let ctx = |service| self.ctx(region, service);
        let (ses_ctx, sms_ctx, pp_ctx) = (
            ctx(Service::Ses),
            ctx(Service::SmsVoice),
            ctx(Service::Pinpoint),
        );
        let (fh_ctx, ks_ctx, cw_ctx) = (
            ctx(Service::Firehose),
            ctx(Service::Kinesis),
            ctx(Service::CloudWatch),
        );
        // Each service's state machine goes on the heap: joined inline, the SDK futures add up
        // to more than a 2 MiB thread stack holds in a debug build (a test thread overflowed).
        let (ses, sms_voice, pinpoint, firehose_streams, kinesis_streams, alarms, activity) = tokio::join!(
            Box::pin(sesv2::collect(&ses_ctx, &clients.ses)),
            Box::pin(sms_voice::collect(&sms_ctx, &clients.sms_voice)),
            Box::pin(pinpoint::collect(&pp_ctx, &clients.pinpoint)),
            Box::pin(firehose::collect(&fh_ctx, &clients.firehose)),
            Box::pin(kinesis::collect(&ks_ctx, &clients.kinesis)),
            Box::pin(cloudwatch::alarms(&cw_ctx, &clients.cloudwatch)),
            Box::pin(cloudwatch::activity(
                &cw_ctx,
                &clients.cloudwatch,
                self.window_days
            )),
        );
        RegionFacts {
            ses,
            sms_voice,
            pinpoint,
            firehose_streams,
            kinesis_streams,
            lambda_functions: None,
            cloudwatch_alarms: alarms,
            activity,
            dns: None,
        }
    }
}
