//! The commands: each loads what its flags name, calls the library and prints.

use super::args::{
    AwsArgs, CollectArgs, DiffFormat, EvaluateArgs, FailOn, GateArgs, MergeArgs, PolicyArgs,
    RemediateArgs, ReportArgs, ScanArgs, SchemaKind,
};
use super::Outcome;
use crate::collect::{CollectOptions, Credentials};
use crate::config::Config;
use crate::engine::rule::RuleSet;
use crate::error::{Error, Result};
use crate::model::facts::{CollectionOutcome, FactSnapshot};
use crate::model::gate::{Gate, GateOptions};
use crate::model::report::Report;
use crate::output::{self, Publish, Target};
use crate::pipeline::{self, Evaluation, GateInputs};
use crate::report::RenderOptions;
use std::io::IsTerminal;
use std::path::Path;

pub fn evaluate(args: &EvaluateArgs) -> Result<Outcome> {
    let r = &args.report;
    let rules = RuleSet::builtin_with(r.rules.as_deref())?;
    let config = pipeline::load_config(args.config.as_deref(), &rules)?;
    let inputs = GateInputs::load(r.waivers.as_deref(), r.baseline.as_deref(), &rules)?;
    let facts: FactSnapshot = crate::jsonio::load(&args.facts)?;
    let report = gated(&rules, &config, &facts, &r.gate, &inputs)?;
    write_reports(&report, r, &Credentials::default())
}

/// The pipeline with the gate and its inputs of the command line.
fn gated(
    rules: &RuleSet,
    config: &Config,
    facts: &FactSnapshot,
    gate: &GateArgs,
    inputs: &GateInputs,
) -> Result<Report> {
    pipeline::evaluate(&Evaluation {
        gate: gate.options(),
        waivers: inputs.waivers.as_ref(),
        baseline: inputs.baseline.as_ref(),
        ..Evaluation::new(rules, config, facts)
    })
}

/// The config for `collect`/`scan`: the file's (rule IDs checked against `rules`), with
/// `--regions`/`--primary` applied.
fn aws_config(aws: &AwsArgs, rules: &RuleSet, opts: &CollectOptions) -> Result<Config> {
    let config = pipeline::load_config(aws.config.as_deref(), rules)?;
    crate::collect::apply_deployment_overrides(config, opts)
}

/// Reads AWS, showing progress on a terminal; Ctrl-C ends it with what was read.
fn collect_from_aws(config: &Config, opts: &CollectOptions) -> Result<FactSnapshot> {
    let cancel = super::sigint::cancel_on_sigint()?;
    let observer = super::progress::Terminal::default();
    crate::collect::collect_snapshot(config, opts, &cancel, &observer)
}

pub fn collect(args: &CollectArgs) -> Result<Outcome> {
    let rules = RuleSet::builtin_with(None)?;
    let opts = args.aws.options()?;
    let config = aws_config(&args.aws, &rules, &opts)?;
    let snapshot = collect_from_aws(&config, &opts)?;
    if snapshot.accounts.is_empty() {
        empty_shard_note();
        return Ok(Outcome::Done);
    }
    summarise_collection(&snapshot);
    if !snapshot.complete {
        let partial = output::incomplete_sibling(&args.out);
        return Err(keep_incomplete(&snapshot, &partial, &args.out));
    }
    crate::jsonio::write(&snapshot, &args.out)?;
    eprintln!("msgready: wrote {}", args.out.display());
    Ok(Outcome::Done)
}

