//! The command line: parse, call the library, map the outcome to an exit code.

use crate::engine::rule::{RuleSet, SERVICES};
use crate::error::{Error, Result};
use crate::exit::{self, GateOptions};
use crate::report::{self, terminal};
use crate::rules_meta::Severity;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "msgready",
    version,
    about = "Audit whether an AWS messaging deployment is ready to survive the loss of a Region",
    after_help = "Exit codes: 0 gate passed; 1 gate failed; 2 could not run; 3 incomplete (results not assessed)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a fact snapshot against the rules, write reports and gate.
    Evaluate(EvaluateArgs),
    /// List, explain, lint and test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the JSON Schema of the fact snapshot or of the JSON report.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Facts,
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `DIR/report.json`: the full report.
    Json,
    /// A summary on standard output.
    Text,
    /// `DIR/report.html`: one self-contained page for reviewers.
    Html,
    /// `DIR/report.sarif`: SARIF 2.1.0, for code scanning.
    Sarif,
    /// `DIR/report.junit.xml`: one test case per rule and Region, for CI test views.
    Junit,
    /// `DIR/report.md`: a short summary for pull-request comments and job summaries.
    Markdown,
    /// `DIR/report.asff.json`: AWS Security Finding Format, for Security Hub.
    Asff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail on findings (only on --min-score).
    None,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::None => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// Fail (exit 1) on any failing result at or above this severity.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// Fail (exit 1) when the overall score is below N (0–100).
    #[arg(long, value_name = "N", value_parser = parse_score)]
    pub min_score: Option<f64>,
}

fn parse_score(s: &str) -> std::result::Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 100"))
    }
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Fact snapshot written by `msgready collect` (or by hand; see `msgready schema facts`).
    #[arg(long, value_name = "FILE")]
    pub facts: PathBuf,
    /// msgready.toml: deployment, thresholds, targets, rule overrides.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra rule files; a rule with a built-in rule's ID replaces it.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Folder the report files are written to.
    #[arg(long, value_name = "DIR", default_value = "msgready-report")]
    pub out: PathBuf,
    /// Outputs, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "json,text")]
    pub format: Vec<OutputFormat>,
    /// Folder of HTML report templates replacing the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Everything about one rule: metadata, rationale, remediation, the facts it reads.
    Explain {
        id: String,
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Check rule files (unknown keys, IDs, Rego that does not compile) and report every problem.
    Lint { dir: PathBuf },
    /// Run rule test cases (`*.json` with facts, config and expected results) under DIR.
    Test {
        dir: PathBuf,
        /// Rules under test, in addition to the built-ins.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// The catalog as Markdown (docs/rules.md).
    Markdown,
}

/// Parses the process arguments and runs; returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => exit::COULD_NOT_RUN,
            };
        }
    };
    run(cli)
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Evaluate(args) => {
            let outcome = evaluate(&args);
            if let Err(e) = &outcome {
                eprintln!("msgready: error: {e}");
            }
            exit::exit_code(&outcome)
        }
        Command::Rules(cmd) => match rules(cmd) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("msgready: error: {e}");
                exit::COULD_NOT_RUN
            }
        },
        Command::Schema { which } => {
            let schema = match which {
                SchemaKind::Facts => crate::facts::FactSnapshot::json_schema(),
                SchemaKind::Report => report::Report::json_schema(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            exit::PASSED
        }
    }
}

fn evaluate(args: &EvaluateArgs) -> Result<exit::Gate> {
    let opts = crate::EvaluateOptions {
        facts: args.facts.clone(),
        config: args.config.clone(),
        rules: args.rules.clone(),
        gate: GateOptions {
            fail_on: args.gate.fail_on.severity(),
            min_score: args.gate.min_score,
        },
        now: None,
    };
    let report = crate::evaluate(&opts)?;
    if args.format.contains(&OutputFormat::Json) {
        let path = report::json::write(&report, &args.out)?;
        eprintln!("msgready: wrote {}", path.display());
    }
    use OutputFormat::*;
    for format in [Html, Sarif, Junit, Markdown, Asff] {
        if !args.format.contains(&format) {
            continue;
        }
        let path = match format {
            Html => report::html::write(&report, &args.out, args.templates.as_deref())?,
            Sarif => report::sarif::write(&report, &args.out)?,
            Junit => report::junit::write(&report, &args.out)?,
            Markdown => report::markdown::write(&report, &args.out)?,
            Asff => report::asff::write(&report, &args.out)?,
            Json | Text => continue,
        };
        eprintln!("msgready: wrote {}", path.display());
    }
    if args.format.contains(&OutputFormat::Text) {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", terminal::render(&report, &terminal::Style { colour }));
    }
    Ok(report.gate)
}

