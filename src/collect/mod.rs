//! Live collection: the only code that calls AWS.
//!
//! A [`Collector`] reads one account in three phases (see [`Collector::collect_with`]): each
//! Region's own services and CloudTrail; then what they point at (Lambda functions, S3
//! buckets, DNS records); then every IAM role referenced. Each service has its own module;
//! SDK types are mapped into the fact structs by small pure functions that are unit-tested
//! with SDK builder values; [`refs`] derives what one phase points the next at. Every
//! (service, Region, operation) ends up in the [`Recorder`]: ok with its call and throttle
//! counts, or failed with a [`FailureReason`]. A failure never aborts the scan: the section
//! stays `None` when the whole service could not be read, or its lists stay partial with the
//! failure recorded, and the engine turns that into `not_assessed` results.
//!
//! Calls are paced client-side per (Region, service, operation) by a token bucket
//! ([`Limits`]), so a large account stays under the documented quotas (SMS/voice v2 describe
//! calls: 1 request per second per Region); the SDK's standard retry configuration handles
//! what still gets throttled. [`policy`] lists every IAM action the collectors call.
//!
//! Not collected: SMS/voice pool and number tags (a pool's `name` stays empty; only labels use
//! it), Pinpoint journeys' custom-activity Lambda functions, and CloudWatch activity for voice.

pub mod accounts;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod dns;
pub mod firehose;
pub mod iam;
pub mod kinesis;
pub mod lambda;
pub mod pinpoint;
pub mod policy;
pub mod progress;
pub mod refs;
pub mod s3;
pub mod sesv2;
pub mod sms_voice;

use crate::error::{Error, Result};
use crate::facts::{AccountFacts, CollectionOutcome, CollectionStatus, FailureReason, RegionFacts};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use governor::{DefaultDirectRateLimiter, Quota};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

/// The raw HTTP response type every SDK error carries (the same type for every service crate).
pub type HttpResponse = aws_sdk_sesv2::config::http::HttpResponse;

/// How to reach AWS: credentials, role and endpoints.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// Named profile of the shared config files (SSO profiles included).
    pub profile: Option<String>,
    /// Role to assume with STS before collecting.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

/// Client-side pacing and retries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests per second per Region for each SMS/voice v2 operation (AWS default quota: 1).
    pub sms_voice_rps: u32,
    /// Requests per second per Region for SES v2 operations without a published quota.
    pub ses_rps: u32,
    /// Independent requests in flight per (Region, operation) for per-resource reads.
    pub concurrency: usize,
    /// Attempts per request, the first included (SDK standard retry mode).
    pub max_attempts: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sms_voice_rps: 1,
            ses_rps: 10,
            concurrency: 8,
            max_attempts: 5,
        }
    }
}

impl Limits {
    /// The documented rate of one operation, or the configured default for its service.
    pub fn rate(&self, service: &str, operation: &str) -> u32 {
        match (service, operation) {
            // Stated in the SES v2 operation docs.
            ("ses", "ListEmailTemplates") => 1,
            ("ses", "GetEmailTemplate") => 50,
            ("ses", _) => self.ses_rps,
            ("sms-voice", _) => self.sms_voice_rps,
            // Pinpoint's documented quota is 300 requests per second per account and Region;
            // 50 per operation keeps several operations in flight well inside it.
            ("mobiletargeting", _) => 50,
            _ => self.ses_rps,
        }
        .max(1)
    }
}

/// The per-scan salt: random, the same for every Region of one scan, never written out.
#[derive(Clone)]
pub struct Salt([u8; 32]);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Salt({})", self.id())
    }
}

impl Salt {
    pub fn random() -> Result<Salt> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Usage(format!("cannot draw a random salt: {e}")))?;
        Ok(Salt(bytes))
    }

    /// A fixed salt, for tests.
    pub fn fixed(bytes: [u8; 32]) -> Salt {
        Salt(bytes)
    }

    /// Names the salt in the snapshot (`salt_id`) without revealing it.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"msgready salt id\0");
        h.update(self.0);
        hex_prefix(&h.finalize(), 16)
    }

    /// Salted hash of an already normalised value: SHA-256(salt ‖ value), hex, 16 chars.
    pub fn hash(&self, normalised: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.0);
        h.update(normalised.as_bytes());
        hex_prefix(&h.finalize(), 16)
    }

    pub fn hash_email(&self, address: &str) -> String {
        self.hash(&address.trim().to_lowercase())
    }

    pub fn hash_phone(&self, number: &str) -> String {
        self.hash(&normalise_e164(number))
    }
}

fn hex_prefix(digest: &[u8], chars: usize) -> String {
    let mut s = data_encoding::HEXLOWER.encode(digest);
    s.truncate(chars);
    s
}

