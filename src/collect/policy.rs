//! The least-privilege IAM policy the scanner needs (`msgready policy`): every action the
//! collectors call, read-only, from the service registry. A test runs the collectors against the emulators
//! and checks that every operation they recorded is in this table, so the two cannot drift.

use crate::model::service::{Service, ServiceInfo, SERVICES};
use serde_json::json;

/// The services of the read statements: those the collectors read facts from with an IAM
/// permission (not DNS; STS and Organizations only enter accounts: see [`document_with`]).
fn read_services() -> impl Iterator<Item = &'static ServiceInfo> {
    SERVICES
        .iter()
        .filter(|s| s.needs_iam && s.service.has_facts())
}

/// What many-account scans (`--accounts`, `--organization` with `--role-name`) add, for the
/// identity that runs msgready only: listing the organization's accounts (a read, answered
/// only in the management account or a delegated administrator account) and assuming the
/// member role (which changes nothing in AWS). The member role itself needs the read
/// statements.
const ORG_ACTIONS: &[(Service, &str)] = &[
    (Service::Organizations, "ListAccounts"),
    (Service::Sts, "AssumeRole"),
];

/// Said on stderr by `msgready policy`, beside the JSON (which cannot carry comments).
pub const NOTE: &str = "msgready: this policy is read-only. For many-account scans: the role named by --role-name in each account needs the MsgreadyRead* statements; the identity that runs msgready needs MsgreadyOrgListAccounts (only for --organization; ListAccounts answers only in the management account or a delegated administrator account) and MsgreadyAssumeMemberRole (the member role must trust it). MsgreadyReportSink* statements (with --out s3://…) are the one write msgready makes: its reports.";

/// True when `service:action` is in the policy. DNS lookups and STS GetCallerIdentity need no
/// IAM permission.
pub fn covers(service: &str, action: &str) -> bool {
    let Some(svc) = Service::from_name(service) else {
        return false;
    };
    !svc.info().needs_iam
        || (svc == Service::Sts && action == "GetCallerIdentity")
        || ORG_ACTIONS.contains(&(svc, action))
        || read_services().any(|s| s.service == svc && s.read_actions.contains(&action))
}

/// The report sink `s3://bucket/prefix/` (`--out`), for its statements.
#[derive(Debug, Clone)]
pub struct Sink {
    pub bucket: String,
    /// Empty, or ending in `/`.
    pub prefix: String,
    /// `--sse-kms-key-id`: a key ARN, key ID or alias.
    pub kms_key: Option<String>,
}

/// The read policy ([`document`]), the many-account statements (AssumeRole narrowed to
/// `role_name` when given) and, with a sink, the statements for writing reports to it.
pub fn document_with(role_name: Option<&str>, sink: Option<&Sink>) -> serde_json::Value {
    let mut doc = document();
    let mut extra = vec![
        json!({
            "Sid": "MsgreadyOrgListAccounts",
            "Effect": "Allow",
            "Action": ["organizations:ListAccounts"],
            "Resource": "*",
        }),
        json!({
            "Sid": "MsgreadyAssumeMemberRole",
            "Effect": "Allow",
            "Action": ["sts:AssumeRole"],
            "Resource": match role_name {
                Some(n) => format!("arn:aws:iam::*:role/{}", n.trim_start_matches('/')),
                None => "*".to_string(),
            },
        }),
    ];
    if let Some(s) = sink {
        let bucket_arn = format!("arn:aws:s3:::{}", s.bucket);
        extra.push(json!({
            "Sid": "MsgreadyReportSinkList",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": bucket_arn,
            "Condition": { "StringLike": { "s3:prefix": [format!("{}*", s.prefix)] } },
        }));
        extra.push(json!({
            "Sid": "MsgreadyReportSinkObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": format!("{bucket_arn}/{}*", s.prefix),
        }));
        if let Some(key) = &s.kms_key {
            // GenerateDataKey to write, Decrypt to read earlier runs back for the trend.
            let mut st = json!({
                "Sid": "MsgreadyReportSinkKms",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            });
            if key.starts_with("arn:") {
                st["Resource"] = json!(key);
            } else if key.starts_with("alias/") {
                // A key policy statement cannot name an alias; the condition can.
                st["Resource"] = json!("*");
                st["Condition"] =
                    json!({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": [key] } });
            } else {
                st["Resource"] = json!(format!("arn:aws:kms:*:*:key/{key}"));
            }
            extra.push(st);
        }
    }
    if let Some(list) = doc["Statement"].as_array_mut() {
        list.extend(extra);
    }
    doc
}

/// The policy document. One statement per service so that a reviewer can strike a service
/// the deployment does not use.
pub fn document() -> serde_json::Value {
    let statements: Vec<serde_json::Value> = read_services()
        .map(|info| {
            let (service, actions) = (info.name, info.read_actions);
            let words: String = service
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            let sid = format!("MsgreadyRead{words}");
            json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions.iter().map(|a| format!("{service}:{a}")).collect::<Vec<_>>(),
                "Resource": "*",
            })
        })
        .collect();
    json!({ "Version": "2012-10-17", "Statement": statements })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_and_sorted() {
        for info in read_services() {
            let (service, actions) = (info.name, info.read_actions);
            for a in actions {
                assert!(
                    a.starts_with("Get") || a.starts_with("List") || a.starts_with("Describe"),
                    "{service}:{a} is not a read action"
                );
            }
            let mut sorted = actions.to_vec();
            sorted.sort();
            assert_eq!(&sorted, actions, "{service} actions not sorted");
        }
        assert!(covers("s3", "GetReplicationConfiguration"));
        assert!(covers("dns", "Resolve"));
        assert!(!covers("s3", "PutObject"));
        let doc = document().to_string();
        assert!(doc.contains("\"Sid\":\"MsgreadyReadSmsVoice\""));
        assert!(doc.contains("\"mobiletargeting:GetApps\""));
        assert!(covers("organizations", "ListAccounts"));
        assert!(covers("sts", "AssumeRole"));
    }

    #[test]
    fn many_account_and_sink_statements() {
        let sink = Sink {
            bucket: "reports".into(),
            prefix: "msgready/".into(),
            kms_key: Some("alias/reports".into()),
        };
        let doc = document_with(Some("msgready-read"), Some(&sink));
        let statements = doc["Statement"].as_array().expect("statements");
        let by_sid = |sid: &str| {
            statements
                .iter()
                .find(|s| s["Sid"] == sid)
                .unwrap_or_else(|| panic!("{sid} missing"))
        };
        assert_eq!(
            by_sid("MsgreadyAssumeMemberRole")["Resource"],
            "arn:aws:iam::*:role/msgready-read"
        );
        assert_eq!(
            by_sid("MsgreadyReportSinkObjects")["Resource"],
            "arn:aws:s3:::reports/msgready/*"
        );
        assert_eq!(
            by_sid("MsgreadyReportSinkList")["Condition"]["StringLike"]["s3:prefix"][0],
            "msgready/*"
        );
        assert!(by_sid("MsgreadyReportSinkKms")["Condition"].is_object());
        // Without a sink, no S3 write and no KMS.
        let doc = document_with(None, None).to_string();
        assert!(!doc.contains("s3:PutObject") && !doc.contains("kms:"));
        assert!(doc.contains("\"Resource\":\"*\""));
    }
}
