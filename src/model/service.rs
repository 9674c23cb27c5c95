//! The one registry of the services msgready reads: the only place a service's name, IAM
//! prefix, fact section, read actions, pacing and "were its facts collected" test live. The
//! collectors, the pacer, the engine's gap check, the rule loader, `rules explain` and
//! `msgready policy` all read [`SERVICES`]; a name that is not here is a load error (rule
//! files) or a compile error (code naming [`Service`]), never a fallback.

use super::facts::{GlobalFacts, RegionFacts};

/// A service msgready reads (or, for STS and Organizations, calls to enter accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Ses,
    SmsVoice,
    Pinpoint,
    Firehose,
    Kinesis,
    Lambda,
    CloudWatch,
    S3,
    Iam,
    CloudTrail,
    Dns,
    Sts,
    Organizations,
}

/// Where a service's facts live, and how to tell they were collected.
#[derive(Clone, Copy)]
pub enum Section {
    /// Per Region, under `accounts[].regions.<region>.<path>`; the test takes the operation
    /// (CloudWatch fills two sections: alarms and metrics).
    Regional {
        path: fn(&str) -> &'static str,
        collected: fn(&RegionFacts, &str) -> bool,
    },
    /// Once per account, under `accounts[].global.<path>`.
    Global {
        path: &'static str,
        collected: fn(&GlobalFacts) -> bool,
    },
    /// No facts of its own (STS, Organizations: used to enter accounts).
    None,
}

/// How fast the collectors may call a service, per Region and operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// The SMS/voice v2 quota (1 request per second per Region by default; `--sms-voice-rps`).
    SmsVoice,
    /// No published quota: the configured default rate.
    Default,
    /// A documented quota, the same for every operation.
    Fixed(u32),
}

/// Everything msgready knows about one service.
pub struct ServiceInfo {
    pub service: Service,
    /// The IAM service prefix: the name in collection statuses, in rules' `requires` and in
    /// the read-only policy.
    pub name: &'static str,
    /// What the service is called in messages.
    pub title: &'static str,
    pub section: Section,
    /// The read actions the collectors call, as IAM action names (the read-only policy).
    pub read_actions: &'static [&'static str],
    /// SDK operation names authorised by a differently named IAM action.
    pub sdk_actions: &'static [(&'static str, &'static str)],
    pub pacing: Pacing,
    /// Operations with a documented quota of their own (requests per second).
    pub operation_rates: &'static [(&'static str, u32)],
    /// Whether its calls need an IAM permission (DNS lookups do not).
    pub needs_iam: bool,
}

