//! `msgready merge`: combines what shards of a many-account scan wrote (`--shard I/N`) into
//! one, either fact snapshots (into one snapshot) or JSON reports (into one report whose
//! score and gate are re-derived from the combined results by the one scoring function).
//!
//! Every input must cover accounts no other input covers, and all inputs must come from the
//! same deployment: a duplicate account, another schema version, another deployment or
//! another rule configuration is an error naming the files.

use crate::error::{Error, Result};
use crate::model::facts::FactSnapshot;
use crate::model::gate::GateOptions;
use crate::model::report::Report;
use std::collections::BTreeMap;
use std::path::Path;

/// One input file, read and recognised.
#[derive(Debug, Clone)]
pub enum Input {
    Snapshot(FactSnapshot),
    Report(Box<Report>),
}

/// Reads a fact snapshot or a JSON report, recognised by its shape (a report has `results`).
pub fn load(path: &Path) -> Result<Input> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
        file: file.clone(),
        message: format!("cannot read: {e}"),
    })?;
    let probe: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Input {
        file: format!("{file}:{}:{}", e.line(), e.column()),
        message: format!("not valid JSON: {e}"),
    })?;
    if probe.get("results").is_some() {
        Ok(Input::Report(Box::new(crate::jsonio::parse(&text, &file)?)))
    } else if probe.get("accounts").is_some() {
        Ok(Input::Snapshot(crate::jsonio::parse(&text, &file)?))
    } else {
        Err(Error::Input {
            file,
            message: "neither a msgready fact snapshot nor a msgready JSON report".into(),
        })
    }
}

/// What a merge produced.
#[derive(Debug)]
pub enum Merged {
    Snapshot {
        snapshot: FactSnapshot,
        /// Said on stderr: the inputs' hashes are salted differently.
        warnings: Vec<String>,
    },
    Report(Box<Report>),
}

/// Merges `inputs` (file name, content): all snapshots or all reports. `gate` applies to
/// reports: `None` keeps the inputs' gate options, which must then agree.
pub fn merge(inputs: Vec<(String, Input)>, gate: Option<GateOptions>) -> Result<Merged> {
    if inputs.is_empty() {
        return Err(Error::Usage("merge: no input files".into()));
    }
    let snapshot_file = inputs.iter().find(|(_, i)| matches!(i, Input::Snapshot(_)));
    let report_file = inputs.iter().find(|(_, i)| matches!(i, Input::Report(_)));
    if let (Some((s, _)), Some((r, _))) = (snapshot_file, report_file) {
        return Err(Error::Usage(format!(
            "merge: {s} is a fact snapshot but {r} is a report; merge snapshots with snapshots (then `msgready evaluate`) or reports with reports"
        )));
    }
    if snapshot_file.is_some() {
        let snapshots = inputs
            .into_iter()
            .filter_map(|(f, i)| match i {
                Input::Snapshot(s) => Some((f, s)),
                Input::Report(_) => None,
            })
            .collect();
        let (snapshot, warnings) = merge_snapshots(snapshots)?;
        Ok(Merged::Snapshot { snapshot, warnings })
    } else {
        let reports = inputs
            .into_iter()
            .filter_map(|(f, i)| match i {
                Input::Report(r) => Some((f, *r)),
                Input::Snapshot(_) => None,
            })
            .collect();
        Ok(Merged::Report(Box::new(merge_reports(reports, gate)?)))
    }
}

/// The account → file map, failing on an account two files cover.
fn owners<'a>(
    files: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<BTreeMap<&'a str, &'a str>> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (file, account) in files {
        if let Some(first) = seen.insert(account, file) {
            return Err(Error::Usage(format!(
                "merge: account {account} is in both {first} and {file}; each account must come from one shard"
            )));
        }
    }
    Ok(seen)
}

/// The latest of some RFC 3339 times (they compare as text when all are UTC `Z` times, as
/// msgready writes them; otherwise parsed).
fn latest<'a>(times: impl Iterator<Item = &'a str>) -> Option<String> {
    times
        .max_by_key(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(str::to_string)
}

fn joined_versions<'a>(versions: impl Iterator<Item = &'a str>) -> String {
    let set: std::collections::BTreeSet<&str> = versions.filter(|v| !v.is_empty()).collect();
    set.into_iter().collect::<Vec<_>>().join(", ")
}

