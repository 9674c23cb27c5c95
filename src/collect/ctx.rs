//! What one Region's collectors share, and the one paced, recorded, cancellable call path.

use super::{classify, Cancel, HttpResponse, Pacer, Recorder, Salt};
use crate::model::facts::FailureReason;
use crate::model::service::Service;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;

/// What one Region's collectors share: where they are, how to pace, where to record.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub region: String,
    pub service: Service,
    pub salt: Salt,
    pub recorder: Recorder,
    pub pacer: Pacer,
    pub concurrency: usize,
    pub cancel: Cancel,
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
        tracing::warn!(service = self.service.name(), region = %self.region, operation, reason = reason.describe(), %detail, "call failed");
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
        let failure = self.recorder.failure(self.service, &self.region, operation);
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
            Some((
                FailureReason::NotOffered | FailureReason::RegionNotEnabled,
                _
            ))
        )
    }
}
