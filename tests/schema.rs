//! The committed JSON Schemas and generated docs are what the code produces.

fn check(path: &str, generated: String, regenerate: &str) {
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("MSGREADY_BLESS").is_some() {
            std::fs::write(path, &generated).unwrap();
            return;
        }
        panic!("{path} is stale: regenerate it with `{regenerate}` (or every generated file: scripts/regenerate.sh)");
    }
}

#[test]
fn fact_schema_is_current() {
    let s = serde_json::to_string_pretty(&msgready::model::facts::FactSnapshot::json_schema())
        .unwrap()
        + "\n";
    check(
        "docs/facts.schema.json",
        s,
        "cargo run -- schema facts > docs/facts.schema.json",
    );
}

#[test]
fn report_schema_is_current() {
    let s = serde_json::to_string_pretty(&msgready::model::report::Report::json_schema()).unwrap()
        + "\n";
    check(
        "docs/report.schema.json",
        s,
        "cargo run -- schema report > docs/report.schema.json",
    );
}

#[test]
fn rules_doc_is_current() {
    let rules = msgready::engine::rule::RuleSet::builtin().unwrap();
    check(
        "docs/rules.md",
        msgready::cli::rules_markdown(&rules),
        "cargo run -- rules list --format markdown > docs/rules.md",
    );
}

#[test]
fn example_snapshots_parse() {
    for ex in ["warm-standby", "active-active"] {
        let dir = std::path::Path::new("examples").join(ex);
        let facts = dir.join("facts.json");
        if !facts.exists() {
            panic!("{} is missing", facts.display());
        }
        msgready::jsonio::load::<msgready::model::facts::FactSnapshot>(&facts).unwrap();
        msgready::config::Config::load(&dir.join("msgready.toml")).unwrap();
    }
}
