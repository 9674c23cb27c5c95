//! One rule's verdict on one resource in one Region.

use super::vocab::{Area, Severity, Status};
use super::waiver::Waiver;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One rule's verdict on one resource in one Region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuleResult {
    pub rule_id: String,
    pub area: Area,
    /// Severity in force: the rule's, for the declared architecture, after config overrides.
    pub severity: Severity,
    pub account_id: String,
    pub region: String,
    /// What is judged: an identity, a country, a project, a bucket... `-` for the Region itself.
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub status: Status,
    /// Names the resource and the Region; for quantities, states both figures.
    pub message: String,
    /// What to do, on failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// Figures behind the verdict (throughputs, quotas, counts), for reports and diffs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<serde_json::Value>,
    /// The waiver that turned this failure into `waived` (`--waivers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
    /// A failure the `--baseline` report already had (same account, rule, Region and
    /// resource): still `fail`, but not counted by `--fail-on`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub known: bool,
}

/// What identifies a finding across runs: (account, rule, Region, resource).
pub type FindingKey = (String, String, String, String);

impl RuleResult {
    /// The order results are reported in: by rule, then account, Region and resource.
    pub fn report_order(a: &Self, b: &Self) -> std::cmp::Ordering {
        (&a.rule_id, &a.account_id, &a.region, &a.resource, a.status).cmp(&(
            &b.rule_id,
            &b.account_id,
            &b.region,
            &b.resource,
            b.status,
        ))
    }

    /// The finding's identity across runs (baselines, diffs).
    pub fn key(&self) -> FindingKey {
        (
            self.account_id.clone(),
            self.rule_id.clone(),
            self.region.clone(),
            self.resource.clone(),
        )
    }
}
