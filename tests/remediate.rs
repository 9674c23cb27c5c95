//! `msgready remediate`: every failing result of the Region lands in the template or the
//! checklist; the templates pass cfn-lint; bad input exits 2 naming the file or flag; no secret
//! or personal data reaches the generated files.

#[path = "support/cli.rs"]
mod cli;

use msgready::config::Config;
use msgready::engine::rule::RuleSet;
use msgready::model::facts::FactSnapshot;
use msgready::model::vocab::Status;
use msgready::remediate::{self, Loaded};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-21T00:00:00Z";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The example's report, evaluated in-process with the normal engine.
fn example(name: &str) -> Loaded {
    let dir = repo().join("examples").join(name);
    let rules = RuleSet::builtin_with(None).expect("rules");
    let config = Config::load(&dir.join("msgready.toml")).expect("config");
    let facts = msgready::jsonio::load::<FactSnapshot>(&dir.join("facts.json")).expect("facts");
    let report = msgready::pipeline::evaluate(&msgready::pipeline::Evaluation {
        now: Some(NOW),
        ..msgready::pipeline::Evaluation::new(&rules, &config, &facts)
    })
    .expect("evaluates");
    Loaded {
        report,
        facts: Some(facts),
    }
}

/// (rule, resource) of every failing result of `region`.
fn failing(loaded: &Loaded, region: &str) -> BTreeSet<(String, String)> {
    loaded
        .report
        .results
        .iter()
        .filter(|r| r.region == region && r.status == Status::Fail)
        .map(|r| (r.rule_id.clone(), r.resource.clone()))
        .collect()
}

/// The findings the written files say they close: the template's `msgready:Closes` entries and
/// the checklist's `Closes:` lines (and DNS table rows).
fn closed_in_files(dir: &Path, region: &str) -> BTreeSet<(String, String)> {
    let yaml = std::fs::read_to_string(dir.join(format!("remediation-{region}.yaml"))).unwrap();
    let md = std::fs::read_to_string(dir.join(format!("remediation-{region}.md"))).unwrap();
    let mut out = BTreeSet::new();
    let lines: Vec<&str> = yaml.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if let Some(rule) = l.trim().strip_prefix("- Rule: ") {
            let res = lines
                .get(i + 1)
                .and_then(|n| n.trim().strip_prefix("Resource: "))
                .unwrap_or_default();
            out.insert((unquote(rule), unquote(res)));
        }
    }
    for l in md.lines() {
        if let Some(list) = l.trim().strip_prefix("Closes: ") {
            for part in list.split(", `") {
                let part = part.trim_start_matches('`');
                if let Some((rule, res)) = part.split_once("` ") {
                    out.insert((rule.to_string(), res.to_string()));
                }
            }
        }
    }
    out
}

fn unquote(s: &str) -> String {
    serde_json::from_str::<String>(s).unwrap_or_else(|_| s.to_string())
}

fn remediate_cli(args: &[&str]) -> std::process::Output {
    let mut full = vec!["remediate"];
    full.extend_from_slice(args);
    cli::run(&full)
}

fn assert_covered(loaded: &Loaded, dir: &Path, region: &str) -> usize {
    let want = failing(loaded, region);
    assert!(
        !want.is_empty(),
        "{region} has no failing result to remediate"
    );
    let got = closed_in_files(dir, region);
    let missing: Vec<_> = want.difference(&got).collect();
    assert!(
        missing.is_empty(),
        "failing results of {region} in neither the template nor the checklist: {missing:?}"
    );
    want.len()
}

