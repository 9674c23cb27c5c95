//! The command line: parse, call the library, map the outcome to an exit code.

use crate::engine::rule::{RuleSet, SERVICES};
use crate::error::{Error, Result};
use crate::exit::{self, GateOptions};
use crate::output;
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
    /// Logs on stderr: -v what is collected, -vv every request and retry (never bodies,
    /// credentials or personal data).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a fact snapshot against the rules, write reports and gate.
    Evaluate(EvaluateArgs),
    /// Read the deployment from AWS (read-only) and write a fact snapshot.
    Collect(CollectArgs),
    /// Collect, then evaluate, report and gate exactly like `evaluate`.
    Scan(ScanArgs),
    /// List, explain, lint and test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the least-privilege IAM policy (JSON) that `collect` and `scan` need: read-only,
    /// plus the report sink's permissions with --out s3://….
    Policy(PolicyArgs),
    /// Combine the fact snapshots (into one snapshot) or the JSON reports (into one report
    /// set, score and gate re-derived) that the shards of a many-account scan wrote.
    Merge(MergeArgs),
    /// Compare two JSON reports: new, fixed and still-failing findings, score and coverage
    /// changes. Exits 0 when it ran, whatever changed; 2 on bad input.
    Diff {
        /// The older report (report.json).
        old: PathBuf,
        /// The newer report.
        new: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
    /// For one Region: the CloudFormation template that creates what it lacks, the checklist
    /// for what CloudFormation cannot do, and a Route 53 change batch for its DNS records.
    /// Exits 0 when the files were written (whatever was found); 2 on bad input.
    Remediate(RemediateArgs),
    /// Print the JSON Schema of the fact snapshot or of the JSON report.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Narrow the AssumeRole statement of many-account scans to this role name in every account.
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// Add the statements the report sink `s3://bucket/prefix/` needs (ListBucket on the
    /// prefix, GetObject and PutObject under it).
    #[arg(long, value_name = "S3URL")]
    pub out: Option<String>,
    /// With --out: the SSE-KMS key reports are encrypted with (adds kms:GenerateDataKey and
    /// kms:Decrypt on it).
    #[arg(long, value_name = "KEY", requires = "out")]
    pub sse_kms_key_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Fact snapshots (from `collect --shard`) or JSON reports (from `scan --shard`), not mixed.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Snapshots: the merged snapshot FILE. Reports: the report folder or s3://bucket/prefix/,
    /// as for `evaluate`.
    #[arg(long, value_name = "FILE|DIR|S3URL")]
    pub out: PathBuf,
    /// Reports: outputs, comma-separated (as for `evaluate`).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "json,text")]
    pub format: Vec<OutputFormat>,
    /// Reports: keep history in the --out folder (as for `evaluate`).
    #[arg(long)]
    pub history: bool,
    /// Reports, with --out s3://…: encrypt with SSE-KMS under this key.
    #[arg(long, value_name = "KEY")]
    pub sse_kms_key_id: Option<String>,
    /// Reports: HTML templates replacing the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Reports: gate the merged results at this severity (default: the shards' own --fail-on,
    /// which must then agree).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Reports: also fail when the merged overall score is below N.
    #[arg(long, value_name = "N", value_parser = parse_score)]
    pub min_score: Option<f64>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Facts,
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
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
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Rules, report outputs and gate: shared by `evaluate` and `scan`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Extra rule files; a rule with a built-in rule's ID replaces it.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Folder the report files are written to, or `s3://bucket/prefix/` (history layout,
    /// encrypted at rest: the only write msgready makes to AWS).
    #[arg(long, value_name = "DIR|S3URL", default_value = "msgready-report")]
    pub out: PathBuf,
    /// Keep history in the --out folder: each run in DIR/runs/<UTC time>/, a copy in
    /// DIR/latest/, nothing else at the top; the reports show the score trend. Implied by
    /// --out s3://….
    #[arg(long)]
    pub history: bool,
    /// With --out s3://…: encrypt with SSE-KMS under this key (default: SSE-S3, AES256).
    #[arg(long, value_name = "KEY")]
    pub sse_kms_key_id: Option<String>,
    /// Outputs, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "json,text")]
    pub format: Vec<OutputFormat>,
    /// Folder of HTML report templates replacing the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Waivers (TOML): failing results accepted until a date, with owner and reason.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// An earlier JSON report: failures it already had are known and do not fail the gate.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// Where and how to read AWS: shared by `collect` and `scan`.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// msgready.toml; its deployment names the Regions (optional with --regions).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Regions to read, comma-separated; overrides the config's deployment.
    #[arg(long, value_name = "R1,R2", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Primary Region (default: the config's primary, or the first of --regions).
    #[arg(long, value_name = "REGION")]
    pub primary: Option<String>,
    /// Named profile from the shared AWS config files (SSO profiles included).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Role to assume (STS AssumeRole) before reading.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External ID passed on every AssumeRole msgready makes (--role-arn, --role-name).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Requests per second per Region for each SMS/voice v2 operation (AWS default quota: 1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub sms_voice_rps: u32,
    /// Attempts per request, the first included (SDK standard retry mode).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: u32,
    /// Independent requests in flight per Region and operation (per-resource reads).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Also resolve the DKIM, MAIL FROM and DMARC records each Region needs (EMAIL-004).
    #[arg(long)]
    pub dns: bool,
    /// DNS server for --dns (IP[:port]); default: the system's resolver configuration.
    #[arg(long, value_name = "ADDR", requires = "dns")]
    pub dns_server: Option<String>,
    #[command(flatten)]
    pub accounts: AccountArgs,
}

