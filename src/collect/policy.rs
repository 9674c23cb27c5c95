//! The least-privilege IAM policy the scanner needs (`msgready policy`): every action the
//! collectors call, read-only, in one table. A test runs the collectors against the emulators
//! and checks that every operation they recorded is in this table, so the two cannot drift.

use serde_json::json;

/// IAM actions by service prefix. Only `Get*`, `List*` and `Describe*` (checked by a test).
pub const ACTIONS: &[(&str, &[&str])] = &[
    (
        "ses",
        &[
            "GetAccount",
            "GetConfigurationSet",
            "GetConfigurationSetEventDestinations",
            "GetDedicatedIpPool",
            "GetDedicatedIps",
            "GetEmailIdentity",
            "GetEmailTemplate",
            "ListConfigurationSets",
            "ListDedicatedIpPools",
            "ListEmailIdentities",
            "ListEmailTemplates",
            "ListSuppressedDestinations",
        ],
    ),
    (
        "sms-voice",
        &[
            "DescribeAccountAttributes",
            "DescribeConfigurationSets",
            "DescribeKeywords",
            "DescribeOptOutLists",
            "DescribeOptedOutNumbers",
            "DescribePhoneNumbers",
            "DescribePools",
            "DescribeRegistrations",
            "DescribeSenderIds",
            "DescribeSpendLimits",
            "DescribeVerifiedDestinationNumbers",
            "ListPoolOriginationIdentities",
        ],
    ),
    (
        "mobiletargeting",
        &[
            "GetAdmChannel",
            "GetApnsChannel",
            "GetApnsSandboxChannel",
            "GetApnsVoipChannel",
            "GetApnsVoipSandboxChannel",
            "GetApplicationSettings",
            "GetApps",
            "GetBaiduChannel",
            "GetCampaigns",
            "GetChannels",
            "GetEmailTemplate",
            "GetEventStream",
            "GetExportJobs",
            "GetGcmChannel",
            "GetImportJobs",
            "GetInAppTemplate",
            "GetPushTemplate",
            "GetSegments",
            "GetSmsTemplate",
            "GetVoiceTemplate",
            "ListJourneys",
            "ListTemplates",
        ],
    ),
    (
        "firehose",
        &["DescribeDeliveryStream", "ListDeliveryStreams"],
    ),
    ("kinesis", &["DescribeStreamSummary", "ListStreams"]),
    ("lambda", &["GetFunction", "GetPolicy"]),
    ("cloudwatch", &["DescribeAlarms", "GetMetricData"]),
    (
        "s3",
        &[
            "GetBucketLocation",
            "GetBucketPublicAccessBlock",
            "GetBucketVersioning",
            "GetEncryptionConfiguration",
            "GetReplicationConfiguration",
        ],
    ),
    (
        "iam",
        &[
            "GetPolicy",
            "GetPolicyVersion",
            "GetRole",
            "GetRolePolicy",
            "ListAttachedRolePolicies",
            "ListRolePolicies",
        ],
    ),
    (
        "cloudtrail",
        &["DescribeTrails", "GetEventSelectors", "GetTrailStatus"],
    ),
];

/// True when `service:action` is in the policy. DNS lookups and STS GetCallerIdentity need no
/// IAM permission.
pub fn covers(service: &str, action: &str) -> bool {
    matches!((service, action), ("dns", _) | ("sts", "GetCallerIdentity"))
        || ACTIONS
            .iter()
            .any(|(s, actions)| *s == service && actions.contains(&action))
}

/// The policy document. One statement per service so that a reviewer can strike a service
/// the deployment does not use.
pub fn document() -> serde_json::Value {
    let statements: Vec<serde_json::Value> = ACTIONS
        .iter()
        .map(|(service, actions)| {
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
        for (service, actions) in ACTIONS {
            for a in *actions {
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
    }
}
