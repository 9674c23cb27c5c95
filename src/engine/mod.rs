//! Evaluation: a pure function of (rules, facts, config) to one result per
//! rule × Region × resource.

pub mod input;
pub mod rule;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::deployment::ResolvedDeployment;
use crate::model::facts::{AccountFacts, CollectionOutcome, FactSnapshot, FailureReason};
use crate::model::result::RuleResult;
use crate::model::service::Service;
use crate::model::vocab::{Severity, Status};
use rule::{Rule, RuleSet, Scope, LIB_NAME, LIB_REGO};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a rule's Rego returns for each result.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResult {
    region: String,
    resource: String,
    status: String,
    message: String,
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    figures: Option<serde_json::Value>,
}

/// One thread's share of the rules: (rule index, its parsed results).
type ParsedBatch = Vec<(usize, Vec<RawResult>)>;

/// The log target of where evaluation time goes, per rule (`MSGREADY_RULE_TIMINGS=1` shows it).
pub const TIMINGS: &str = "msgready::timings";

/// Rules compiled once, evaluated for each account.
pub struct Evaluator<'a> {
    rules: Vec<&'a Rule>,
    engine: regorus::Engine,
    workers: usize,
}

// regorus also has a bytecode VM (feature `rvm`), about ten times faster on some rules, but in
// 0.14 it gave different results from the interpreter on 12 of the 54 built-in rules (dropped
// results, wrong fails), so msgready uses the interpreter and spreads rules over the cores.

impl<'a> Evaluator<'a> {
    pub fn new(set: &'a RuleSet, config: &Config) -> Result<Self> {
        let mut engine = regorus::Engine::new();
        let lib_err = |e: anyhow::Error| {
            Error::Rules(vec![crate::error::Diagnostic {
                file: LIB_NAME.into(),
                line: None,
                message: e.to_string(),
            }])
        };
        engine
            .add_policy(LIB_NAME.into(), LIB_REGO.into())
            .map_err(lib_err)?;
        let mut rules = Vec::new();
        for rule in set.rules.values() {
            if config.rules.get(&rule.id).is_some_and(|o| o.disabled) {
                continue;
            }
            engine
                .add_policy(rule.source.clone(), rule.rego.clone())
                .map_err(|e| rule_err(rule, &e.to_string()))?;
            rules.push(rule);
        }
        let workers = std::env::var("MSGREADY_THREADS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, 16);
        Ok(Evaluator {
            rules,
            engine,
            workers,
        })
    }

    /// Evaluates every enabled rule for every account of the snapshot.
    pub fn evaluate(
        &mut self,
        facts: &FactSnapshot,
        config: &Config,
        deployment: &ResolvedDeployment,
        now: &str,
    ) -> Result<Vec<RuleResult>> {
        let mut out = Vec::new();
        let arch = deployment.arch();
        for account in &facts.accounts {
            let t = std::time::Instant::now();
            let input = input::to_rego(&input::build(config, deployment, account, now));
            tracing::debug!(target: TIMINGS, "input for {}: {:?}", account.account_id, t.elapsed());
            // Rules whose facts are missing in every judged Region are not run at all.
            let runnable: Vec<usize> = (0..self.rules.len())
                .filter(|i| {
                    let rule = self.rules[*i];
                    judged(rule, deployment)
                        .any(|r| missing_facts(rule, account, deployment, r).is_none())
                })
                .collect();
            let mut raw = self.run_rules(&runnable, input, deployment)?;
            let t = std::time::Instant::now();
            for (i, rule) in self.rules.iter().enumerate() {
                let severity = rule.severity_in_force(config, arch);
                let parsed = raw.remove(&i).unwrap_or_default();
                out.extend(assemble(rule, severity, account, deployment, parsed));
            }
            tracing::debug!(target: TIMINGS, "results parsed and assembled: {:?}", t.elapsed());
        }
        out.sort_by(RuleResult::report_order);
        Ok(out)
    }

    /// Runs the given rules on `input`, on as many threads as there are cores, each with its
    /// own copy of the engine; threads take the next rule from a shared counter so that one
    /// slow rule does not leave a core idle.
    fn run_rules(
        &mut self,
        which: &[usize],
        input: regorus::Value,
        deployment: &ResolvedDeployment,
    ) -> Result<BTreeMap<usize, Vec<RawResult>>> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        self.engine.set_input(input);
        let next = AtomicUsize::new(0);
        let rules = &self.rules;
        let workers = self.workers.min(which.len()).max(1);
        let engines: Vec<regorus::Engine> = (0..workers).map(|_| self.engine.clone()).collect();
        let outcomes: Vec<Result<ParsedBatch>> = std::thread::scope(|scope| {
            let handles: Vec<_> = engines
                .into_iter()
                .map(|mut engine| {
                    let next = &next;
                    scope.spawn(move || {
                        let mut got = Vec::new();
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(&i) = which.get(k) else { break };
                            let rule = rules[i];
                            let t = std::time::Instant::now();
                            let v = engine
                                .eval_rule(rule.results_path())
                                .map_err(|e| rule_err(rule, &e.to_string()))?;
                            tracing::debug!(target: TIMINGS, "{}: {:?}", rule.id, t.elapsed());
                            got.push((i, parse_results(rule, &v, deployment)?));
                        }
                        Ok(got)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Usage("a rule evaluation thread panicked".into()))
                    })
                })
                .collect()
        });
        let mut raw = BTreeMap::new();
        for o in outcomes {
            raw.extend(o?);
        }
        Ok(raw)
    }
}

