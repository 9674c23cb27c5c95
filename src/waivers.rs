//! Waivers (`--waivers FILE`): accepted risk, with an owner, a reason and an expiry.
//!
//! A waiver turns a matching `fail` result into `waived` until it expires. It never touches a
//! result that is not a failure: a check that could not be assessed stays `not_assessed`.
//! Every waiver ends up in the report's `waivers` section as applied, expired or stale.

use crate::config::{closest, is_region_code};
use crate::error::{line_of, toml_diagnostic, Error, Result};
use crate::model::result::RuleResult;
use crate::model::vocab::Status;
use crate::model::waiver::{Waiver, WaiverSummary, WaiverUse};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// A parsed, validated waivers file.
#[derive(Debug, Clone, Default)]
pub struct Waivers {
    pub file: String,
    pub list: Vec<Waiver>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waiver: Vec<RawWaiver>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    region: Option<Spanned<String>>,
    resource: Option<Spanned<String>>,
    owner: Spanned<String>,
    reason: Spanned<String>,
    ticket: Option<String>,
    expires: Spanned<toml::value::Datetime>,
}

impl Waivers {
    pub fn load(path: &Path, rule_ids: &[&str]) -> Result<Waivers> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
            file: file.clone(),
            message: format!("cannot read waivers: {e}"),
        })?;
        Self::parse(&text, &file, rule_ids)
    }

    pub fn parse(text: &str, file: &str, rule_ids: &[&str]) -> Result<Waivers> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let d = toml_diagnostic(file, text, &e);
            Error::Input {
                file: d
                    .line
                    .map_or_else(|| file.to_string(), |l| format!("{file}:{l}")),
                message: d.message,
            }
        })?;
        let at = |span: std::ops::Range<usize>| format!("{file}:{}", line_of(text, span.start));
        let err = |span: std::ops::Range<usize>, message: String| Error::Input {
            file: at(span),
            message,
        };
        let mut list = Vec::new();
        for w in raw.waiver {
            let rule = w.rule.get_ref().trim().to_string();
            if !rule_ids.contains(&rule.as_str()) {
                let hint = closest(&rule, rule_ids)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(err(
                    w.rule.span(),
                    format!("waiver.rule: no rule has the ID `{rule}`{hint}"),
                ));
            }
            if let Some(r) = &w.region {
                if !is_region_code(r.get_ref()) {
                    return Err(err(
                        r.span(),
                        format!(
                            "waiver.region: `{}` is not an AWS Region code (like us-east-1)",
                            r.get_ref()
                        ),
                    ));
                }
            }
            if let Some(g) = &w.resource {
                if g.get_ref().is_empty() {
                    return Err(err(
                        g.span(),
                        "waiver.resource: empty pattern; leave the key out to match every resource"
                            .into(),
                    ));
                }
            }
            for (key, v) in [("owner", &w.owner), ("reason", &w.reason)] {
                if v.get_ref().trim().is_empty() {
                    return Err(err(v.span(), format!("waiver.{key} must not be empty")));
                }
            }
            let expires = date_of(w.expires.get_ref())
                .ok_or_else(|| err(w.expires.span(), format!(
                    "waiver.expires: `{}` is not a date; write a TOML date like 2027-03-31 (no time, no quotes)",
                    w.expires.get_ref()
                )))?;
            list.push(Waiver {
                source: at(w.rule.span()),
                rule,
                region: w.region.map(Spanned::into_inner),
                resource: w.resource.map(Spanned::into_inner),
                owner: w.owner.into_inner(),
                reason: w.reason.into_inner(),
                ticket: w.ticket,
                expires: expires.format("%Y-%m-%d").to_string(),
            });
        }
        Ok(Waivers {
            file: file.to_string(),
            list,
        })
    }
}

/// A local date without time or offset, and a real calendar day.
fn date_of(dt: &toml::value::Datetime) -> Option<NaiveDate> {
    if dt.time.is_some() || dt.offset.is_some() {
        return None;
    }
    let d = dt.date?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

impl Waiver {
    pub fn expires_on(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.expires, "%Y-%m-%d").ok()
    }

    /// Expired when its last day is before `today`.
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires_on().is_none_or(|d| d < today)
    }

    pub fn matches(&self, r: &RuleResult) -> bool {
        r.rule_id == self.rule
            && self.region.as_ref().is_none_or(|g| *g == r.region)
            && self.resource.as_ref().is_none_or(|g| {
                glob_match(g, &r.resource) || r.arn.as_deref().is_some_and(|a| glob_match(g, a))
            })
    }
}

/// Waives the failing results that a waiver in force matches (the first such waiver in the
/// file), and accounts for every waiver. Results other than `fail` are never changed.
pub fn apply(results: &mut [RuleResult], waivers: &Waivers, today: NaiveDate) -> WaiverSummary {
    let mut waived = vec![0u64; waivers.list.len()];
    let mut matched_expired = vec![0u64; waivers.list.len()];
    for r in results.iter_mut().filter(|r| r.status == Status::Fail) {
        let mut taken = false;
        for (i, w) in waivers.list.iter().enumerate() {
            if !w.matches(r) {
                continue;
            }
            if w.expired(today) {
                matched_expired[i] += 1;
            } else if !taken {
                taken = true;
                waived[i] += 1;
                r.status = Status::Waived;
                r.waiver = Some(w.clone());
            }
        }
    }
    let mut summary = WaiverSummary {
        file: Some(waivers.file.clone()),
        ..Default::default()
    };
    for (i, w) in waivers.list.iter().enumerate() {
        let expired = w.expired(today);
        let used = WaiverUse {
            waiver: w.clone(),
            results: if expired {
                matched_expired[i]
            } else {
                waived[i]
            },
        };
        match (expired, waived[i]) {
            (true, _) => summary.expired.push(used),
            (false, 0) => summary.stale.push(used),
            (false, _) => summary.applied.push(used),
        }
    }
    summary
}

