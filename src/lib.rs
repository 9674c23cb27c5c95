//! msgready: is an AWS messaging deployment ready to survive the loss of a Region?
//!
//! The pipeline, one module each: collect → [`facts`] → [`engine`] (evaluate) → [`score`] →
//! [`report`] → [`exit`] code.

pub mod cli;
pub mod collect;
pub mod config;
pub mod engine;
pub mod error;
pub mod exit;
pub mod facts;
pub mod fsutil;
pub mod report;
pub mod rules_meta;
pub mod rules_test;
pub mod score;

use config::Config;
use engine::input::ResolvedDeployment;
use engine::rule::RuleSet;
use error::Result;
use facts::FactSnapshot;
use report::{Report, ReportInput};
use std::path::PathBuf;

/// Everything `evaluate` needs, already parsed from the command line.
#[derive(Debug, Clone, Default)]
pub struct EvaluateOptions {
    pub facts: PathBuf,
    pub config: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub gate: exit::GateOptions,
    /// Fixed evaluation time (tests); the current time otherwise.
    pub now: Option<String>,
}

/// Loads the config, checking `[rules.ID]` keys against the loaded rules.
pub fn load_config(path: Option<&std::path::Path>, rules: &RuleSet) -> Result<Config> {
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

/// Facts and config in, report out: the pure part of the pipeline.
pub fn evaluate(opts: &EvaluateOptions) -> Result<Report> {
    let rules = RuleSet::builtin_with(opts.rules.as_deref())?;
    let config = load_config(opts.config.as_deref(), &rules)?;
    let facts = FactSnapshot::load(&opts.facts)?;
    evaluate_loaded(&rules, &config, &facts, opts.gate, opts.now.clone())
}

pub fn evaluate_loaded(
    rules: &RuleSet,
    config: &Config,
    facts: &FactSnapshot,
    gate: exit::GateOptions,
    now: Option<String>,
) -> Result<Report> {
    let deployment = ResolvedDeployment::resolve(config, facts);
    if deployment.regions.is_empty() {
        return Err(error::Error::Usage(
            "no Regions to evaluate: the config declares none and the fact snapshot has none"
                .into(),
        ));
    }
    let generated_at = now.unwrap_or_else(now_rfc3339);
    // Rules judge ages (import lag, exercise window) against the collection time, so that a
    // snapshot evaluates the same way tomorrow as today.
    let rule_now = facts
        .collected_at
        .clone()
        .unwrap_or_else(|| generated_at.clone());
    let mut evaluator = engine::Evaluator::new(rules, config)?;
    let results = evaluator.evaluate(facts, config, &deployment, &rule_now)?;
    let t = std::time::Instant::now();
    let report = Report::build(ReportInput {
        rules,
        facts,
        config,
        deployment,
        results,
        generated_at,
        gate_options: gate,
    });
    if std::env::var_os("MSGREADY_RULE_TIMINGS").is_some() {
        eprintln!("report built: {:?}", t.elapsed());
    }
    Ok(report)
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