/// Many accounts: which ones, entered how. Every account runs the same deployment (one
/// config, the same Regions and roles).
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// Scan these accounts (comma-separated IDs), each through --role-name.
    #[arg(
        long,
        value_name = "ID,ID",
        value_delimiter = ',',
        requires = "role_name",
        conflicts_with = "organization"
    )]
    pub accounts: Vec<String>,
    /// Scan every ACTIVE account of the organization (organizations:ListAccounts, from the
    /// management or a delegated administrator account), each through --role-name.
    #[arg(long, requires = "role_name")]
    pub organization: bool,
    /// Role assumed in each account (arn:<partition>:iam::<ID>:role/NAME; a path may be included).
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// Scan only worker I's share of N (0-based: 0/4 … 3/4): every N-th account of the sorted
    /// list, so that N workers cover each account exactly once.
    #[arg(long, value_name = "I/N", value_parser = crate::collect::accounts::Shard::parse)]
    pub shard: Option<crate::collect::accounts::Shard>,
    /// Accounts collected at once (each keeps its own per-account pacing).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub account_concurrency: u32,
}

impl AccountArgs {
    fn targets(&self) -> Result<crate::collect::accounts::AccountTargets> {
        let multi = self.organization || !self.accounts.is_empty();
        if !multi && (self.role_name.is_some() || self.shard.is_some()) {
            return Err(Error::Usage(
                "--role-name and --shard need --accounts or --organization".into(),
            ));
        }
        if let Some(name) = &self.role_name {
            let ok = !name.is_empty()
                && !name.starts_with("arn:")
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
            if !ok {
                return Err(Error::Usage(format!(
                    "--role-name `{name}` is not an IAM role name (give the name, not the ARN)"
                )));
            }
        }
        crate::collect::accounts::validate_account_ids(&self.accounts)?;
        Ok(crate::collect::accounts::AccountTargets {
            accounts: self.accounts.iter().map(|a| a.trim().to_string()).collect(),
            organization: self.organization,
            role_name: self.role_name.clone().unwrap_or_default(),
            shard: self.shard,
            concurrency: self.account_concurrency as usize,
        })
    }
}

