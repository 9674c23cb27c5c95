//! The arguments of every command (clap).

use crate::collect::accounts::{AccountTargets, Shard};
use crate::collect::{CollectOptions, Credentials, Limits};
use crate::error::{Error, Result};
use crate::model::gate::GateOptions;
use crate::model::vocab::Severity;
use crate::report::{Format, FORMATS};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
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
    #[arg(long, value_delimiter = ',', default_value = "json,text", value_parser = format_parser())]
    pub format: Vec<&'static Format>,
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

/// `--format`: names of the output formats table, each shown with what it is.
fn format_parser() -> impl TypedValueParser<Value = &'static Format> {
    PossibleValuesParser::new(FORMATS.iter().map(|f| {
        let about = match f.file {
            Some(file) => format!("`DIR/{file}`: {}", f.about),
            None => f.about.to_string(),
        };
        PossibleValue::new(f.name).help(about)
    }))
    .map(|name| crate::report::by_name(&name).expect("a name of the table"))
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
    pub fn severity(self) -> Option<Severity> {
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
    #[arg(long, value_delimiter = ',', default_value = "json,text", value_parser = format_parser())]
    pub format: Vec<&'static Format>,
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
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// Accounts collected at once (each keeps its own per-account pacing).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub account_concurrency: u32,
}

impl AccountArgs {
    fn targets(&self) -> Result<AccountTargets> {
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
        Ok(AccountTargets {
            accounts: self.accounts.iter().map(|a| a.trim().to_string()).collect(),
            organization: self.organization,
            role_name: self.role_name.clone().unwrap_or_default(),
            shard: self.shard,
            concurrency: self.account_concurrency as usize,
        })
    }
}

impl AwsArgs {
    pub fn options(&self) -> Result<CollectOptions> {
        if self.external_id.is_some()
            && self.role_arn.is_none()
            && self.accounts.role_name.is_none()
        {
            return Err(Error::Usage(
                "--external-id needs a role to assume: --role-arn or --role-name".into(),
            ));
        }
        Ok(CollectOptions {
            regions: self.regions.clone(),
            primary: self.primary.clone(),
            credentials: Credentials {
                profile: self.profile.clone(),
                role_arn: self.role_arn.clone(),
                external_id: self.external_id.clone(),
            },
            limits: Limits {
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

impl GateArgs {
    pub fn options(&self) -> GateOptions {
        GateOptions {
            fail_on: self.fail_on.severity(),
            min_score: self.min_score,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// The catalog as Markdown (docs/rules.md).
    Markdown,
}