/// Unsalted SHA-256 of content that is not personal data (templates, keyword replies), so
/// equal content compares equal across Regions. Parts are length-prefixed so that moving text
/// from one part to the next changes the hash.
pub fn content_hash(parts: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        match p {
            Some(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_be_bytes()),
        }
    }
    data_encoding::HEXLOWER.encode(&h.finalize())
}

/// E.164: a leading `+` and digits only (spaces, dashes, dots and brackets dropped).
pub fn normalise_e164(number: &str) -> String {
    let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
    format!("+{digits}")
}

/// An event destination as SES v2 and SMS/voice v2 both describe one: its name, switch and
/// event types, and where the events go (`target`: kind, target ARN, role ARN).
pub fn event_destination<'a>(
    name: &str,
    enabled: bool,
    event_types: impl IntoIterator<Item = &'a str>,
    target: (&str, Option<String>, Option<String>),
) -> crate::facts::EventDestination {
    let (kind, destination_arn, role_arn) = target;
    crate::facts::EventDestination {
        name: name.to_string(),
        enabled,
        event_types: event_types.into_iter().map(str::to_string).collect(),
        destination_type: kind.to_string(),
        destination_arn,
        role_arn,
    }
}

/// Removes what could be personal data from an error message: anything that looks like an
/// email address or a phone number.
pub fn scrub(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let digits = word.chars().filter(|c| c.is_ascii_digit()).count();
            if word.contains('@') || digits >= 7 {
                "[redacted]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Regions an account must opt in to (AWS General Reference), where an unrecognised client
/// means "not enabled" rather than bad credentials.
const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// Maps an SDK error to a reason and a detail (error code and scrubbed message).
pub fn classify<E>(err: &SdkError<E, HttpResponse>, region: &str) -> (FailureReason, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
            let e = ctx.err();
            let status = ctx.raw().status().as_u16();
            let code = e.code().unwrap_or("");
            let message = e.message().map(scrub).unwrap_or_default();
            let detail = match (code.is_empty(), message.is_empty()) {
                (false, false) => format!("{code}: {message}"),
                (false, true) => code.to_string(),
                (true, _) => format!("HTTP {status} with no recognised error code"),
            };
            (classify_code(code, &message, status, region), detail)
        }
        SdkError::ResponseError(_) => (
            FailureReason::Unsupported,
            "the response could not be parsed (operation not supported by the endpoint?)".into(),
        ),
        SdkError::DispatchFailure(d) => {
            // A service with no endpoint in a Region fails at name resolution; the connector
            // error only says so in its text.
            let text = format!("{:?}", d).to_lowercase();
            if text.contains("dns") || text.contains("lookup address") {
                (
                    FailureReason::NotOffered,
                    "the service endpoint does not resolve in this Region".into(),
                )
            } else if d.is_timeout() {
                (FailureReason::Other, "request timed out".into())
            } else {
                (FailureReason::Other, "the request could not be sent".into())
            }
        }
        SdkError::ConstructionFailure(_) => {
            let text = format!("{:?}", err).to_lowercase();
            if text.contains("endpoint") {
                (
                    FailureReason::NotOffered,
                    "no endpoint for this service in this Region".into(),
                )
            } else {
                (
                    FailureReason::Other,
                    "the request could not be built".into(),
                )
            }
        }
        SdkError::TimeoutError(_) => (FailureReason::Other, "request timed out".into()),
        _ => (FailureReason::Other, "unexpected SDK error".into()),
    }
}

fn classify_code(code: &str, message: &str, status: u16, region: &str) -> FailureReason {
    let lower = message.to_lowercase();
    match code {
        "AccessDenied" | "AccessDeniedException" => FailureReason::AccessDenied,
        "OptInRequired" => FailureReason::RegionNotEnabled,
        "UnrecognizedClientException" | "InvalidClientTokenId" => {
            if OPT_IN_REGIONS.contains(&region) || lower.contains("not enabled") {
                FailureReason::RegionNotEnabled
            } else {
                FailureReason::Other
            }
        }
        "ThrottlingException"
        | "TooManyRequestsException"
        | "Throttling"
        | "SlowDown"
        | "RequestLimitExceeded" => FailureReason::ThrottledOut,
        "UnknownOperationException" | "InvalidAction" | "UnsupportedOperation" => {
            FailureReason::Unsupported
        }
        "" if matches!(status, 404 | 405 | 501) => FailureReason::Unsupported,
        _ if lower.contains("not enabled") => FailureReason::RegionNotEnabled,
        _ => FailureReason::Other,
    }
}

type Key = (String, String, String);

