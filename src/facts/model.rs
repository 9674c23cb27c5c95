//! The snapshot structs. Field names are msgready's own and stable; a rename is a
//! `SCHEMA_VERSION` bump. Every collection defaults to empty so that hand-written fixtures
//! stay short, but a whole service section (`ses`, `sms_voice`, `pinpoint`) is `None` when it
//! was not collected, which the engine turns into `not_assessed`, never into `pass`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole fact snapshot, as written by `msgready collect` and read by `msgready evaluate`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FactSnapshot {
    /// Format version of this file; see `SCHEMA_VERSION`.
    pub schema_version: u32,
    /// Version of the msgready that wrote it.
    #[serde(default)]
    pub tool_version: String,
    /// RFC 3339 time the collection finished (or was interrupted).
    #[serde(default)]
    pub collected_at: Option<String>,
    /// False when the collection was interrupted: facts gathered so far, the rest missing.
    #[serde(default = "yes")]
    pub complete: bool,
    /// Identifies the per-scan salt used for every hash in this snapshot (not the salt itself).
    /// Hashes are comparable only within one snapshot.
    #[serde(default)]
    pub salt_id: Option<String>,
    pub accounts: Vec<AccountFacts>,
}

fn yes() -> bool {
    true
}

/// Everything collected in one AWS account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountFacts {
    pub account_id: String,
    /// The salt of this account's hashes, when it differs from the snapshot's: set by
    /// `msgready merge` on snapshots from separate scans (shards), whose salts differ. Hashes
    /// compare only within one salt; rules compare them only within an account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_id: Option<String>,
    /// Facts of global services (IAM) and of resources addressed globally (S3 buckets,
    /// CloudTrail trails, deduplicated across Regions).
    #[serde(default)]
    pub global: GlobalFacts,
    /// Per-Region facts, keyed by Region code (`us-east-1`).
    #[serde(default)]
    pub regions: BTreeMap<String, RegionFacts>,
    /// One entry per (service, Region, operation) the collector attempted.
    #[serde(default)]
    pub collection: Vec<CollectionStatus>,
}

/// The outcome of reading one operation of one service in one Region.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct CollectionStatus {
    /// IAM service prefix: `ses`, `sms-voice`, `mobiletargeting`, `s3`, `iam`, `firehose`,
    /// `kinesis`, `lambda`, `cloudwatch`, `cloudtrail`, `sts`, `dns`.
    pub service: String,
    /// Region code, or `global` for IAM and account-wide S3 calls.
    pub region: String,
    /// API operation name as in IAM actions (`ListEmailIdentities`), or `*` for the whole
    /// service in that Region.
    pub operation: String,
    pub status: CollectionOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FailureReason>,
    /// Human-readable detail (error code and message, with personal data removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// API calls made for this operation (pages and retries included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
    /// Attempts the service answered with a throttling error (retried by the SDK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttles: Option<u64>,
}

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum CollectionOutcome {
    Ok,
    Failed,
}

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// AccessDenied, including denials by a service control policy.
    AccessDenied,
    /// The Region is an opt-in Region that the account has not enabled.
    RegionNotEnabled,
    /// The service is not offered in that Region.
    NotOffered,
    /// The endpoint does not support the operation (e.g. Pinpoint after end of support).
    Unsupported,
    /// Retries were exhausted on throttling errors.
    ThrottledOut,
    /// The scan was interrupted before this operation ran.
    Interrupted,
    Other,
}

impl FailureReason {
    pub fn describe(self) -> &'static str {
        match self {
            FailureReason::AccessDenied => "access denied",
            FailureReason::RegionNotEnabled => "Region not enabled",
            FailureReason::NotOffered => "service not offered in this Region",
            FailureReason::Unsupported => "operation not supported by the endpoint",
            FailureReason::ThrottledOut => "throttled (retries exhausted)",
            FailureReason::Interrupted => "scan interrupted",
            FailureReason::Other => "collection failed",
        }
    }
}

/// A set of salted hashes (SHA-256 of salt and normalised value, hex, truncated) standing for
/// personal data. `count` is the number of values, `hashes` their sorted hashes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HashedSet {
    pub count: u64,
    #[serde(default)]
    pub hashes: Vec<String>,
}

pub type Tags = BTreeMap<String, String>;

