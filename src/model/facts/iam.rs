//! IAM: the roles the deployment references, with their trust and permission policies.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
