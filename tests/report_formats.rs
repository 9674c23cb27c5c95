//! Every report format, converted from one fixed `Report`: snapshots, the SARIF schema, ASFF's
//! field requirements, JUnit well-formedness, and the escaping of hostile names.

mod common;

use common::{rich_report, sample_report, synthetic_report, PAYLOADS};
use msgready::model::report::Report;
use msgready::model::vocab::Status;
use msgready::report::FORMATS;
use msgready::report::{asff, html, junit, markdown, sarif};
use serde_json::Value;

/// The HTML with the inline CSS and JS (snapshotted as their own files) and their CSP hashes
/// replaced by placeholders, so the snapshot shows what was rendered.
fn html_for_snapshot(report: &Report) -> String {
    let out = html::render(report, &html::Templates::builtin()).expect("HTML renders");
    let cut = |s: &str, open: &str, close: &str, with: &str| -> String {
        let a = s.find(open).expect("open tag") + open.len();
        let b = a + s[a..].find(close).expect("close tag");
        format!("{}{with}{}", &s[..a], &s[b..])
    };
    let out = cut(&out, "<style>", "</style>", "[style.css]");
    let out = cut(&out, "<script>", "</script>", "[script.js]");
    let mut redacted = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("'sha256-") {
        let end = i + 1 + rest[i + 1..].find('\'').expect("hash ends");
        redacted.push_str(&rest[..i]);
        redacted.push_str("'sha256-[hash]'");
        rest = &rest[end + 1..];
    }
    redacted.push_str(rest);
    redacted
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!("html", html_for_snapshot(&rich_report()));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", sarif::to_string(&rich_report()));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", junit::to_string(&rich_report()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", markdown::to_string(&rich_report()));
}

#[test]
fn asff_snapshot() {
    insta::assert_snapshot!("asff", asff::to_string(&rich_report()));
}

fn all_outputs(report: &Report) -> Vec<(&'static str, String)> {
    vec![
        (
            "html",
            html::render(report, &html::Templates::builtin()).unwrap(),
        ),
        ("sarif", sarif::to_string(report)),
        ("junit", junit::to_string(report)),
        ("markdown", markdown::to_string(report)),
        ("asff", asff::to_string(report)),
    ]
}

#[test]
fn the_sample_carries_the_payloads_into_findings() {
    let report = sample_report();
    let messages: String = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| r.message.as_str())
        .collect();
    for p in PAYLOADS {
        assert!(messages.contains(p), "no failing message carries {p}");
    }
    assert!(
        messages.contains('\u{1b}'),
        "no failing message carries an escape character"
    );
}

#[test]
fn no_output_carries_control_characters_or_live_markup() {
    for report in [sample_report(), rich_report()] {
        for (format, out) in all_outputs(&report) {
            assert!(!out.contains('\u{1b}'), "{format} carries ESC");
            assert!(
                !out.chars().any(|c| c.is_control() && c != '\n'),
                "{format} carries a control character"
            );
            if format == "html" {
                assert!(!out.contains("<img"), "html carries a live <img>");
                assert_eq!(
                    out.matches("<script").count(),
                    1,
                    "html has a script besides its own"
                );
                assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
                assert!(out.contains("&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"));
            }
            if format == "markdown" || format == "junit" {
                assert!(!out.contains("<script>"), "{format} carries a raw <script>");
                assert!(!out.contains("<img"), "{format} carries a raw <img>");
            }
        }
    }
}

