//! Every rule against its fixtures: expectations, snapshots, and catalog completeness.

use msgready::engine::rule::RuleSet;
use msgready::model::vocab::Status;
use msgready::rules_test::{case_files, load_case, run_case};
use std::path::Path;

/// The catalog's IDs (shared/rules-catalog.md). IDs are never reused or renamed.
const CATALOG: &[&str] = &[
    "EMAIL-001",
    "EMAIL-002",
    "EMAIL-003",
    "EMAIL-004",
    "EMAIL-005",
    "EMAIL-006",
    "EMAIL-007",
    "EMAIL-008",
    "EMAIL-009",
    "EMAIL-010",
    "EMAIL-011",
    "EMAIL-012",
    "EMAIL-013",
    "SMS-001",
    "SMS-002",
    "SMS-003",
    "SMS-004",
    "SMS-005",
    "SMS-006",
    "SMS-007",
    "SMS-008",
    "SMS-009",
    "SMS-010",
    "SMS-011",
    "SMS-012",
    "VOICE-001",
    "VOICE-002",
    "VOICE-003",
    "PUSH-001",
    "PUSH-002",
    "CUSTOM-001",
    "TPL-001",
    "TPL-002",
    "DATA-001",
    "DATA-002",
    "DATA-003",
    "DATA-004",
    "DATA-005",
    "DATA-006",
    "DATA-007",
    "DATA-008",
    "DATA-009",
    "DATA-010",
    "IAM-001",
    "IAM-002",
    "IAM-003",
    "IAM-004",
    "IAM-005",
    "OPS-001",
    "OPS-002",
    "OPS-003",
    "OPS-004",
    "OPS-005",
    "OPS-006",
];

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
    let missing: Vec<_> = CATALOG.iter().filter(|id| !ids.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "catalog rules not implemented: {missing:?}"
    );
    let extra: Vec<_> = ids.iter().filter(|id| !CATALOG.contains(id)).collect();
    assert!(extra.is_empty(), "rules not in the catalog: {extra:?}");
}

#[test]
fn builtin_rules_lint_clean_from_disk() {
    // The files in rules/ are exactly what is embedded, and they lint clean.
    let from_disk = RuleSet::from_dir(Path::new("rules")).expect("rules/ lints clean");
    let builtin = RuleSet::builtin().unwrap();
    assert_eq!(from_disk.ids(), builtin.ids());
}