#[derive(Debug, Default)]
struct Entry {
    /// Requests and pages sent.
    calls: u64,
    /// HTTP attempts, retries included (counted by [`AttemptCounter`] where installed).
    attempts: u64,
    /// Attempts answered with a throttling error (each retried or given up).
    throttles: u64,
    failure: Option<(FailureReason, String)>,
}

/// Records the outcome of every (service, Region, operation) attempted. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    entries: Arc<Mutex<BTreeMap<Key, Entry>>>,
}

impl Recorder {
    fn with<F: FnOnce(&mut Entry)>(&self, service: &str, region: &str, operation: &str, f: F) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(map
            .entry((service.into(), region.into(), operation.into()))
            .or_default());
    }

    /// One successful call (or page).
    pub fn ok(&self, service: &str, region: &str, operation: &str) {
        self.with(service, region, operation, |e| e.calls += 1);
    }

    /// One HTTP attempt (retries included).
    pub fn attempt(&self, service: &str, region: &str, operation: &str) {
        self.with(service, region, operation, |e| e.attempts += 1);
    }

    /// One attempt answered with a throttling error.
    pub fn throttle(&self, service: &str, region: &str, operation: &str) {
        self.with(service, region, operation, |e| e.throttles += 1);
    }

    /// Calls, throttles and failed operations per (Region, service), for the progress display.
    pub fn totals(&self) -> BTreeMap<(String, String), (u64, u64, u64)> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: BTreeMap<(String, String), (u64, u64, u64)> = BTreeMap::new();
        for ((service, region, _), e) in map.iter() {
            let t = out.entry((region.clone(), service.clone())).or_default();
            t.0 += e.calls.max(e.attempts);
            t.1 += e.throttles;
            t.2 += u64::from(e.failure.is_some());
        }
        out
    }

    /// One failed call; the first failure of an operation is the one reported.
    pub fn failed(
        &self,
        service: &str,
        region: &str,
        operation: &str,
        reason: FailureReason,
        detail: String,
    ) {
        self.with(service, region, operation, |e| {
            e.calls += 1;
            e.failure.get_or_insert((reason, detail));
        });
    }

    /// The recorded failure of an operation, if any.
    pub fn failure(&self, service: &str, region: &str, operation: &str) -> Option<FailureReason> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&(service.into(), region.into(), operation.into()))
            .and_then(|e| e.failure.as_ref().map(|f| f.0))
    }

    /// Every status, sorted by service, Region and operation.
    pub fn statuses(&self) -> Vec<CollectionStatus> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.iter()
            .map(|((service, region, operation), e)| CollectionStatus {
                service: service.clone(),
                region: region.clone(),
                operation: operation.clone(),
                status: if e.failure.is_some() {
                    CollectionOutcome::Failed
                } else {
                    CollectionOutcome::Ok
                },
                reason: e.failure.as_ref().map(|f| f.0),
                detail: e.failure.as_ref().map(|f| f.1.clone()),
                calls: Some(e.calls.max(e.attempts)),
                throttles: (e.throttles > 0).then_some(e.throttles),
            })
            .collect()
    }
}

/// Token buckets per (Region, service, operation), created on first use.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    limits: Limits,
    buckets: Arc<Mutex<HashMap<Key, Arc<DefaultDirectRateLimiter>>>>,
}

impl Pacer {
    pub fn new(limits: Limits) -> Pacer {
        Pacer {
            limits,
            buckets: Arc::default(),
        }
    }

    /// Waits until the bucket of (Region, service, operation) allows one more request.
    pub async fn ready(&self, region: &str, service: &str, operation: &str) {
        let bucket = {
            let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
            map.entry((region.into(), service.into(), operation.into()))
                .or_insert_with(|| {
                    let rate = NonZeroU32::new(self.limits.rate(service, operation))
                        .unwrap_or(NonZeroU32::MIN);
                    // A burst of one: the documented quotas are steady rates.
                    Arc::new(governor::RateLimiter::direct(
                        Quota::per_second(rate).allow_burst(NonZeroU32::MIN),
                    ))
                })
                .clone()
        };
        bucket.until_ready().await;
    }
}

/// What one Region's collectors share: where they are, how to pace, where to record.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub region: String,
    pub service: &'static str,
    pub salt: Salt,
    pub recorder: Recorder,
    pub pacer: Pacer,
    pub concurrency: usize,
    pub cancel: Cancel,
}

/// Raised by SIGINT: every call not yet answered gives up and is recorded as interrupted, so
/// the collection ends promptly with what it has (sections it could not finish stay missing
/// and come out `not_assessed`, never `pass`).
#[derive(Debug, Clone)]
pub struct Cancel(tokio::sync::watch::Receiver<bool>);

/// The one handle that raises a [`Cancel`].
#[derive(Debug)]
pub struct CancelTrigger(tokio::sync::watch::Sender<bool>);