#[test]
fn html_sections() {
    let report = rich_report();
    let out = html::render(&report, &html::Templates::builtin()).unwrap();
    assert!(out.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing is loaded from anywhere.
    for needle in ["src=\"http", "href=\"http", "url(", "@import", "<link"] {
        assert!(!out.contains(needle), "html contains {needle}");
    }
    assert!(out.contains("Content-Security-Policy"));
    assert!(out.contains("default-src &#x27;none&#x27;"));
    // RPO table from OPS-004's figures, the payload in `basis` escaped.
    assert!(
        out.contains("<td>event data</td><td>15 min</td><td>60 min</td>"),
        "RPO row"
    );
    assert!(
        out.contains("<td>endpoints</td><td>1440 min</td><td>60 min</td>"),
        "RPO row"
    );
    assert!(out.contains("S3 replication with RTC on &lt;script&gt;"));
    // Failover panel for the standby, matrix, waived row, collection failure.
    assert!(out.contains("If all traffic moved to us-west-2 (standby) now"));
    assert!(out.contains("<table class=\"matrix\">"));
    assert!(out.contains("data-s=\"waived\""));
    assert!(out.contains("mobiletargeting"));
    assert!(out.contains("@media print"));

    let mut no_rpo = sample_report();
    no_rpo.results.retain(|r| r.rule_id != "OPS-004");
    no_rpo.rpo.clear();
    let out = html::render(&no_rpo, &html::Templates::builtin()).unwrap();
    assert!(out.contains("RPO was not assessed"));
}

#[test]
fn html_templates_override_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bars.hbs"),
        "<p class=\"custom-bars\">{{#each chart.bars}}{{label}}={{score}};{{/each}}</p>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "notes beside the templates are fine",
    )
    .unwrap();
    let t = html::Templates::with_overrides(dir.path()).unwrap();
    let out = html::render(&rich_report(), &t).unwrap();
    assert!(
        out.contains("<p class=\"custom-bars\">email="),
        "override used:\n{out}"
    );
    assert!(
        out.contains("id=\"findings\""),
        "other templates still built in"
    );

    // Strict mode: a field that does not exist is an error naming the template.
    std::fs::write(dir.path().join("bars.hbs"), "{{chart.no_such_field}}").unwrap();
    let t = html::Templates::with_overrides(dir.path()).unwrap();
    let err = html::render(&rich_report(), &t).unwrap_err().to_string();
    assert!(err.contains("bars"), "{err}");

    // A misspelt file name is reported rather than ignored.
    std::fs::write(dir.path().join("finding.hbs"), "x").unwrap();
    let err = html::Templates::with_overrides(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("finding.hbs"), "{err}");
}

fn sarif_validator() -> jsonschema::Validator {
    let mut schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    // The official schema's `language` patterns have a stray `]`, which the regex engine
    // rejects when the schema itself is checked. msgready never writes `language`; drop that
    // pattern in memory and keep the vendored file as published.
    fn drop_bad_patterns(v: &mut Value) -> usize {
        let mut n = 0;
        if let Some(o) = v.as_object_mut() {
            if o.get("pattern").and_then(Value::as_str)
                == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$")
            {
                o.remove("pattern");
                n += 1;
            }
        }
        match v {
            Value::Object(o) => n + o.values_mut().map(drop_bad_patterns).sum::<usize>(),
            Value::Array(a) => n + a.iter_mut().map(drop_bad_patterns).sum::<usize>(),
            _ => n,
        }
    }
    assert!(
        drop_bad_patterns(&mut schema) > 0,
        "the schema changed: revisit this workaround"
    );
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let validator = sarif_validator();
    for report in [sample_report(), rich_report(), synthetic_report(200)] {
        let v: Value = serde_json::from_str(&sarif::to_string(&report)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF schema errors:\n{}",
            errors.join("\n")
        );
    }
    // The validator does reject what the schema forbids.
    let mut bad = sarif::to_value(&rich_report());
    bad["runs"][0]["results"][0]["level"] = "severe".into();
    assert!(
        !validator.is_valid(&bad),
        "an invalid level passed the schema"
    );
}

