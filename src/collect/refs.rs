//! What one phase of collection points the next at: the Lambda functions the Pinpoint
//! projects call, the S3 buckets event data and imports land in, and every IAM role the
//! deployment names. Pure functions over the facts read so far, so they are unit-tested.

use crate::model::facts::{RegionFacts, S3Bucket};
use std::collections::{BTreeMap, BTreeSet};

/// Per Region whose Pinpoint facts were read: the functions its projects reference (names or
/// ARNs as written; a full ARN is read in the Region it names). Regions without Pinpoint facts
/// are left out, so their `lambda_functions` stay `None`.
pub fn lambda_functions(facts: &BTreeMap<String, RegionFacts>) -> Vec<(String, Vec<String>)> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (region, f) in facts {
        let Some(pp) = &f.pinpoint else { continue };
        out.entry(region.clone()).or_default();
        for p in &pp.projects {
            let hooks = p
                .settings
                .iter()
                .filter_map(|s| s.campaign_hook.as_ref())
                .filter_map(|h| h.lambda_function_name.clone());
            let campaigns = p
                .campaigns
                .iter()
                .flat_map(|c| [c.hook_lambda.clone(), c.custom_delivery_lambda.clone()])
                .flatten();
            for name in hooks.chain(campaigns).filter(|n| !n.is_empty()) {
                let target = arn_region(&name, "lambda").unwrap_or(region.as_str());
                out.entry(target.to_string()).or_default().insert(name);
            }
        }
    }
    out.into_iter()
        .map(|(r, names)| (r, names.into_iter().collect()))
        .collect()
}

/// The Region field of an ARN of `service`, if `s` is one.
fn arn_region<'a>(s: &'a str, service: &str) -> Option<&'a str> {
    let mut parts = s.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    parts.next()?;
    (parts.next()? == service).then_some(())?;
    parts.next().filter(|r| !r.is_empty())
}

/// Bucket name of `arn:aws:s3:::NAME` or `s3://NAME/...`.
pub fn bucket_name(s: &str) -> Option<String> {
    let name = if let Some(rest) = s.strip_prefix("s3://") {
        rest.split('/').next()?
    } else {
        let rest = s.split(":::").nth(1).filter(|_| s.starts_with("arn:"))?;
        rest.split('/').next()?
    };
    (!name.is_empty()).then(|| name.to_string())
}

/// Every bucket that event streams deliver to or import/export jobs read from, sorted.
pub fn buckets(facts: &BTreeMap<String, RegionFacts>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for f in facts.values() {
        for s in f.firehose_streams.iter().flatten() {
            if let Some(d) = &s.s3_destination {
                out.extend(bucket_name(&d.bucket_arn));
            }
        }
        for p in f.pinpoint.iter().flat_map(|pp| &pp.projects) {
            for j in p.import_jobs.iter().chain(&p.export_jobs) {
                out.extend(j.s3_url.as_deref().and_then(bucket_name));
            }
        }
    }
    out.into_iter().collect()
}

