//! The report's note of the `--baseline` it was gated against (matching is in
//! `crate::baseline`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The report's note of the baseline it was gated against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineInfo {
    pub file: String,
    /// When the baseline report was generated.
    pub generated_at: String,
    /// Failing results in the baseline.
    pub baseline_failures: u64,
    /// Failing results of this run that the baseline already had (marked `known`).
    pub known: u64,
}
