//! CloudWatch: alarms and the sending activity read from metrics.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