impl Cancel {
    pub fn new() -> (Cancel, CancelTrigger) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (Cancel(rx), CancelTrigger(tx))
    }

    /// A cancel that is never raised (its trigger is gone).
    pub fn never() -> Cancel {
        Cancel::new().0
    }

    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes when raised; never when the trigger was dropped unraised.
    pub async fn raised(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(|v| *v).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Runs `work` unless the cancel is raised first (`None` then).
    pub async fn race<T>(&self, work: impl std::future::Future<Output = T>) -> Option<T> {
        tokio::select! {
            biased;
            _ = self.raised() => None,
            out = work => Some(out),
        }
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel::never()
    }
}

impl CancelTrigger {
    pub fn raise(&self) {
        self.0.send_replace(true);
    }

    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }
}

impl Ctx {
    /// Sends one request under the pacer and records its outcome. `None` on failure.
    pub async fn call<T, E, F>(&self, operation: &str, request: F) -> Option<T>
    where
        F: std::future::Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_or_missing(operation, request, |_| false)
            .await
            .flatten()
    }

    /// Like [`Ctx::call`], but an error for which `missing` is true (a resource deleted
    /// between list and get) is a successful call with nothing in it: `Some(None)`.
    pub async fn call_or_missing<T, E, F>(
        &self,
        operation: &str,
        request: F,
        missing: impl Fn(&E) -> bool,
    ) -> Option<Option<T>>
    where
        F: std::future::Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let answer = self.paced(operation, request).await?;
        match answer {
            Ok(out) => {
                self.recorder.ok(self.service, &self.region, operation);
                Some(Some(out))
            }
            Err(e) if e.as_service_error().is_some_and(&missing) => {
                self.recorder.ok(self.service, &self.region, operation);
                Some(None)
            }
            Err(e) => {
                self.fail(operation, &e);
                None
            }
        }
    }

    /// Waits for the pacer, then runs `work`; `None` (recorded as interrupted) when SIGINT
    /// comes first.
    async fn paced<T>(
        &self,
        operation: &str,
        work: impl std::future::Future<Output = T>,
    ) -> Option<T> {
        let out = self
            .cancel
            .race(async {
                self.pacer
                    .ready(&self.region, self.service, operation)
                    .await;
                work.await
            })
            .await;
        if out.is_none() {
            self.interrupted(operation);
        }
        out
    }

    /// Reads every page of a paginator, pacing each page; `each` receives the pages. Returns
    /// false when a page failed (the failure is recorded; the pages before it were kept).
    pub async fn pages<O, E>(
        &self,
        operation: &str,
        mut stream: PaginationStream<std::result::Result<O, SdkError<E, HttpResponse>>>,
        has_more: impl Fn(&O) -> bool,
        mut each: impl FnMut(O),
    ) -> bool
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        loop {
            let Some(next) = self.paced(operation, stream.next()).await else {
                return false;
            };
            match next {
                None => return true,
                Some(Ok(page)) => {
                    self.recorder.ok(self.service, &self.region, operation);
                    // Asking the stream for a page after the last would spend a token of
                    // the bucket for no request.
                    let more = has_more(&page);
                    each(page);
                    if !more {
                        return true;
                    }
                }
                Some(Err(e)) => {
                    self.fail(operation, &e);
                    return false;
                }
            }
        }
    }

    /// Reads every item with `read`, `concurrency` at a time, keeping the answers that are
    /// `Some` (a failed or vanished resource is `None`, its failure already recorded).
    /// Each read is boxed: a read joins several SDK calls, and a handful of those state
    /// machines held by value overflowed a 2 MiB test-thread stack in a debug build.
    pub async fn each<I, T, F, Fut>(&self, items: I, mut read: F) -> Vec<T>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        use futures_util::stream::{self, StreamExt};
        stream::iter(items)
            .map(|item| Box::pin(read(item)))
            .buffer_unordered(self.concurrency)
            .filter_map(std::future::ready)
            .collect()
            .await
    }

    pub fn fail<E>(&self, operation: &str, err: &SdkError<E, HttpResponse>)
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (reason, detail) = classify(err, &self.region);
        tracing::warn!(service = self.service, region = %self.region, operation, reason = reason.describe(), %detail, "call failed");
        self.recorder
            .failed(self.service, &self.region, operation, reason, detail);
    }

    /// Records that `operation` was cut short by SIGINT.
    pub fn interrupted(&self, operation: &str) {
        self.recorder
            .with(self.service, &self.region, operation, |e| {
                e.failure.get_or_insert((
                    FailureReason::Interrupted,
                    "the scan was interrupted (SIGINT) before this call was answered".into(),
                ));
            });
    }

    /// Records the failure of `operation` for the whole service (`*`) in this Region.
    pub fn mark_service_failed(&self, operation: &str) {
        let map = self
            .recorder
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let failure = map
            .get(&(self.service.into(), self.region.clone(), operation.into()))
            .and_then(|e| e.failure.clone());
        drop(map);
        if let Some(failure) = failure {
            // No call of its own: the failure is the probe's.
            self.recorder.with(self.service, &self.region, "*", |e| {
                e.failure.get_or_insert(failure);
            });
        }
    }

    /// True when `operation` failed in a way that says the whole service is unreachable in
    /// this Region (not offered, not enabled, no access to anything): no point going on.
    pub fn service_unreachable(&self, operation: &str) -> bool {
        matches!(
            self.recorder.failure(self.service, &self.region, operation),
            Some(FailureReason::NotOffered | FailureReason::RegionNotEnabled)
        )
    }
}