/// Snapshots: the accounts of all, sorted. When the salts differ (separate scans), the
/// snapshot's `salt_id` is dropped and each account keeps its own; rules never compare hashes
/// across accounts, so evaluation is unaffected, but hashes of two accounts are then not
/// comparable by anyone reading the file.
pub fn merge_snapshots(inputs: Vec<(String, FactSnapshot)>) -> Result<(FactSnapshot, Vec<String>)> {
    owners(inputs.iter().flat_map(|(f, s)| {
        s.accounts
            .iter()
            .map(move |a| (f.as_str(), a.account_id.as_str()))
    }))?;
    let salts: std::collections::BTreeSet<Option<&str>> =
        inputs.iter().map(|(_, s)| s.salt_id.as_deref()).collect();
    let one_salt = salts.len() == 1;
    let mut warnings = Vec::new();
    if !one_salt {
        warnings.push(format!(
            "the {} snapshots were salted differently (separate scans): each account keeps its own salt_id, and hashes compare only within an account (as the rules compare them)",
            inputs.len()
        ));
    }
    let merged = FactSnapshot {
        schema_version: crate::model::facts::SCHEMA_VERSION,
        tool_version: joined_versions(inputs.iter().map(|(_, s)| s.tool_version.as_str())),
        collected_at: latest(inputs.iter().filter_map(|(_, s)| s.collected_at.as_deref())),
        complete: inputs.iter().all(|(_, s)| s.complete),
        salt_id: if one_salt {
            inputs.first().and_then(|(_, s)| s.salt_id.clone())
        } else {
            None
        },
        accounts: {
            let mut accounts: Vec<_> = inputs
                .into_iter()
                .flat_map(|(_, s)| {
                    let salt = s.salt_id;
                    s.accounts.into_iter().map(move |mut a| {
                        if !one_salt && a.salt_id.is_none() {
                            a.salt_id = salt.clone();
                        }
                        a
                    })
                })
                .collect();
            accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
            accounts
        },
    };
    Ok((merged, warnings))
}

/// Reports: results, collection failures, RPO rows, waivers and baseline notes of all; then
/// score, gate and RPO re-derived from the combined results ([`Report::rescore`]).
pub fn merge_reports(inputs: Vec<(String, Report)>, gate: Option<GateOptions>) -> Result<Report> {
    owners(inputs.iter().flat_map(|(f, r)| {
        r.facts
            .accounts
            .iter()
            .map(move |a| (f.as_str(), a.as_str()))
    }))?;
    let (first_file, first) = &inputs[0];
    let differs = |what: &str, other: &str| {
        Error::Usage(format!(
            "merge: {first_file} and {other} were evaluated with a different {what}; merge only shards of one scan configuration"
        ))
    };
    for (file, r) in &inputs[1..] {
        if r.deployment != first.deployment {
            return Err(differs("deployment (Regions, roles or architecture)", file));
        }
        if r.settings.thresholds != first.settings.thresholds
            || r.settings.targets != first.settings.targets
            || r.settings.rule_overrides != first.settings.rule_overrides
        {
            return Err(differs(
                "config (thresholds, targets or rule overrides)",
                file,
            ));
        }
        if r.rules != first.rules {
            return Err(differs("rule set", file));
        }
    }
    let gate = match gate {
        Some(g) => g,
        None => {
            if let Some((file, _)) = inputs
                .iter()
                .find(|(_, r)| r.gate.options != first.gate.options)
            {
                return Err(Error::Usage(format!(
                    "merge: {first_file} and {file} were gated with different --fail-on/--min-score; give --fail-on (and --min-score) to merge"
                )));
            }
            first.gate.options
        }
    };
    let mut merged = first.clone();
    merged.generated_at =
        latest(inputs.iter().map(|(_, r)| r.generated_at.as_str())).unwrap_or_default();
    merged.facts.collected_at = latest(
        inputs
            .iter()
            .filter_map(|(_, r)| r.facts.collected_at.as_deref()),
    );
    merged.facts.complete = inputs.iter().all(|(_, r)| r.facts.complete);
    merged.facts.tool_version =
        joined_versions(inputs.iter().map(|(_, r)| r.facts.tool_version.as_str()));
    // A trend belongs to one history location; `--history`/s3 output recomputes it.
    merged.trend = Vec::new();
    merged.facts.accounts.clear();
    merged.results.clear();
    merged.collection = Default::default();
    let mut channels = serde_json::Map::new();
    let mut waivers = crate::model::waiver::WaiverSummary::default();
    let mut baseline: Option<crate::model::baseline::BaselineInfo> = None;
    for (_, r) in inputs {
        merged.facts.accounts.extend(r.facts.accounts);
        merged.results.extend(r.results);
        merged.collection.ok += r.collection.ok;
        merged.collection.failed.extend(r.collection.failed);
        if let serde_json::Value::Object(m) = r.settings.channels {
            channels.extend(m);
        }
        merge_waivers(&mut waivers, r.waivers);
        baseline = match (baseline, r.baseline) {
            (None, b) | (b, None) => b,
            (Some(mut a), Some(b)) => {
                a.known += b.known;
                a.baseline_failures = a.baseline_failures.max(b.baseline_failures);
                Some(a)
            }
        };
    }
    merged.facts.accounts.sort();
    merged.settings.channels = serde_json::Value::Object(channels);
    merged.waivers = waivers;
    merged.baseline = baseline;
    // The engine's order, so that a merged report reads like one evaluation of all accounts.
    merged
        .results
        .sort_by(crate::model::result::RuleResult::report_order);
    merged
        .collection
        .failed
        .sort_by(|a, b| (&a.account_id, &a.status).cmp(&(&b.account_id, &b.status)));
    crate::pipeline::rescore(&mut merged, gate);
    Ok(merged)
}

