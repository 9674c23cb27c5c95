//! Error paths and pagination of the live collectors, with `aws-smithy-mocks` (no network).

use aws_sdk_pinpointsmsvoicev2 as smsv2;
use aws_sdk_sesv2 as sesv2;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use msgready::collect::{Collector, Ctx, Limits, Pacer, Recorder, RegionClients, Salt};
use msgready::facts::{CollectionOutcome, CollectionStatus, FailureReason};
use sesv2::error::ErrorMetadata;
use std::time::Duration;

const PLANTED_ADDRESS: &str = "planted.person@example.org";
const PLANTED_NUMBER: &str = "+14255550199";

fn fast_limits() -> Limits {
    Limits {
        sms_voice_rps: 1000,
        ses_rps: 1000,
        ..Limits::default()
    }
}

fn ctx(service: &'static str) -> Ctx {
    Ctx {
        region: "us-east-1".into(),
        service,
        salt: Salt::fixed([9; 32]),
        recorder: Recorder::default(),
        pacer: Pacer::new(fast_limits()),
        concurrency: 4,
        cancel: Default::default(),
    }
}

fn status<'a>(all: &'a [CollectionStatus], op: &str) -> &'a CollectionStatus {
    all.iter()
        .find(|s| s.operation == op)
        .unwrap_or_else(|| panic!("no status for {op}: {all:#?}"))
}

fn retry(c: sesv2::config::Builder) -> sesv2::config::Builder {
    c.retry_config(aws_config::retry::RetryConfig::disabled())
}

fn ses_client(rules: &[&Rule]) -> sesv2::Client {
    mock_client!(sesv2, RuleMode::MatchAny, rules, retry)
}

fn sms_client(rules: &[&Rule]) -> smsv2::Client {
    mock_client!(smsv2, RuleMode::MatchAny, rules, |c| c
        .retry_config(aws_config::retry::RetryConfig::disabled()))
}

fn ses_happy_rules() -> Vec<Rule> {
    use sesv2::operation::*;
    use sesv2::types;
    vec![
        mock!(sesv2::Client::get_account).then_output(|| {
            get_account::GetAccountOutput::builder()
                .production_access_enabled(true)
                .sending_enabled(true)
                .build()
        }),
        mock!(sesv2::Client::list_email_identities).then_output(|| {
            list_email_identities::ListEmailIdentitiesOutput::builder()
                .email_identities(
                    types::IdentityInfo::builder()
                        .identity_name("example.com")
                        .identity_type(types::IdentityType::Domain)
                        .build(),
                )
                .email_identities(
                    types::IdentityInfo::builder()
                        .identity_name(PLANTED_ADDRESS)
                        .identity_type(types::IdentityType::EmailAddress)
                        .build(),
                )
                .build()
        }),
        mock!(sesv2::Client::get_email_identity)
            .match_requests(|r| r.email_identity() == Some("example.com"))
            .then_output(|| {
                get_email_identity::GetEmailIdentityOutput::builder()
                    .identity_type(types::IdentityType::Domain)
                    .verified_for_sending_status(true)
                    .build()
            }),
        mock!(sesv2::Client::get_email_identity)
            .match_requests(|r| r.email_identity() == Some(PLANTED_ADDRESS))
            .then_output(|| {
                get_email_identity::GetEmailIdentityOutput::builder()
                    .identity_type(types::IdentityType::EmailAddress)
                    .verified_for_sending_status(true)
                    .build()
            }),
        mock!(sesv2::Client::list_suppressed_destinations).then_output(|| {
            list_suppressed_destinations::ListSuppressedDestinationsOutput::builder()
                .suppressed_destination_summaries(
                    types::SuppressedDestinationSummary::builder()
                        .email_address(PLANTED_ADDRESS)
                        .reason(types::SuppressionListReason::Bounce)
                        .last_update_time(aws_smithy_types_now())
                        .build()
                        .expect("summary"),
                )
                .build()
        }),
        mock!(sesv2::Client::list_configuration_sets).then_output(|| {
            list_configuration_sets::ListConfigurationSetsOutput::builder()
                .configuration_sets("main")
                .build()
        }),
        mock!(sesv2::Client::get_configuration_set).then_output(|| {
            get_configuration_set::GetConfigurationSetOutput::builder()
                .configuration_set_name("main")
                .build()
        }),
        mock!(sesv2::Client::get_configuration_set_event_destinations).then_output(|| {
            get_configuration_set_event_destinations::GetConfigurationSetEventDestinationsOutput::builder().build()
        }),
        mock!(sesv2::Client::list_dedicated_ip_pools).then_output(|| {
            list_dedicated_ip_pools::ListDedicatedIpPoolsOutput::builder().build()
        }),
        mock!(sesv2::Client::list_email_templates).then_output(|| {
            list_email_templates::ListEmailTemplatesOutput::builder().build()
        }),
    ]
}

