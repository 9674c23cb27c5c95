//! Client-side pacing: a token bucket per (Region, service, operation) at the rate the
//! service registry documents, so a large account stays under AWS's quotas.

use super::Key;
use crate::model::service::{Pacing, Service};
use governor::{DefaultDirectRateLimiter, Quota};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

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
    /// The documented rate of one operation (the service registry's), or the configured
    /// default for its service.
    pub fn rate(&self, service: Service, operation: &str) -> u32 {
        let info = service.info();
        let documented = info
            .operation_rates
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, rate)| *rate);
        documented
            .unwrap_or(match info.pacing {
                Pacing::SmsVoice => self.sms_voice_rps,
                Pacing::Fixed(rate) => rate,
                Pacing::Default => self.ses_rps,
            })
            .max(1)
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
    pub async fn ready(&self, region: &str, service: Service, operation: &str) {
        let bucket = {
            let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
            map.entry((region.into(), service.name().into(), operation.into()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pacer_holds_each_operation_to_its_rate() {
        let pacer = Pacer::new(Limits {
            sms_voice_rps: 20,
            ..Limits::default()
        });
        let start = std::time::Instant::now();
        for _ in 0..5 {
            pacer
                .ready("us-east-1", Service::SmsVoice, "DescribePools")
                .await;
        }
        // One immediately, then one per 50 ms.
        assert!(start.elapsed() >= std::time::Duration::from_millis(190));
        // Another operation, or the same one in another Region, has its own bucket.
        let start = std::time::Instant::now();
        pacer
            .ready("us-east-1", Service::SmsVoice, "DescribeKeywords")
            .await;
        pacer
            .ready("us-west-2", Service::SmsVoice, "DescribePools")
            .await;
        assert!(start.elapsed() < std::time::Duration::from_millis(45));
    }

    #[test]
    fn documented_rates() {
        let l = Limits::default();
        assert_eq!(l.rate(Service::SmsVoice, "DescribePhoneNumbers"), 1);
        assert_eq!(l.rate(Service::Ses, "ListEmailTemplates"), 1);
        assert_eq!(l.rate(Service::Ses, "GetEmailTemplate"), 50);
        assert_eq!(l.rate(Service::Ses, "GetAccount"), 10);
        assert_eq!(l.rate(Service::Pinpoint, "GetApps"), 50);
        assert_eq!(l.rate(Service::Iam, "GetRole"), 10);
    }
}