pub fn scan(args: &ScanArgs) -> Result<Outcome> {
    let rules = RuleSet::builtin_with(args.report.rules.as_deref())?;
    let opts = args.aws.options()?;
    let config = aws_config(&args.aws, &rules, &opts)?;
    // Bad waivers or baseline stop the scan before any request is made.
    let inputs = GateInputs::load(
        args.report.waivers.as_deref(),
        args.report.baseline.as_deref(),
        &rules,
    )?;
    let target = Target::parse(&args.report.out, args.report.history)?;
    let snapshot = collect_from_aws(&config, &opts)?;
    if snapshot.accounts.is_empty() {
        empty_shard_note();
        // Nothing was scanned, so nothing can fail or be missing: this worker is done.
        return Ok(Outcome::Gated(Gate {
            options: args.report.gate.options(),
            failed: false,
            reasons: Vec::new(),
            not_assessed: 0,
            known: 0,
        }));
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
    let report = gated(&rules, &config, &snapshot, &args.report.gate, &inputs)?;
    write_reports(&report, &args.report, &opts.credentials)
}

/// After SIGINT: writes the facts gathered so far (marked `complete: false`, the unread
/// operations recorded as interrupted) to `partial`, and returns the error that ends the run
/// (exit 130). `kept` is what was deliberately left untouched.
fn keep_incomplete(snapshot: &FactSnapshot, partial: &Path, kept: &Path) -> Error {
    match crate::jsonio::write(snapshot, partial) {
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

/// Only a shard can be empty (`--shard I/N` with N above the number of accounts): the other
/// shards cover every account, so this worker writes nothing and exits 0.
fn empty_shard_note() {
    eprintln!(
        "msgready: this shard has no account to scan (more shards than accounts); nothing written"
    );
}

/// One stderr line per operation that could not be read.
fn summarise_collection(snapshot: &FactSnapshot) {
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
            .filter(|c| c.status == CollectionOutcome::Failed)
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

/// Writes the reports to `--out` (a folder, a folder with `--history`, or `s3://…`) and prints
/// the text output. `credentials` are used only for `--out s3://…`.
fn write_reports(report: &Report, args: &ReportArgs, credentials: &Credentials) -> Result<Outcome> {
    let target = Target::parse(&args.out, args.history)?;
    let render = RenderOptions {
        templates: args.templates.clone(),
        colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let (report, written) = output::publish(
        report,
        &Publish {
            target: &target,
            formats: &args.format,
            render: &render,
            kms_key: args.sse_kms_key_id.as_deref(),
            credentials,
        },
    )?;
    for w in written {
        eprintln!("msgready: wrote {w}");
    }
    for f in args.format.iter().filter(|f| f.file.is_none()) {
        print!("{}", (f.render)(&report, &render)?);
    }
    Ok(Outcome::Gated(report.gate.clone()))
}

pub fn remediate(args: &RemediateArgs) -> Result<Outcome> {
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
    Ok(Outcome::Done)
}

pub fn diff(old: &Path, new: &Path, format: DiffFormat) -> Result<Outcome> {
    let a: Report = crate::jsonio::load(old)?;
    let b: Report = crate::jsonio::load(new)?;
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
    Ok(Outcome::Done)
}

pub fn policy(args: &PolicyArgs) -> Result<Outcome> {
    let sink = match &args.out {
        Some(out) => match Target::parse(Path::new(out), true)? {
            Target::S3 { bucket, prefix } => Some(crate::collect::policy::Sink {
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
    println!("{}", crate::jsonio::pretty(&doc).unwrap_or_default());
    eprintln!("{}", crate::collect::policy::NOTE);
    Ok(Outcome::Done)
}

/// A merged snapshot is no verdict (exit 0 when written); a merged report is gated.
pub fn merge(args: &MergeArgs) -> Result<Outcome> {
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
            crate::jsonio::write(&snapshot, &args.out)?;
            eprintln!(
                "msgready: wrote {} ({} account(s))",
                args.out.display(),
                snapshot.accounts.len()
            );
            Ok(Outcome::Done)
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
            write_reports(&report, &report_args, &Credentials::default())
        }
    }
}

pub fn schema(which: SchemaKind) -> Result<Outcome> {
    let schema = match which {
        SchemaKind::Facts => FactSnapshot::json_schema(),
        SchemaKind::Report => Report::json_schema(),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    );
    Ok(Outcome::Done)
}
