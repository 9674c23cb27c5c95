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
use crate::engine::RuleResult;
use crate::error::{Error, Result};
use crate::facts::FactSnapshot;
use crate::rules_meta::Status;
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
    let facts = FactSnapshot::from_json(&case.facts.to_string(), &format!("{file} (facts)"))?;
    // Only the rule under test runs: other rules see sparse fixture facts and would be noise.
    let mut only = RuleSet::default();
    if let Some(r) = rules.get(&case.rule) {
        only.rules.insert(r.id.clone(), r.clone());
    }
    let report = crate::evaluate_loaded(
        &only,
        &case.config,
        &facts,
        crate::exit::GateOptions::default(),
        Some("2026-01-01T00:00:00Z".into()),
    )?;
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
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| Error::Io {
            path: d.display().to_string(),
            source: e,
        })?;
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `rules test` command: 0 all passed, 1 a case failed, 2 bad input.
pub fn run(dir: &Path, extra_rules: Option<&Path>) -> Result<u8> {
    // Rule files living beside the cases are under test too.
    let has_rules = std::fs::read_dir(dir)
        .map(|_| {
            let mut any = false;
            let mut stack = vec![dir.to_path_buf()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "toml") {
                        any = true;
                    }
                }
            }
            any
        })
        .unwrap_or(false);
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
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        let name = f.display().to_string();
        let case = load_case(f)?;
        let outcome = run_case(&rules, &case, &name)?;
        if outcome.problems.is_empty() {
            passed += 1;
            println!("ok      {name} ({})", case.rule);
        } else {
            failed += 1;
            println!("FAILED  {name} ({})", case.rule);
            for p in &outcome.problems {
                println!("        {p}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { 1 })
}