/// The registry, one entry per [`Service`].
pub const SERVICES: &[ServiceInfo] = &[
    ServiceInfo {
        service: Service::Ses,
        name: "ses",
        title: "Amazon SES v2",
        section: Section::Regional {
            path: |_| "ses",
            collected: |f, _| f.ses.is_some(),
        },
        read_actions: &[
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
        sdk_actions: &[],
        pacing: Pacing::Default,
        // Stated in the SES v2 operation docs.
        operation_rates: &[("ListEmailTemplates", 1), ("GetEmailTemplate", 50)],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::SmsVoice,
        name: "sms-voice",
        title: "AWS End User Messaging SMS and voice v2",
        section: Section::Regional {
            path: |_| "sms_voice",
            collected: |f, _| f.sms_voice.is_some(),
        },
        read_actions: &[
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
        sdk_actions: &[],
        pacing: Pacing::SmsVoice,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Pinpoint,
        name: "mobiletargeting",
        title: "Amazon Pinpoint",
        section: Section::Regional {
            path: |_| "pinpoint",
            collected: |f, _| f.pinpoint.is_some(),
        },
        read_actions: &[
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
        sdk_actions: &[],
        // The documented quota is 300 requests per second per account and Region; 50 per
        // operation keeps several operations in flight well inside it.
        pacing: Pacing::Fixed(50),
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Firehose,
        name: "firehose",
        title: "Amazon Data Firehose",
        section: Section::Regional {
            path: |_| "firehose_streams",
            collected: |f, _| f.firehose_streams.is_some(),
        },
        read_actions: &["DescribeDeliveryStream", "ListDeliveryStreams"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Kinesis,
        name: "kinesis",
        title: "Amazon Kinesis Data Streams",
        section: Section::Regional {
            path: |_| "kinesis_streams",
            collected: |f, _| f.kinesis_streams.is_some(),
        },
        read_actions: &["DescribeStreamSummary", "ListStreams"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Lambda,
        name: "lambda",
        title: "AWS Lambda",
        section: Section::Regional {
            path: |_| "lambda_functions",
            collected: |f, _| f.lambda_functions.is_some(),
        },
        read_actions: &["GetFunction", "GetPolicy"],
        sdk_actions: &[("GetFunctionConfiguration", "GetFunction")],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::CloudWatch,
        name: "cloudwatch",
        title: "Amazon CloudWatch",
        // Alarms and metrics are two sections: a failed metric read leaves the alarms judged.
        section: Section::Regional {
            path: |op| match op {
                "GetMetricData" => "activity",
                _ => "cloudwatch_alarms",
            },
            collected: |f, op| match op {
                "GetMetricData" => f.activity.is_some(),
                _ => f.cloudwatch_alarms.is_some(),
            },
        },
        read_actions: &["DescribeAlarms", "GetMetricData"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::S3,
        name: "s3",
        title: "Amazon S3",
        section: Section::Global {
            path: "s3_buckets",
            collected: |g| g.s3_buckets.is_some(),
        },
        read_actions: &[
            "GetBucketLocation",
            "GetBucketPublicAccessBlock",
            "GetBucketVersioning",
            "GetEncryptionConfiguration",
            "GetReplicationConfiguration",
        ],
        sdk_actions: &[
            ("GetBucketEncryption", "GetEncryptionConfiguration"),
            ("GetPublicAccessBlock", "GetBucketPublicAccessBlock"),
            ("GetBucketReplication", "GetReplicationConfiguration"),
            ("HeadBucket", "ListBucket"),
        ],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Iam,
        name: "iam",
        title: "AWS IAM",
        section: Section::Global {
            path: "iam_roles",
            collected: |g| g.iam_roles.is_some(),
        },
        read_actions: &[
            "GetPolicy",
            "GetPolicyVersion",
            "GetRole",
            "GetRolePolicy",
            "ListAttachedRolePolicies",
            "ListRolePolicies",
        ],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::CloudTrail,
        name: "cloudtrail",
        title: "AWS CloudTrail",
        section: Section::Global {
            path: "cloudtrail_trails",
            collected: |g| g.cloudtrail_trails.is_some(),
        },
        read_actions: &["DescribeTrails", "GetEventSelectors", "GetTrailStatus"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Dns,
        name: "dns",
        title: "DNS",
        section: Section::Regional {
            path: |_| "dns",
            collected: |f, _| f.dns.is_some(),
        },
        read_actions: &["Resolve"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: false,
    },
    ServiceInfo {
        service: Service::Sts,
        name: "sts",
        title: "AWS STS",
        section: Section::None,
        read_actions: &["GetCallerIdentity"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
    ServiceInfo {
        service: Service::Organizations,
        name: "organizations",
        title: "AWS Organizations",
        section: Section::None,
        read_actions: &["ListAccounts"],
        sdk_actions: &[],
        pacing: Pacing::Default,
        operation_rates: &[],
        needs_iam: true,
    },
];

impl Service {
    /// Every service, in registry order.
    pub fn all() -> impl Iterator<Item = Service> {
        SERVICES.iter().map(|s| s.service)
    }

    /// The service of an IAM prefix (`ses`, `sms-voice`, ...).
    pub fn from_name(name: &str) -> Option<Service> {
        SERVICES.iter().find(|s| s.name == name).map(|s| s.service)
    }

    pub fn info(self) -> &'static ServiceInfo {
        SERVICES
            .iter()
            .find(|s| s.service == self)
            .expect("every Service has a registry entry (checked by a test)")
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether rules may read its facts (`requires`/`optional`): services with a section.
    pub fn has_facts(self) -> bool {
        !matches!(self.info().section, Section::None)
    }

    /// The IAM action an SDK operation of this service is authorised by.
    pub fn iam_action(self, sdk_operation: &str) -> &str {
        self.info()
            .sdk_actions
            .iter()
            .find(|(sdk, _)| *sdk == sdk_operation)
            .map_or(sdk_operation, |(_, iam)| *iam)
    }

    /// Where `operation`'s facts live in a snapshot, for `rules explain`.
    pub fn fact_path(self, operation: &str) -> String {
        match self.info().section {
            Section::Regional { path, .. } => {
                format!("accounts[].regions.<region>.{}", path(operation))
            }
            Section::Global { path, .. } => format!("accounts[].global.{path}"),
            Section::None => "(no facts)".into(),
        }
    }

    /// Whether the facts `operation` fills were collected in `region` (`None`: the snapshot
    /// has no facts for that Region at all). Services without facts are always collected.
    pub fn collected(
        self,
        region: Option<&RegionFacts>,
        global: &GlobalFacts,
        operation: &str,
    ) -> bool {
        match self.info().section {
            Section::Regional { collected, .. } => region.is_some_and(|f| collected(f, operation)),
            Section::Global { collected, .. } => collected(global),
            Section::None => true,
        }
    }

    /// Whether its facts are per Region (false: once per account).
    pub fn is_regional(self) -> bool {
        matches!(self.info().section, Section::Regional { .. })
    }

    /// Whether the collectors call `action` (an IAM action name) on this service.
    pub fn reads(self, action: &str) -> bool {
        self.info().read_actions.contains(&action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_once_and_names_unique() {
        let mut names = std::collections::BTreeSet::new();
        for s in SERVICES {
            assert!(names.insert(s.name), "{} twice", s.name);
            assert_eq!(
                SERVICES.iter().filter(|o| o.service == s.service).count(),
                1
            );
            assert_eq!(Service::from_name(s.name), Some(s.service));
            // Read-only: the collectors never call anything but reads.
            for a in s.read_actions {
                assert!(
                    ["Get", "List", "Describe", "Resolve"]
                        .iter()
                        .any(|p| a.starts_with(p)),
                    "{}:{a} is not a read",
                    s.name
                );
            }
        }
        assert_eq!(Service::from_name("email"), None);
    }

    #[test]
    fn collected_follows_the_section() {
        let mut region = RegionFacts::default();
        let global = GlobalFacts::default();
        assert!(!Service::Ses.collected(Some(&region), &global, "GetAccount"));
        assert!(!Service::Ses.collected(None, &global, "GetAccount"));
        region.cloudwatch_alarms = Some(vec![]);
        assert!(Service::CloudWatch.collected(Some(&region), &global, "DescribeAlarms"));
        assert!(!Service::CloudWatch.collected(Some(&region), &global, "GetMetricData"));
        assert!(!Service::Iam.collected(Some(&region), &global, "GetRole"));
        assert!(Service::Sts.collected(None, &global, "AssumeRole"));
        assert_eq!(Service::S3.iam_action("HeadBucket"), "ListBucket");
        assert_eq!(
            Service::S3.iam_action("GetBucketVersioning"),
            "GetBucketVersioning"
        );
    }
}