impl AwsArgs {
    fn options(&self) -> Result<crate::CollectOptions> {
        if self.external_id.is_some()
            && self.role_arn.is_none()
            && self.accounts.role_name.is_none()
        {
            return Err(Error::Usage(
                "--external-id needs a role to assume: --role-arn or --role-name".into(),
            ));
        }
        Ok(crate::CollectOptions {
            regions: self.regions.clone(),
            primary: self.primary.clone(),
            credentials: crate::collect::Credentials {
                profile: self.profile.clone(),
                role_arn: self.role_arn.clone(),
                external_id: self.external_id.clone(),
            },
            limits: crate::collect::Limits {
                sms_voice_rps: self.sms_voice_rps,
                max_attempts: self.max_attempts,
                concurrency: self.concurrency as usize,
                ..Default::default()
            },
            dns: self.dns,
            dns_server: self.dns_server.clone(),
            targets: self.accounts.targets()?,
        })
    }
}

#[derive(Debug, Args)]
pub struct RemediateArgs {
    /// A fact snapshot (evaluated here) or a JSON report written by `evaluate`/`scan`.
    #[arg(long, value_name = "FILE")]
    pub facts: PathBuf,
    /// msgready.toml (with a fact snapshot only; a report carries its deployment).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra rule files (with a fact snapshot only).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// The Region to bring to parity: one of the deployment's.
    #[arg(long, value_name = "REGION")]
    pub region: String,
    /// The account, when the input covers several (a stack deploys into one).
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Folder for remediation-REGION.yaml, remediation-REGION.md and route53-REGION.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Fact snapshot to write (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub report: ReportArgs,
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

/// Logs to stderr at the level `-v` asks for; `RUST_LOG` overrides it.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => return,
        1 => "msgready=info",
        // The SDK crates stay at info: their debug and trace output carries request headers.
        _ => "msgready=trace,aws_smithy_runtime=info,aws_config=info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .try_init();
}

pub fn run(cli: Cli) -> u8 {
    init_logging(cli.verbose);
    match cli.command {
        Command::Evaluate(args) => {
            let outcome = evaluate(&args);
            if let Err(e) = &outcome {
                eprintln!("msgready: error: {e}");
            }
            exit::exit_code(&outcome)
        }
        Command::Scan(args) => {
            let outcome = scan(&args);
            if let Err(e) = &outcome {
                eprintln!("msgready: error: {e}");
            }
            exit::exit_code(&outcome)
        }
        Command::Collect(args) => match collect(&args) {
            Ok(()) => exit::PASSED,
            Err(e) => {
                eprintln!("msgready: error: {e}");
                exit::error_code(&e)
            }
        },
        Command::Rules(cmd) => match rules(cmd) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("msgready: error: {e}");
                exit::COULD_NOT_RUN
            }
        },
        Command::Diff { old, new, format } => match diff(&old, &new, format) {
            Ok(()) => exit::PASSED,
            Err(e) => {
                eprintln!("msgready: error: {e}");
                exit::COULD_NOT_RUN
            }
        },
        Command::Policy(args) => match policy(&args) {
            Ok(()) => exit::PASSED,
            Err(e) => {
                eprintln!("msgready: error: {e}");
                exit::COULD_NOT_RUN
            }
        },
        Command::Remediate(args) => match remediate(&args) {
            Ok(()) => exit::PASSED,
            Err(e) => {
                eprintln!("msgready: error: {e}");
                exit::COULD_NOT_RUN
            }
        },
        Command::Merge(args) => {
            let outcome = merge(&args);
            if let Err(e) = &outcome {
                eprintln!("msgready: error: {e}");
            }
            // A merged snapshot is no verdict: it exits 0 when written.
            match outcome {
                Ok(None) => exit::PASSED,
                Ok(Some(gate)) => exit::exit_code(&Ok(gate)),
                Err(e) => exit::exit_code(&Err(e)),
            }
        }
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

fn remediate(args: &RemediateArgs) -> Result<()> {
    let o = crate::remediate::run(&crate::remediate::RemediateOptions {
        input: args.facts.clone(),
        config: args.config.clone(),
        rules: args.rules.clone(),
        region: args.region.clone(),
        account: args.account.clone(),
        out: args.out.clone(),
        now: None,
    })?;
    println!(
        "msgready: {} failing result(s) in {}: {} resource(s) in {}, {} checklist item(s) in {}{}; {} not assessed",
        o.failing,
        args.region,
        o.resources,
        o.template.display(),
        o.checklist_items,
        o.checklist.display(),
        o.route53
            .as_ref()
            .map(|p| format!(", DNS changes in {}", p.display()))
            .unwrap_or_default(),
        o.not_assessed
    );
    Ok(())
}

fn diff(old: &std::path::Path, new: &std::path::Path, format: DiffFormat) -> Result<()> {
    let (a, b) = (report::Report::load(old)?, report::Report::load(new)?);
    let d = crate::diff::diff(
        &old.display().to_string(),
        &a,
        &new.display().to_string(),
        &b,
    );
    print!(
        "{}",
        match format {
            DiffFormat::Text => crate::diff::to_text(&d),
            DiffFormat::Json => crate::diff::to_json(&d),
            DiffFormat::Markdown => crate::diff::to_markdown(&d),
        }
    );
    Ok(())
}

fn policy(args: &PolicyArgs) -> Result<()> {
    let sink = match &args.out {
        Some(out) => match output::Target::parse(std::path::Path::new(out), true)? {
            output::Target::S3 { bucket, prefix } => Some(crate::collect::policy::Sink {
                bucket,
                prefix,
                kms_key: args.sse_kms_key_id.clone(),
            }),
            _ => {
                return Err(Error::Usage(format!(
                    "policy --out {out}: only an s3://bucket/prefix/ sink needs permissions"
                )))
            }
        },
        None => None,
    };
    let doc = crate::collect::policy::document_with(args.role_name.as_deref(), sink.as_ref());
    println!("{}", crate::report::json::pretty(&doc).unwrap_or_default());
    eprintln!("{}", crate::collect::policy::NOTE);
    Ok(())
}

/// `None` for a merged snapshot; the merged report's gate otherwise.
fn merge(args: &MergeArgs) -> Result<Option<exit::Gate>> {
    let inputs = args
        .files
        .iter()
        .map(|f| Ok((f.display().to_string(), crate::merge::load(f)?)))
        .collect::<Result<Vec<_>>>()?;
    let gate = args.fail_on.map(|f| GateOptions {
        fail_on: f.severity(),
        min_score: args.min_score,
    });
    let gate = match (gate, args.min_score) {
        (None, Some(min)) => Some(GateOptions {
            min_score: Some(min),
            ..GateOptions::default()
        }),
        (g, _) => g,
    };
    match crate::merge::merge(inputs, gate)? {
        crate::merge::Merged::Snapshot { snapshot, warnings } => {
            for w in warnings {
                eprintln!("msgready: warning: {w}");
            }
            snapshot.write(&args.out)?;
            eprintln!(
                "msgready: wrote {} ({} account(s))",
                args.out.display(),
                snapshot.accounts.len()
            );
            Ok(None)
        }
        crate::merge::Merged::Report(report) => {
            let report_args = ReportArgs {
                rules: None,
                out: args.out.clone(),
                history: args.history,
                sse_kms_key_id: args.sse_kms_key_id.clone(),
                format: args.format.clone(),
                templates: args.templates.clone(),
                gate: GateArgs {
                    fail_on: FailOn::High,
                    min_score: None,
                },
                waivers: None,
                baseline: None,
            };
            write_reports(&report, &report_args, &Default::default()).map(Some)
        }
    }
}

fn gate_options(gate: &GateArgs) -> GateOptions {
    GateOptions {
        fail_on: gate.fail_on.severity(),
        min_score: gate.min_score,
    }
}

fn evaluate(args: &EvaluateArgs) -> Result<exit::Gate> {
    let opts = crate::EvaluateOptions {
        facts: args.facts.clone(),
        config: args.config.clone(),
        rules: args.report.rules.clone(),
        gate: gate_options(&args.report.gate),
        now: None,
        waivers: args.report.waivers.clone(),
        baseline: args.report.baseline.clone(),
    };
    let report = crate::evaluate(&opts)?;
    write_reports(&report, &args.report, &Default::default())
}

/// The config for `collect`/`scan`: the file's (rule IDs checked against `rules`), with
/// `--regions`/`--primary` applied.
fn aws_config(aws: &AwsArgs, rules: &RuleSet) -> Result<crate::config::Config> {
    let config = crate::load_config(aws.config.as_deref(), rules)?;
    crate::apply_deployment_overrides(config, &aws.options()?)
}

fn collect(args: &CollectArgs) -> Result<()> {
    let rules = RuleSet::builtin_with(None)?;
    let config = aws_config(&args.aws, &rules)?;
    let snapshot = crate::collect_snapshot(&config, &args.aws.options()?)?;
    if snapshot.accounts.is_empty() {
        empty_shard_note();
        return Ok(());
    }
    summarise_collection(&snapshot);
    if !snapshot.complete {
        let partial = output::incomplete_sibling(&args.out);
        return Err(keep_incomplete(&snapshot, &partial, &args.out));
    }
    snapshot.write(&args.out)?;
    eprintln!("msgready: wrote {}", args.out.display());
    Ok(())
}

/// After SIGINT: writes the facts gathered so far (marked `complete: false`, the unread
/// operations recorded as interrupted) to `partial`, and returns the error that ends the run
/// (exit 130). `kept` is what was deliberately left untouched.
fn keep_incomplete(
    snapshot: &crate::facts::FactSnapshot,
    partial: &std::path::Path,
    kept: &std::path::Path,
) -> Error {
    let written = snapshot.write(partial);
    match written {
        Ok(()) => Error::Interrupted(format!(
            "interrupted: the facts gathered so far are in {} (marked incomplete); {} was left as it was",
            partial.display(),
            kept.display()
        )),
        Err(e) => Error::Interrupted(format!(
            "interrupted, and the facts gathered so far could not be written: {e}"
        )),
    }
}

fn scan(args: &ScanArgs) -> Result<exit::Gate> {
    let rules = RuleSet::builtin_with(args.report.rules.as_deref())?;
    let config = aws_config(&args.aws, &rules)?;
    // Bad waivers or baseline stop the scan before any request is made.
    let inputs = crate::GateInputs::load(
        args.report.waivers.as_deref(),
        args.report.baseline.as_deref(),
        &rules,
    )?;
    let target = output::Target::parse(&args.report.out, args.report.history)?;
    let snapshot = crate::collect_snapshot(&config, &args.aws.options()?)?;
    if snapshot.accounts.is_empty() {
        empty_shard_note();
        // Nothing was scanned, so nothing can fail or be missing: this worker is done.
        return Ok(exit::Gate {
            options: gate_options(&args.report.gate),
            failed: false,
            reasons: Vec::new(),
            not_assessed: 0,
            known: 0,
        });
    }
    summarise_collection(&snapshot);
    if !snapshot.complete {
        // No report from half a scan: the reports already there stay the last complete ones.
        return Err(keep_incomplete(
            &snapshot,
            &target.incomplete_facts(),
            &args.report.out,
        ));
    }
    let report = crate::evaluate_with(
        &rules,
        &config,
        &snapshot,
        gate_options(&args.report.gate),
        None,
        &inputs,
    )?;
    write_reports(&report, &args.report, &args.aws.options()?.credentials)
}

/// Only a shard can be empty (`--shard I/N` with N above the number of accounts): the other
/// shards cover every account, so this worker writes nothing and exits 0.
fn empty_shard_note() {
    eprintln!(
        "msgready: this shard has no account to scan (more shards than accounts); nothing written"
    );
}

/// One stderr line per operation that could not be read.
fn summarise_collection(snapshot: &crate::facts::FactSnapshot) {
    for account in &snapshot.accounts {
        let calls: u64 = account.collection.iter().filter_map(|c| c.calls).sum();
        eprintln!(
            "msgready: account {}: {} Region(s), {calls} API call(s)",
            account.account_id,
            account.regions.len()
        );
        for c in account
            .collection
            .iter()
            .filter(|c| c.status == crate::facts::CollectionOutcome::Failed)
        {
            eprintln!(
                "msgready: could not read {}:{} in {}: {}{}",
                c.service,
                c.operation,
                c.region,
                c.reason.map(|r| r.describe()).unwrap_or("failed"),
                c.detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            );
        }
    }
}

/// Renders every file output asked for, in memory (the text output is printed, not a file).
/// `always_json`: history keeps report.json in every run, since the trend is read from it.
fn render_files(
    report: &report::Report,
    args: &ReportArgs,
    always_json: bool,
) -> Result<Vec<output::RunFile>> {
    use OutputFormat::*;
    let mut files = Vec::new();
    for format in [Json, Html, Sarif, Junit, Markdown, Asff] {
        let wanted = args.format.contains(&format) || (format == Json && always_json);
        if !wanted {
            continue;
        }
        let (name, text) = match format {
            Json => ("report.json", report::json::to_string(report)),
            Html => {
                let templates = match &args.templates {
                    Some(d) => report::html::Templates::with_overrides(d)?,
                    None => report::html::Templates::builtin(),
                };
                ("report.html", report::html::render(report, &templates)?)
            }
            Sarif => ("report.sarif", report::sarif::to_string(report)),
            Junit => ("report.junit.xml", report::junit::to_string(report)),
            Markdown => ("report.md", report::markdown::to_string(report)),
            Asff => ("report.asff.json", report::asff::to_string(report)),
            Text => continue,
        };
        files.push(output::RunFile {
            name,
            bytes: text.into_bytes(),
        });
    }
    Ok(files)
}

fn async_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))
}

