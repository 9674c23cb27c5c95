//! Amazon S3: the buckets event data lands in and their replication destinations: location,
//! versioning, replication, encryption, public access block.
//!
//! S3's "not configured" answers (no replication, no default encryption, no public access
//! block) are errors the SDK does not model; they are matched on their code and recorded as
//! successful reads of "none".

use super::Ctx;
use crate::collect::refs::bucket_name;
use crate::model::facts::{
    PublicAccessBlock, S3Bucket, S3Encryption, S3Replication, S3ReplicationRule,
};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketLocationConstraint, PublicAccessBlockConfiguration, ReplicationConfiguration,
    ReplicationRule, ServerSideEncryptionConfiguration,
};
use aws_sdk_s3::Client;
use std::collections::BTreeSet;

/// GetBucketLocation answers for any bucket from this Region's endpoint.
const LOCATION_REGION: &str = "us-east-1";

/// Reads `buckets`, then every replication destination among their rules not read yet.
/// Sorted by name. `None` only when buckets were asked for and not one could be read.
pub async fn collect(
    ctx: &Ctx,
    clients: &(dyn Fn(&str) -> Client + Sync),
    buckets: Vec<String>,
) -> Option<Vec<S3Bucket>> {
    if buckets.is_empty() {
        return Some(Vec::new());
    }
    let asked: BTreeSet<String> = buckets.iter().cloned().collect();
    let mut out = read_all(ctx, clients, asked.iter().cloned().collect()).await;
    let destinations: BTreeSet<String> = out
        .iter()
        .flat_map(|b| b.replication.iter().flat_map(|r| &r.rules))
        .filter_map(|r| bucket_name(&r.destination_bucket_arn))
        .filter(|d| !asked.contains(d))
        .collect();
    if !destinations.is_empty() {
        out.extend(read_all(ctx, clients, destinations.into_iter().collect()).await);
    }
    if out.is_empty() {
        return None;
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

async fn read_all(
    ctx: &Ctx,
    clients: &(dyn Fn(&str) -> Client + Sync),
    names: Vec<String>,
) -> Vec<S3Bucket> {
    ctx.each(names, |name| read(ctx, clients, name)).await
}

/// One bucket. `None` when not even its location could be read: nothing is known of it, and
/// the rules say so for a bucket missing from the facts.
async fn read(
    ctx: &Ctx,
    clients: &(dyn Fn(&str) -> Client + Sync),
    name: String,
) -> Option<S3Bucket> {
    let location = ctx
        .call_or_missing(
            "GetBucketLocation",
            clients(LOCATION_REGION)
                .get_bucket_location()
                .bucket(&name)
                .send(),
            |e| e.code() == Some("NoSuchBucket"),
        )
        .await?;
    let Some(location) = location else {
        return Some(S3Bucket {
            name,
            exists: false,
            ..Default::default()
        });
    };
    let region = region_of(location.location_constraint());
    let client = clients(&region);
    let (versioning, replication, encryption, public_access) = tokio::join!(
        ctx.call(
            "GetBucketVersioning",
            client.get_bucket_versioning().bucket(&name).send()
        ),
        ctx.call_or_missing(
            "GetReplicationConfiguration",
            client.get_bucket_replication().bucket(&name).send(),
            |e| e.code() == Some("ReplicationConfigurationNotFoundError"),
        ),
        ctx.call_or_missing(
            "GetEncryptionConfiguration",
            client.get_bucket_encryption().bucket(&name).send(),
            |e| e.code() == Some("ServerSideEncryptionConfigurationNotFoundError"),
        ),
        ctx.call_or_missing(
            "GetBucketPublicAccessBlock",
            client.get_public_access_block().bucket(&name).send(),
            |e| e.code() == Some("NoSuchPublicAccessBlockConfiguration"),
        ),
    );
    // A failed read leaves its field empty; the failure is recorded, and every rule that
    // needs that operation is then reported as not assessed rather than judged on the gap.
    Some(S3Bucket {
        name,
        region: Some(region),
        exists: true,
        versioning: versioning
            .and_then(|v| v.status().map(|s| s.as_str().to_string()))
            .filter(|s| !s.is_empty()),
        replication: replication
            .flatten()
            .and_then(|r| r.replication_configuration().map(replication_facts)),
        encryption: encryption.flatten().and_then(|e| {
            e.server_side_encryption_configuration()
                .and_then(encryption_facts)
        }),
        public_access_block: public_access.flatten().and_then(|p| {
            p.public_access_block_configuration()
                .map(PublicAccessBlock::from)
        }),
    })
}

/// The Region of a location constraint: S3 answers an empty constraint for us-east-1 and the
/// legacy `EU` for eu-west-1.
pub fn region_of(constraint: Option<&BucketLocationConstraint>) -> String {
    match constraint.map(|c| c.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(r) => r.to_string(),
    }
}

pub fn replication_facts(c: &ReplicationConfiguration) -> S3Replication {
    S3Replication {
        role_arn: c.role().to_string(),
        rules: c.rules().iter().map(rule_facts).collect(),
    }
}

// The rule-level `Prefix` is deprecated in the model but still what V1 configurations use.
#[allow(deprecated)]
pub fn rule_facts(r: &ReplicationRule) -> S3ReplicationRule {
    let filter = r.filter();
    let prefix = filter
        .and_then(|f| f.prefix().or_else(|| f.and().and_then(|a| a.prefix())))
        .or_else(|| r.prefix())
        .unwrap_or_default();
    let dest = r.destination();
    let delete_markers = match r.delete_marker_replication().and_then(|d| d.status()) {
        Some(s) => s.as_str() == "Enabled",
        // A V1 rule (no Filter) cannot set DeleteMarkerReplication, and S3 replicates the
        // delete markers of V1 rules; a V2 rule without the element does not.
        None => filter.is_none(),
    };
    S3ReplicationRule {
        id: r.id().map(str::to_string).filter(|s| !s.is_empty()),
        status: r.status().as_str().to_string(),
        priority: r.priority().map(i64::from),
        prefix: prefix.to_string(),
        destination_bucket_arn: dest.map(|d| d.bucket().to_string()).unwrap_or_default(),
        destination_account: dest.and_then(|d| d.account()).map(str::to_string),
        storage_class: dest
            .and_then(|d| d.storage_class())
            .map(|s| s.as_str().to_string()),
        rtc_enabled: dest
            .and_then(|d| d.replication_time())
            .is_some_and(|t| t.status().as_str() == "Enabled"),
        metrics_enabled: dest
            .and_then(|d| d.metrics())
            .is_some_and(|m| m.status().as_str() == "Enabled"),
        delete_marker_replication: delete_markers,
    }
}

/// The default encryption: the first rule that applies one (S3 allows only one today).
pub fn encryption_facts(c: &ServerSideEncryptionConfiguration) -> Option<S3Encryption> {
    c.rules()
        .iter()
        .find_map(|r| r.apply_server_side_encryption_by_default())
        .map(|d| S3Encryption {
            algorithm: d.sse_algorithm().as_str().to_string(),
            kms_key_id: d.kms_master_key_id().map(str::to_string),
        })
}

impl From<&PublicAccessBlockConfiguration> for PublicAccessBlock {
    fn from(p: &PublicAccessBlockConfiguration) -> Self {
        // An absent setting is not in force.
        PublicAccessBlock {
            block_public_acls: p.block_public_acls().unwrap_or(false),
            ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
            block_public_policy: p.block_public_policy().unwrap_or(false),
            restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::types::{
        DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, Metrics,
        MetricsStatus, ReplicationRuleAndOperator, ReplicationRuleFilter, ReplicationRuleStatus,
        ReplicationTime, ReplicationTimeStatus, ReplicationTimeValue, ServerSideEncryption,
        ServerSideEncryptionByDefault, ServerSideEncryptionRule, StorageClass, Tag,
    };

    #[test]
    fn location_constraints() {
        assert_eq!(region_of(None), "us-east-1");
        assert_eq!(
            region_of(Some(&BucketLocationConstraint::from(""))),
            "us-east-1"
        );
        assert_eq!(
            region_of(Some(&BucketLocationConstraint::from("EU"))),
            "eu-west-1"
        );
        assert_eq!(
            region_of(Some(&BucketLocationConstraint::UsWest2)),
            "us-west-2"
        );
        assert_eq!(
            region_of(Some(&BucketLocationConstraint::from("xx-future-9"))),
            "xx-future-9"
        );
    }

    fn destination(rtc: bool) -> Destination {
        let mut d = Destination::builder()
            .bucket("arn:aws:s3:::events-replica")
            .account("444455556666")
            .storage_class(StorageClass::StandardIa);
        if rtc {
            d = d
                .replication_time(
                    ReplicationTime::builder()
                        .status(ReplicationTimeStatus::Enabled)
                        .time(ReplicationTimeValue::builder().minutes(15).build())
                        .build()
                        .unwrap(),
                )
                .metrics(
                    Metrics::builder()
                        .status(MetricsStatus::Enabled)
                        .event_threshold(ReplicationTimeValue::builder().minutes(15).build())
                        .build()
                        .unwrap(),
                );
        }
        d.build().unwrap()
    }

    #[test]
    fn replication_rule_with_rtc_and_metrics() {
        let rule = ReplicationRule::builder()
            .id("events-crr")
            .priority(1)
            .filter(ReplicationRuleFilter::builder().prefix("events/").build())
            .status(ReplicationRuleStatus::Enabled)
            .destination(destination(true))
            .delete_marker_replication(
                DeleteMarkerReplication::builder()
                    .status(DeleteMarkerReplicationStatus::Enabled)
                    .build(),
            )
            .build()
            .unwrap();
        let config = ReplicationConfiguration::builder()
            .role("arn:aws:iam::111122223333:role/s3-crr")
            .rules(rule)
            .build()
            .unwrap();
        assert_eq!(
            replication_facts(&config),
            S3Replication {
                role_arn: "arn:aws:iam::111122223333:role/s3-crr".into(),
                rules: vec![S3ReplicationRule {
                    id: Some("events-crr".into()),
                    status: "Enabled".into(),
                    priority: Some(1),
                    prefix: "events/".into(),
                    destination_bucket_arn: "arn:aws:s3:::events-replica".into(),
                    destination_account: Some("444455556666".into()),
                    storage_class: Some("STANDARD_IA".into()),
                    rtc_enabled: true,
                    metrics_enabled: true,
                    delete_marker_replication: true,
                }],
            }
        );
    }

    #[test]
    #[allow(deprecated)]
    fn legacy_prefix_and_filter_variants() {
        // V1: rule-level prefix, no filter; delete markers replicate.
        let v1 = ReplicationRule::builder()
            .prefix("old/")
            .status(ReplicationRuleStatus::Disabled)
            .destination(destination(false))
            .build()
            .unwrap();
        let f = rule_facts(&v1);
        assert_eq!(f.prefix, "old/");
        assert_eq!(f.status, "Disabled");
        assert_eq!(f.id, None);
        assert_eq!(f.priority, None);
        assert!(!f.rtc_enabled && !f.metrics_enabled);
        assert!(f.delete_marker_replication);

        // V2 with an And filter: its prefix; no DeleteMarkerReplication = not replicated.
        let and = ReplicationRule::builder()
            .filter(
                ReplicationRuleFilter::builder()
                    .and(
                        ReplicationRuleAndOperator::builder()
                            .prefix("a/")
                            .tags(Tag::builder().key("k").value("v").build().unwrap())
                            .build(),
                    )
                    .build(),
            )
            .status(ReplicationRuleStatus::Enabled)
            .destination(destination(false))
            .build()
            .unwrap();
        let f = rule_facts(&and);
        assert_eq!(f.prefix, "a/");
        assert!(!f.delete_marker_replication);

        // V2 with an empty filter: the whole bucket.
        let all = ReplicationRule::builder()
            .filter(ReplicationRuleFilter::builder().build())
            .status(ReplicationRuleStatus::Enabled)
            .destination(destination(false))
            .build()
            .unwrap();
        assert_eq!(rule_facts(&all).prefix, "");
    }

    #[test]
    fn encryption_and_public_access_block() {
        let c = ServerSideEncryptionConfiguration::builder()
            .rules(
                ServerSideEncryptionRule::builder()
                    .bucket_key_enabled(true)
                    .build(),
            )
            .rules(
                ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(
                        ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(ServerSideEncryption::AwsKms)
                            .kms_master_key_id("arn:aws:kms:us-east-1:111122223333:key/k")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build()
            .unwrap();
        assert_eq!(
            encryption_facts(&c),
            Some(S3Encryption {
                algorithm: "aws:kms".into(),
                kms_key_id: Some("arn:aws:kms:us-east-1:111122223333:key/k".into()),
            })
        );
        let empty = ServerSideEncryptionConfiguration::builder()
            .set_rules(Some(vec![]))
            .build()
            .unwrap();
        assert_eq!(encryption_facts(&empty), None);

        let p = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(false)
            .build();
        assert_eq!(
            PublicAccessBlock::from(&p),
            PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: false,
                restrict_public_buckets: false,
            }
        );
    }
}