/// Counts every HTTP attempt, retries included, per operation, into the [`Recorder`].
#[derive(Debug, Clone)]
pub struct AttemptCounter {
    recorder: Recorder,
    service: &'static str,
    region: String,
}

impl aws_sdk_sesv2::config::Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "msgready::AttemptCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &aws_sdk_sesv2::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_sesv2::config::RuntimeComponents,
        cfg: &mut aws_sdk_sesv2::config::ConfigBag,
    ) -> std::result::Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            let op = iam_action(self.service, m.name());
            tracing::trace!(service = self.service, region = %self.region, operation = op, "attempt");
            self.recorder.attempt(self.service, &self.region, op);
        }
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        context: &aws_sdk_sesv2::config::interceptors::BeforeDeserializationInterceptorContextRef<
            '_,
        >,
        _components: &aws_sdk_sesv2::config::RuntimeComponents,
        cfg: &mut aws_sdk_sesv2::config::ConfigBag,
    ) -> std::result::Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let response = context.response();
        let status = response.status().as_u16();
        // JSON protocols name the error in a header; S3 throttles with 503 SlowDown.
        let kind = response.headers().get("x-amzn-errortype").unwrap_or("");
        let throttled = status == 429
            || kind.contains("Throttl")
            || kind.contains("TooManyRequests")
            || (status == 503 && self.service == "s3");
        if throttled {
            if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
                let op = iam_action(self.service, m.name());
                tracing::debug!(service = self.service, region = %self.region, operation = op, status, "throttled");
                self.recorder.throttle(self.service, &self.region, op);
            }
        }
        Ok(())
    }
}

/// Names the IAM action an SDK operation is authorised by, where the two differ, so that the
/// recorder, the rules' `requires` and `msgready policy` speak of one thing.
pub fn iam_action<'a>(service: &str, api_operation: &'a str) -> &'a str {
    match (service, api_operation) {
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("s3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("s3", "GetBucketReplication") => "GetReplicationConfiguration",
        ("s3", "HeadBucket") => "ListBucket",
        ("lambda", "GetFunctionConfiguration") => "GetFunction",
        _ => api_operation,
    }
}

/// The SDK clients of one Region. Global services (IAM, and S3 and CloudTrail reads that
/// make global facts) record under the Region `global`.
#[derive(Debug, Clone)]
pub struct RegionClients {
    pub ses: aws_sdk_sesv2::Client,
    pub sms_voice: aws_sdk_pinpointsmsvoicev2::Client,
    pub pinpoint: aws_sdk_pinpoint::Client,
    pub firehose: aws_sdk_firehose::Client,
    pub kinesis: aws_sdk_kinesis::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub s3: aws_sdk_s3::Client,
    pub iam: aws_sdk_iam::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
}

/// True when the environment points S3 at an emulator, which needs path-style addressing.
pub(crate) fn s3_endpoint_overridden() -> bool {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

impl RegionClients {
    /// Clients for `region` whose every attempt is counted in `recorder`.
    pub fn new(sdk: &SdkConfig, region: &str, recorder: &Recorder) -> RegionClients {
        let counter = |service, in_region: &str| AttemptCounter {
            recorder: recorder.clone(),
            service,
            region: in_region.to_string(),
        };
        let r = region;
        let region = Region::new(region.to_string());
        macro_rules! client {
            ($krate:ident, $service:expr, $rec:expr) => {
                $krate::Client::from_conf(
                    $krate::config::Builder::from(sdk)
                        .region(region.clone())
                        .interceptor(counter($service, $rec))
                        .build(),
                )
            };
        }
        RegionClients {
            ses: client!(aws_sdk_sesv2, "ses", r),
            sms_voice: client!(aws_sdk_pinpointsmsvoicev2, "sms-voice", r),
            pinpoint: client!(aws_sdk_pinpoint, "mobiletargeting", r),
            firehose: client!(aws_sdk_firehose, "firehose", r),
            kinesis: client!(aws_sdk_kinesis, "kinesis", r),
            lambda: client!(aws_sdk_lambda, "lambda", r),
            cloudwatch: client!(aws_sdk_cloudwatch, "cloudwatch", r),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(sdk)
                    .region(region.clone())
                    .force_path_style(s3_endpoint_overridden())
                    .interceptor(counter("s3", GLOBAL))
                    .build(),
            ),
            iam: client!(aws_sdk_iam, "iam", GLOBAL),
            cloudtrail: client!(aws_sdk_cloudtrail, "cloudtrail", GLOBAL),
        }
    }
}

