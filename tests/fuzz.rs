//! Property tests for every file msgready reads from a user: fact snapshots, config, waivers
//! and rule files. Mutated and arbitrary inputs must never panic; a rejected input is an
//! `Error` that maps to exit 2 and names the file; an accepted fact snapshot evaluates
//! without error.
//!
//! CI runs proptest's default 256 cases per property. For a long run:
//! `PROPTEST_CASES=20000 cargo test --test fuzz -- --test-threads 2` (see the README).

use msgready::config::Config;
use msgready::engine::rule::RuleSet;
use msgready::error::Error;
use msgready::model::facts::FactSnapshot;
use msgready::pipeline::Evaluation;
use msgready::waivers::Waivers;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// proptest's settings, `PROPTEST_CASES` honoured; no regression files written into the repo
/// (a failure prints the minimal input instead).
fn settings() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Inputs to mutate
// ---------------------------------------------------------------------------------------

/// (config, facts) of every rule fixture: small, valid, and together they touch every field.
fn fixtures() -> &'static [(Config, Value)] {
    static CELL: OnceLock<Vec<(Config, Value)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut out = Vec::new();
        let root = repo().join("tests/fixtures/rules");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        dirs.sort();
        for dir in dirs {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .expect("fixture dir")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for f in files {
                let case: Value = serde_json::from_str(&std::fs::read_to_string(&f).expect("read"))
                    .expect("json");
                let config: Config =
                    serde_json::from_value(case["config"].clone()).expect("fixture config");
                out.push((config, case["facts"].clone()));
            }
        }
        assert!(
            out.len() > 100,
            "expected the rule fixtures, found {}",
            out.len()
        );
        out
    })
}

fn rules() -> &'static RuleSet {
    static CELL: OnceLock<RuleSet> = OnceLock::new();
    CELL.get_or_init(|| RuleSet::builtin().expect("built-in rules"))
}

fn text_files(paths: &[&str]) -> Vec<(String, String)> {
    paths
        .iter()
        .map(|p| {
            (
                p.to_string(),
                std::fs::read_to_string(repo().join(p)).expect("read"),
            )
        })
        .collect()
}

fn configs() -> &'static [(String, String)] {
    static CELL: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CELL.get_or_init(|| {
        text_files(&[
            "msgready.example.toml",
            "examples/warm-standby/msgready.toml",
            "examples/active-active/msgready.toml",
            "tests/emulator/two-region.toml",
        ])
    })
}

fn rule_files() -> &'static [(String, String)] {
    static CELL: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut out = Vec::new();
        for area in std::fs::read_dir(repo().join("rules")).expect("rules") {
            let area = area.expect("entry").path();
            if !area.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&area).expect("area") {
                let f = f.expect("entry").path();
                if f.extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read_to_string(&f).expect("read");
                    out.push((f.display().to_string(), text));
                }
            }
        }
        out.sort();
        assert_eq!(out.len(), 54, "expected the 54 built-in rules");
        out
    })
}

const WAIVERS: &str = r#"# waivers
[[waiver]]
rule = "SMS-004"
region = "us-west-2"
resource = "US"
owner = "messaging-platform@example.com"
reason = "10DLC throughput in the standby is accepted until the short code arrives"
ticket = "OPS-1234"
expires = 2027-03-31

[[waiver]]
rule = "EMAIL-00*"
resource = "arn:aws:ses:*:*:identity/*"
owner = "mail@example.com"
reason = "glob"
expires = 2026-01-01
"#;

// ---------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------

/// One edit of a text: what, where (scaled to the text), and what to put in.
#[derive(Debug, Clone)]
enum Edit {
    Truncate(usize),
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, usize, String),
    Duplicate(usize, usize),
}

/// Short strings rich in what breaks parsers: quotes, brackets, escapes, control and
/// non-ASCII characters, numbers at the edges.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..6).prop_map(|c| c.into_iter().collect()),
        prop::sample::select(vec![
            "\"",
            "'",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "=",
            "\\",
            "\\u0000",
            "\\ud800",
            "\n",
            "\r\n",
            "\t",
            "\u{1b}[31m",
            "\u{0}",
            "#",
            "null",
            "true",
            "-0",
            "1e309",
            "-1e309",
            "18446744073709551616",
            "-9223372036854775809",
            "NaN",
            "0x1F",
            "[[",
            "]]",
            "\"\"\"",
            "'''",
            "2027-02-30",
            "1979-05-27T07:32:00Z",
            "*",
            "**",
            "?",
            "[!a-z]",
            "{",
            "\u{feff}",
            "é",
            "\u{202e}",
            "input.",
            "some x in",
            "default",
            "package",
            "import",
            "with",
            "not",
            ":=",
            "==",
            "count(",
            ")",
            "sprintf(\"%v\"",
            "regex.match(\"(\"",
            "\\d",
        ])
        .prop_map(str::to_string),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let pos = any::<prop::sample::Index>();
    prop_oneof![
        pos.clone()
            .prop_map(|i| Edit::Truncate(i.index(usize::MAX))),
        (pos.clone(), 1..64usize).prop_map(|(i, n)| Edit::Delete(i.index(usize::MAX), n)),
        (pos.clone(), nasty()).prop_map(|(i, s)| Edit::Insert(i.index(usize::MAX), s)),
        (pos.clone(), 1..16usize, nasty()).prop_map(|(i, n, s)| Edit::Replace(
            i.index(usize::MAX),
            n,
            s
        )),
        (pos, 1..200usize).prop_map(|(i, n)| Edit::Duplicate(i.index(usize::MAX), n)),
    ]
}

