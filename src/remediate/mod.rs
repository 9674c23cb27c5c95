//! `msgready remediate`: for one Region, the CloudFormation that creates what it lacks, and a
//! checklist (plus a Route 53 change batch) for what CloudFormation cannot do.
//!
//! Input is a fact snapshot (evaluated here with the normal engine) or a JSON report (its
//! results are used as they are). Every failing result of the Region lands in the template
//! (Metadata `msgready:Rules` / `msgready:Closes`) or in the checklist; results that could not
//! be assessed are listed apart. Generated files carry names, ARNs and counts only: the facts
//! hold no personal data in clear and no credentials, and credentials the template needs are
//! `NoEcho` parameters.

pub mod cfn;
pub mod checklist;
mod generators;
pub mod render;
pub mod route53;

use crate::error::{Error, Result};
use crate::model::facts::{AccountFacts, FactSnapshot};
use crate::model::report::Report;
use crate::model::result::RuleResult;
use crate::model::vocab::Status;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct RemediateOptions {
    /// A fact snapshot or a JSON report.
    pub input: PathBuf,
    pub config: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub region: String,
    /// Needed only when the input covers several accounts (a stack deploys into one).
    pub account: Option<String>,
    pub out: PathBuf,
    /// Fixed evaluation time (tests).
    pub now: Option<String>,
}

/// What was written, for the summary line and for tests.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub template: PathBuf,
    pub checklist: PathBuf,
    /// `None` when the Region needs no DNS change (no file is written, a stale one is removed).
    pub route53: Option<PathBuf>,
    pub resources: usize,
    pub checklist_items: usize,
    pub failing: usize,
    pub not_assessed: usize,
}

/// Everything generated for one Region, before it is written.
pub struct Plan {
    pub region: String,
    pub primary: String,
    pub account_id: String,
    pub source: String,
    pub template: cfn::Template,
    pub checklist: checklist::Checklist,
    pub dns: route53::DnsPlan,
    pub failing: Vec<RuleResult>,
    pub not_assessed: Vec<RuleResult>,
}

/// A report, and the facts behind it when the input was a fact snapshot.
pub struct Loaded {
    pub report: Report,
    pub facts: Option<FactSnapshot>,
}

/// Reads `--facts`: a JSON report (recognised by its `results` and `tool`) or a fact snapshot,
/// which is evaluated with the rules and config.
pub fn load(opts: &RemediateOptions) -> Result<Loaded> {
    let file = opts.input.display().to_string();
    let text = std::fs::read_to_string(&opts.input).map_err(|e| Error::Input {
        file: file.clone(),
        message: format!("cannot read --facts: {e}"),
    })?;
    let probe: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Input {
        file: format!("{file}:{}:{}", e.line(), e.column()),
        message: format!("not valid JSON (expected a fact snapshot or a JSON report): {e}"),
    })?;
    let is_report = probe.get("results").is_some() && probe.get("tool").is_some();
    if is_report {
        for (flag, given) in [
            ("--config", opts.config.is_some()),
            ("--rules", opts.rules.is_some()),
        ] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} does not apply: {file} is a JSON report, already evaluated with its own config and rules (pass the fact snapshot to re-evaluate)"
                )));
            }
        }
        return Ok(Loaded {
            report: crate::jsonio::parse(&text, &file)?,
            facts: None,
        });
    }
    let facts: FactSnapshot = crate::jsonio::parse(&text, &file)?;
    let rules = crate::engine::rule::RuleSet::builtin_with(opts.rules.as_deref())?;
    let config = crate::pipeline::load_config(opts.config.as_deref(), &rules)?;
    let report = crate::pipeline::evaluate(&crate::pipeline::Evaluation {
        now: opts.now.as_deref(),
        ..crate::pipeline::Evaluation::new(&rules, &config, &facts)
    })?;
    Ok(Loaded {
        report,
        facts: Some(facts),
    })
}