/// The Region name under which account-wide facts are recorded.
pub const GLOBAL: &str = "global";

/// Loads the standard credential chain (environment, shared profiles including SSO,
/// container and instance credentials), then assumes `role_arn` if given. `AWS_ENDPOINT_URL`
/// and `AWS_ENDPOINT_URL_<SERVICE>` are honoured by aws-config.
pub async fn load_sdk_config(creds: &Credentials, limits: &Limits) -> SdkConfig {
    let retry = RetryConfig::standard().with_max_attempts(limits.max_attempts.max(1));
    let loader = || {
        let l = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry.clone());
        match &creds.profile {
            Some(p) => l.profile_name(p),
            None => l,
        }
    };
    let base = loader().load().await;
    let Some(role) = &creds.role_arn else {
        return base;
    };
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("msgready")
        .configure(&base);
    if let Some(x) = &creds.external_id {
        provider = provider.external_id(x);
    }
    let provider = provider.build().await;
    loader()
        .credentials_provider(provider)
        .region(base.region().cloned())
        .load()
        .await
}

/// Collects one account across Regions.
#[derive(Debug, Clone)]
pub struct Collector {
    pub salt: Salt,
    pub limits: Limits,
    pub recorder: Recorder,
    /// Days of CloudWatch sending metrics to read for the exercise evidence (OPS-003).
    pub window_days: u32,
    /// Resolver for the DNS checks (`--dns`); `None` leaves `dns` uncollected.
    pub dns: Option<Resolver>,
    /// Raised by SIGINT (see [`Cancel`]).
    pub cancel: Cancel,
    pacer: Pacer,
}

/// A shared DNS resolver (hickory), cheap to clone.
#[derive(Clone)]
pub struct Resolver(pub Arc<hickory_resolver::TokioResolver>);

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

impl Collector {
    pub fn new(salt: Salt, limits: Limits) -> Collector {
        Collector {
            salt,
            limits,
            recorder: Recorder::default(),
            window_days: 30,
            dns: None,
            cancel: Cancel::never(),
            pacer: Pacer::new(limits),
        }
    }

    /// The account ID of the credentials. A failure here is a failure to start (exit 2).
    pub async fn account_id(sdk: &SdkConfig, fallback_region: &str) -> Result<String> {
        let mut conf = aws_sdk_sts::config::Builder::from(sdk);
        if sdk.region().is_none() {
            conf = conf.region(Region::new(fallback_region.to_string()));
        }
        let sts = aws_sdk_sts::Client::from_conf(conf.build());
        let out = sts.get_caller_identity().send().await.map_err(|e| {
            let detail = match e.as_service_error() {
                Some(s) => format!(
                    "{}: {}",
                    s.code().unwrap_or("error"),
                    s.message().map(scrub).unwrap_or_default()
                ),
                None => error_chain(&e),
            };
            Error::Usage(format!(
                "cannot identify the AWS account (sts:GetCallerIdentity): {detail}; check credentials, --profile and --role-arn"
            ))
        })?;
        out.account()
            .map(str::to_string)
            .ok_or_else(|| Error::Usage("sts:GetCallerIdentity returned no account".into()))
    }

    /// Reads every Region concurrently with clients built from `sdk`.
    pub async fn collect(&self, sdk: &SdkConfig, regions: &[String]) -> Result<AccountFacts> {
        let first = regions.first().map(String::as_str).unwrap_or("us-east-1");
        // Interrupted before the account is known: there is nothing worth keeping.
        let account_id = self
            .cancel
            .race(Self::account_id(sdk, first))
            .await
            .ok_or_else(|| {
                Error::Interrupted(
                    "interrupted before the account was identified; nothing was collected".into(),
                )
            })??;
        Ok(self
            .collect_with(account_id, regions, |r| {
                RegionClients::new(sdk, r, &self.recorder)
            })
            .await)
    }