/// Applies edits on char boundaries (the parsers take `&str`: invalid UTF-8 is the file
/// reader's error, tested in tests/cli.rs).
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        let at = |p: usize, s: &str| {
            if s.is_empty() {
                return 0;
            }
            let mut i = p % (s.len() + 1);
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let end = |from: usize, n: usize, s: &str| {
            let mut j = (from + n).min(s.len());
            while !s.is_char_boundary(j) {
                j += 1;
            }
            j
        };
        match e {
            Edit::Truncate(p) => {
                let i = at(*p, &s);
                s.truncate(i);
            }
            Edit::Delete(p, n) => {
                let i = at(*p, &s);
                let j = end(i, *n, &s);
                s.replace_range(i..j, "");
            }
            Edit::Insert(p, t) => {
                let i = at(*p, &s);
                s.insert_str(i, t);
            }
            Edit::Replace(p, n, t) => {
                let i = at(*p, &s);
                let j = end(i, *n, &s);
                s.replace_range(i..j, t);
            }
            Edit::Duplicate(p, n) => {
                let i = at(*p, &s);
                let j = end(i, *n, &s);
                let piece = s[i..j].to_string();
                s.insert_str(j, &piece);
            }
        }
    }
    s
}

/// Any JSON value, nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        nasty().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(nasty(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One structural edit of a JSON document: follow `path` (indices into whatever is there)
/// and replace, remove or add at the end of it.
#[derive(Debug, Clone)]
enum JsonEdit {
    Replace(Vec<prop::sample::Index>, Value),
    Remove(Vec<prop::sample::Index>),
    AddKey(Vec<prop::sample::Index>, String, Value),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let path = prop::collection::vec(any::<prop::sample::Index>(), 0..9);
    prop_oneof![
        (path.clone(), json_value()).prop_map(|(p, v)| JsonEdit::Replace(p, v)),
        path.clone().prop_map(JsonEdit::Remove),
        (path, nasty(), json_value()).prop_map(|(p, k, v)| JsonEdit::AddKey(p, k, v)),
    ]
}

fn walk<'a>(v: &'a mut Value, path: &[prop::sample::Index]) -> &'a mut Value {
    let Some((i, rest)) = path.split_first() else {
        return v;
    };
    let len = match &*v {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        _ => 0,
    };
    if len == 0 {
        return v;
    }
    match v {
        Value::Array(a) => walk(&mut a[i.index(len)], rest),
        Value::Object(m) => {
            let key = m.keys().nth(i.index(len)).cloned().expect("key");
            walk(m.get_mut(&key).expect("value"), rest)
        }
        other => other,
    }
}