/// Writes the reports to `--out` (a folder, a folder with `--history`, or `s3://…`) and prints
/// the text output. `creds` are used only for `--out s3://…`.
fn write_reports(
    report: &report::Report,
    args: &ReportArgs,
    creds: &crate::collect::Credentials,
) -> Result<exit::Gate> {
    let target = output::Target::parse(&args.out, args.history)?;
    if args.sse_kms_key_id.is_some() && !matches!(target, output::Target::S3 { .. }) {
        return Err(Error::Usage(
            "--sse-kms-key-id applies only to --out s3://bucket/prefix/".into(),
        ));
    }
    let mut report = report.clone();
    let names =
        |files: &[output::RunFile]| files.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
    match &target {
        output::Target::Flat(dir) => {
            let files = render_files(&report, args, false)?;
            for path in output::write_flat(dir, &files)? {
                eprintln!("msgready: wrote {}", path.display());
            }
        }
        output::Target::History(dir) => {
            let runs = output::local_runs(&dir.join("runs"))?;
            let run = output::unique_run_name(&output::run_name(&report.generated_at), &runs);
            report.trend = output::trend(output::local_trend(dir, &runs), &run, &report);
            let files = render_files(&report, args, true)?;
            for folder in output::write_local_history(dir, &run, &files)? {
                eprintln!("msgready: wrote {} ({})", folder.display(), names(&files));
            }
        }
        output::Target::S3 { bucket, prefix } => {
            let runtime = async_runtime()?;
            runtime.block_on(async {
                let limits = crate::collect::Limits::default();
                let sdk = crate::collect::load_sdk_config(creds, &limits).await;
                let sink = output::s3::S3Sink::new(&sdk, bucket.clone(), prefix.clone());
                // Listing first also stops a missing bucket or denied access before any write.
                let runs = sink.runs().await?;
                let run = output::unique_run_name(&output::run_name(&report.generated_at), &runs);
                report.trend = output::trend(sink.trend(&runs).await, &run, &report);
                let files = render_files(&report, args, true)?;
                for folder in sink
                    .put_run(&run, &files, args.sse_kms_key_id.as_deref())
                    .await?
                {
                    eprintln!("msgready: wrote {folder} ({})", names(&files));
                }
                Ok::<(), Error>(())
            })?;
        }
    }
    if args.format.contains(&OutputFormat::Text) {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", terminal::render(&report, &terminal::Style { colour }));
    }
    Ok(report.gate.clone())
}

fn rules(cmd: RulesCommand) -> Result<u8> {
    match cmd {
        RulesCommand::List { format, rules } => {
            let set = RuleSet::builtin_with(rules.as_deref())?;
            match format {
                ListFormat::Json => {
                    let list: Vec<_> = set.rules.values().map(rule_json).collect();
                    println!("{}", crate::report::json::pretty(&list).unwrap_or_default());
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
