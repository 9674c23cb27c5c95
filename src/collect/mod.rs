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
mod cancel;
mod classify;
mod clients;
pub mod cloudtrail;
pub mod cloudwatch;
mod collector;
mod ctx;
pub mod dns;
pub mod firehose;
pub mod iam;
pub mod kinesis;
pub mod lambda;
mod pacer;
pub mod pinpoint;
pub mod policy;
mod recorder;
pub mod refs;
pub mod run;
pub mod s3;
mod salt;
pub mod sesv2;
pub mod sms_voice;
pub mod store;

pub use cancel::{Cancel, CancelTrigger};
pub use classify::{classify, scrub};
pub use clients::{load_sdk_config, AttemptCounter, Credentials, RegionClients};
pub use collector::{Collector, Resolver};
pub use ctx::Ctx;
pub use pacer::{Limits, Pacer};
pub use recorder::Recorder;
pub use run::{apply_deployment_overrides, collect_snapshot, CollectOptions, Observer, Quiet};
pub use salt::{content_hash, normalise_e164, Salt};

/// The raw HTTP response type every SDK error carries (the same type for every service crate).
pub type HttpResponse = aws_sdk_sesv2::config::http::HttpResponse;

/// The Region name under which account-wide facts are recorded.
pub const GLOBAL: &str = "global";

/// (service, Region, operation): what the recorder and the pacer key on.
type Key = (String, String, String);

/// An event destination as SES v2 and SMS/voice v2 both describe one: its name, switch and
/// event types, and where the events go (`target`: kind, target ARN, role ARN).
pub fn event_destination<'a>(
    name: &str,
    enabled: bool,
    event_types: impl IntoIterator<Item = &'a str>,
    target: (&str, Option<String>, Option<String>),
) -> crate::model::facts::EventDestination {
    let (kind, destination_arn, role_arn) = target;
    crate::model::facts::EventDestination {
        name: name.to_string(),
        enabled,
        event_types: event_types.into_iter().map(str::to_string).collect(),
        destination_type: kind.to_string(),
        destination_arn,
        role_arn,
    }
}
