//! The one `Report` every output format is converted from. The JSON format *is* this struct.

use super::baseline::BaselineInfo;
use super::deployment::ResolvedDeployment;
use super::facts::CollectionStatus;
use super::gate::Gate;
use super::result::RuleResult;
use super::score::Score;
use super::vocab::{Area, Severity, Status};
use super::waiver::WaiverSummary;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Bumped when a change would make an older reader misread a report.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// RFC 3339 time of evaluation.
    pub generated_at: String,
    pub facts: FactsInfo,
    pub deployment: ResolvedDeployment,
    pub settings: Settings,
    /// Every collection attempt that failed, per account; `ok` entries are counted only.
    pub collection: CollectionSummary,
    pub score: Score,
    /// The recovery point the facts imply, per Region and data class (from result figures).
    pub rpo: Vec<RpoRow>,
    pub gate: Gate,
    /// `--waivers`: each waiver applied, expired or stale (matched no failing result).
    #[serde(default)]
    pub waivers: WaiverSummary,
    /// `--baseline`: the earlier report whose failures are known (see `RuleResult::known`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// With history (`--history` or `--out s3://…`): the overall score and coverage of the
    /// earlier runs in the same location and of this one, oldest first (at most 30).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
    /// Metadata of every rule evaluated, with the severity in force.
    pub rules: Vec<RuleInfo>,
    pub results: Vec<RuleResult>,
}

/// One run of the score trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrendPoint {
    /// The run's folder name under `runs/` (its UTC time, e.g. `20261126T172000Z`).
    pub run: String,
    /// The run's `generated_at`.
    pub generated_at: String,
    /// Overall score (0–100); `None` when nothing weighted was assessed.
    pub score: Option<f64>,
    /// Overall coverage (percent); `None` when nothing applied.
    pub coverage: Option<f64>,
}

/// One line of the RPO table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RpoRow {
    pub account_id: String,
    pub region: String,
    /// `event-data`, `endpoints` or `opt-outs-and-suppressions`.
    pub data_class: String,
    /// In words, e.g. "15 minutes (S3 Replication Time Control)" or "unbounded (no replication)".
    pub implied: String,
    /// `None` when unbounded or unknown.
    pub implied_minutes: Option<f64>,
    pub target_minutes: Option<f64>,
    /// The evidence behind the figure.
    pub basis: String,
    /// The verdict of the result the row comes from.
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FactsInfo {
    pub collected_at: Option<String>,
    pub complete: bool,
    pub tool_version: String,
    pub accounts: Vec<String>,
}

/// The config as applied (thresholds and targets with defaults filled in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Settings {
    pub thresholds: serde_json::Value,
    pub targets: serde_json::Value,
    pub channels: serde_json::Value,
    pub rule_overrides: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CollectionSummary {
    pub ok: u64,
    pub failed: Vec<AccountCollectionStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountCollectionStatus {
    pub account_id: String,
    #[serde(flatten)]
    pub status: CollectionStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub area: Area,
    pub severity: Severity,
    pub guide: String,
    pub rationale: String,
    pub remediation: String,
    /// The rule file (built-in: path in the msgready repository).
    pub source: String,
}

impl Report {
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Failing results, most severe first, then by rule, Region and resource.
    pub fn findings(&self) -> Vec<&RuleResult> {
        let mut f: Vec<&RuleResult> = self
            .results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .collect();
        f.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
                .then_with(|| a.region.cmp(&b.region))
                .then_with(|| a.resource.cmp(&b.resource))
        });
        f
    }

    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Report)).expect("schema serialises")
    }
}

impl super::Versioned for Report {
    const WHAT: &'static str = "report";
    const SCHEMA_VERSION: u32 = REPORT_SCHEMA_VERSION;
}
