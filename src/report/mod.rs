//! The one `Report` every output format is converted from. The JSON format *is* this struct.

pub mod asff;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

use crate::config::Config;
use crate::engine::input::ResolvedDeployment;
use crate::engine::rule::RuleSet;
use crate::engine::RuleResult;
use crate::exit::Gate;
use crate::facts::{CollectionStatus, FactSnapshot};
use crate::rules_meta::{Area, Severity, Status};
use crate::score::Score;
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
    /// The recovery point the facts imply, per Region and data class (from rule OPS-004).
    pub rpo: Vec<RpoRow>,
    pub gate: Gate,
    /// `--waivers`: each waiver applied, expired or stale (matched no failing result).
    #[serde(default)]
    pub waivers: crate::waivers::WaiverSummary,
    /// `--baseline`: the earlier report whose failures are known (see `RuleResult::known`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::baseline::BaselineInfo>,
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
    /// OPS-004's verdict for this row.
    pub status: Status,
}

/// The RPO table from OPS-004's results and their figures.
pub fn rpo_rows(results: &[RuleResult]) -> Vec<RpoRow> {
    results
        .iter()
        .filter(|r| r.rule_id == "OPS-004")
        .filter_map(RpoRow::from_result)
        .collect()
}

impl RpoRow {
    fn from_result(r: &RuleResult) -> Option<RpoRow> {
        let f = r.figures.as_ref()?;
        let text = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        Some(RpoRow {
            account_id: r.account_id.clone(),
            region: r.region.clone(),
            data_class: f.get("data_class")?.as_str()?.to_string(),
            implied: text("implied_rpo"),
            implied_minutes: f.get("implied_rpo_minutes").and_then(|v| v.as_f64()),
            target_minutes: f.get("target_minutes").and_then(|v| v.as_f64()),
            basis: text("basis"),
            status: r.status,
        })
    }
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

pub struct ReportInput<'a> {
    pub rules: &'a RuleSet,
    pub facts: &'a FactSnapshot,
    pub config: &'a Config,
    pub deployment: ResolvedDeployment,
    pub results: Vec<RuleResult>,
    pub generated_at: String,
    pub gate_options: crate::exit::GateOptions,
    pub waivers: crate::waivers::WaiverSummary,
    pub baseline: Option<crate::baseline::BaselineInfo>,
}

impl Report {
    pub fn build(input: ReportInput<'_>) -> Report {
        let ReportInput {
            rules,
            facts,
            config,
            deployment,
            results,
            generated_at,
            gate_options,
            waivers,
            baseline,
        } = input;
        let score = crate::score::score(&results, &deployment);
        let arch = deployment.arch();
        let rules_info = rules
            .rules
            .values()
            .filter(|r| !config.rules.get(&r.id).is_some_and(|o| o.disabled))
            .map(|r| RuleInfo {
                id: r.id.clone(),
                title: r.title.clone(),
                area: r.area,
                severity: r.severity_in_force(config, arch),
                guide: r.guide.clone(),
                rationale: r.rationale.clone(),
                remediation: r.remediation.clone(),
                source: r.source.clone(),
            })
            .collect();
        let mut collection = CollectionSummary::default();
        for a in &facts.accounts {
            for s in &a.collection {
                match s.status {
                    crate::facts::CollectionOutcome::Ok => collection.ok += 1,
                    crate::facts::CollectionOutcome::Failed => {
                        collection.failed.push(AccountCollectionStatus {
                            account_id: a.account_id.clone(),
                            status: s.clone(),
                        })
                    }
                }
            }
        }
        let channels: serde_json::Map<String, serde_json::Value> = facts
            .accounts
            .iter()
            .map(|a| {
                (
                    a.account_id.clone(),
                    crate::engine::input::channels(config, &deployment, a),
                )
            })
            .collect();
        let gate = crate::exit::gate(&gate_options, &results, &score);
        let rpo = rpo_rows(&results);
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: Tool {
                name: "msgready".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            generated_at,
            facts: FactsInfo {
                collected_at: facts.collected_at.clone(),
                complete: facts.complete,
                tool_version: facts.tool_version.clone(),
                accounts: facts
                    .accounts
                    .iter()
                    .map(|a| a.account_id.clone())
                    .collect(),
            },
            deployment,
            settings: Settings {
                thresholds: serde_json::to_value(&config.thresholds).unwrap_or_default(),
                targets: serde_json::to_value(&config.targets).unwrap_or_default(),
                channels: serde_json::Value::Object(channels),
                rule_overrides: serde_json::to_value(&config.rules).unwrap_or_default(),
            },
            collection,
            score,
            rpo,
            gate,
            waivers,
            baseline,
            trend: Vec::new(),
            rules: rules_info,
            results,
        }
    }

    /// Score, gate and RPO table from `results`, the way [`Report::build`] derives them:
    /// `msgready merge` re-derives them after combining the results of several reports.
    pub fn rescore(&mut self, gate_options: crate::exit::GateOptions) {
        self.score = crate::score::score(&self.results, &self.deployment);
        self.gate = crate::exit::gate(&gate_options, &self.results, &self.score);
        self.rpo = rpo_rows(&self.results);
    }

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

    /// Reads a JSON report written by msgready (`--baseline`, `diff`).
    pub fn load(path: &std::path::Path) -> crate::error::Result<Report> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| crate::error::Error::Input {
            file: file.clone(),
            message: format!("cannot read report: {e}"),
        })?;
        Self::from_json(&text, &file)
    }

    pub fn from_json(text: &str, file: &str) -> crate::error::Result<Report> {
        let bad = |at: String, message: String| crate::error::Error::Input { file: at, message };
        let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            bad(
                format!("{file}:{}:{}", e.line(), e.column()),
                format!("not valid JSON: {e}"),
            )
        })?;
        match probe.get("schema_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(REPORT_SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(bad(
                    file.to_string(),
                    format!("report has schema_version {v}; this msgready reads version {REPORT_SCHEMA_VERSION}"),
                ))
            }
            None => {
                return Err(bad(
                    file.to_string(),
                    "not a msgready JSON report (no schema_version)".into(),
                ))
            }
        }
        serde_json::from_value(probe)
            .map_err(|e| bad(file.to_string(), format!("not a msgready JSON report: {e}")))
    }

    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Report)).expect("schema serialises")
    }
}
