//! facts → evaluate → score → gate → [`Report`]: the pure part of the pipeline, as one
//! function with one input type. Collection comes before it (`crate::collect`), rendering and
//! the exit code after it (`crate::report`, `crate::cli`).

use crate::baseline::Baseline;
use crate::config::Config;
use crate::engine::rule::RuleSet;
use crate::engine::Evaluator;
use crate::error::{Error, Result};
use crate::model::deployment::Architecture;
use crate::model::facts::{CollectionOutcome, FactSnapshot};
use crate::model::gate::GateOptions;
use crate::model::report::{
    AccountCollectionStatus, CollectionSummary, FactsInfo, Report, RuleInfo, Settings, Tool,
    REPORT_SCHEMA_VERSION,
};
use crate::waivers::Waivers;
use std::path::Path;

/// Everything one evaluation reads, already loaded.
#[derive(Clone, Copy)]
pub struct Evaluation<'a> {
    pub rules: &'a RuleSet,
    pub config: &'a Config,
    pub facts: &'a FactSnapshot,
    pub gate: GateOptions,
    /// The evaluation time (RFC 3339); the current time when `None`. Waiver expiry is judged
    /// against its day (UTC); rules judge ages against the collection time.
    pub now: Option<&'a str>,
    /// `--waivers`: failing results they match become `waived`.
    pub waivers: Option<&'a Waivers>,
    /// `--baseline`: failing results it already had are `known`.
    pub baseline: Option<&'a Baseline>,
}

impl<'a> Evaluation<'a> {
    /// An evaluation with the default gate, no waivers, no baseline, at the current time.
    pub fn new(rules: &'a RuleSet, config: &'a Config, facts: &'a FactSnapshot) -> Self {
        Evaluation {
            rules,
            config,
            facts,
            gate: GateOptions::default(),
            now: None,
            waivers: None,
            baseline: None,
        }
    }
}

/// Facts and config in, report out.
pub fn evaluate(e: &Evaluation<'_>) -> Result<Report> {
    let deployment = e.config.resolve_deployment(e.facts);
    if deployment.regions.is_empty() {
        return Err(Error::Usage(
            "no Regions to evaluate: the config declares none and the fact snapshot has none"
                .into(),
        ));
    }
    let generated_at = e.now.map_or_else(now_rfc3339, str::to_string);
    // Rules judge ages (import lag, exercise window) against the collection time, so that a
    // snapshot evaluates the same way tomorrow as today.
    let rule_now = e
        .facts
        .collected_at
        .clone()
        .unwrap_or_else(|| generated_at.clone());
    let mut evaluator = Evaluator::new(e.rules, e.config)?;
    let mut results = evaluator.evaluate(e.facts, e.config, &deployment, &rule_now)?;
    // Waivers expire by the evaluation day, not the collection day: an old snapshot must not
    // revive an expired waiver.
    let waivers = match e.waivers {
        Some(w) => {
            let today = crate::waivers::day_of(&generated_at).ok_or_else(|| {
                Error::Usage(format!(
                    "evaluation time `{generated_at}` is not an RFC 3339 time"
                ))
            })?;
            crate::waivers::apply(&mut results, w, today)
        }
        None => Default::default(),
    };
    let baseline = e.baseline.map(|b| b.mark(&mut results));
    let t = std::time::Instant::now();
    let score = crate::score::score(&results, &deployment);
    let gate = crate::gate::gate(&e.gate, &results, &score);
    let rules = rule_infos(e.rules, e.config, deployment.arch());
    let channels: serde_json::Map<String, serde_json::Value> = e
        .facts
        .accounts
        .iter()
        .map(|a| {
            (
                a.account_id.clone(),
                crate::engine::input::channels(e.config, &deployment, a),
            )
        })
        .collect();
    let report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "msgready".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at,
        facts: FactsInfo {
            collected_at: e.facts.collected_at.clone(),
            complete: e.facts.complete,
            tool_version: e.facts.tool_version.clone(),
            accounts: e
                .facts
                .accounts
                .iter()
                .map(|a| a.account_id.clone())
                .collect(),
        },
        deployment,
        settings: Settings {
            thresholds: serde_json::to_value(&e.config.thresholds).unwrap_or_default(),
            targets: serde_json::to_value(&e.config.targets).unwrap_or_default(),
            channels: serde_json::Value::Object(channels),
            rule_overrides: serde_json::to_value(&e.config.rules).unwrap_or_default(),
        },
        collection: collection_summary(e.facts),
        rpo: crate::score::rpo_rows(&results),
        score,
        gate,
        waivers,
        baseline,
        trend: Vec::new(),
        rules,
        results,
    };
    tracing::debug!(target: crate::engine::TIMINGS, "report built: {:?}", t.elapsed());
    Ok(report)
}

/// The metadata of every rule evaluated (not disabled), with the severity in force.
fn rule_infos(rules: &RuleSet, config: &Config, arch: Architecture) -> Vec<RuleInfo> {
    rules
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
        .collect()
}

/// Score, gate and RPO table derived again from a report's results, the way [`evaluate`]
/// derives them: `msgready merge` does so after combining the results of several reports.
pub fn rescore(report: &mut Report, gate: GateOptions) {
    report.score = crate::score::score(&report.results, &report.deployment);
    report.gate = crate::gate::gate(&gate, &report.results, &report.score);
    report.rpo = crate::score::rpo_rows(&report.results);
}

/// Every collection attempt that failed, per account; the others counted.
fn collection_summary(facts: &FactSnapshot) -> CollectionSummary {
    let mut collection = CollectionSummary::default();
    for a in &facts.accounts {
        for s in &a.collection {
            match s.status {
                CollectionOutcome::Ok => collection.ok += 1,
                CollectionOutcome::Failed => collection.failed.push(AccountCollectionStatus {
                    account_id: a.account_id.clone(),
                    status: s.clone(),
                }),
            }
        }
    }
    collection
}

/// Loads the config, checking `[rules.ID]` keys against the loaded rules; the default config
/// without a file.
pub fn load_config(path: Option<&Path>, rules: &RuleSet) -> Result<Config> {
    match path {
        Some(p) => {
            let config = Config::load(p)?;
            let text = std::fs::read_to_string(p).ok();
            config.check_rule_ids(&rules.ids(), &p.display().to_string(), text.as_deref())?;
            Ok(config)
        }
        None => Ok(Config::default()),
    }
}

/// What decides the gate besides the rules: waivers and a baseline, both optional.
#[derive(Debug, Clone, Default)]
pub struct GateInputs {
    pub waivers: Option<Waivers>,
    pub baseline: Option<Baseline>,
}

impl GateInputs {
    /// Loads `--waivers` (rule IDs checked against `rules`) and `--baseline`.
    pub fn load(waivers: Option<&Path>, baseline: Option<&Path>, rules: &RuleSet) -> Result<Self> {
        Ok(GateInputs {
            waivers: waivers
                .map(|p| Waivers::load(p, &rules.ids()))
                .transpose()?,
            baseline: baseline.map(Baseline::load).transpose()?,
        })
    }
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