/// One waivers file applied by several shards: a waiver applied anywhere is applied (its
/// result counts add up), stale only when stale in every shard; expired ones add up.
fn merge_waivers(
    into: &mut crate::model::waiver::WaiverSummary,
    from: crate::model::waiver::WaiverSummary,
) {
    use crate::model::waiver::WaiverUse;
    if into.file.is_none() {
        into.file = from.file;
    }
    let add = |list: &mut Vec<WaiverUse>, u: WaiverUse| match list
        .iter_mut()
        .find(|x| x.waiver == u.waiver)
    {
        Some(x) => x.results += u.results,
        None => list.push(u),
    };
    for u in from.applied {
        into.stale.retain(|s| s.waiver != u.waiver);
        add(&mut into.applied, u);
    }
    for u in from.expired {
        add(&mut into.expired, u);
    }
    for u in from.stale {
        let applied = into.applied.iter().any(|a| a.waiver == u.waiver);
        let known = into.stale.iter().any(|s| s.waiver == u.waiver);
        if !applied && !known {
            into.stale.push(u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::AccountFacts;

    fn snap(salt: &str, ids: &[&str]) -> FactSnapshot {
        FactSnapshot {
            schema_version: crate::model::facts::SCHEMA_VERSION,
            tool_version: "t".into(),
            collected_at: Some("2026-11-26T10:00:00Z".into()),
            complete: true,
            salt_id: Some(salt.into()),
            accounts: ids
                .iter()
                .map(|i| AccountFacts {
                    account_id: i.to_string(),
                    ..Default::default()
                })
                .collect(),
        }
    }

    #[test]
    fn duplicate_account_names_both_files() {
        let e = merge_snapshots(vec![
            ("a.json".into(), snap("s1", &["111111111111"])),
            ("b.json".into(), snap("s2", &["111111111111"])),
        ])
        .expect_err("duplicate");
        let msg = e.to_string();
        assert!(
            msg.contains("a.json") && msg.contains("b.json") && msg.contains("111111111111"),
            "{msg}"
        );
    }

    #[test]
    fn different_salts_stay_per_account() {
        let mut late = snap("s2", &["111111111111"]);
        late.collected_at = Some("2026-11-26T11:00:00Z".into());
        let (m, warnings) = merge_snapshots(vec![
            ("b.json".into(), late),
            (
                "a.json".into(),
                snap("s1", &["222222222222", "000000000000"]),
            ),
        ])
        .expect("merges");
        assert_eq!(warnings.len(), 1);
        assert_eq!(m.salt_id, None);
        let ids: Vec<_> = m
            .accounts
            .iter()
            .map(|a| (a.account_id.as_str(), a.salt_id.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("000000000000", Some("s1")),
                ("111111111111", Some("s2")),
                ("222222222222", Some("s1"))
            ]
        );
        assert_eq!(m.collected_at.as_deref(), Some("2026-11-26T11:00:00Z"));
        // Same salt: kept on the snapshot, not repeated per account.
        let (m, warnings) = merge_snapshots(vec![
            ("a.json".into(), snap("s1", &["111111111111"])),
            ("b.json".into(), snap("s1", &["222222222222"])),
        ])
        .expect("merges");
        assert!(warnings.is_empty());
        assert_eq!(m.salt_id.as_deref(), Some("s1"));
        assert!(m.accounts.iter().all(|a| a.salt_id.is_none()));
    }
}