#[test]
fn warm_standby_every_failing_result_is_in_the_template_or_the_checklist() {
    let loaded = example("warm-standby");
    let out = tempfile::tempdir().unwrap();
    let ex = repo().join("examples/warm-standby");
    let o = remediate_cli(&[
        "--facts",
        ex.join("facts.json").to_str().unwrap(),
        "--config",
        ex.join("msgready.toml").to_str().unwrap(),
        "--region",
        "us-west-2",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(cli::code(&o), 0, "{}", cli::stderr(&o));
    let n = assert_covered(&loaded, out.path(), "us-west-2");
    assert!(n >= 20, "only {n} failing results");
    // The common findings get specific resources, not only the fallback.
    let yaml = std::fs::read_to_string(out.path().join("remediation-us-west-2.yaml")).unwrap();
    for kind in [
        "AWS::SES::Template",
        "AWS::IAM::RolePolicy",
        "AWS::CloudWatch::Alarm",
    ] {
        assert!(yaml.contains(kind), "no {kind} in the template");
    }
    // The planted DKIM gap: the standby identity's own tokens, as exact CNAMEs.
    let r53: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("route53-us-west-2.json")).unwrap(),
    )
    .unwrap();
    let names: Vec<&str> = r53["Changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ResourceRecordSet"]["Name"].as_str().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("._domainkey.example-retail.co.uk.")),
        "{names:?}"
    );
    let md = std::fs::read_to_string(out.path().join("remediation-us-west-2.md")).unwrap();
    assert!(md.contains("feedback-smtp.us-west-2.amazonses.com"));
    assert!(md.contains("## Could not be assessed"));
    assert!(
        md.contains("`VOICE-002`"),
        "not-assessed VOICE-002 not listed"
    );
    // Deterministic: a second run writes the same bytes.
    let again = tempfile::tempdir().unwrap();
    let o = remediate_cli(&[
        "--facts",
        ex.join("facts.json").to_str().unwrap(),
        "--config",
        ex.join("msgready.toml").to_str().unwrap(),
        "--region",
        "us-west-2",
        "--out",
        again.path().to_str().unwrap(),
    ]);
    assert_eq!(cli::code(&o), 0);
    for f in ["remediation-us-west-2.yaml", "route53-us-west-2.json"] {
        assert_eq!(
            std::fs::read(out.path().join(f)).unwrap(),
            std::fs::read(again.path().join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

#[test]
fn active_active_weaker_region_is_covered_and_a_report_works_as_input() {
    let loaded = example("active-active");
    // The weaker Region: the lowest score.
    let region = loaded
        .report
        .score
        .by_region
        .iter()
        .filter(|(_, s)| s.score.is_some())
        .min_by(|a, b| a.1.score.partial_cmp(&b.1.score).unwrap())
        .map(|(r, _)| r.clone())
        .expect("a scored Region");
    let out = tempfile::tempdir().unwrap();
    // Input as a JSON report, which carries its results already.
    let report = out.path().join("report.json");
    std::fs::write(
        &report,
        serde_json::to_string(&loaded.report).expect("serialises"),
    )
    .unwrap();
    let o = remediate_cli(&[
        "--facts",
        report.to_str().unwrap(),
        "--region",
        &region,
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(cli::code(&o), 0, "{}", cli::stderr(&o));
    assert_covered(&loaded, out.path(), &region);
    // From the facts, the same findings are covered too.
    let plan = remediate::plan(&loaded, &region, None, "facts.json").unwrap();
    let dir = tempfile::tempdir().unwrap();
    remediate::write(&plan, dir.path()).unwrap();
    assert_covered(&loaded, dir.path(), &region);
}

/// The cfn-lint in the test venv, or `None` (a loud notice) when it is not installed and CI
/// does not require it.
fn cfn_lint() -> Option<PathBuf> {
    let venv = std::env::var("MSGREADY_VENV").unwrap_or_else(|_| "/var/tmp/msgready-venv".into());
    let bin = Path::new(&venv).join("bin/cfn-lint");
    if bin.exists() {
        return Some(bin);
    }
    assert!(
        std::env::var("MSGREADY_REQUIRE_CFN_LINT").as_deref() != Ok("1"),
        "cfn-lint is required (MSGREADY_REQUIRE_CFN_LINT=1) but {} does not exist: run scripts/setup-test-env.sh",
        bin.display()
    );
    eprintln!(
        "\n*** NOTICE: cfn-lint not found at {} — the template validation test is SKIPPED. \
         Run scripts/setup-test-env.sh to install it. ***\n",
        bin.display()
    );
    None
}

/// Writes the files of every Region of `loaded` that has failures under `out/label/REGION`,
/// checks their coverage, and collects the template paths.
fn generate(templates: &mut Vec<PathBuf>, out: &Path, loaded: &Loaded, label: &str) {
    for region in &loaded.report.deployment.regions {
        if failing(loaded, &region.name).is_empty() {
            continue;
        }
        let dir = out.join(label).join(&region.name);
        let plan = remediate::plan(loaded, &region.name, None, label)
            .unwrap_or_else(|e| panic!("{label} {}: {e}", region.name));
        remediate::write(&plan, &dir).unwrap();
        assert_covered(loaded, &dir, &region.name);
        templates.push(dir.join(format!("remediation-{}.yaml", region.name)));
    }
}

/// Templates for both examples (every Region) and for every rule fixture's Regions with
/// failures: written, checked for coverage, then linted in one cfn-lint run.
#[test]
fn generated_templates_pass_cfn_lint() {
    // MSGREADY_REMEDIATE_LINT_DIR keeps the generated files for inspection.
    let keep = std::env::var_os("MSGREADY_REMEDIATE_LINT_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let out = keep.as_deref().unwrap_or(tmp.path());
    let mut templates: Vec<PathBuf> = Vec::new();
    generate(
        &mut templates,
        out,
        &example("warm-standby"),
        "warm-standby",
    );
    generate(
        &mut templates,
        out,
        &example("active-active"),
        "active-active",
    );
    let rules = RuleSet::builtin_with(None).unwrap();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/rules"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    let mut with_failures = 0;
    for path in &fixtures {
        let case = msgready::rules_test::load_case(path).unwrap();
        if case.config.deployment.regions.is_empty() {
            continue;
        }
        let loaded = evaluated(&rules, &case);
        let label = format!(
            "{}-{}",
            path.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            path.file_stem().unwrap().to_string_lossy()
        );
        let before = templates.len();
        generate(&mut templates, out, &loaded, &label);
        with_failures += usize::from(templates.len() > before);
    }
    assert!(
        with_failures > 40,
        "only {with_failures} fixtures gave a Region with failures"
    );
    let Some(lint) = cfn_lint() else { return };
    let run = std::process::Command::new(&lint)
        .args(["--format", "parseable"])
        .args(&templates)
        .output()
        .expect("run cfn-lint");
    let text = String::from_utf8_lossy(&run.stdout);
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.split(':').any(|f| f.starts_with('E') && f.len() == 5))
        .collect();
    // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
    let code = run.status.code().unwrap_or(-1);
    assert!(
        errors.is_empty() && code & 2 == 0 && code >= 0 && code & 1 == 0,
        "cfn-lint found errors (exit {code}) in {} templates:\n{}\n{}",
        templates.len(),
        errors.join("\n"),
        String::from_utf8_lossy(&run.stderr)
    );
    let mut warnings: BTreeSet<String> = BTreeSet::new();
    for l in text.lines() {
        if let Some(rule) = l.split(':').find(|f| f.starts_with('W') && f.len() == 5) {
            warnings.insert(rule.to_string());
        }
    }
    eprintln!(
        "cfn-lint: {} templates, 0 errors, warning rules: {warnings:?}",
        templates.len()
    );
}

#[test]
fn bad_input_exits_2_naming_the_file_or_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let ex = repo().join("examples/warm-standby");
    let facts = ex.join("facts.json");
    let config = ex.join("msgready.toml");
    let broken = cli::write(
        dir.path(),
        "broken.json",
        "{\n  \"schema_version\": 1,\n  \"accounts\": [\n",
    );
    let report = dir.path().join("report.json");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--facts".into(),
                dir.path().join("missing.json").display().to_string(),
                "--region".into(),
                "us-west-2".into(),
            ],
            "missing.json",
        ),
        (
            vec![
                "--facts".into(),
                broken.display().to_string(),
                "--region".into(),
                "us-west-2".into(),
            ],
            "broken.json:",
        ),
        (
            vec![
                "--facts".into(),
                facts.display().to_string(),
                "--config".into(),
                config.display().to_string(),
                "--region".into(),
                "eu-west-3".into(),
            ],
            "--region eu-west-3",
        ),
        (
            vec![
                "--facts".into(),
                facts.display().to_string(),
                "--region".into(),
                "Mars".into(),
            ],
            "--region `Mars`",
        ),
        (
            vec![
                "--facts".into(),
                report.display().to_string(),
                "--config".into(),
                config.display().to_string(),
                "--region".into(),
                "us-west-2".into(),
            ],
            "--config does not apply",
        ),
    ];
    // A real report for the last case.
    let loaded = example("warm-standby");
    std::fs::write(&report, serde_json::to_string(&loaded.report).unwrap()).unwrap();
    for (args, named) in cases {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--out", out]);
        let o = remediate_cli(&a);
        assert_eq!(cli::code(&o), 2, "{a:?}: {}", cli::stderr(&o));
        assert!(
            cli::stderr(&o).contains(named),
            "{a:?}: stderr does not name {named}: {}",
            cli::stderr(&o)
        );
    }
    assert!(!Path::new(out).exists(), "files were written on bad input");
}

#[test]
fn push_credentials_are_noecho_parameters_without_defaults() {
    // The PUSH-001 fixture: channels missing in the standby project need credentials.
    let rules = RuleSet::builtin_with(None).unwrap();
    let dir = repo().join("tests/fixtures/rules/PUSH-001");
    let mut checked = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let case = msgready::rules_test::load_case(&f.unwrap().path()).unwrap();
        let loaded = evaluated(&rules, &case);
        for region in loaded.report.deployment.regions.clone() {
            let plan = remediate::plan(&loaded, &region.name, None, "fixture").unwrap();
            for (name, p) in &plan.template.parameters {
                let secretish = [
                    "TokenKey",
                    "PrivateKey",
                    "Certificate",
                    "ApiKey",
                    "SecretKey",
                    "ClientSecret",
                    "ServiceJson",
                ]
                .iter()
                .any(|s| name.ends_with(s));
                if secretish {
                    assert!(p.no_echo, "{name} is not NoEcho");
                    assert!(p.default.is_none(), "{name} has a default");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0, "no push credential parameter was generated");
}

/// A rule-test case's facts evaluated against its config at the fixed time.
fn evaluated(rules: &RuleSet, case: &msgready::rules_test::Case) -> Loaded {
    let facts =
        msgready::jsonio::parse::<FactSnapshot>(&case.facts.to_string(), "fixture").unwrap();
    let report = msgready::pipeline::evaluate(&msgready::pipeline::Evaluation {
        now: Some(NOW),
        ..msgready::pipeline::Evaluation::new(rules, &case.config, &facts)
    })
    .unwrap();
    Loaded {
        report,
        facts: Some(facts),
    }
}
