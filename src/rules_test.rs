//! `msgready rules test DIR`: rule test cases, the way `opa test` runs policy tests.
//!
//! A case is a JSON file:
//!
//! ```json
//! { "rule": "EMAIL-001", "description": "...",
//!   "config": { "deployment": { "regions": [ ... ] } },
//!   "facts": { "schema_version": 1, "accounts": [ ... ] },
//!   "expect": [ { "region": "us-west-2", "resource": "example.com", "status": "fail",
//!                 "message_contains": "not verified" } ] }
//! ```
//!
//! `expect` lists exactly the results the rule must give (any order); `message_contains`
//! is optional.

use crate::config::Config;
use crate::engine::rule::RuleSet;
use crate::error::{Error, Result};
use crate::model::facts::FactSnapshot;
use crate::model::result::RuleResult;
use crate::model::vocab::Status;
use crate::pipeline::Evaluation;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub rule: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub config: Config,
    pub facts: serde_json::Value,
    pub expect: Vec<Expect>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub region: String,
    pub resource: String,
    pub status: Status,
    #[serde(default)]
    pub message_contains: Option<String>,
}

pub struct CaseOutcome {
    pub results: Vec<RuleResult>,
    /// Empty when the case passed.
    pub problems: Vec<String>,
}

pub fn load_case(path: &Path) -> Result<Case> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: file.clone(),
        source: e,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Input {
        file: format!("{file}:{}:{}", e.line(), e.column()),
        message: format!("invalid rule test case: {e}"),
    })
}

/// Runs one case against `rules` and compares with its expectations.
pub fn run_case(rules: &RuleSet, case: &Case, file: &str) -> Result<CaseOutcome> {
    if rules.get(&case.rule).is_none() {
        return Err(Error::Input {
            file: file.into(),
            message: format!("case names rule `{}`, which is not loaded", case.rule),
        });
    }
    case.config.check_rule_ids(&rules.ids(), file, None)?;
    let facts: FactSnapshot =
        crate::jsonio::parse(&case.facts.to_string(), &format!("{file} (facts)"))?;
    // Only the rule under test runs: other rules see sparse fixture facts and would be noise.
    let mut only = RuleSet::default();
    if let Some(r) = rules.get(&case.rule) {
        only.rules.insert(r.id.clone(), r.clone());
    }
    let report = crate::pipeline::evaluate(&Evaluation {
        now: Some("2026-01-01T00:00:00Z"),
        ..Evaluation::new(&only, &case.config, &facts)
    })?;
    let results = report.results;
    let mut problems = Vec::new();
    let mut unmatched: Vec<&RuleResult> = results.iter().collect();
    for e in &case.expect {
        let pos = unmatched.iter().position(|r| {
            r.region == e.region
                && r.resource == e.resource
                && r.status == e.status
                && e.message_contains
                    .as_ref()
                    .is_none_or(|m| r.message.contains(m.as_str()))
        });
        match pos {
            Some(i) => {
                unmatched.remove(i);
            }
            None => problems.push(format!(
                "expected {} {} {}{} — not produced",
                e.region,
                e.resource,
                e.status,
                e.message_contains
                    .as_ref()
                    .map(|m| format!(" (message containing {m:?})"))
                    .unwrap_or_default()
            )),
        }
    }
    for r in unmatched {
        problems.push(format!(
            "unexpected {} {} {}: {}",
            r.region, r.resource, r.status, r.message
        ));
    }
    Ok(CaseOutcome { results, problems })
}

/// Every `*.json` case under `dir`, sorted.
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>> {
    crate::fsutil::files_with_extension(dir, "json")
}

/// One case's outcome, for `rules test`.
pub struct CaseReport {
    pub file: String,
    pub rule: String,
    /// Empty when the case passed.
    pub problems: Vec<String>,
}

/// The `rules test` command: every case under `dir`, with rule files beside the cases under
/// test too. An error is bad input (exit 2); failed cases are in the reports.
pub fn run(dir: &Path, extra_rules: Option<&Path>) -> Result<Vec<CaseReport>> {
    let has_rules = !crate::fsutil::files_with_extension(dir, "toml")
        .unwrap_or_default()
        .is_empty();
    let mut rules = RuleSet::builtin_with(extra_rules)?;
    if has_rules && extra_rules != Some(dir) {
        rules.rules.extend(RuleSet::from_dir(dir)?.rules);
    }
    let files = case_files(dir)?;
    if files.is_empty() {
        return Err(Error::Input {
            file: dir.display().to_string(),
            message: "no rule test cases (*.json) found".into(),
        });
    }
    files
        .iter()
        .map(|f| {
            let file = f.display().to_string();
            let case = load_case(f)?;
            let outcome = run_case(&rules, &case, &file)?;
            Ok(CaseReport {
                file,
                rule: case.rule,
                problems: outcome.problems,
            })
        })
        .collect()
}
