//! Error paths and pagination of the live collectors, against canned HTTP answers (no network).
//!
//! The answers are AWS's wire format (SES v2 restJson, SMS/voice v2 awsJson 1.0), so the real
//! deserialisers, error classification and retry machinery of the SDK run on them. A hand-made
//! connector rather than `aws-smithy-mocks`: that crate needs the SDK crates' `test-util`
//! feature, and a different feature set would compile every AWS SDK crate a second time for the
//! tests.

use aws_sdk_pinpointsmsvoicev2 as smsv2;
use aws_sdk_sesv2 as sesv2;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;
use msgready::collect::{Collector, Ctx, Limits, Pacer, Recorder, RegionClients, Salt};
use msgready::model::facts::{CollectionOutcome, CollectionStatus, FailureReason};
use msgready::model::service::Service;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const PLANTED_ADDRESS: &str = "planted.person@example.org";
const PLANTED_NUMBER: &str = "+14255550199";
/// 2023-11-14T22:13:20Z, as the epoch seconds both protocols send timestamps in.
const SOME_TIME: i64 = 1_700_000_000;

/// What a request is, read off the wire: its operation and, for matching, its path and query.
struct Req {
    operation: String,
    path: String,
    query: String,
}

impl Req {
    fn of(r: &HttpRequest) -> Req {
        let uri = r.uri();
        let after_scheme = uri.split_once("://").map_or(uri, |(_, rest)| rest);
        let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let operation = match r.headers().get("x-amz-target") {
            Some(t) => t.rsplit('.').next().unwrap_or(t).to_string(),
            None => ses_operation(r.method(), path).to_string(),
        };
        Req {
            operation,
            path: path.to_string(),
            query: query.to_string(),
        }
    }

    fn query_has(&self, pair: &str) -> bool {
        self.query.split('&').any(|p| p == pair)
    }
}

/// The SES v2 operation a restJson request is (the read operations the collector makes).
fn ses_operation(method: &str, path: &str) -> &'static str {
    let segs: Vec<&str> = path.trim_start_matches("/v2/email/").split('/').collect();
    match (method, segs.as_slice()) {
        ("GET", ["account"]) => "GetAccount",
        // SES v2 lists identities and configuration sets with POST since 2025.
        ("GET", ["identities"]) | ("POST", ["list-identities"]) => "ListEmailIdentities",
        ("GET", ["identities", _]) => "GetEmailIdentity",
        ("GET", ["dedicated-ips"]) => "GetDedicatedIps",
        ("GET", ["dedicated-ip-pools"]) => "ListDedicatedIpPools",
        ("GET", ["suppression", "addresses"]) => "ListSuppressedDestinations",
        ("GET", ["configuration-sets"]) | ("POST", ["list-configuration-sets"]) => {
            "ListConfigurationSets"
        }
        ("GET", ["configuration-sets", _]) => "GetConfigurationSet",
        ("GET", ["configuration-sets", _, "event-destinations"]) => {
            "GetConfigurationSetEventDestinations"
        }
        ("GET", ["templates"]) => "ListEmailTemplates",
        ("GET", ["templates", _]) => "GetEmailTemplate",
        ("GET", ["multi-region-endpoints"]) => "ListMultiRegionEndpoints",
        _ => "unknown",
    }
}

type Matcher = Box<dyn Fn(&Req) -> bool + Send + Sync>;

/// One canned answer: for requests of `operation` that `matches` accepts, `status` and `body`
/// (an error when `error` names its code). Counts the requests it answered.
struct Reply {
    operation: &'static str,
    matches: Matcher,
    status: u16,
    error: Option<&'static str>,
    body: Value,
    calls: AtomicUsize,
}

impl Reply {
    fn ok(operation: &'static str, body: Value) -> Reply {
        Reply {
            operation,
            matches: Box::new(|_| true),
            status: 200,
            error: None,
            body,
            calls: AtomicUsize::new(0),
        }
    }

    fn error(operation: &'static str, status: u16, code: &'static str, message: &str) -> Reply {
        Reply {
            status,
            error: Some(code),
            ..Reply::ok(operation, json!({ "message": message }))
        }
    }

    fn when(mut self, matches: impl Fn(&Req) -> bool + Send + Sync + 'static) -> Reply {
        self.matches = Box::new(matches);
        self
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn response(&self, aws_json: bool) -> HttpResponse {
        let mut body = self.body.clone();
        if let (Some(code), true) = (self.error, aws_json) {
            body["__type"] = json!(code);
        }
        let mut resp = HttpResponse::new(
            self.status.try_into().expect("status code"),
            SdkBody::from(body.to_string()),
        );
        resp.headers_mut()
            .insert("content-type", "application/json");
        if let Some(code) = self.error {
            // restJson carries the error code in this header; awsJson in `__type`.
            resp.headers_mut().insert("x-amzn-errortype", code);
        }
        resp
    }
}

/// The first matching reply answers; a request nothing answers is a test failure (a 500 with
/// the operation named, so the assertion that follows shows it).
#[derive(Clone)]
struct Wire(Arc<Vec<Reply>>);

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wire")
    }
}

