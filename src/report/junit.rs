//! JUnit XML for CI test views: one test suite per area, one test case per rule × Region
//! (`classname` = area, `name` = `RULE-ID REGION`), across accounts.
//!
//! - any failing result: `<failure>` whose text lists every failing result's message;
//! - else any result not assessed: `<skipped message="not assessed: ...">`. Skipped, not
//!   `<error>`: an error means the test itself broke, and JUnit consumers count it as a
//!   failure, while msgready's gate treats "not assessed" as incomplete (exit 3), not failed;
//! - else only not-applicable results: `<skipped message="not applicable: ...">`;
//! - else a pass.
//!
//! Waived results are never failures: each case names its waived results, with owner, reason,
//! ticket and expiry, in `<system-out>`.
//!
//! Text is escaped for XML, and control characters (which XML 1.0 cannot carry at all, even as
//! character references) are replaced with U+FFFD.

use super::terminal::clean;
use crate::model::report::Report;
use crate::model::result::RuleResult;
use crate::model::vocab::{Area, Severity, Status};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for XML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Not allowed in XML 1.0 documents at all; U+FFFE/U+FFFF are not characters either.
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// Escapes multi-line text, keeping the line breaks.
fn escape_lines(s: &str) -> String {
    s.lines().map(escape).collect::<Vec<_>>().join("\n")
}

struct Case<'a> {
    area: Area,
    rule_id: &'a str,
    region: &'a str,
    results: Vec<&'a RuleResult>,
}

enum Outcome {
    Failure,
    Skipped,
    Passed,
}

impl Case<'_> {
    fn of(&self, s: Status) -> impl Iterator<Item = &&RuleResult> {
        self.results.iter().filter(move |r| r.status == s)
    }

    fn outcome(&self) -> Outcome {
        if self.of(Status::Fail).next().is_some() {
            Outcome::Failure
        } else if self.of(Status::NotAssessed).next().is_some()
            || self
                .results
                .iter()
                .all(|r| r.status == Status::NotApplicable)
        {
            Outcome::Skipped
        } else {
            Outcome::Passed
        }
    }
}

fn line(r: &RuleResult) -> String {
    let mut l = format!(
        "[{} {} {}] {}{}",
        r.severity,
        clean(&r.account_id),
        clean(r.arn.as_deref().unwrap_or(&r.resource)),
        if r.known {
            "(known from the baseline) "
        } else {
            ""
        },
        clean(&r.message)
    );
    if let Some(w) = &r.waiver {
        l.push_str(&format!(" Waived by {}", super::terminal::waiver_note(w)));
    }
    l
}

fn write_case(o: &mut String, report: &Report, case: &Case) {
    let _ = write!(
        o,
        "    <testcase classname=\"{}\" name=\"{} {}\" time=\"0\"",
        case.area,
        escape(case.rule_id),
        escape(case.region)
    );
    match case.outcome() {
        Outcome::Failure => {
            let fails: Vec<&&RuleResult> = case.of(Status::Fail).collect();
            let severity = fails
                .iter()
                .map(|r| r.severity)
                .max()
                .unwrap_or(Severity::Info);
            let title = report
                .rule(case.rule_id)
                .map(|r| r.title.as_str())
                .unwrap_or(case.rule_id);
            let _ = writeln!(
                o,
                ">\n      <failure type=\"{severity}\" message=\"{}\">{}</failure>{}\n    </testcase>",
                escape(&format!("{} failing result(s): {}", fails.len(), title)),
                fails
                    .iter()
                    .map(|r| escape(&line(r)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                waived_out(case)
            );
        }
        Outcome::Skipped => {
            let (what, first) = match case.of(Status::NotAssessed).next() {
                Some(r) => ("not assessed", r),
                None => ("not applicable", &case.results[0]),
            };
            let _ = writeln!(
                o,
                ">\n      <skipped message=\"{}\"/>{}\n    </testcase>",
                escape(&format!("{what}: {}", clean(&first.message))),
                waived_out(case)
            );
        }
        Outcome::Passed => {
            let out = waived_out(case);
            if out.is_empty() {
                o.push_str("/>\n");
            } else {
                let _ = writeln!(o, ">{out}\n    </testcase>");
            }
        }
    }
}

/// The case's waived results, each with its waiver, as `<system-out>`; empty when none.
fn waived_out(case: &Case) -> String {
    let waived: Vec<String> = case.of(Status::Waived).map(|r| line(r)).collect();
    if waived.is_empty() {
        String::new()
    } else {
        format!(
            "\n      <system-out>waived:\n{}</system-out>",
            escape_lines(&waived.join("\n"))
        )
    }
}

pub fn to_string(report: &Report) -> String {
    let region_order = |r: &str| {
        report
            .deployment
            .regions
            .iter()
            .position(|x| x.name == r)
            .unwrap_or(usize::MAX)
    };
    let mut suites: BTreeMap<Area, BTreeMap<(&str, usize, &str), Case>> = BTreeMap::new();
    for r in &report.results {
        suites
            .entry(r.area)
            .or_default()
            .entry((
                r.rule_id.as_str(),
                region_order(&r.region),
                r.region.as_str(),
            ))
            .or_insert_with(|| Case {
                area: r.area,
                rule_id: &r.rule_id,
                region: &r.region,
                results: Vec::new(),
            })
            .results
            .push(r);
    }
    let count = |cases: &mut dyn Iterator<Item = &Case>| {
        let (mut tests, mut failures, mut skipped) = (0, 0, 0);
        for c in cases {
            tests += 1;
            match c.outcome() {
                Outcome::Failure => failures += 1,
                Outcome::Skipped => skipped += 1,
                Outcome::Passed => {}
            }
        }
        (tests, failures, skipped)
    };
    let (tests, failures, skipped) = count(&mut suites.values().flat_map(|s| s.values()));
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"msgready\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\">"
    );
    for (area, cases) in &suites {
        let (tests, failures, skipped) = count(&mut cases.values());
        let _ = writeln!(
            o,
            "  <testsuite name=\"{area}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\">",
            escape(&report.generated_at)
        );
        for case in cases.values() {
            write_case(&mut o, report, case);
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}