fn json_apply(mut doc: Value, edits: &[JsonEdit]) -> Value {
    for e in edits {
        match e {
            JsonEdit::Replace(p, v) => *walk(&mut doc, p) = v.clone(),
            JsonEdit::Remove(p) => {
                if p.is_empty() {
                    continue;
                }
                let (last, parent) = p.split_last().expect("non-empty");
                match walk(&mut doc, parent) {
                    Value::Array(a) if !a.is_empty() => {
                        let n = a.len();
                        a.remove(last.index(n));
                    }
                    Value::Object(m) if !m.is_empty() => {
                        let n = m.len();
                        let key = m.keys().nth(last.index(n)).cloned().expect("key");
                        m.remove(&key);
                    }
                    _ => {}
                }
            }
            JsonEdit::AddKey(p, k, v) => {
                if let Value::Object(m) = walk(&mut doc, p) {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
    }
    doc
}

// ---------------------------------------------------------------------------------------
// What every rejection must look like
// ---------------------------------------------------------------------------------------

/// A rejected input: exit 2, and the message names the file.
fn rejected_well(e: &Error, file: &str) -> Result<(), TestCaseError> {
    let code = msgready::cli::exit_code(&Err(Error::Usage(String::new())));
    prop_assert!(!matches!(e, Error::Interrupted(_)), "{}", e);
    prop_assert_eq!(code, msgready::cli::COULD_NOT_RUN, "{}", e);
    let message = e.to_string();
    prop_assert!(
        message.contains(file),
        "the error does not name {}: {}",
        file,
        message
    );
    prop_assert!(!message.trim().is_empty());
    Ok(())
}

/// An accepted snapshot evaluates: every rule runs, no rule errors.
fn evaluates(config: &Config, facts: &FactSnapshot) -> Result<(), TestCaseError> {
    let outcome = msgready::pipeline::evaluate(&Evaluation {
        now: Some("2026-11-26T00:00:00Z"),
        ..Evaluation::new(rules(), config, facts)
    });
    match outcome {
        Ok(report) => {
            // The report renders in the formats that walk every string.
            let json = serde_json::to_string(&report);
            prop_assert!(json.is_ok());
        }
        // A snapshot with no Region of the deployment is a usage error, named as such.
        Err(Error::Usage(m)) => prop_assert!(m.contains("Region"), "{}", m),
        Err(e) => prop_assert!(false, "an accepted snapshot failed to evaluate: {}", e),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(settings())]

    /// Text edits of valid snapshots: parsed or rejected with the file named, never a panic.
    #[test]
    fn fact_snapshot_text_edits(case in any::<prop::sample::Index>(),
                                edits in prop::collection::vec(edit(), 1..5)) {
        let (config, facts) = &fixtures()[case.index(fixtures().len())];
        let text = apply(&serde_json::to_string_pretty(facts).expect("json"), &edits);
        match msgready::jsonio::parse::<FactSnapshot>(&text, "facts.json") {
            Ok(snapshot) => evaluates(config, &snapshot)?,
            Err(e) => rejected_well(&e, "facts.json")?,
        }
    }

    /// Structural edits (values of any type anywhere, removed and unknown keys): a snapshot
    /// the model accepts evaluates; one it rejects is named with its JSON path.
    #[test]
    fn fact_snapshot_structure_edits(case in any::<prop::sample::Index>(),
                                     edits in prop::collection::vec(json_edit(), 1..4)) {
        let (config, facts) = &fixtures()[case.index(fixtures().len())];
        let doc = json_apply(facts.clone(), &edits);
        let text = serde_json::to_string(&doc).expect("json");
        match msgready::jsonio::parse::<FactSnapshot>(&text, "facts.json") {
            Ok(snapshot) => evaluates(config, &snapshot)?,
            Err(e) => rejected_well(&e, "facts.json")?,
        }
    }

    /// Arbitrary text as a snapshot.
    #[test]
    fn fact_snapshot_arbitrary_text(text in prop::collection::vec(nasty(), 0..40)) {
        let text: String = text.concat();
        if let Err(e) = msgready::jsonio::parse::<FactSnapshot>(&text, "facts.json") {
            rejected_well(&e, "facts.json")?;
        }
    }

    /// Text edits of the bundled configs; an accepted config also passes the rule-ID check
    /// or is rejected by it with the file named.
    #[test]
    fn config_text_edits(case in any::<prop::sample::Index>(),
                         edits in prop::collection::vec(edit(), 1..5)) {
        let (name, text) = &configs()[case.index(configs().len())];
        let text = apply(text, &edits);
        match Config::parse(&text, name) {
            Ok(config) => {
                if let Err(e) = config.check_rule_ids(&rules().ids(), name, Some(&text)) {
                    rejected_well(&e, name)?;
                }
            }
            Err(e) => rejected_well(&e, name)?,
        }
    }

    /// Waiver files: parsed or rejected with the file named; parsed ones apply to real
    /// results without a panic.
    #[test]
    fn waiver_text_edits(edits in prop::collection::vec(edit(), 1..5)) {
        let text = apply(WAIVERS, &edits);
        let ids = rules().ids();
        match Waivers::parse(&text, "waivers.toml", &ids) {
            Ok(w) => {
                let (config, facts) = &fixtures()[0];
                let snapshot: FactSnapshot =
                    serde_json::from_value(facts.clone()).expect("fixture facts");
                let mut report = msgready::pipeline::evaluate(&Evaluation {
                    now: Some("2026-11-26T00:00:00Z"),
                    ..Evaluation::new(rules(), config, &snapshot)
                }).expect("evaluates");
                let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
                let summary = msgready::waivers::apply(&mut report.results, &w, today);
                prop_assert!(serde_json::to_string(&summary).is_ok());
            }
            Err(e) => rejected_well(&e, "waivers.toml")?,
        }
    }

    /// Rule files (metadata TOML and the Rego inside it): loaded or rejected with the file
    /// named, never a panic in the Rego parser or compiler.
    #[test]
    fn rule_file_text_edits(case in any::<prop::sample::Index>(),
                            edits in prop::collection::vec(edit(), 1..4)) {
        let (name, text) = &rule_files()[case.index(rule_files().len())];
        let text = apply(text, &edits);
        if let Err(e) = RuleSet::from_files([(name.clone(), text)]) {
            rejected_well(&e, name)?;
        }
    }
}
