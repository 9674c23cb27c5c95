//! S3: the buckets event data lands in, their replication, encryption and public-access blocks.

use super::yes;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Bucket {
    pub name: String,
    /// The bucket's real Region (from HeadBucket/GetBucketLocation; empty constraint is
    /// us-east-1). `None` when the bucket does not exist or could not be located.
    #[serde(default)]
    pub region: Option<String>,
    /// False when HeadBucket answered 404: a referenced bucket that is gone.
    #[serde(default = "yes")]
    pub exists: bool,
    /// `Enabled`, `Suspended`, or `None` when versioning was never enabled.
    #[serde(default)]
    pub versioning: Option<String>,
    #[serde(default)]
    pub replication: Option<S3Replication>,
    /// Default encryption; `None` when the bucket has none.
    #[serde(default)]
    pub encryption: Option<S3Encryption>,
    /// `None` when the bucket has no public access block configuration.
    #[serde(default)]
    pub public_access_block: Option<PublicAccessBlock>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Replication {
    pub role_arn: String,
    #[serde(default)]
    pub rules: Vec<S3ReplicationRule>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3ReplicationRule {
    #[serde(default)]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    #[serde(default)]
    pub priority: Option<i64>,
    /// Key prefix the rule covers (filter prefix, or the legacy rule prefix); empty = all.
    #[serde(default)]
    pub prefix: String,
    pub destination_bucket_arn: String,
    #[serde(default)]
    pub destination_account: Option<String>,
    #[serde(default)]
    pub storage_class: Option<String>,
    /// S3 Replication Time Control.
    #[serde(default)]
    pub rtc_enabled: bool,
    #[serde(default)]
    pub metrics_enabled: bool,
    #[serde(default)]
    pub delete_marker_replication: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Encryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub algorithm: String,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}
