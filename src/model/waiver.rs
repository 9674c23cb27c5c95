//! Waivers as reports carry them: the waiver on a result, and the report's account of the
//! waivers file (loading and matching are in `crate::waivers`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One waiver, as written in the file (and as carried by the results it waives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Waiver {
    pub rule: String,
    /// Only results in this Region; every Region when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Glob (`*`, `?`) over the result's resource name or ARN; every resource when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub owner: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Last day (YYYY-MM-DD) on which the waiver holds.
    pub expires: String,
    /// `file:line` of the waiver.
    pub source: String,
}

/// A waiver and the failing results it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverUse {
    pub waiver: Waiver,
    /// Failing results it matched: waived (applied) or left failing (expired); 0 when stale.
    pub results: u64,
}

/// The report's account of the waivers file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverSummary {
    /// The waivers file; `None` when no `--waivers` was given.
    #[serde(default)]
    pub file: Option<String>,
    /// Waivers in force that waived at least one failing result.
    #[serde(default)]
    pub applied: Vec<WaiverUse>,
    /// Waivers past their expiry date: they waive nothing, their results stay `fail`.
    #[serde(default)]
    pub expired: Vec<WaiverUse>,
    /// Waivers in force that matched no failing result (fixed, renamed or mistyped).
    #[serde(default)]
    pub stale: Vec<WaiverUse>,
}