impl HttpConnector for Wire {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let aws_json = request.headers().get("x-amz-target").is_some();
        let req = Req::of(&request);
        let reply = self
            .0
            .iter()
            .find(|r| r.operation == req.operation && (r.matches)(&req));
        let resp = match reply {
            Some(r) => {
                r.calls.fetch_add(1, Ordering::SeqCst);
                r.response(aws_json)
            }
            None => Reply::error(
                "unmatched",
                500,
                "InternalFailure",
                &format!("no canned answer for {} {}", req.operation, req.path),
            )
            .response(aws_json),
        };
        HttpConnectorFuture::ready(Ok(resp))
    }
}

impl Wire {
    fn new(replies: Vec<Reply>) -> Wire {
        Wire(Arc::new(replies))
    }

    fn client(&self) -> SharedHttpClient {
        let wire = self.clone();
        http_client_fn(move |_, _| SharedHttpConnector::new(wire.clone()))
    }

    fn reply(&self, i: usize) -> &Reply {
        &self.0[i]
    }
}

fn credentials() -> sesv2::config::SharedCredentialsProvider {
    sesv2::config::SharedCredentialsProvider::new(sesv2::config::Credentials::new(
        "AKIDTEST", "secret", None, None, "test",
    ))
}

fn ses_client(wire: &Wire) -> sesv2::Client {
    sesv2::Client::from_conf(
        sesv2::Config::builder()
            .behavior_version(sesv2::config::BehaviorVersion::latest())
            .region(sesv2::config::Region::new("us-east-1"))
            .credentials_provider(credentials())
            .http_client(wire.client())
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build(),
    )
}