// ---------------------------------------------------------------------------------------
// Global facts
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GlobalFacts {
    /// `None` when IAM could not be read at all.
    #[serde(default)]
    pub iam_roles: Option<Vec<IamRole>>,
    /// Buckets the deployment references (event-stream destinations, replication
    /// destinations, import sources). `None` when S3 could not be read at all.
    #[serde(default)]
    pub s3_buckets: Option<Vec<S3Bucket>>,
    /// CloudTrail trails visible from any scanned Region, deduplicated by ARN.
    #[serde(default)]
    pub cloudtrail_trails: Option<Vec<Trail>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    pub name: String,
    pub arn: String,
    /// The trust (assume-role) policy, percent-decoded and parsed.
    #[serde(default)]
    pub trust_policy: serde_json::Value,
    #[serde(default)]
    pub inline_policies: Vec<IamPolicy>,
    #[serde(default)]
    pub attached_policies: Vec<IamPolicy>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IamPolicy {
    pub name: String,
    /// ARN of a managed policy; absent for inline policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The policy document (default version for managed policies), decoded and parsed.
    #[serde(default)]
    pub document: serde_json::Value,
}

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

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub is_multi_region: bool,
    pub is_logging: bool,
    /// True when the trail records management events (read, write or all).
    #[serde(default)]
    pub management_events: bool,
}

// ---------------------------------------------------------------------------------------
// Per-Region facts
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionFacts {
    /// Amazon SES v2. `None` when not collected.
    #[serde(default)]
    pub ses: Option<SesFacts>,
    /// AWS End User Messaging SMS and voice v2. `None` when not collected.
    #[serde(default)]
    pub sms_voice: Option<SmsVoiceFacts>,
    /// Legacy Amazon Pinpoint projects. `None` when not collected (or the API is gone).
    #[serde(default)]
    pub pinpoint: Option<PinpointFacts>,
    #[serde(default)]
    pub firehose_streams: Option<Vec<FirehoseStream>>,
    #[serde(default)]
    pub kinesis_streams: Option<Vec<KinesisStream>>,
    /// Lambda functions referenced by projects (campaign hooks, custom channels).
    #[serde(default)]
    pub lambda_functions: Option<Vec<LambdaFunction>>,
    /// CloudWatch alarms on messaging metrics (AWS/SES, AWS/SMSVoice, AWS/Pinpoint, ...).
    #[serde(default)]
    pub cloudwatch_alarms: Option<Vec<Alarm>>,
    /// Sending activity over the configured exercise window (CloudWatch metrics).
    #[serde(default)]
    pub activity: Option<Activity>,
    /// DNS lookups made for this Region's records (opt-in `--dns`).
    #[serde(default)]
    pub dns: Option<DnsFacts>,
}

