//! Every rule against its fixtures: expectations, snapshots, and catalog completeness.

use msgready::engine::rule::RuleSet;
use msgready::model::vocab::Status;
use msgready::rules_test::{case_files, load_case, run_case};
use std::path::Path;

/// The rule IDs of the catalog this tree implements: the first cell of every table row of
/// docs/rules-catalog.md (a copy of the project's catalog; IDs are never reused or renamed).
fn catalog() -> Vec<String> {
    let text = std::fs::read_to_string("docs/rules-catalog.md").expect("docs/rules-catalog.md");
    let ids: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|id| msgready::engine::rule::is_valid_id(id))
        .map(str::to_string)
        .collect();
    assert!(
        ids.len() >= 50,
        "only {} IDs read from the catalog",
        ids.len()
    );
    ids
}

fn fixtures() -> &'static Path {
    Path::new("tests/fixtures/rules")
}

#[test]
fn every_case_meets_its_expectations_and_snapshot() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let files = case_files(fixtures()).unwrap();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.display().to_string();
        let case = load_case(f).unwrap();
        let outcome = run_case(&rules, &case, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
        if !outcome.problems.is_empty() {
            failures.push(format!("{name}:\n  {}", outcome.problems.join("\n  ")));
        }
        let snap: Vec<serde_json::Value> = outcome
            .results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "region": r.region, "resource": r.resource, "status": r.status,
                    "severity": r.severity, "message": r.message, "figures": r.figures,
                })
            })
            .collect();
        let stem = f.file_stem().unwrap().to_string_lossy();
        let snapshot_name = format!("{}__{}", case.rule, stem);
        insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, description => case.description.clone() }, {
            insta::assert_json_snapshot!(snapshot_name, snap);
        });
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_compliant_and_a_non_compliant_case() {
    let rules = RuleSet::builtin().unwrap();
    let mut missing = Vec::new();
    for id in rules.ids() {
        let dir = fixtures().join(id);
        for (case, want_fail) in [("compliant", false), ("noncompliant", true)] {
            let path = dir.join(format!("{case}.json"));
            if !path.exists() {
                missing.push(format!("{} is missing", path.display()));
                continue;
            }
            let c = load_case(&path).unwrap();
            assert_eq!(c.rule, id, "{}", path.display());
            let outcome = run_case(&rules, &c, &path.display().to_string()).unwrap();
            let fails = outcome
                .results
                .iter()
                .filter(|r| r.status == Status::Fail)
                .count();
            if want_fail {
                assert!(
                    fails > 0,
                    "{}: a non-compliant case must fail",
                    path.display()
                );
            } else {
                assert_eq!(
                    fails,
                    0,
                    "{}: a compliant case must not fail",
                    path.display()
                );
                assert!(
                    outcome.results.iter().any(|r| r.status == Status::Pass),
                    "{}: a compliant case must pass something (not only not_applicable)",
                    path.display()
                );
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_whole_catalog_is_implemented() {
    let rules = RuleSet::builtin().unwrap();
    let ids = rules.ids();
    let catalog = catalog();
    let missing: Vec<_> = catalog
        .iter()
        .filter(|id| !ids.contains(&id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "catalog rules not implemented: {missing:?}"
    );
    let extra: Vec<_> = ids
        .iter()
        .filter(|id| !catalog.iter().any(|c| c == *id))
        .collect();
    assert!(extra.is_empty(), "rules not in the catalog: {extra:?}");
}

#[test]
fn builtin_rules_lint_clean_from_disk() {
    // The files in rules/ are exactly what is embedded, and they lint clean.
    let from_disk = RuleSet::from_dir(Path::new("rules")).expect("rules/ lints clean");
    let builtin = RuleSet::builtin().unwrap();
    assert_eq!(from_disk.ids(), builtin.ids());
}
