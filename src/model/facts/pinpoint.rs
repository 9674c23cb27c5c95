//! Amazon Pinpoint (End User Messaging Push and the retired engagement features): projects, channels, event streams, templates.

use super::Tags;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