fn sms_config(wire: &Wire) -> smsv2::config::Builder {
    smsv2::Config::builder()
        .behavior_version(smsv2::config::BehaviorVersion::latest())
        .region(smsv2::config::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .http_client(wire.client())
        .retry_config(aws_config::retry::RetryConfig::disabled())
}

fn sms_client(wire: &Wire) -> smsv2::Client {
    smsv2::Client::from_conf(sms_config(wire).build())
}

fn fast_limits() -> Limits {
    Limits {
        sms_voice_rps: 1000,
        ses_rps: 1000,
        ..Limits::default()
    }
}

fn ctx(service: Service) -> Ctx {
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

fn ses_happy_replies() -> Vec<Reply> {
    vec![
        Reply::ok(
            "GetAccount",
            json!({ "ProductionAccessEnabled": true, "SendingEnabled": true }),
        ),
        Reply::ok(
            "ListEmailIdentities",
            json!({ "EmailIdentities": [
                { "IdentityName": "example.com", "IdentityType": "DOMAIN" },
                { "IdentityName": PLANTED_ADDRESS, "IdentityType": "EMAIL_ADDRESS" },
            ] }),
        ),
        Reply::ok(
            "GetEmailIdentity",
            json!({ "IdentityType": "DOMAIN", "VerifiedForSendingStatus": true }),
        )
        .when(|r| r.path.ends_with("/identities/example.com")),
        // The address arrives percent-encoded in the path.
        Reply::ok(
            "GetEmailIdentity",
            json!({ "IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": true }),
        )
        .when(|r| r.path.contains("planted.person")),
        Reply::ok(
            "ListSuppressedDestinations",
            json!({ "SuppressedDestinationSummaries": [
                { "EmailAddress": PLANTED_ADDRESS, "Reason": "BOUNCE", "LastUpdateTime": SOME_TIME },
            ] }),
        ),
        Reply::ok(
            "ListConfigurationSets",
            json!({ "ConfigurationSets": ["main"] }),
        ),
        Reply::ok(
            "GetConfigurationSet",
            json!({ "ConfigurationSetName": "main" }),
        ),
        Reply::ok("GetConfigurationSetEventDestinations", json!({})),
        Reply::ok("ListDedicatedIpPools", json!({})),
        Reply::ok("ListEmailTemplates", json!({})),
    ]
}

/// Empty answers for every SES list operation, after the test's own replies (the first
/// matching reply wins).
fn ses_empty_replies() -> Vec<Reply> {
    [
        "GetAccount",
        "ListEmailIdentities",
        "GetDedicatedIps",
        "ListDedicatedIpPools",
        "ListSuppressedDestinations",
        "ListConfigurationSets",
        "ListEmailTemplates",
    ]
    .into_iter()
    .map(|op| Reply::ok(op, json!({})))
    .collect()
}

/// Empty answers for every SMS/voice v2 describe operation.
fn sms_empty_replies() -> Vec<Reply> {
    let mut out: Vec<Reply> = [
        "DescribeAccountAttributes",
        "DescribePhoneNumbers",
        "DescribeSenderIds",
        "DescribePools",
        "DescribeOptOutLists",
        "DescribeSpendLimits",
        "DescribeConfigurationSets",
    ]
    .into_iter()
    .map(|op| Reply::ok(op, json!({})))
    .collect();
    // Members the model marks required.
    out.push(Reply::ok(
        "DescribeRegistrations",
        json!({ "Registrations": [] }),
    ));
    out.push(Reply::ok(
        "DescribeVerifiedDestinationNumbers",
        json!({ "VerifiedDestinationNumbers": [] }),
    ));
    out
}

fn with_defaults(mut replies: Vec<Reply>, defaults: Vec<Reply>) -> Vec<Reply> {
    replies.extend(defaults);
    replies
}

#[tokio::test]
async fn access_denied_on_one_operation_is_recorded_and_the_rest_collected() {
    let mut replies = vec![Reply::error(
        "GetDedicatedIps",
        403,
        "AccessDeniedException",
        "User is not authorized to perform: ses:GetDedicatedIps",
    )];
    replies.extend(ses_happy_replies());
    let wire = Wire::new(with_defaults(replies, ses_empty_replies()));
    let client = ses_client(&wire);
    let ctx = ctx(Service::Ses);
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
    let throttled = Reply::error(
        "DescribePhoneNumbers",
        400,
        "ThrottlingException",
        "Rate exceeded",
    );
    let wire = Wire::new(with_defaults(vec![throttled], sms_empty_replies()));
    let client = smsv2::Client::from_conf(
        sms_config(&wire)
            .retry_config(
                aws_config::retry::RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(2)),
            )
            .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
            .build(),
    );
    let ctx = ctx(Service::SmsVoice);
    let facts = msgready::collect::sms_voice::collect(&ctx, &client)
        .await
        .expect("the other operations answered");
    assert!(facts.phone_numbers.is_empty());
    assert_eq!(
        wire.reply(0).calls(),
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
    let page = |addrs: &[&str], next: Option<&str>| {
        let summaries: Vec<Value> = addrs
            .iter()
            .map(|a| json!({ "EmailAddress": a, "Reason": "BOUNCE", "LastUpdateTime": SOME_TIME }))
            .collect();
        let mut body = json!({ "SuppressedDestinationSummaries": summaries });
        if let Some(n) = next {
            body["NextToken"] = json!(n);
        }
        body
    };
    let op = "ListSuppressedDestinations";
    let replies = vec![
        Reply::ok(op, page(&["a@example.com", "b@example.com"], Some("t1")))
            .when(|r| !r.query.contains("NextToken=")),
        Reply::ok(op, page(&["c@example.com"], Some("t2"))).when(|r| r.query_has("NextToken=t1")),
        Reply::ok(op, page(&["A@example.com", "d@example.com"], None))
            .when(|r| r.query_has("NextToken=t2")),
        Reply::ok("GetAccount", json!({})),
    ];
    let wire = Wire::new(with_defaults(replies, ses_empty_replies()));
    let client = ses_client(&wire);
    let ctx = ctx(Service::Ses);
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
    let calls: Vec<usize> = (0..3).map(|i| wire.reply(i).calls()).collect();
    assert_eq!(calls, [1, 1, 1]);
    let all = ctx.recorder.statuses();
    let s = status(&all, "ListSuppressedDestinations");
    assert_eq!((s.status, s.calls), (CollectionOutcome::Ok, Some(3)));
}

#[tokio::test]
async fn no_personal_data_in_serialized_facts() {
    let ses = Wire::new(with_defaults(ses_happy_replies(), ses_empty_replies()));
    let sms_replies = vec![
        Reply::ok(
            "DescribeAccountAttributes",
            json!({ "AccountAttributes": [{ "Name": "ACCOUNT_TIER", "Value": "PRODUCTION" }] }),
        ),
        Reply::ok(
            "DescribeOptOutLists",
            json!({ "OptOutLists": [{
                "OptOutListArn": "arn:aws:sms-voice:us-east-1:1:opt-out-list/Default",
                "OptOutListName": "Default",
                "CreatedTimestamp": SOME_TIME,
            }] }),
        ),
        Reply::ok(
            "DescribeOptedOutNumbers",
            json!({
                "OptOutListName": "Default",
                "OptedOutNumbers": [{
                    "OptedOutNumber": PLANTED_NUMBER,
                    "OptedOutTimestamp": SOME_TIME,
                    "EndUserOptedOut": true,
                }],
            }),
        ),
        Reply::ok(
            "DescribeVerifiedDestinationNumbers",
            json!({ "VerifiedDestinationNumbers": [{
                "VerifiedDestinationNumberArn": "arn:v",
                "VerifiedDestinationNumberId": "v-1",
                "DestinationPhoneNumber": PLANTED_NUMBER,
                "Status": "VERIFIED",
                "CreatedTimestamp": SOME_TIME,
            }] }),
        ),
    ];
    let sms = Wire::new(with_defaults(sms_replies, sms_empty_replies()));
    let collector = Collector::new(Salt::fixed([3; 32]), fast_limits());
    let account = collector
        .collect_with("111122223333".into(), &["us-east-1".to_string()], |r| {
            RegionClients {
                ses: ses_client(&ses),
                sms_voice: sms_client(&sms),
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
        .credentials_provider(credentials())
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    RegionClients::new(&sdk, region, recorder)
}