/// Role name of a role ARN (`arn:aws:iam::ACCOUNT:role/PATH/NAME` → `NAME`).
pub fn role_name(arn: &str) -> Option<String> {
    let resource = arn.strip_prefix("arn:")?.splitn(5, ':').nth(4)?;
    let path = resource.strip_prefix("role/")?;
    path.rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Every role the deployment names: event destinations (SES, SMS/voice), Pinpoint event
/// streams and import/export jobs, Firehose delivery roles and S3 replication roles. Sorted
/// role names.
pub fn roles(facts: &BTreeMap<String, RegionFacts>, buckets: &[S3Bucket]) -> Vec<String> {
    let mut arns: Vec<&str> = Vec::new();
    for f in facts.values() {
        if let Some(ses) = &f.ses {
            for d in ses
                .configuration_sets
                .iter()
                .flat_map(|c| &c.event_destinations)
            {
                arns.extend(d.role_arn.as_deref());
            }
        }
        if let Some(sms) = &f.sms_voice {
            for d in sms
                .configuration_sets
                .iter()
                .flat_map(|c| &c.event_destinations)
            {
                arns.extend(d.role_arn.as_deref());
            }
        }
        for p in f.pinpoint.iter().flat_map(|pp| &pp.projects) {
            arns.extend(p.event_stream.as_ref().map(|e| e.role_arn.as_str()));
            for j in p.import_jobs.iter().chain(&p.export_jobs) {
                arns.extend(j.role_arn.as_deref());
            }
        }
        for s in f.firehose_streams.iter().flatten() {
            arns.extend(
                s.s3_destination
                    .as_ref()
                    .and_then(|d| d.role_arn.as_deref()),
            );
        }
    }
    for b in buckets {
        arns.extend(b.replication.as_ref().map(|r| r.role_arn.as_str()));
    }
    let names: BTreeSet<String> = arns.into_iter().filter_map(role_name).collect();
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::*;

    fn region_with_everything() -> RegionFacts {
        RegionFacts {
            ses: Some(SesFacts {
                configuration_sets: vec![SesConfigurationSet {
                    name: "cs".into(),
                    event_destinations: vec![EventDestination {
                        name: "d".into(),
                        enabled: true,
                        destination_type: "KINESIS_FIREHOSE".into(),
                        role_arn: Some("arn:aws:iam::111122223333:role/ses-firehose".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            pinpoint: Some(PinpointFacts {
                projects: vec![Project {
                    id: "p".into(),
                    arn: "arn:p".into(),
                    name: "app".into(),
                    settings: Some(ProjectSettings {
                        campaign_hook: Some(CampaignHook {
                            lambda_function_name: Some("hook".into()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    campaigns: vec![Campaign {
                        id: "c".into(),
                        name: "c".into(),
                        custom_delivery_lambda: Some(
                            "arn:aws:lambda:eu-west-1:111122223333:function:far".into(),
                        ),
                        ..Default::default()
                    }],
                    event_stream: Some(EventStream {
                        destination_stream_arn: "arn:aws:firehose:us-east-1:1:deliverystream/x"
                            .into(),
                        role_arn: "arn:aws:iam::111122223333:role/service-role/pinpoint-events"
                            .into(),
                    }),
                    import_jobs: vec![ImportJob {
                        id: "j".into(),
                        job_status: "COMPLETED".into(),
                        role_arn: Some("arn:aws:iam::111122223333:role/importer".into()),
                        s3_url: Some("s3://imports-bucket/segments/a.csv".into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }),
            firehose_streams: Some(vec![FirehoseStream {
                name: "x".into(),
                arn: "arn:x".into(),
                status: "ACTIVE".into(),
                s3_destination: Some(S3Destination {
                    bucket_arn: "arn:aws:s3:::events-bucket".into(),
                    prefix: "events/".into(),
                    role_arn: Some("arn:aws:iam::111122223333:role/firehose-delivery".into()),
                }),
                source_stream_arn: None,
            }]),
            ..Default::default()
        }
    }

    #[test]
    fn follows_every_reference() {
        let mut facts = BTreeMap::new();
        facts.insert("us-east-1".to_string(), region_with_everything());
        facts.insert("us-west-2".to_string(), RegionFacts::default());
        assert_eq!(
            lambda_functions(&facts),
            vec![
                (
                    "eu-west-1".to_string(),
                    vec!["arn:aws:lambda:eu-west-1:111122223333:function:far".to_string()]
                ),
                ("us-east-1".to_string(), vec!["hook".to_string()]),
            ]
        );
        assert_eq!(buckets(&facts), vec!["events-bucket", "imports-bucket"]);
        let replicated = S3Bucket {
            name: "events-bucket".into(),
            replication: Some(S3Replication {
                role_arn: "arn:aws:iam::111122223333:role/s3-crr".into(),
                rules: vec![],
            }),
            ..Default::default()
        };
        assert_eq!(
            roles(&facts, &[replicated]),
            vec![
                "firehose-delivery",
                "importer",
                "pinpoint-events",
                "s3-crr",
                "ses-firehose"
            ]
        );
    }

    #[test]
    fn names_from_arns_and_urls() {
        assert_eq!(bucket_name("arn:aws:s3:::b/key"), Some("b".into()));
        assert_eq!(bucket_name("s3://b"), Some("b".into()));
        assert_eq!(bucket_name("arn:aws:s3:::"), None);
        assert_eq!(bucket_name("b"), None);
        assert_eq!(
            role_name("arn:aws:iam::1:role/a/b/name"),
            Some("name".into())
        );
        assert_eq!(role_name("arn:aws:iam::1:user/name"), None);
        assert_eq!(role_name("not an arn"), None);
        assert_eq!(
            arn_region("arn:aws:lambda:us-west-2:1:function:f", "lambda"),
            Some("us-west-2")
        );
        assert_eq!(arn_region("f", "lambda"), None);
    }
}
