//! AWS End User Messaging SMS and voice v2: origination identities, pools, registrations, opt-out lists, spend limits, configuration sets.

use super::{EventDestination, HashedSet, Tags};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