    /// Reads the account with the clients `clients` makes for a Region (tests pass mocks).
    ///
    /// Three phases, each as concurrent as its inputs allow: (1) every Region's own services
    /// and CloudTrail; (2) what phase 1 points at: each Region's Lambda functions, and the S3
    /// buckets event data lands in (with their replication destinations); (3) the IAM roles
    /// referenced anywhere, S3 replication roles included.
    pub async fn collect_with(
        &self,
        account_id: String,
        regions: &[String],
        clients: impl Fn(&str) -> RegionClients + Sync,
    ) -> AccountFacts {
        let cache: Mutex<HashMap<String, RegionClients>> = Mutex::default();
        let client_for = |r: &str| -> RegionClients {
            let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(r.to_string())
                .or_insert_with(|| clients(r))
                .clone()
        };
        let home = regions.first().map(String::as_str).unwrap_or("us-east-1");

        // Phase 1.
        tracing::info!(regions = ?regions, "collecting Regions and CloudTrail");
        let per_region = regions.iter().map(|r| {
            let c = client_for(r);
            async move { (r.clone(), Box::pin(self.collect_region(r, &c)).await) }
        });
        let trail_clients = |r: &str| client_for(r).cloudtrail;
        let cloudtrail_ctx = self.ctx(GLOBAL, "cloudtrail");
        let (per_region, trails) = tokio::join!(
            futures_util::future::join_all(per_region),
            Box::pin(cloudtrail::collect(
                &cloudtrail_ctx,
                &trail_clients,
                regions
            )),
        );
        let mut facts: BTreeMap<String, RegionFacts> = per_region.into_iter().collect();

        // Phase 2.
        tracing::info!("collecting Lambda functions, S3 buckets and DNS records");
        let functions = refs::lambda_functions(&facts);
        // A function in a Region outside the deployment has no place in the facts.
        let lambda_reads = functions
            .into_iter()
            .filter(|(r, _)| facts.contains_key(r))
            .map(|(r, names)| {
                let c = client_for(&r);
                let ctx = self.ctx(&r, "lambda");
                async move {
                    if names.is_empty() {
                        // Pinpoint was read and calls no function: nothing is missing.
                        return (r, Some(Vec::new()));
                    }
                    (r, Box::pin(lambda::collect(&ctx, &c.lambda, names)).await)
                }
            });
        let s3_clients = |r: &str| client_for(r).s3;
        let s3_ctx = self.ctx(GLOBAL, "s3");
        let dns_reads = facts.iter().filter_map(|(r, f)| {
            let resolver = self.dns.clone()?;
            let ctx = self.ctx(r, "dns");
            Some(async move {
                let records = dns::collect(&ctx, &resolver.0, f.ses.as_ref()).await;
                (r.clone(), records)
            })
        });
        let (lambdas, buckets, dns) = tokio::join!(
            futures_util::future::join_all(lambda_reads),
            Box::pin(s3::collect(&s3_ctx, &s3_clients, refs::buckets(&facts))),
            futures_util::future::join_all(dns_reads),
        );
        for (r, functions) in lambdas {
            if let Some(f) = facts.get_mut(&r) {
                f.lambda_functions = functions;
            }
        }
        for (r, records) in dns {
            if let Some(f) = facts.get_mut(&r) {
                f.dns = records;
            }
        }

        // Phase 3.
        let roles = refs::roles(&facts, buckets.as_deref().unwrap_or_default());
        tracing::info!(roles = roles.len(), "collecting IAM roles");
        let iam_ctx = self.ctx(GLOBAL, "iam");
        let iam_roles = Box::pin(iam::collect(&iam_ctx, &client_for(home).iam, roles)).await;

        AccountFacts {
            account_id,
            salt_id: None,
            global: crate::facts::GlobalFacts {
                iam_roles,
                s3_buckets: buckets,
                cloudtrail_trails: trails,
            },
            regions: facts,
            collection: self.recorder.statuses(),
        }
    }

    fn ctx(&self, region: &str, service: &'static str) -> Ctx {
        Ctx {
            region: region.to_string(),
            service,
            salt: self.salt.clone(),
            recorder: self.recorder.clone(),
            pacer: self.pacer.clone(),
            concurrency: self.limits.concurrency.max(1),
            cancel: self.cancel.clone(),
        }
    }

