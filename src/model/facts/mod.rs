//! The snapshot structs. Field names are msgready's own and stable; a rename is a
//! `SCHEMA_VERSION` bump. Every collection defaults to empty so that hand-written fixtures
//! stay short, but a whole service section (`ses`, `sms_voice`, `pinpoint`) is `None` when it
//! was not collected, which the engine turns into `not_assessed`, never into `pass`.

mod cloudtrail;
mod cloudwatch;
mod dns;
mod iam;
mod lambda;
mod pinpoint;
mod s3;
mod ses;
mod sms_voice;
mod streams;

pub use cloudtrail::*;
pub use cloudwatch::*;
pub use dns::*;
pub use iam::*;
pub use lambda::*;
pub use pinpoint::*;
pub use s3::*;
pub use ses::*;
pub use sms_voice::*;
pub use streams::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped when a change to the structs would make an older reader misread a snapshot.
pub const SCHEMA_VERSION: u32 = 1;

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

impl super::Versioned for FactSnapshot {
    const WHAT: &'static str = "fact snapshot";
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;

    fn check(&self) -> Result<(), String> {
        if self.accounts.is_empty() {
            return Err("fact snapshot has no accounts".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, acct) in self.accounts.iter().enumerate() {
            if !seen.insert(acct.account_id.as_str()) {
                return Err(format!(
                    "accounts[{i}].account_id `{}` appears twice",
                    acct.account_id
                ));
            }
        }
        // AWS never lists one resource twice; a snapshot that does is malformed (rules would
        // otherwise see two values for one fact, e.g. two spend limits of one name).
        let doc = serde_json::to_value(self).map_err(|e| e.to_string())?;
        if let Some((path, key)) = duplicate_entry(&doc, "") {
            return Err(format!("`{path}` lists {key} twice"));
        }
        Ok(())
    }
}

impl FactSnapshot {
    /// The JSON Schema of the snapshot format, generated from these structs.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(FactSnapshot))
            .expect("a generated schema always serialises")
    }
}

/// The first list (by JSON path) holding two objects with the same identity: the first of
/// `arn`, `id`, `name` they carry, with `record_type` or `template_type` beside it.
fn duplicate_entry(v: &serde_json::Value, path: &str) -> Option<(String, String)> {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            let mut seen = std::collections::BTreeSet::new();
            for item in items {
                let Value::Object(m) = item else { continue };
                // The most specific identifier present: names repeat where AWS keys on an ID
                // (Pinpoint projects, journeys and segments; trails of one name in two home
                // Regions; an inline and a managed policy of one name).
                let Some((field, id)) = ["arn", "id", "name"]
                    .iter()
                    .find_map(|k| m.get(*k).and_then(Value::as_str).map(|v| (*k, v)))
                else {
                    continue;
                };
                // DNS records and Pinpoint templates are keyed by name and kind together.
                let kind = ["record_type", "template_type"]
                    .iter()
                    .find_map(|k| m.get(*k).and_then(Value::as_str))
                    .unwrap_or("");
                if !seen.insert((field, id, kind)) {
                    let what = if kind.is_empty() {
                        format!("{field} `{id}`")
                    } else {
                        format!("{field} `{id}` ({kind})")
                    };
                    return Some((path.to_string(), what));
                }
            }
            items
                .iter()
                .enumerate()
                .find_map(|(i, item)| duplicate_entry(item, &format!("{path}[{i}]")))
        }
        Value::Object(m) => m.iter().find_map(|(k, item)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            duplicate_entry(item, &p)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::duplicate_entry;
    use serde_json::json;

    #[test]
    fn one_resource_listed_twice_is_found_with_its_path() {
        let doc = json!({"sms": {"spend_limits": [
            {"name": "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT", "enforced_limit": 1},
            {"name": "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT", "enforced_limit": 500}
        ]}});
        assert_eq!(
            duplicate_entry(&doc, ""),
            Some((
                "sms.spend_limits".to_string(),
                "name `VOICE_MESSAGE_MONTHLY_SPEND_LIMIT`".to_string()
            ))
        );
        let doc = json!({"projects": [{"id": "a", "name": "x", "journeys": [
            {"id": "j", "name": "welcome"}, {"id": "j", "name": "other"}
        ]}]});
        assert_eq!(
            duplicate_entry(&doc, ""),
            Some(("projects[0].journeys".to_string(), "id `j`".to_string()))
        );
    }

    #[test]
    fn names_may_repeat_where_aws_keys_on_an_id_or_a_kind() {
        // Two Pinpoint projects of one name, an inline and a managed policy of one name, an
        // email and an SMS template of one name, a CNAME and a TXT record of one name.
        let doc = json!({
            "projects": [{"id": "a", "arn": "arn:1", "name": "test"},
                         {"id": "b", "arn": "arn:2", "name": "test"}],
            "policies": [{"name": "p", "arn": null}, {"name": "p", "arn": "arn:aws:iam::1:policy/p"}],
            "templates": [{"name": "t", "template_type": "EMAIL"}, {"name": "t", "template_type": "SMS"}],
            "dns": [{"name": "n", "record_type": "CNAME"}, {"name": "n", "record_type": "TXT"}]
        });
        assert_eq!(duplicate_entry(&doc, ""), None);
        let doc = json!({"templates": [
            {"name": "t", "template_type": "SMS"}, {"name": "t", "template_type": "SMS"}
        ]});
        assert_eq!(
            duplicate_entry(&doc, ""),
            Some(("templates".to_string(), "name `t` (SMS)".to_string()))
        );
    }
}