fn rule_err(rule: &Rule, message: &str) -> Error {
    Error::RuleEval {
        rule: rule.id.clone(),
        file: rule.source.clone(),
        message: message.to_string(),
    }
}

/// The Regions a rule judges.
fn judged<'d>(rule: &'d Rule, deployment: &'d ResolvedDeployment) -> impl Iterator<Item = &'d str> {
    deployment
        .names()
        .filter(move |r| rule.scope == Scope::AllRegions || *r != deployment.primary)
}

fn parse_results(
    rule: &Rule,
    raw: &regorus::Value,
    deployment: &ResolvedDeployment,
) -> Result<Vec<RawResult>> {
    let bad = |message: String| Error::RuleEval {
        rule: rule.id.clone(),
        file: rule.source.clone(),
        message,
    };
    let items: Vec<serde_json::Value> = match raw {
        regorus::Value::Undefined | regorus::Value::Null => return Ok(Vec::new()),
        regorus::Value::Set(_) | regorus::Value::Array(_) => match serde_json::to_value(raw) {
            Ok(serde_json::Value::Array(items)) => items,
            Ok(_) | Err(_) => return Err(bad("results are not JSON".into())),
        },
        other => {
            return Err(bad(format!(
                "`results` must be a set of objects, got {}",
                other.to_json_str().unwrap_or_default()
            )))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let r: RawResult = match RawResult::deserialize(&item) {
            Ok(r) => r,
            Err(e) => return Err(bad(format!("malformed result {item}: {e}"))),
        };
        let text = || item.to_string();
        if deployment.role_of(&r.region).is_none() {
            return Err(bad(format!(
                "result for Region `{}`, which is not in the deployment: {}",
                r.region,
                text()
            )));
        }
        if rule.scope == Scope::OtherRegions && r.region == deployment.primary {
            return Err(bad(format!(
                "scope is other-regions but a result is for the primary: {}",
                text()
            )));
        }
        out.push(r);
    }
    Ok(out)
}

fn status_of(s: &str) -> Option<Status> {
    match s {
        "pass" => Some(Status::Pass),
        "fail" => Some(Status::Fail),
        "not_applicable" => Some(Status::NotApplicable),
        "not_assessed" => Some(Status::NotAssessed),
        _ => None,
    }
}

/// Turns a rule's raw results into final results for each Region it judges: Regions whose
/// facts are missing become `not_assessed`, Regions with nothing to judge `not_applicable`.
fn assemble(
    rule: &Rule,
    severity: Severity,
    account: &AccountFacts,
    deployment: &ResolvedDeployment,
    raw: Vec<RawResult>,
) -> Vec<RuleResult> {
    let mut by_region: BTreeMap<&str, Vec<RawResult>> = BTreeMap::new();
    for r in raw {
        let region = deployment
            .names()
            .find(|n| *n == r.region)
            .unwrap_or_default();
        by_region.entry(region).or_default().push(r);
    }
    let mut out = Vec::new();
    for region in deployment.names() {
        if rule.scope == Scope::OtherRegions && region == deployment.primary {
            continue;
        }
        let base = |resource: String, status: Status, message: String| RuleResult {
            rule_id: rule.id.clone(),
            area: rule.area,
            severity,
            account_id: account.account_id.clone(),
            region: region.to_string(),
            resource,
            arn: None,
            status,
            message,
            remediation: None,
            figures: None,
            waiver: None,
            known: false,
        };
        if let Some(reason) = missing_facts(rule, account, deployment, region) {
            out.push(base(
                "-".into(),
                Status::NotAssessed,
                format!("{} could not be assessed in {region}: {reason}.", rule.id),
            ));
            continue;
        }
        // Optional facts that could not be read leave part of the rule unjudged: say so in a
        // result of its own, so the Region is incomplete rather than silently clean.
        let partial = gaps(rule, &rule.optional, account, deployment, region, true);
        // After an interruption even what was read may be cut short (a list stopped midway
        // reads as "nothing in use"): judge none of it.
        if let Some(Gaps {
            reason,
            interrupted: true,
        }) = &partial
        {
            out.push(base(
                "-".into(),
                Status::NotAssessed,
                format!("{} could not be assessed in {region}: {reason}.", rule.id),
            ));
            continue;
        }
        if let Some(Gaps { reason, .. }) = &partial {
            out.push(base(
                "-".into(),
                Status::NotAssessed,
                format!(
                    "Part of what {} checks in {region} could not be assessed: {reason}; the other results of this rule in {region} cover only what could be read.",
                    rule.id
                ),
            ));
        }
        match by_region.remove(region) {
            Some(results) => out.extend(results.into_iter().map(|r| finish(rule, r, &base))),
            None if partial.is_some() => {}
            None => out.push(base(
                "-".into(),
                Status::NotApplicable,
                format!("Nothing that {} checks is in use in {region}.", rule.id),
            )),
        }
    }
    out
}

/// A result as the rule's Rego gave it, with the rule's remediation on a failure. A status
/// the engine does not know is `not_assessed`, never `pass`.
fn finish(
    rule: &Rule,
    r: RawResult,
    base: &dyn Fn(String, Status, String) -> RuleResult,
) -> RuleResult {
    let status = status_of(&r.status).unwrap_or(Status::NotAssessed);
    let message = if status_of(&r.status).is_none() {
        format!(
            "{} (rule returned unknown status `{}`)",
            r.message, r.status
        )
    } else {
        r.message
    };
    let mut result = base(r.resource, status, message);
    result.arn = r.arn;
    result.figures = r.figures;
    if status == Status::Fail {
        result.remediation = Some(rule.remediation.clone());
    }
    result
}

/// Why the facts this rule needs in `region` are missing, if they are. Parity rules also need
/// the primary's facts, so a failure there leaves every Region unassessed.
fn missing_facts(
    rule: &Rule,
    account: &AccountFacts,
    deployment: &ResolvedDeployment,
    region: &str,
) -> Option<String> {
    account_unreachable(account).or_else(|| {
        gaps(rule, &rule.requires, account, deployment, region, false).map(|g| g.reason)
    })
}

/// Why nothing at all could be read in the account, if so: its role could not be assumed
/// (`sts:AssumeRole` failed, `--role-name`). Every rule is then `not_assessed` in every
/// Region, those that read no facts included: an account msgready could not enter is never
/// reported as passing.
pub fn account_unreachable(account: &AccountFacts) -> Option<String> {
    let s = account.collection.iter().find(|c| {
        c.service == Service::Sts.name()
            && c.operation == "AssumeRole"
            && c.status == CollectionOutcome::Failed
    })?;
    Some(format!(
        "account {} could not be entered (sts:AssumeRole: {}{})",
        account.account_id,
        s.reason.map(|r| r.describe()).unwrap_or("failed"),
        s.detail
            .as_deref()
            .map(|d| format!("; {d}"))
            .unwrap_or_default()
    ))
}

/// The gaps in the facts behind `entries` (`service:Operation`) for `region` and the primary.
/// For optional facts (`soft`), a service that is gone or not offered is no gap: there is
/// nothing of it to judge (Pinpoint after its end of support).
fn gaps(
    rule: &Rule,
    entries: &[String],
    account: &AccountFacts,
    deployment: &ResolvedDeployment,
    region: &str,
    soft: bool,
) -> Option<Gaps> {
    let _ = rule;
    let mut regions = vec![region];
    if region != deployment.primary {
        regions.push(deployment.primary.as_str());
    }
    let mut reasons: BTreeSet<String> = BTreeSet::new();
    let mut interrupted = false;
    let gone = |svc: &str, r: &str| {
        soft && account.collection.iter().any(|c| {
            c.service == svc
                && (c.region == r || c.region == "global")
                && c.status == CollectionOutcome::Failed
                && matches!(
                    c.reason,
                    Some(FailureReason::Unsupported | FailureReason::NotOffered)
                )
        })
    };
    for req in entries {
        let (svc, op) = req.split_once(':').unwrap_or((req, "*"));
        // The rule loader accepts only services of the registry; a name it does not know
        // (a rule built by hand) has no facts, so it is a gap, never a pass.
        let Some(service) = Service::from_name(svc) else {
            reasons.insert(format!("{svc} is not a service msgready reads"));
            continue;
        };
        if !service.is_regional() && !service.collected(None, &account.global, op) {
            reasons.insert(format!("{svc} facts were not collected"));
        }
        for r in &regions {
            let Some(facts) = account.regions.get(*r) else {
                reasons.insert(format!("the snapshot has no facts for {r}"));
                continue;
            };
            let present =
                !service.is_regional() || service.collected(Some(facts), &account.global, op);
            if !present && !gone(svc, r) {
                reasons.insert(format!("{svc} facts were not collected in {r}"));
            }
        }
        for status in &account.collection {
            if status.status != CollectionOutcome::Failed || status.service != svc {
                continue;
            }
            let region_match =
                status.region == "global" || regions.contains(&status.region.as_str());
            // An interrupted scan stopped everywhere at once: any list of the service may be
            // cut short, so every rule reading the service is unjudged, not just those that
            // name the operation.
            let op_match = status.operation == "*"
                || status.operation == op
                || status.reason == Some(FailureReason::Interrupted);
            let service_gone = soft
                && matches!(
                    status.reason,
                    Some(FailureReason::Unsupported | FailureReason::NotOffered)
                );
            if region_match && op_match && !service_gone {
                interrupted |= status.reason == Some(FailureReason::Interrupted);
                let why = status.reason.map(|r| r.describe()).unwrap_or("failed");
                let detail = status
                    .detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                reasons.insert(format!(
                    "{svc}:{} in {}: {why}{detail}",
                    status.operation, status.region
                ));
            }
        }
    }
    if reasons.is_empty() {
        None
    } else {
        Some(Gaps {
            reason: reasons.into_iter().collect::<Vec<_>>().join("; "),
            interrupted,
        })
    }
}

/// What `gaps` found missing: the reasons, joined, and whether an interruption is among them.
struct Gaps {
    reason: String,
    interrupted: bool,
}