#[test]
fn sarif_results_and_rules() {
    let report = rich_report();
    let v = sarif::to_value(&report);
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), report.rules.len());
    for r in rules {
        let sev = r["properties"]["security-severity"].as_str().unwrap();
        assert!(["9.5", "8.0", "5.5", "3.0", "0.0"].contains(&sev));
        assert!(r["help"]["text"].as_str().unwrap().contains("Remediation:"));
        assert!(!r["properties"]["tags"].as_array().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    let expected = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Waived))
        .count();
    assert_eq!(
        results.len(),
        expected,
        "one SARIF result per fail or waived result"
    );
    for r in results {
        let rule_id = r["ruleId"].as_str().unwrap();
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            rule_id
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.is_empty());
        let fp = r["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert!(fp.starts_with(&format!("{rule_id}:111122223333:")), "{fp}");
        let text = r["message"]["text"].as_str().unwrap();
        assert!(text.contains("Region: us-"), "{text}");
        assert!(text.contains("resource: "), "{text}");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert!(suppressed[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("arn:aws:ses:us-west-2:111122223333:identity/waived.example.com"));
}

/// ASFF's requirements for BatchImportFindings, field by field.
fn check_asff_finding(f: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut need_str = |key: &str, max: usize| match f.get(key).and_then(Value::as_str) {
        None => problems.push(format!("{key} missing or not a string")),
        Some("") => problems.push(format!("{key} empty")),
        Some(s) if s.encode_utf16().count() > max => {
            problems.push(format!("{key} longer than {max}"))
        }
        Some(_) => {}
    };
    need_str("SchemaVersion", 32);
    need_str("Id", 512);
    need_str("ProductArn", 512);
    need_str("GeneratorId", 512);
    need_str("AwsAccountId", 12);
    need_str("CreatedAt", 64);
    need_str("UpdatedAt", 64);
    need_str("Title", 256);
    need_str("Description", 1024);
    if f["SchemaVersion"] != "2018-10-08" {
        problems.push("SchemaVersion".into());
    }
    let acct = f["AwsAccountId"].as_str().unwrap_or_default();
    if acct.len() != 12 || !acct.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(format!("AwsAccountId {acct} is not 12 digits"));
    }
    let arn = f["ProductArn"].as_str().unwrap_or_default();
    if !(arn.starts_with("arn:aws:securityhub:")
        && arn.ends_with(&format!(":{acct}:product/{acct}/default")))
    {
        problems.push(format!("ProductArn {arn}"));
    }
    for key in ["CreatedAt", "UpdatedAt"] {
        let t = f[key].as_str().unwrap_or_default();
        if chrono::DateTime::parse_from_rfc3339(t).is_err() {
            problems.push(format!("{key} {t} is not RFC 3339"));
        }
    }
    match f["Types"].as_array() {
        Some(t) if !t.is_empty() && t.len() <= 50 => {
            for ty in t {
                let parts = ty.as_str().unwrap_or_default().split('/').count();
                if !(2..=3).contains(&parts) {
                    problems.push(format!("Type {ty} is not namespace/category[/classifier]"));
                }
            }
        }
        _ => problems.push("Types missing, empty or over 50".into()),
    }
    let label = f["Severity"]["Label"].as_str().unwrap_or_default();
    if !["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"].contains(&label) {
        problems.push(format!("Severity.Label {label}"));
    }
    match f["Resources"].as_array() {
        Some(rs) if !rs.is_empty() && rs.len() <= 32 => {
            for r in rs {
                for key in ["Type", "Id"] {
                    if r[key].as_str().is_none_or(str::is_empty) {
                        problems.push(format!("Resources[].{key} missing"));
                    }
                }
                if r["Region"].as_str().is_none_or(str::is_empty) {
                    problems.push("Resources[].Region missing".into());
                }
            }
        }
        _ => problems.push("Resources missing, empty or over 32".into()),
    }
    match f["Remediation"]["Recommendation"]["Text"].as_str() {
        Some(t) if t.encode_utf16().count() <= 512 => {}
        _ => problems.push("Remediation.Recommendation.Text missing or over 512".into()),
    }
    if f["Compliance"]["Status"] != "FAILED" {
        problems.push("Compliance.Status".into());
    }
    if !["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"]
        .contains(&f["Workflow"]["Status"].as_str().unwrap_or_default())
    {
        problems.push("Workflow.Status".into());
    }
    if f["RecordState"] != "ACTIVE" {
        problems.push("RecordState".into());
    }
    match f["ProductFields"].as_object() {
        Some(pf) if pf.len() <= 50 => {
            for (k, v) in pf {
                let v = v.as_str().unwrap_or_default();
                if k.len() > 128 || v.encode_utf16().count() > 2048 {
                    problems.push(format!("ProductFields {k} too long"));
                }
            }
        }
        _ => problems.push("ProductFields not an object of at most 50".into()),
    }
    problems
}

#[test]
fn asff_meets_the_field_requirements() {
    let mut report = rich_report();
    // A result whose texts exceed every limit, in multi-byte characters.
    let mut long = report
        .results
        .iter()
        .find(|r| r.status == Status::Fail)
        .unwrap()
        .clone();
    long.resource = "ré".repeat(400);
    long.message = "é🚀".repeat(2000);
    long.remediation = Some("ü".repeat(2000));
    report.results.push(long);
    let v: Value = serde_json::from_str(&asff::to_string(&report)).unwrap();
    let findings = v["Findings"].as_array().unwrap();
    let expected = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Waived))
        .count();
    assert_eq!(findings.len(), expected);
    let mut ids = std::collections::BTreeSet::new();
    for f in findings {
        let problems = check_asff_finding(f);
        assert!(problems.is_empty(), "{}: {problems:?}", f["Id"]);
        assert!(
            ids.insert(f["Id"].as_str().unwrap().to_string()),
            "duplicate Id {}",
            f["Id"]
        );
    }
    let suppressed = findings
        .iter()
        .filter(|f| f["Workflow"]["Status"] == "SUPPRESSED")
        .count();
    assert_eq!(suppressed, 1);
    let last = findings
        .iter()
        .find(|f| f["Description"].as_str().unwrap().starts_with("é🚀"))
        .unwrap();
    assert!(last["Description"].as_str().unwrap().ends_with('…'));
}