/// Empty answers for every SES list operation, after the test's own rules (the first
/// matching rule wins).
fn ses_empty_rules() -> Vec<Rule> {
    use sesv2::operation::*;
    vec![
        mock!(sesv2::Client::get_account)
            .then_output(|| get_account::GetAccountOutput::builder().build()),
        mock!(sesv2::Client::list_email_identities)
            .then_output(|| list_email_identities::ListEmailIdentitiesOutput::builder().build()),
        mock!(sesv2::Client::get_dedicated_ips)
            .then_output(|| get_dedicated_ips::GetDedicatedIpsOutput::builder().build()),
        mock!(sesv2::Client::list_dedicated_ip_pools)
            .then_output(|| list_dedicated_ip_pools::ListDedicatedIpPoolsOutput::builder().build()),
        mock!(sesv2::Client::list_suppressed_destinations).then_output(|| {
            list_suppressed_destinations::ListSuppressedDestinationsOutput::builder().build()
        }),
        mock!(sesv2::Client::list_configuration_sets).then_output(|| {
            list_configuration_sets::ListConfigurationSetsOutput::builder().build()
        }),
        mock!(sesv2::Client::list_email_templates)
            .then_output(|| list_email_templates::ListEmailTemplatesOutput::builder().build()),
    ]
}

/// Empty answers for every SMS/voice v2 describe operation.
fn sms_empty_rules() -> Vec<Rule> {
    use smsv2::operation::*;
    vec![
        mock!(smsv2::Client::describe_account_attributes).then_output(|| {
            describe_account_attributes::DescribeAccountAttributesOutput::builder().build()
        }),
        mock!(smsv2::Client::describe_phone_numbers).then_output(|| {
            describe_phone_numbers::DescribePhoneNumbersOutput::builder().build()
        }),
        mock!(smsv2::Client::describe_sender_ids)
            .then_output(|| describe_sender_ids::DescribeSenderIdsOutput::builder().build()),
        mock!(smsv2::Client::describe_pools)
            .then_output(|| describe_pools::DescribePoolsOutput::builder().build()),
        mock!(smsv2::Client::describe_registrations).then_output(|| {
            describe_registrations::DescribeRegistrationsOutput::builder()
                .set_registrations(Some(vec![]))
                .build()
                .expect("output")
        }),
        mock!(smsv2::Client::describe_opt_out_lists).then_output(|| {
            describe_opt_out_lists::DescribeOptOutListsOutput::builder().build()
        }),
        mock!(smsv2::Client::describe_spend_limits)
            .then_output(|| describe_spend_limits::DescribeSpendLimitsOutput::builder().build()),
        mock!(smsv2::Client::describe_configuration_sets).then_output(|| {
            describe_configuration_sets::DescribeConfigurationSetsOutput::builder().build()
        }),
        mock!(smsv2::Client::describe_verified_destination_numbers).then_output(|| {
            describe_verified_destination_numbers::DescribeVerifiedDestinationNumbersOutput::builder()
                .set_verified_destination_numbers(Some(vec![]))
                .build()
                .expect("output")
        }),
    ]
}

fn with_defaults(mut rules: Vec<Rule>, defaults: Vec<Rule>) -> Vec<Rule> {
    rules.extend(defaults);
    rules
}

fn aws_smithy_types_now() -> sesv2::primitives::DateTime {
    sesv2::primitives::DateTime::from_secs(1_700_000_000)
}

#[tokio::test]
async fn access_denied_on_one_operation_is_recorded_and_the_rest_collected() {
    let mut rules = vec![mock!(sesv2::Client::get_dedicated_ips).then_error(|| {
        sesv2::operation::get_dedicated_ips::GetDedicatedIpsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("User is not authorized to perform: ses:GetDedicatedIps")
                .build(),
        )
    })];
    rules.extend(ses_happy_rules());
    let rules = with_defaults(rules, ses_empty_rules());
    let refs: Vec<&Rule> = rules.iter().collect();
    let client = ses_client(&refs);
    let ctx = ctx("ses");
    let facts = msgready::collect::sesv2::collect(&ctx, &client)
        .await
        .expect("SES facts despite one denied operation");
    assert_eq!(facts.identities.len(), 2);
    assert!(facts.account.is_some());
    assert_eq!(facts.configuration_sets.len(), 1);
    assert!(facts.dedicated_ips.is_empty());

    let all = ctx.recorder.statuses();
    let denied = status(&all, "GetDedicatedIps");
    assert_eq!(denied.status, CollectionOutcome::Failed);
    assert_eq!(denied.reason, Some(FailureReason::AccessDenied));
    assert!(denied
        .detail
        .as_deref()
        .is_some_and(|d| d.starts_with("AccessDeniedException")));
    for s in all.iter().filter(|s| s.operation != "GetDedicatedIps") {
        assert_eq!(s.status, CollectionOutcome::Ok, "{s:?}");
    }
    assert_eq!(status(&all, "GetEmailIdentity").calls, Some(2));
    assert!(all
        .iter()
        .all(|s| s.service == "ses" && s.region == "us-east-1"));
}