// ----- SES v2 -----

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SesFacts {
    #[serde(default)]
    pub identities: Vec<EmailIdentity>,
    #[serde(default)]
    pub account: Option<SesAccount>,
    #[serde(default)]
    pub dedicated_ips: Vec<DedicatedIp>,
    #[serde(default)]
    pub dedicated_ip_pools: Vec<DedicatedIpPool>,
    /// Account-level suppression list entries, hashed.
    #[serde(default)]
    pub suppressed_destinations: HashedSet,
    #[serde(default)]
    pub configuration_sets: Vec<SesConfigurationSet>,
    #[serde(default)]
    pub templates: Vec<SesTemplate>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailIdentity {
    /// The domain, or for an address identity the salted hash of the address
    /// (`address:<hash>`); addresses are personal data.
    pub name: String,
    /// `DOMAIN`, `EMAIL_ADDRESS`, `MANAGED_DOMAIN`.
    pub identity_type: String,
    #[serde(default)]
    pub verified_for_sending: bool,
    /// `PENDING`, `SUCCESS`, `FAILED`, `TEMPORARY_FAILURE`, `NOT_STARTED`.
    #[serde(default)]
    pub verification_status: Option<String>,
    /// VerificationInfo.ErrorType, e.g. `REPLICATION_PRIMARY_NOT_FOUND`.
    #[serde(default)]
    pub verification_error: Option<String>,
    #[serde(default)]
    pub dkim: Option<DkimAttributes>,
    #[serde(default)]
    pub mail_from: Option<MailFrom>,
    /// Default configuration set of the identity.
    #[serde(default)]
    pub configuration_set: Option<String>,
    /// Names of sending-authorization policies.
    #[serde(default)]
    pub policy_names: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DkimAttributes {
    pub signing_enabled: bool,
    /// `PENDING`, `SUCCESS`, `FAILED`, `TEMPORARY_FAILURE`, `NOT_STARTED`.
    #[serde(default)]
    pub status: Option<String>,
    /// Easy DKIM tokens: `<token>._domainkey.<domain>` CNAMEs.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// `AWS_SES`, `EXTERNAL`, or `AWS_SES_<REGION>` for Deterministic Easy DKIM replicas.
    #[serde(default)]
    pub signing_attributes_origin: Option<String>,
    /// The zone the DKIM CNAMEs must point into (e.g. `dkim.amazonses.com`).
    #[serde(default)]
    pub signing_hosted_zone: Option<String>,
    /// `RSA_1024_BIT` or `RSA_2048_BIT`.
    #[serde(default)]
    pub current_signing_key_length: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MailFrom {
    pub domain: String,
    /// `PENDING`, `SUCCESS`, `FAILED`, `TEMPORARY_FAILURE`.
    pub status: String,
    /// `USE_DEFAULT_VALUE` or `REJECT_MESSAGE`.
    #[serde(default)]
    pub behavior_on_mx_failure: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SesAccount {
    pub production_access_enabled: bool,
    pub sending_enabled: bool,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
    pub sent_last_24_hours: f64,
    /// `HEALTHY`, `PROBATION`, `SHUTDOWN`.
    #[serde(default)]
    pub enforcement_status: Option<String>,
    /// Account-level suppression reasons: `BOUNCE`, `COMPLAINT`. Empty = list disabled.
    #[serde(default)]
    pub suppression_reasons: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DedicatedIp {
    pub ip: String,
    /// `IN_PROGRESS`, `DONE`, `NOT_APPLICABLE`.
    pub warmup_status: String,
    pub warmup_percentage: i64,
    #[serde(default)]
    pub pool: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DedicatedIpPool {
    pub name: String,
    /// `STANDARD` or `MANAGED`.
    pub scaling_mode: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SesConfigurationSet {
    pub name: String,
    #[serde(default)]
    pub sending_pool: Option<String>,
    #[serde(default)]
    pub sending_enabled: Option<bool>,
    /// Suppression reasons overriding the account's for this set, when set.
    #[serde(default)]
    pub suppression_reasons: Option<Vec<String>>,
    #[serde(default)]
    pub event_destinations: Vec<EventDestination>,
    #[serde(default)]
    pub tags: Tags,
}

/// An event destination of an SES or SMS/voice configuration set.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventDestination {
    pub name: String,
    pub enabled: bool,
    /// Wire event types: SES `SEND`, `DELIVERY`, `BOUNCE`, `COMPLAINT`, `SUBSCRIPTION`,
    /// `RENDERING_FAILURE`, ...; SMS `TEXT_DELIVERED`, `TEXT_FAILED`, `ALL`, ...
    #[serde(default)]
    pub event_types: Vec<String>,
    /// `firehose`, `cloudwatch`, `sns`, `eventbridge`, `pinpoint`.
    pub destination_type: String,
    #[serde(default)]
    pub destination_arn: Option<String>,
    /// Role the service assumes to write to the destination (Firehose destinations).
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SesTemplate {
    pub name: String,
    /// SHA-256 of subject, text and HTML parts.
    pub content_hash: String,
}

// ----- End User Messaging SMS and voice v2 -----

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsVoiceFacts {
    /// DescribeAccountAttributes `ACCOUNT_TIER` (`SANDBOX`, `PRODUCTION`, ...).
    #[serde(default)]
    pub account_tier: Option<String>,
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumber>,
    #[serde(default)]
    pub sender_ids: Vec<SenderId>,
    #[serde(default)]
    pub pools: Vec<SmsPool>,
    #[serde(default)]
    pub registrations: Vec<Registration>,
    #[serde(default)]
    pub opt_out_lists: Vec<OptOutList>,
    #[serde(default)]
    pub spend_limits: Vec<SpendLimit>,
    #[serde(default)]
    pub configuration_sets: Vec<SmsConfigurationSet>,
    /// Number of verified destination numbers (voice/SMS sandbox allow-list).
    #[serde(default)]
    pub verified_destination_count: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumber {
    pub id: String,
    pub arn: String,
    /// ISO 3166-1 alpha-2.
    pub iso_country_code: String,
    /// `SHORT_CODE`, `LONG_CODE`, `TOLL_FREE`, `TEN_DLC`, `SIMULATOR`.
    pub number_type: String,
    /// `PENDING`, `ACTIVE`, `ASSOCIATING`, `DISASSOCIATING`, `DELETED`.
    pub status: String,
    /// `SMS`, `VOICE`, `MMS`, `RCS`.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// `TRANSACTIONAL` or `PROMOTIONAL`.
    #[serde(default)]
    pub message_type: Option<String>,
    #[serde(default)]
    pub opt_out_list_name: Option<String>,
    #[serde(default)]
    pub self_managed_opt_outs: bool,
    #[serde(default)]
    pub two_way_enabled: bool,
    #[serde(default)]
    pub international_sending_enabled: bool,
    #[serde(default)]
    pub deletion_protection: bool,
    #[serde(default)]
    pub pool_id: Option<String>,
    #[serde(default)]
    pub registration_id: Option<String>,
    /// Message parts per second granted to this number, where known (e.g. a raised 10DLC
    /// tier); rules fall back to the documented default for the number type.
    #[serde(default)]
    pub mps: Option<f64>,
    #[serde(default)]
    pub keywords: Vec<Keyword>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Keyword {
    pub keyword: String,
    /// `AUTOMATIC_RESPONSE`, `OPT_OUT`, `OPT_IN`.
    pub action: String,
    /// Hash of the reply text, to compare without copying it.
    #[serde(default)]
    pub message_hash: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SenderId {
    pub sender_id: String,
    pub arn: String,
    pub iso_country_code: String,
    #[serde(default)]
    pub message_types: Vec<String>,
    #[serde(default)]
    pub registered: bool,
    #[serde(default)]
    pub registration_id: Option<String>,
    #[serde(default)]
    pub deletion_protection: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsPool {
    pub id: String,
    pub arn: String,
    /// The pool's `Name` tag, used to match pools across Regions.
    #[serde(default)]
    pub name: Option<String>,
    pub status: String,
    #[serde(default)]
    pub opt_out_list_name: Option<String>,
    #[serde(default)]
    pub self_managed_opt_outs: bool,
    #[serde(default)]
    pub shared_routes_enabled: bool,
    #[serde(default)]
    pub deletion_protection: bool,
    #[serde(default)]
    pub message_type: Option<String>,
    /// ARNs or IDs of the phone numbers and sender IDs in the pool.
    #[serde(default)]
    pub origination_identities: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<Keyword>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub id: String,
    pub arn: String,
    /// e.g. `US_TEN_DLC_BRAND_REGISTRATION`, `US_TOLL_FREE_REGISTRATION`, `US_SHORT_CODE_REGISTRATION`.
    pub registration_type: String,
    /// `CREATED`, `SUBMITTED`, `AWS_REVIEWING`, `REVIEWING`, `REQUIRES_AUTHENTICATION`,
    /// `PROVISIONING`, `COMPLETE`, `REQUIRES_UPDATES`, `CLOSED`, `DELETED`.
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OptOutList {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// Opted-out numbers, hashed.
    #[serde(default)]
    pub opted_out: HashedSet,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpendLimit {
    /// `TEXT_MESSAGE_MONTHLY_SPEND_LIMIT`, `VOICE_MESSAGE_MONTHLY_SPEND_LIMIT`, ...
    pub name: String,
    /// USD per month in force.
    pub enforced_limit: i64,
    #[serde(default)]
    pub max_limit: Option<i64>,
    #[serde(default)]
    pub overridden: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsConfigurationSet {
    pub name: String,
    #[serde(default)]
    pub default_message_type: Option<String>,
    #[serde(default)]
    pub default_sender_id: Option<String>,
    #[serde(default)]
    pub event_destinations: Vec<EventDestination>,
}

// ----- Pinpoint -----

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PinpointFacts {
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Message templates (account-level in Pinpoint, shared by projects).
    #[serde(default)]
    pub templates: Vec<MessageTemplate>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub settings: Option<ProjectSettings>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub event_stream: Option<EventStream>,
    #[serde(default)]
    pub journeys: Vec<Journey>,
    #[serde(default)]
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    #[serde(default)]
    pub import_jobs: Vec<ImportJob>,
    #[serde(default)]
    pub export_jobs: Vec<ImportJob>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProjectSettings {
    #[serde(default)]
    pub campaign_hook: Option<CampaignHook>,
    #[serde(default)]
    pub limits: Option<CampaignLimits>,
    #[serde(default)]
    pub quiet_time: Option<QuietTime>,
    #[serde(default)]
    pub cloudwatch_metrics_enabled: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CampaignHook {
    #[serde(default)]
    pub lambda_function_name: Option<String>,
    /// `DELIVERY` or `FILTER`.
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub web_url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CampaignLimits {
    #[serde(default)]
    pub daily: Option<i64>,
    #[serde(default)]
    pub maximum_duration: Option<i64>,
    #[serde(default)]
    pub messages_per_second: Option<i64>,
    #[serde(default)]
    pub total: Option<i64>,
    #[serde(default)]
    pub session: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuietTime {
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
}

/// A project channel. Credentials are never kept: only whether one is present.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// `APNS`, `APNS_SANDBOX`, `APNS_VOIP`, `APNS_VOIP_SANDBOX`, `GCM`, `BAIDU`, `ADM`,
    /// `EMAIL`, `SMS`, `VOICE`.
    pub channel_type: String,
    pub enabled: bool,
    /// A credential is configured (APNs token key or certificate, FCM service credentials
    /// or server key, Baidu/ADM keys).
    #[serde(default)]
    pub has_credential: bool,
    /// APNs: `CERTIFICATE` or `TOKEN`; FCM: `TOKEN` (service credentials) or `KEY`.
    #[serde(default)]
    pub authentication_method: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventStream {
    /// Kinesis data stream or Firehose delivery stream ARN.
    pub destination_stream_arn: String,
    pub role_arn: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Journey {
    pub id: String,
    pub name: String,
    /// `DRAFT`, `ACTIVE`, `COMPLETED`, `CANCELLED`, `CLOSED`, `PAUSED`.
    pub state: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    pub id: String,
    pub name: String,
    /// `DIMENSIONAL` or `IMPORT`.
    #[serde(default)]
    pub segment_type: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    /// `SCHEDULED`, `EXECUTING`, `PENDING_NEXT_RUN`, `COMPLETED`, `PAUSED`, `DELETED`, `INVALID`.
    #[serde(default)]
    pub state: Option<String>,
    /// Lambda function of the campaign's own hook, if any.
    #[serde(default)]
    pub hook_lambda: Option<String>,
    /// Lambda function of a custom delivery channel, if any.
    #[serde(default)]
    pub custom_delivery_lambda: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImportJob {
    pub id: String,
    /// `CREATED`, `PREPARING_FOR_INITIALIZATION`, `INITIALIZING`, `PROCESSING`,
    /// `PENDING_JOB`, `COMPLETING`, `COMPLETED`, `FAILING`, `FAILED`.
    pub job_status: String,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub completion_date: Option<String>,
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `s3://bucket/prefix` of the import source or export destination.
    #[serde(default)]
    pub s3_url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplate {
    pub name: String,
    /// `EMAIL`, `SMS`, `PUSH`, `VOICE`, `INAPP`.
    pub template_type: String,
    #[serde(default)]
    pub version: Option<String>,
    /// SHA-256 of the active version's content.
    pub content_hash: String,
}

// ----- Event pipeline, Lambda, monitoring -----

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FirehoseStream {
    pub name: String,
    pub arn: String,
    /// `CREATING`, `ACTIVE`, `DELETING`, ...
    pub status: String,
    #[serde(default)]
    pub s3_destination: Option<S3Destination>,
    /// Source Kinesis stream when the delivery stream reads from one.
    #[serde(default)]
    pub source_stream_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Destination {
    pub bucket_arn: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KinesisStream {
    pub name: String,
    pub arn: String,
    /// `CREATING`, `DELETING`, `ACTIVE`, `UPDATING`.
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    /// The resource-based policy, parsed; `None` when the function has none.
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    pub name: String,
    pub namespace: String,
    pub metric_name: String,
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    #[serde(default)]
    pub threshold: Option<f64>,
    #[serde(default)]
    pub comparison_operator: Option<String>,
    /// `breaching`, `notBreaching`, `ignore`, `missing`.
    #[serde(default)]
    pub treat_missing_data: Option<String>,
    #[serde(default)]
    pub actions_enabled: bool,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    #[serde(default)]
    pub state: Option<String>,
}

/// Messages sent in the exercise window, from CloudWatch metrics.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub window_days: u32,
    #[serde(default)]
    pub email_sent: Option<f64>,
    #[serde(default)]
    pub sms_sent: Option<f64>,
    #[serde(default)]
    pub voice_sent: Option<f64>,
}

/// DNS answers for the records a Region needs (EMAIL-004).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DnsFacts {
    #[serde(default)]
    pub records: Vec<DnsRecord>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DnsRecord {
    pub name: String,
    /// `CNAME`, `MX`, `TXT`.
    pub record_type: String,
    /// Answers as presentation strings; empty when the name does not resolve.
    #[serde(default)]
    pub values: Vec<String>,
}