#[test]
fn asff_truncation_counts_utf16_and_keeps_characters_whole() {
    assert_eq!(asff::truncate("abc", 3), "abc");
    assert_eq!(asff::truncate("abcd", 3), "ab…");
    // 🚀 is two UTF-16 units: it does not fit in the one unit left before the ellipsis.
    assert_eq!(asff::truncate("a🚀b", 3), "a…");
    assert_eq!(asff::truncate("éééé", 3), "éé…");
    assert_eq!(asff::resource_type("arn:aws:s3:::bucket"), "AwsS3Bucket");
    assert_eq!(
        asff::resource_type("arn:aws:iam::111122223333:role/x"),
        "AwsIamRole"
    );
    assert_eq!(
        asff::resource_type("arn:aws:ses:us-east-1:1:identity/x"),
        "Other"
    );
    assert_eq!(asff::resource_type("example.com"), "Other");
}

#[test]
fn junit_is_well_formed_with_one_case_per_rule_and_region() {
    for report in [sample_report(), rich_report()] {
        let xml = junit::to_string(&report);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut cases, mut failures, mut skipped) = (0, 0, 0);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                    match e.name().as_ref() {
                        b"testcase" => cases += 1,
                        b"failure" => failures += 1,
                        b"skipped" => skipped += 1,
                        _ => {}
                    }
                    for a in e.attributes() {
                        a.expect("attribute well formed")
                            .unescape_value()
                            .expect("attribute unescapes");
                    }
                }
                Ok(quick_xml::events::Event::Text(t)) => {
                    t.decode().expect("text decodes");
                }
                Ok(_) => {}
                Err(e) => panic!("malformed JUnit XML at {}: {e}", reader.buffer_position()),
            }
        }
        let pairs: std::collections::BTreeSet<(&str, &str)> = report
            .results
            .iter()
            .map(|r| (r.rule_id.as_str(), r.region.as_str()))
            .collect();
        assert_eq!(cases, pairs.len());
        let failing: std::collections::BTreeSet<(&str, &str)> = report
            .results
            .iter()
            .filter(|r| r.status == Status::Fail)
            .map(|r| (r.rule_id.as_str(), r.region.as_str()))
            .collect();
        assert_eq!(failures, failing.len());
        assert!(skipped > 0);
        assert!(xml.contains("name=\"EMAIL-001 us-west-2\""));
        assert!(xml.contains("<skipped message=\"not assessed: "));
    }
}

#[test]
fn markdown_escapes_untrusted_text() {
    let md = markdown::to_string(&rich_report());
    let pipes = |line: &str| {
        let bytes = line.as_bytes();
        (0..bytes.len())
            .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
            .count()
    };
    // Every row has as many cells as its table's header, whatever the text holds.
    let mut header = 0;
    let mut rows = 0;
    for line in md.lines() {
        if !line.starts_with("| ") {
            header = 0;
            continue;
        }
        if header == 0 {
            header = pipes(line);
        } else if line.contains("EMAIL-001") {
            rows += 1;
            assert_eq!(pipes(line), header, "{line}");
        }
    }
    assert!(
        rows >= 2,
        "no EMAIL-001 rows in the findings and waived tables"
    );
    assert!(md.contains("pipe\\|name\\|\\`tick\\`\\|\\[link\\](javascript:alert(1))"));
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(md.contains("Top findings"));
    assert!(md.contains("**Not assessed:**"));
}

#[test]
fn markdown_lists_twenty_findings_at_most() {
    let md = markdown::to_string(&synthetic_report(100));
    assert!(md.contains("### Top findings (20 of 100)"));
    assert!(md.contains("… and 80 more"));
}

/// Every format of the table, by name; a new format is covered here without an edit.
fn all_formats() -> String {
    FORMATS.iter().map(|f| f.name).collect::<Vec<_>>().join(",")
}

#[test]
fn evaluate_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_msgready"))
        .args(["evaluate", "--facts"])
        .arg(common::fixture("sample-facts.json"))
        .arg("--out")
        .arg(dir.path())
        .args(["--format", &all_formats()])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).is_empty(),
        "the text summary"
    );
    for f in FORMATS.iter().filter_map(|f| f.file) {
        let p = dir.path().join(f);
        assert!(
            p.metadata().map(|m| m.len() > 0).unwrap_or(false),
            "{f} not written"
        );
    }
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("report.hbs"), "{{#each}").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_msgready"))
        .args(["evaluate", "--facts"])
        .arg(common::fixture("sample-facts.json"))
        .arg("--out")
        .arg(dir.path())
        .args(["--format", "html", "--templates"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("report.hbs"));
}
