//! Amazon SES v2: identities, account, dedicated IPs, configuration sets, templates.

use super::{HashedSet, Tags};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
