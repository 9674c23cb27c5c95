//! DNS answers for the records email needs (opt-in `--dns`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