/// The calendar day (UTC) of an RFC 3339 time.
pub fn day_of(rfc3339: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc).date_naive())
}

/// Glob match over the whole text: `*` any run of characters, `?` exactly one.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it is currently standing for.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::vocab::{Area, Severity};

    const IDS: &[&str] = &["SMS-004", "SMS-005", "VOICE-002", "EMAIL-001"];

    fn result(rule: &str, region: &str, resource: &str, status: Status) -> RuleResult {
        RuleResult {
            rule_id: rule.into(),
            area: Area::Sms,
            severity: Severity::Medium,
            account_id: "111122223333".into(),
            region: region.into(),
            resource: resource.into(),
            arn: None,
            status,
            message: String::new(),
            remediation: None,
            figures: None,
            waiver: None,
            known: false,
        }
    }

    fn waivers(text: &str) -> Waivers {
        Waivers::parse(text, "w.toml", IDS).expect("valid waivers")
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const ONE: &str = r#"
[[waiver]]
rule = "SMS-005"
region = "us-west-2"
resource = "C?"
owner = "sms@example.com"
reason = "accepted"
ticket = "OPS-1"
expires = 2027-03-31
"#;

    #[test]
    fn matches_by_rule_region_and_glob() {
        let w = waivers(ONE);
        let mut rs = vec![
            result("SMS-005", "us-west-2", "CA", Status::Fail),
            result("SMS-005", "us-west-2", "IN", Status::Fail),
            result("SMS-005", "us-east-1", "CA", Status::Fail),
            result("SMS-004", "us-west-2", "CA", Status::Fail),
        ];
        let s = apply(&mut rs, &w, day("2027-03-31"));
        let st: Vec<Status> = rs.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            [Status::Waived, Status::Fail, Status::Fail, Status::Fail]
        );
        let carried = rs[0].waiver.as_ref().expect("carries its waiver");
        assert_eq!(carried.owner, "sms@example.com");
        assert_eq!(carried.source, "w.toml:3");
        assert_eq!(s.applied.len(), 1);
        assert_eq!(s.applied[0].results, 1);
        assert!(s.expired.is_empty() && s.stale.is_empty());
    }

    #[test]
    fn glob_also_matches_the_arn() {
        let w = waivers(&ONE.replace("C?", "arn:aws:sms-voice:*:pool/*"));
        let mut r = result("SMS-005", "us-west-2", "pool-1", Status::Fail);
        r.arn = Some("arn:aws:sms-voice:us-west-2:111122223333:pool/pool-1".into());
        let mut rs = vec![r];
        apply(&mut rs, &w, day("2026-01-01"));
        assert_eq!(rs[0].status, Status::Waived);
    }

    #[test]
    fn an_expired_waiver_waives_nothing() {
        let w = waivers(ONE);
        let mut rs = vec![result("SMS-005", "us-west-2", "CA", Status::Fail)];
        let s = apply(&mut rs, &w, day("2027-04-01"));
        assert_eq!(rs[0].status, Status::Fail);
        assert!(rs[0].waiver.is_none());
        assert_eq!(s.expired.len(), 1);
        assert_eq!(s.expired[0].results, 1);
        assert!(s.applied.is_empty());
    }

    #[test]
    fn only_failures_are_waived_and_unused_waivers_are_stale() {
        let w = waivers(&ONE.replace("resource = \"C?\"\n", ""));
        let mut rs = vec![
            result("SMS-005", "us-west-2", "-", Status::NotAssessed),
            result("SMS-005", "us-west-2", "GB", Status::Pass),
            result("SMS-005", "us-west-2", "DE", Status::NotApplicable),
        ];
        let s = apply(&mut rs, &w, day("2026-01-01"));
        let st: Vec<Status> = rs.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            [Status::NotAssessed, Status::Pass, Status::NotApplicable]
        );
        assert!(rs.iter().all(|r| r.waiver.is_none()));
        assert_eq!(s.stale.len(), 1);
    }

    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            (ONE.replace("ticket", "tikcet"), "w.toml:8", "tikcet"),
            (ONE.replace("SMS-005", "SMS-05"), "w.toml:3", "`SMS-005`"),
            (ONE.replace("us-west-2", "Oregon"), "w.toml:4", "Region"),
            (
                ONE.replace("2027-03-31", "2027-02-30"),
                "w.toml:9",
                "invalid date",
            ),
            (
                ONE.replace("2027-03-31", "2027-03-31T10:00:00Z"),
                "w.toml:9",
                "not a date",
            ),
            (ONE.replace("2027-03-31", "\"2027-03-31\""), "w.toml:9", ""),
            (
                ONE.replace("expires = 2027-03-31\n", ""),
                "w.toml",
                "expires",
            ),
            (ONE.replace("\"accepted\"", "\" \""), "w.toml:7", "reason"),
        ];
        for (text, at, says) in cases {
            let e = Waivers::parse(&text, "w.toml", IDS)
                .expect_err(&text)
                .to_string();
            assert!(e.starts_with(at), "{e} (want {at})");
            assert!(e.contains(says), "{e} (want {says})");
        }
    }

    #[test]
    fn glob() {
        assert!(glob_match("US", "US"));
        assert!(!glob_match("US", "USA"));
        assert!(glob_match("*", ""));
        assert!(glob_match("retail-*-import", "retail-pinpoint-import"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(glob_match("?S", "US"));
        assert!(!glob_match("?", ""));
    }

    #[test]
    fn day_of_is_utc() {
        assert_eq!(day_of("2027-03-31T23:30:00-02:00"), Some(day("2027-04-01")));
    }
}
