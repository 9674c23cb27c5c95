//! AWS Security Finding Format (ASFF) for Security Hub's `BatchImportFindings`.
//!
//! The file is `{"Findings": [...]}`: failing results, and waived ones with Workflow
//! `SUPPRESSED`. Each finding's ProductArn is the account's default product in the finding's
//! Region, so findings are imported in the Region they concern. `BatchImportFindings` takes at
//! most 100 findings per call: up to 100 the file is ready for
//! `aws securityhub batch-import-findings --cli-input-json file://report.asff.json`; above that,
//! split the array (`jq -c '.Findings | _nwise(100) | {Findings: .}'`).
//!
//! Length limits are ASFF's, counted in UTF-16 code units (as the API counts them) and cut at a
//! character boundary.

use super::terminal::clean;
use crate::model::report::Report;
use crate::model::result::RuleResult;
use crate::model::vocab::{Severity, Status};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const SCHEMA_VERSION: &str = "2018-10-08";
pub const TYPE: &str = "Software and Configuration Checks/AWS Security Best Practices";
pub const MAX_ID: usize = 512;
pub const MAX_TITLE: usize = 256;
pub const MAX_DESCRIPTION: usize = 1024;
pub const MAX_RECOMMENDATION: usize = 512;

/// Cuts `s` to at most `max` UTF-16 code units, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.encode_utf16().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        // Leave room for the ellipsis (one unit).
        if used + c.len_utf16() > max.saturating_sub(1) {
            break;
        }
        used += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    out
}

pub fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

/// The ASFF resource type for an ARN we can name; `Other` for the rest (SES, SMS and voice,
/// Pinpoint resources have no ASFF type).
pub fn resource_type(arn: &str) -> &'static str {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(_), Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return "Other";
    };
    match service {
        "s3" if !rest.contains('/') => "AwsS3Bucket",
        "iam" if rest.starts_with("role/") => "AwsIamRole",
        "lambda" if rest.starts_with("function:") => "AwsLambdaFunction",
        "kinesis" if rest.starts_with("stream/") => "AwsKinesisStream",
        "cloudtrail" if rest.starts_with("trail/") => "AwsCloudTrailTrail",
        "cloudwatch" if rest.starts_with("alarm:") => "AwsCloudWatchAlarm",
        _ => "Other",
    }
}

fn partition(arn: Option<&str>) -> &str {
    match arn.and_then(|a| a.split(':').nth(1)) {
        Some(
            p @ ("aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "aws-iso-e"
            | "aws-iso-f" | "aws-eusc"),
        ) => p,
        _ => "aws",
    }
}

/// `msgready/rule:account:region:resource`, or, past ASFF's 512, with the resource hashed.
pub fn finding_id(r: &RuleResult) -> String {
    let id = format!("msgready/{}", super::sarif::fingerprint(r));
    if id.encode_utf16().count() <= MAX_ID {
        return id;
    }
    let hash = Sha256::digest(r.resource.as_bytes());
    truncate(
        &format!(
            "msgready/{}:{}:{}:sha256-{}",
            r.rule_id,
            r.account_id,
            r.region,
            data_encoding::HEXLOWER.encode(&hash)
        ),
        MAX_ID,
    )
}

fn finding(report: &Report, r: &RuleResult) -> Value {
    let rule = report.rule(&r.rule_id);
    let title = rule
        .map(|i| format!("{} {}", i.id, i.title))
        .unwrap_or_else(|| r.rule_id.clone());
    let resource = clean(r.arn.as_deref().unwrap_or(&r.resource));
    let recommendation = r
        .remediation
        .as_deref()
        .or(rule.map(|i| i.remediation.as_str()))
        .unwrap_or("See the msgready report.");
    let account = clean(&r.account_id);
    let region = clean(&r.region);
    let mut product_fields = json!({
        "ProviderName": "msgready",
        "ProviderVersion": truncate(&report.tool.version, 2048),
        "msgready/RuleId": r.rule_id,
        "msgready/Area": r.area.as_str(),
        "msgready/Resource": truncate(&clean(&r.resource), 2048),
    });
    if let Some(i) = rule {
        product_fields["msgready/Guide"] = json!(truncate(&i.guide, 2048));
        product_fields["msgready/RuleSource"] = json!(truncate(&i.source, 2048));
    }
    if let Some(w) = &r.waiver {
        product_fields["msgready/WaiverOwner"] = json!(truncate(&clean(&w.owner), 2048));
        product_fields["msgready/WaiverExpires"] = json!(clean(&w.expires));
        if let Some(t) = &w.ticket {
            product_fields["msgready/WaiverTicket"] = json!(truncate(&clean(t), 2048));
        }
    }
    if r.known {
        product_fields["msgready/Known"] = json!("true");
    }
    let mut v = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(r),
        "ProductArn": format!("arn:{}:securityhub:{region}:{account}:product/{account}/default", partition(r.arn.as_deref())),
        "GeneratorId": truncate(&format!("msgready/{}", r.rule_id), MAX_ID),
        "AwsAccountId": account,
        "Types": [TYPE],
        "CreatedAt": report.generated_at,
        "UpdatedAt": report.generated_at,
        "Severity": { "Label": label(r.severity), "Original": r.severity.as_str() },
        "Title": truncate(&clean(&title), MAX_TITLE),
        "Description": truncate(&clean(&r.message), MAX_DESCRIPTION),
        "Remediation": { "Recommendation": { "Text": truncate(&clean_keep_lines(&super::html::unwrap_text(recommendation)), MAX_RECOMMENDATION) } },
        "ProductFields": product_fields,
        "Resources": [{
            "Type": resource_type(r.arn.as_deref().unwrap_or("")),
            "Id": truncate(&resource, MAX_ID),
            "Partition": partition(r.arn.as_deref()),
            "Region": region,
        }],
        "Compliance": { "Status": "FAILED" },
        "Workflow": { "Status": if r.status == Status::Waived { "SUPPRESSED" } else { "NEW" } },
        "RecordState": "ACTIVE",
    });
    // Security Hub's note: why the finding is suppressed, by whom (max 512 characters).
    if let Some(w) = &r.waiver {
        v["Note"] = json!({
            "Text": truncate(&clean(&format!("Waived until {}: {}", w.expires, w.reason)), 512),
            "UpdatedBy": truncate(&clean(&w.owner), 512),
            "UpdatedAt": report.generated_at,
        });
    }
    v
}

fn clean_keep_lines(s: &str) -> String {
    s.lines().map(clean).collect::<Vec<_>>().join("\n")
}

pub fn to_value(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings()
        .into_iter()
        .chain(report.results.iter().filter(|r| r.status == Status::Waived))
        .map(|r| finding(report, r))
        .collect();
    json!({ "Findings": findings })
}

pub fn to_string(report: &Report) -> String {
    crate::jsonio::pretty(&to_value(report)).expect("ASFF always serialises") + "\n"
}