#[tokio::test]
async fn throttling_after_retries_is_throttled_out() {
    let throttled = mock!(smsv2::Client::describe_phone_numbers).then_error(|| {
        smsv2::operation::describe_phone_numbers::DescribePhoneNumbersError::generic(
            ErrorMetadata::builder()
                .code("ThrottlingException")
                .message("Rate exceeded")
                .build(),
        )
    });
    let attributes = mock!(smsv2::Client::describe_account_attributes).then_output(|| {
        smsv2::operation::describe_account_attributes::DescribeAccountAttributesOutput::builder()
            .build()
    });
    let rules = with_defaults(vec![throttled, attributes], sms_empty_rules());
    let refs: Vec<&Rule> = rules.iter().collect();
    let client = mock_client!(smsv2, RuleMode::MatchAny, &refs, |c| c
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(2)),
        )
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new())));
    let ctx = ctx("sms-voice");
    let facts = msgready::collect::sms_voice::collect(&ctx, &client)
        .await
        .expect("the other operations answered");
    assert!(facts.phone_numbers.is_empty());
    assert_eq!(
        rules[0].num_calls(),
        3,
        "the SDK retried up to max attempts"
    );
    let all = ctx.recorder.statuses();
    let s = status(&all, "DescribePhoneNumbers");
    assert_eq!(s.status, CollectionOutcome::Failed);
    assert_eq!(s.reason, Some(FailureReason::ThrottledOut));
}

#[tokio::test]
async fn suppression_list_is_read_across_three_pages() {
    use sesv2::operation::list_suppressed_destinations::ListSuppressedDestinationsOutput;
    use sesv2::types::{SuppressedDestinationSummary, SuppressionListReason};
    let page = |addrs: &[&str], next: Option<&str>| {
        let mut b = ListSuppressedDestinationsOutput::builder();
        for a in addrs {
            b = b.suppressed_destination_summaries(
                SuppressedDestinationSummary::builder()
                    .email_address(*a)
                    .reason(SuppressionListReason::Bounce)
                    .last_update_time(aws_smithy_types_now())
                    .build()
                    .expect("summary"),
            );
        }
        b.set_next_token(next.map(str::to_string)).build()
    };
    let p1 = mock!(sesv2::Client::list_suppressed_destinations)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || page(&["a@example.com", "b@example.com"], Some("t1")));
    let p2 = mock!(sesv2::Client::list_suppressed_destinations)
        .match_requests(|r| r.next_token() == Some("t1"))
        .then_output(move || page(&["c@example.com"], Some("t2")));
    let p3 = mock!(sesv2::Client::list_suppressed_destinations)
        .match_requests(|r| r.next_token() == Some("t2"))
        .then_output(move || page(&["A@example.com", "d@example.com"], None));
    let account = mock!(sesv2::Client::get_account)
        .then_output(|| sesv2::operation::get_account::GetAccountOutput::builder().build());
    let rules = with_defaults(vec![p1, p2, p3, account], ses_empty_rules());
    let refs: Vec<&Rule> = rules.iter().collect();
    let client = ses_client(&refs);
    let ctx = ctx("ses");
    let facts = msgready::collect::sesv2::collect(&ctx, &client)
        .await
        .expect("facts");
    // a@ and A@ are one address.
    assert_eq!(facts.suppressed_destinations.count, 4);
    let mut sorted = facts.suppressed_destinations.hashes.clone();
    sorted.sort();
    assert_eq!(sorted, facts.suppressed_destinations.hashes);
    assert!(facts
        .suppressed_destinations
        .hashes
        .contains(&ctx.salt.hash_email("a@example.com")));
    let calls: Vec<usize> = rules[..3].iter().map(Rule::num_calls).collect();
    assert_eq!(calls, [1, 1, 1]);
    let all = ctx.recorder.statuses();
    let s = status(&all, "ListSuppressedDestinations");
    assert_eq!((s.status, s.calls), (CollectionOutcome::Ok, Some(3)));
}

