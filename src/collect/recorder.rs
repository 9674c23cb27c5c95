//! The outcome of every (service, Region, operation) the collectors attempted: the facts'
//! `collection` list, and what the engine turns into `not_assessed`.

use crate::model::facts::{CollectionOutcome, CollectionStatus, FailureReason};
use crate::model::service::Service;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::Key;

#[derive(Debug, Default)]
pub(super) struct Entry {
    /// Requests and pages sent.
    pub(super) calls: u64,
    /// HTTP attempts, retries included (counted by [`AttemptCounter`] where installed).
    pub(super) attempts: u64,
    /// Attempts answered with a throttling error (each retried or given up).
    pub(super) throttles: u64,
    pub(super) failure: Option<(FailureReason, String)>,
}

/// Records the outcome of every (service, Region, operation) attempted. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    entries: Arc<Mutex<BTreeMap<Key, Entry>>>,
}

impl Recorder {
    pub(super) fn with<F: FnOnce(&mut Entry)>(
        &self,
        service: Service,
        region: &str,
        operation: &str,
        f: F,
    ) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(map
            .entry((service.name().into(), region.into(), operation.into()))
            .or_default());
    }

    /// One successful call (or page).
    pub fn ok(&self, service: Service, region: &str, operation: &str) {
        self.with(service, region, operation, |e| e.calls += 1);
    }

    /// One HTTP attempt (retries included).
    pub fn attempt(&self, service: Service, region: &str, operation: &str) {
        self.with(service, region, operation, |e| e.attempts += 1);
    }

    /// One attempt answered with a throttling error.
    pub fn throttle(&self, service: Service, region: &str, operation: &str) {
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
        service: Service,
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
    pub fn failure(
        &self,
        service: Service,
        region: &str,
        operation: &str,
    ) -> Option<(FailureReason, String)> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&(service.name().into(), region.into(), operation.into()))
            .and_then(|e| e.failure.clone())
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