    /// Phase 1 of one Region: the services that need nothing from the others.
    pub async fn collect_region(&self, region: &str, clients: &RegionClients) -> RegionFacts {
        let ctx = |service| self.ctx(region, service);
        let (ses_ctx, sms_ctx, pp_ctx) = (ctx("ses"), ctx("sms-voice"), ctx("mobiletargeting"));
        let (fh_ctx, ks_ctx, cw_ctx) = (ctx("firehose"), ctx("kinesis"), ctx("cloudwatch"));
        // Each service's state machine goes on the heap: joined inline, the SDK futures add up
        // to more than a 2 MiB thread stack holds in a debug build (a test thread overflowed).
        let (ses, sms_voice, pinpoint, firehose_streams, kinesis_streams, alarms, activity) = tokio::join!(
            Box::pin(sesv2::collect(&ses_ctx, &clients.ses)),
            Box::pin(sms_voice::collect(&sms_ctx, &clients.sms_voice)),
            Box::pin(pinpoint::collect(&pp_ctx, &clients.pinpoint)),
            Box::pin(firehose::collect(&fh_ctx, &clients.firehose)),
            Box::pin(kinesis::collect(&ks_ctx, &clients.kinesis)),
            Box::pin(cloudwatch::alarms(&cw_ctx, &clients.cloudwatch)),
            Box::pin(cloudwatch::activity(
                &cw_ctx,
                &clients.cloudwatch,
                self.window_days
            )),
        );
        RegionFacts {
            ses,
            sms_voice,
            pinpoint,
            firehose_streams,
            kinesis_streams,
            lambda_functions: None,
            cloudwatch_alarms: alarms,
            activity,
            dns: None,
        }
    }
}

fn error_chain<E: std::error::Error>(e: &E) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    scrub(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_normalised_and_short() {
        let a = Salt::fixed([1; 32]);
        let b = Salt::fixed([2; 32]);
        assert_eq!(
            a.hash_email(" Bob@Example.COM"),
            a.hash_email("bob@example.com")
        );
        assert_ne!(
            a.hash_email("bob@example.com"),
            b.hash_email("bob@example.com")
        );
        assert_eq!(a.hash_email("bob@example.com").len(), 16);
        assert_eq!(
            a.hash_phone("+1 (206) 555-0100"),
            a.hash_phone("+12065550100")
        );
        assert_eq!(normalise_e164("1-206-555-0100"), "+12065550100");
        assert_ne!(a.id(), b.id());
        assert!(!format!("{a:?}").contains("1, 1"));
    }

    #[test]
    fn scrub_removes_addresses_and_numbers() {
        assert_eq!(
            scrub("Email identity bob@example.com does not exist"),
            "Email identity [redacted] does not exist"
        );
        assert_eq!(scrub("number +12065550100 bad"), "number [redacted] bad");
        assert_eq!(
            scrub("User: arn:aws:iam::123:role/x"),
            "User: arn:aws:iam::123:role/x"
        );
    }

    #[test]
    fn codes_map_to_reasons() {
        use FailureReason::*;
        assert_eq!(
            classify_code("AccessDeniedException", "", 403, "us-east-1"),
            AccessDenied
        );
        assert_eq!(
            classify_code("AccessDenied", "", 403, "us-east-1"),
            AccessDenied
        );
        assert_eq!(
            classify_code("UnrecognizedClientException", "", 403, "af-south-1"),
            RegionNotEnabled
        );
        assert_eq!(
            classify_code("InvalidClientTokenId", "", 403, "us-east-1"),
            Other
        );
        assert_eq!(
            classify_code("ThrottlingException", "", 400, "us-east-1"),
            ThrottledOut
        );
        assert_eq!(
            classify_code("TooManyRequestsException", "", 429, "us-east-1"),
            ThrottledOut
        );
        assert_eq!(classify_code("", "", 404, "us-east-1"), Unsupported);
        assert_eq!(
            classify_code("UnknownOperationException", "", 400, "us-east-1"),
            Unsupported
        );
        assert_eq!(
            classify_code("ValidationException", "", 400, "us-east-1"),
            Other
        );
    }

    #[tokio::test]
    async fn pacer_holds_each_operation_to_its_rate() {
        let pacer = Pacer::new(Limits {
            sms_voice_rps: 20,
            ..Limits::default()
        });
        let start = std::time::Instant::now();
        for _ in 0..5 {
            pacer.ready("us-east-1", "sms-voice", "DescribePools").await;
        }
        // One immediately, then one per 50 ms.
        assert!(start.elapsed() >= std::time::Duration::from_millis(190));
        // Another operation, or the same one in another Region, has its own bucket.
        let start = std::time::Instant::now();
        pacer
            .ready("us-east-1", "sms-voice", "DescribeKeywords")
            .await;
        pacer.ready("us-west-2", "sms-voice", "DescribePools").await;
        assert!(start.elapsed() < std::time::Duration::from_millis(45));
    }

    #[test]
    fn documented_rates() {
        let l = Limits::default();
        assert_eq!(l.rate("sms-voice", "DescribePhoneNumbers"), 1);
        assert_eq!(l.rate("ses", "ListEmailTemplates"), 1);
        assert_eq!(l.rate("ses", "GetEmailTemplate"), 50);
        assert_eq!(l.rate("ses", "GetAccount"), 10);
    }
}