#[tokio::test]
async fn no_personal_data_in_serialized_facts() {
    use smsv2::operation::*;
    use smsv2::types;
    let ses_rules = with_defaults(ses_happy_rules(), ses_empty_rules());
    let sms_rules = vec![
        mock!(smsv2::Client::describe_account_attributes).then_output(|| {
            describe_account_attributes::DescribeAccountAttributesOutput::builder()
                .account_attributes(
                    types::AccountAttribute::builder()
                        .name(types::AccountAttributeName::AccountTier)
                        .value("PRODUCTION")
                        .build()
                        .expect("attr"),
                )
                .build()
        }),
        mock!(smsv2::Client::describe_opt_out_lists).then_output(|| {
            describe_opt_out_lists::DescribeOptOutListsOutput::builder()
                .opt_out_lists(
                    types::OptOutListInformation::builder()
                        .opt_out_list_arn("arn:aws:sms-voice:us-east-1:1:opt-out-list/Default")
                        .opt_out_list_name("Default")
                        .created_timestamp(aws_smithy_types_now())
                        .build()
                        .expect("list"),
                )
                .build()
        }),
        mock!(smsv2::Client::describe_opted_out_numbers).then_output(|| {
            describe_opted_out_numbers::DescribeOptedOutNumbersOutput::builder()
                .opt_out_list_name("Default")
                .opted_out_numbers(
                    types::OptedOutNumberInformation::builder()
                        .opted_out_number(PLANTED_NUMBER)
                        .opted_out_timestamp(aws_smithy_types_now())
                        .end_user_opted_out(true)
                        .build()
                        .expect("number"),
                )
                .build()
        }),
        mock!(smsv2::Client::describe_verified_destination_numbers).then_output(|| {
            describe_verified_destination_numbers::DescribeVerifiedDestinationNumbersOutput::builder()
                .verified_destination_numbers(
                    types::VerifiedDestinationNumberInformation::builder()
                        .verified_destination_number_arn("arn:v")
                        .verified_destination_number_id("v-1")
                        .destination_phone_number(PLANTED_NUMBER)
                        .status(types::VerificationStatus::Verified)
                        .created_timestamp(aws_smithy_types_now())
                        .build()
                        .expect("verified"),
                )
                .build()
                .expect("output")
        }),
    ];
    let sms_rules = with_defaults(sms_rules, sms_empty_rules());
    let ses_refs: Vec<&Rule> = ses_rules.iter().collect();
    let sms_refs: Vec<&Rule> = sms_rules.iter().collect();
    let collector = Collector::new(Salt::fixed([3; 32]), fast_limits());
    let account = collector
        .collect_with("111122223333".into(), &["us-east-1".to_string()], |r| {
            RegionClients {
                ses: ses_client(&ses_refs),
                sms_voice: sms_client(&sms_refs),
                ..refused_clients(r, &collector.recorder)
            }
        })
        .await;
    let region = &account.regions["us-east-1"];
    let sms = region.sms_voice.as_ref().expect("sms facts");
    assert_eq!(sms.account_tier.as_deref(), Some("PRODUCTION"));
    assert_eq!(sms.opt_out_lists[0].opted_out.count, 1);
    assert_eq!(sms.verified_destination_count, Some(1));
    let ses = region.ses.as_ref().expect("ses facts");
    assert_eq!(ses.suppressed_destinations.count, 1);
    assert!(ses
        .identities
        .iter()
        .any(|i| i.name.starts_with("address:")));

    let json = serde_json::to_string(&account).expect("json");
    for needle in [
        PLANTED_ADDRESS,
        "planted.person",
        PLANTED_NUMBER,
        "4255550199",
        "@example.org",
    ] {
        assert!(!json.contains(needle), "{needle} leaked into the facts");
    }
    // The other services could not be reached: their sections stay empty (not "nothing
    // there") and each failure is recorded, so their rules come out not_assessed.
    assert!(region.pinpoint.is_none() && region.firehose_streams.is_none());
    assert!(account.global.cloudtrail_trails.is_none());
    for service in [
        "mobiletargeting",
        "firehose",
        "kinesis",
        "cloudwatch",
        "cloudtrail",
    ] {
        assert!(
            account
                .collection
                .iter()
                .any(|c| c.service == service && c.status == CollectionOutcome::Failed),
            "no failure recorded for {service}"
        );
    }
}

/// Real clients for every service, pointed at a loopback port nothing listens on.
fn refused_clients(region: &str, recorder: &Recorder) -> RegionClients {
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(sesv2::config::SharedCredentialsProvider::new(
            sesv2::config::Credentials::new("AKIDTEST", "secret", None, None, "test"),
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    RegionClients::new(&sdk, region, recorder)
}