/// Builds the plan for `region` from a loaded input.
pub fn plan(loaded: &Loaded, region: &str, account: Option<&str>, source: &str) -> Result<Plan> {
    let report = &loaded.report;
    let names: Vec<&str> = report.deployment.names().collect();
    if !names.contains(&region) {
        return Err(Error::Usage(format!(
            "--region {region} is not a Region of the deployment in {source} ({})",
            names.join(", ")
        )));
    }
    let accounts: std::collections::BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| r.region == region)
        .map(|r| r.account_id.as_str())
        .chain(report.facts.accounts.iter().map(String::as_str))
        .collect();
    let account_id = match account {
        Some(a) if accounts.contains(a) => a.to_string(),
        Some(a) => {
            return Err(Error::Usage(format!(
                "--account {a} is not in {source} (accounts: {})",
                accounts.iter().copied().collect::<Vec<_>>().join(", ")
            )))
        }
        None if accounts.len() > 1 => {
            return Err(Error::Usage(format!(
                "{source} covers several accounts ({}); a stack deploys into one: pass --account",
                accounts.iter().copied().collect::<Vec<_>>().join(", ")
            )))
        }
        None => accounts
            .iter()
            .next()
            .copied()
            .unwrap_or_default()
            .to_string(),
    };
    // This account's results in this Region with `status`, by rule and resource.
    let take = |status: Status| -> Vec<RuleResult> {
        let mut v: Vec<RuleResult> = report
            .results
            .iter()
            .filter(|r| r.region == region && r.account_id == account_id && r.status == status)
            .cloned()
            .collect();
        v.sort_by(RuleResult::report_order);
        v
    };
    let failing = take(Status::Fail);
    let not_assessed = take(Status::NotAssessed);
    let facts: Option<&AccountFacts> = loaded
        .facts
        .as_ref()
        .and_then(|f| f.accounts.iter().find(|a| a.account_id == account_id));
    let mut plan = Plan {
        region: region.to_string(),
        primary: report.deployment.primary.clone(),
        account_id,
        source: source.to_string(),
        template: cfn::Template::default(),
        checklist: checklist::Checklist::default(),
        dns: route53::DnsPlan::default(),
        failing,
        not_assessed,
    };
    plan.template.description = format!(
        "msgready remediate: resources {region} lacks for parity with the primary {} (account {}). Generated from {}; review before deploying.",
        plan.primary,
        plan.account_id,
        Path::new(source)
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default()
    );
    generators::run(&mut plan, facts, report);
    Ok(plan)
}

/// `msgready remediate`: load, plan, write the three files atomically.
pub fn run(opts: &RemediateOptions) -> Result<Outcome> {
    if !crate::config::is_region_code(&opts.region) {
        return Err(Error::Usage(format!(
            "--region `{}` is not an AWS Region code (like us-west-2)",
            opts.region
        )));
    }
    let loaded = load(opts)?;
    let source = opts.input.display().to_string();
    let plan = plan(&loaded, &opts.region, opts.account.as_deref(), &source)?;
    write(&plan, &opts.out)
}

pub fn write(plan: &Plan, out: &Path) -> Result<Outcome> {
    let region = &plan.region;
    let template = out.join(format!("remediation-{region}.yaml"));
    let checklist = out.join(format!("remediation-{region}.md"));
    let route53 = out.join(format!("route53-{region}.json"));
    crate::fsutil::write_atomic(&template, render::template_yaml(plan).as_bytes())?;
    crate::fsutil::write_atomic(&checklist, render::checklist_md(plan).as_bytes())?;
    let route53 = if plan.dns.is_empty() {
        // A file from an earlier run would describe records this run no longer asks for.
        match std::fs::remove_file(&route53) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Io {
                    path: route53.display().to_string(),
                    source: e,
                })
            }
        }
        None
    } else {
        let batch =
            crate::jsonio::pretty(&plan.dns.change_batch(region)).unwrap_or_default() + "\n";
        crate::fsutil::write_atomic(&route53, batch.as_bytes())?;
        Some(route53)
    };
    Ok(Outcome {
        template,
        checklist,
        route53,
        resources: plan.template.resources.len(),
        checklist_items: plan.checklist.items.len(),
        failing: plan.failing.len(),
        not_assessed: plan.not_assessed.len(),
    })
}
