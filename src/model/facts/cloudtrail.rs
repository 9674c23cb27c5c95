//! CloudTrail trails (operational evidence for OPS rules).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