fn rules(cmd: RulesCommand) -> Result<u8> {
    match cmd {
        RulesCommand::List { format, rules } => {
            let set = RuleSet::builtin_with(rules.as_deref())?;
            match format {
                ListFormat::Json => {
                    let list: Vec<_> = set.rules.values().map(rule_json).collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&list).unwrap_or_default()
                    );
                }
                ListFormat::Markdown => print!("{}", rules_markdown(&set)),
                ListFormat::Text => {
                    for r in set.rules.values() {
                        println!(
                            "{:<11} {:<9} {:<10} {}",
                            r.id,
                            r.area.as_str(),
                            r.severity.describe(),
                            r.title
                        );
                    }
                }
            }
            Ok(exit::PASSED)
        }
        RulesCommand::Explain { id, rules } => {
            let set = RuleSet::builtin_with(rules.as_deref())?;
            let Some(rule) = set.get(&id.to_ascii_uppercase()) else {
                let hint = crate::config::closest(&id, &set.ids())
                    .map(|c| format!("; did you mean {c}?"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!("no rule `{id}`{hint}")));
            };
            print!("{}", explain(rule));
            Ok(exit::PASSED)
        }
        RulesCommand::Lint { dir } => {
            let set = RuleSet::from_dir(&dir)?;
            println!(
                "{} rule file(s) in {}: no problems",
                set.rules.len(),
                dir.display()
            );
            Ok(exit::PASSED)
        }
        RulesCommand::Test { dir, rules } => crate::rules_test::run(&dir, rules.as_deref()),
    }
}

/// docs/rules.md: every rule, generated from the rule files.
pub fn rules_markdown(set: &RuleSet) -> String {
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut o = String::from(
        "# msgready rules\n\nGenerated by `msgready rules list --format markdown` from the files in `rules/`; do not edit.\n\n| ID | Title | Area | Severity | Guide |\n|---|---|---|---|---|\n",
    );
    for r in set.rules.values() {
        o.push_str(&format!(
            "| [{id}](#{anchor}) | {} | {} | {} | {} |\n",
            esc(&r.title),
            r.area,
            r.severity.describe(),
            esc(&r.guide),
            id = r.id,
            anchor = r.id.to_ascii_lowercase(),
        ));
    }
    for r in set.rules.values() {
        o.push_str(&format!(
            "\n## {}\n\n**{}** — area `{}`, severity {}, {}.\n\nGuide: {}\n\nReads: {}\n\n### Why it matters\n\n{}\n\n### What to do\n\n{}\n",
            r.id,
            r.title,
            r.area,
            r.severity.describe(),
            match r.scope {
                crate::engine::rule::Scope::AllRegions => "judges every Region",
                crate::engine::rule::Scope::OtherRegions => "judges every Region against the primary",
            },
            r.guide,
            if r.requires.is_empty() && r.optional.is_empty() {
                "the deployment and collection status only".to_string()
            } else {
                r.requires
                    .iter()
                    .map(|q| format!("`{q}`"))
                    .chain(r.optional.iter().map(|q| format!("`{q}` (optional)")))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            r.rationale,
            r.remediation,
        ));
    }
    o
}

fn rule_json(r: &crate::engine::rule::Rule) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "title": r.title,
        "area": r.area,
        "severity": r.severity.describe(),
        "severity_by_architecture": {
            "active-active": r.severity.for_architecture(crate::config::Architecture::ActiveActive),
            "warm-standby": r.severity.for_architecture(crate::config::Architecture::WarmStandby),
        },
        "guide": r.guide,
        "scope": r.scope,
        "requires": r.requires,
        "optional": r.optional,
        "source": r.source,
    })
}

pub fn explain(r: &crate::engine::rule::Rule) -> String {
    let sections: Vec<String> = r
        .requires
        .iter()
        .map(|q| (q, ""))
        .chain(r.optional.iter().map(|q| (q, "  (optional)")))
        .map(|(req, note)| {
            let svc = req.split(':').next().unwrap_or("");
            let section = SERVICES
                .iter()
                .find(|(s, _)| *s == svc)
                .map(|(_, sec)| *sec)
                .unwrap_or("?");
            let path = match section.strip_prefix("global.") {
                Some(g) => format!("accounts[].global.{g}"),
                None => format!("accounts[].regions.<region>.{section}"),
            };
            format!("  - {req}  →  {path}{note}")
        })
        .collect();
    let scope = match r.scope {
        crate::engine::rule::Scope::AllRegions => {
            "every Region of the deployment, the primary included"
        }
        crate::engine::rule::Scope::OtherRegions => {
            "every Region except the primary, compared with the primary"
        }
    };
    format!(
        "{id}  {title}\n\nArea:        {area}\nSeverity:    {sev}\nGuide:       {guide}\nJudges:      {scope}\nSource:      {source}\n\nWhy it matters\n{rat}\n\nWhat to do\n{rem}\n\nFacts it reads (a failed or missing one makes the result not_assessed)\n{facts}\n",
        id = r.id,
        title = r.title,
        area = r.area,
        sev = r.severity.describe(),
        guide = r.guide,
        source = r.source,
        rat = indent(&r.rationale),
        rem = indent(&r.remediation),
        facts = sections.join("\n"),
    )
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
