//! Amazon Kinesis Data Streams: every stream of the Region and its status.
//!
//! ListStreams' `StreamSummaries` (since 2022) carry name, ARN and status, which is all the
//! facts need, so a Region costs one call per 100 streams. DescribeStreamSummary is only
//! called for a name listed without a summary (an older endpoint or emulator).

use super::Ctx;
use crate::model::facts::KinesisStream;
use aws_sdk_kinesis::types::{StreamDescriptionSummary, StreamSummary};
use aws_sdk_kinesis::Client;
use std::collections::BTreeMap;

/// Reads every stream of the Region. `None` when the list could not be read at all.
pub async fn collect(ctx: &Ctx, client: &Client) -> Option<Vec<KinesisStream>> {
    let mut summaries: Vec<StreamSummary> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let complete = ctx
        .pages(
            "ListStreams",
            client.list_streams().limit(100).into_paginator().send(),
            |p| p.next_token().is_some(),
            |p| {
                summaries.extend(p.stream_summaries().iter().cloned());
                names.extend(p.stream_names().iter().cloned());
            },
        )
        .await;
    if !complete && summaries.is_empty() && names.is_empty() {
        if ctx.service_unreachable("ListStreams") {
            ctx.mark_service_failed("ListStreams");
        }
        return None;
    }
    // Keyed by name: an endpoint may repeat summaries across pages.
    let mut out: BTreeMap<String, KinesisStream> = summaries
        .iter()
        .map(|s| (s.stream_name().to_string(), KinesisStream::from(s)))
        .collect();
    names.retain(|n| !out.contains_key(n));
    names.sort();
    names.dedup();
    let described: Vec<KinesisStream> = ctx
        .each(names, |name| async move {
            let got = ctx
                .call_or_missing(
                    "DescribeStreamSummary",
                    client.describe_stream_summary().stream_name(&name).send(),
                    |e| e.is_resource_not_found_exception(),
                )
                .await??;
            got.stream_description_summary().map(KinesisStream::from)
        })
        .await;
    out.extend(described.into_iter().map(|s| (s.name.clone(), s)));
    Some(out.into_values().collect())
}

impl From<&StreamSummary> for KinesisStream {
    fn from(s: &StreamSummary) -> Self {
        KinesisStream {
            name: s.stream_name().to_string(),
            arn: s.stream_arn().to_string(),
            status: s.stream_status().as_str().to_string(),
        }
    }
}

impl From<&StreamDescriptionSummary> for KinesisStream {
    fn from(s: &StreamDescriptionSummary) -> Self {
        KinesisStream {
            name: s.stream_name().to_string(),
            arn: s.stream_arn().to_string(),
            status: s.stream_status().as_str().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kinesis::primitives::DateTime;
    use aws_sdk_kinesis::types::StreamStatus;

    #[test]
    fn summaries_map_name_arn_status() {
        let s = StreamSummary::builder()
            .stream_name("raw")
            .stream_arn("arn:aws:kinesis:us-east-1:111122223333:stream/raw")
            .stream_status(StreamStatus::Updating)
            .build()
            .unwrap();
        assert_eq!(
            KinesisStream::from(&s),
            KinesisStream {
                name: "raw".into(),
                arn: "arn:aws:kinesis:us-east-1:111122223333:stream/raw".into(),
                status: "UPDATING".into(),
            }
        );
        let d = StreamDescriptionSummary::builder()
            .stream_name("raw")
            .stream_arn("arn:aws:kinesis:us-east-1:111122223333:stream/raw")
            .stream_status(StreamStatus::Creating)
            .retention_period_hours(24)
            .stream_creation_timestamp(DateTime::from_secs(0))
            .set_enhanced_monitoring(Some(vec![]))
            .open_shard_count(1)
            .build()
            .unwrap();
        assert_eq!(KinesisStream::from(&d).status, "CREATING");
    }
}
