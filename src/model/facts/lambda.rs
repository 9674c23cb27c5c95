//! Lambda functions projects call (campaign hooks, custom channels).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    /// The resource-based policy, parsed; `None` when the function has none.
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}
