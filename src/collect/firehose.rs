//! Amazon Data Firehose: every delivery stream of the Region with its S3 destination and
//! Kinesis source.

use super::Ctx;
use crate::model::facts::{FirehoseStream, S3Destination};
use aws_sdk_firehose::types::{DeliveryStreamDescription, DestinationDescription};
use aws_sdk_firehose::Client;

/// Names per ListDeliveryStreams page (the API's maximum is 10,000; its default only 10).
const PAGE: i32 = 1000;

/// Reads every delivery stream of the Region. `None` when the list could not be read at all.
pub async fn collect(ctx: &Ctx, client: &Client) -> Option<Vec<FirehoseStream>> {
    let (names, complete) = list(ctx, client).await;
    if !complete && names.is_empty() {
        if ctx.service_unreachable("ListDeliveryStreams") {
            ctx.mark_service_failed("ListDeliveryStreams");
        }
        return None;
    }
    let mut out: Vec<FirehoseStream> = ctx
        .each(names, |name| async move {
            let got = ctx
                .call_or_missing(
                    "DescribeDeliveryStream",
                    client
                        .describe_delivery_stream()
                        .delivery_stream_name(&name)
                        .send(),
                    |e| e.is_resource_not_found_exception(),
                )
                .await?;
            // Deleted between list and describe: it is gone, leave it out. A failed describe
            // leaves it out too (recorded), since its status and destination are unknown.
            got?.delivery_stream_description().map(stream_facts)
        })
        .await;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

/// Every stream name, looping on the last name seen (the API has no token and the SDK no
/// paginator). The flag is false when a page failed; the names before it are kept.
async fn list(ctx: &Ctx, client: &Client) -> (Vec<String>, bool) {
    let mut names: Vec<String> = Vec::new();
    loop {
        let mut req = client.list_delivery_streams().limit(PAGE);
        if let Some(last) = names.last() {
            req = req.exclusive_start_delivery_stream_name(last);
        }
        let Some(page) = ctx.call("ListDeliveryStreams", req.send()).await else {
            return (names, false);
        };
        let before = names.len();
        names.extend(page.delivery_stream_names().iter().cloned());
        // An endpoint that says "more" but returns nothing new would loop forever.
        if !page.has_more_delivery_streams() || names.len() == before {
            return (names, true);
        }
    }
}

pub fn stream_facts(d: &DeliveryStreamDescription) -> FirehoseStream {
    FirehoseStream {
        name: d.delivery_stream_name().to_string(),
        arn: d.delivery_stream_arn().to_string(),
        status: d.delivery_stream_status().as_str().to_string(),
        s3_destination: d.destinations().iter().find_map(s3_destination),
        source_stream_arn: d
            .source()
            .and_then(|s| s.kinesis_stream_source_description())
            .and_then(|k| k.kinesis_stream_arn())
            .map(str::to_string),
    }
}

/// The S3 destination of a destination description: the extended one, else the older plain
/// one. Other destination types (Redshift, HTTP, ...) carry an S3 backup of failed records
/// nested inside their own description; that is not where the event data lands.
pub fn s3_destination(d: &DestinationDescription) -> Option<S3Destination> {
    if let Some(x) = d.extended_s3_destination_description() {
        return Some(S3Destination {
            bucket_arn: x.bucket_arn().to_string(),
            prefix: x.prefix().unwrap_or_default().to_string(),
            role_arn: Some(x.role_arn().to_string()).filter(|r| !r.is_empty()),
        });
    }
    d.s3_destination_description().map(|x| S3Destination {
        bucket_arn: x.bucket_arn().to_string(),
        prefix: x.prefix().unwrap_or_default().to_string(),
        role_arn: Some(x.role_arn().to_string()).filter(|r| !r.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_firehose::types::{
        BufferingHints, CompressionFormat, DeliveryStreamStatus, DeliveryStreamType,
        EncryptionConfiguration, ExtendedS3DestinationDescription, KinesisStreamSourceDescription,
        S3DestinationDescription, SourceDescription,
    };

    fn extended(bucket: &str, prefix: Option<&str>) -> ExtendedS3DestinationDescription {
        ExtendedS3DestinationDescription::builder()
            .role_arn("arn:aws:iam::111122223333:role/firehose-delivery")
            .bucket_arn(bucket)
            .set_prefix(prefix.map(str::to_string))
            .buffering_hints(BufferingHints::builder().build())
            .compression_format(CompressionFormat::Gzip)
            .encryption_configuration(EncryptionConfiguration::builder().build())
            .build()
            .unwrap()
    }

    fn plain(bucket: &str) -> S3DestinationDescription {
        S3DestinationDescription::builder()
            .role_arn("arn:aws:iam::111122223333:role/legacy")
            .bucket_arn(bucket)
            .buffering_hints(BufferingHints::builder().build())
            .compression_format(CompressionFormat::Uncompressed)
            .encryption_configuration(EncryptionConfiguration::builder().build())
            .build()
            .unwrap()
    }

    fn description(
        destinations: Vec<DestinationDescription>,
        source: Option<SourceDescription>,
    ) -> DeliveryStreamDescription {
        DeliveryStreamDescription::builder()
            .delivery_stream_name("events")
            .delivery_stream_arn("arn:aws:firehose:us-east-1:111122223333:deliverystream/events")
            .delivery_stream_status(DeliveryStreamStatus::Active)
            .delivery_stream_type(DeliveryStreamType::KinesisStreamAsSource)
            .version_id("1")
            .set_destinations(Some(destinations))
            .set_source(source)
            .has_more_destinations(false)
            .build()
            .unwrap()
    }

    #[test]
    fn extended_s3_destination_and_kinesis_source() {
        let dest = DestinationDescription::builder()
            .destination_id("destinationId-000000000001")
            .extended_s3_destination_description(extended(
                "arn:aws:s3:::events-bucket",
                Some("events/"),
            ))
            // AWS fills the deprecated plain description too; the extended one wins.
            .s3_destination_description(plain("arn:aws:s3:::other"))
            .build()
            .unwrap();
        let source = SourceDescription::builder()
            .kinesis_stream_source_description(
                KinesisStreamSourceDescription::builder()
                    .kinesis_stream_arn("arn:aws:kinesis:us-east-1:111122223333:stream/raw")
                    .build(),
            )
            .build();
        let f = stream_facts(&description(vec![dest], Some(source)));
        assert_eq!(
            f,
            FirehoseStream {
                name: "events".into(),
                arn: "arn:aws:firehose:us-east-1:111122223333:deliverystream/events".into(),
                status: "ACTIVE".into(),
                s3_destination: Some(S3Destination {
                    bucket_arn: "arn:aws:s3:::events-bucket".into(),
                    prefix: "events/".into(),
                    role_arn: Some("arn:aws:iam::111122223333:role/firehose-delivery".into()),
                }),
                source_stream_arn: Some("arn:aws:kinesis:us-east-1:111122223333:stream/raw".into()),
            }
        );
    }

    #[test]
    fn plain_s3_destination_without_prefix_and_no_s3_at_all() {
        let dest = DestinationDescription::builder()
            .destination_id("d")
            .s3_destination_description(plain("arn:aws:s3:::legacy-bucket"))
            .build()
            .unwrap();
        let f = stream_facts(&description(vec![dest], None));
        let d = f.s3_destination.unwrap();
        assert_eq!(d.bucket_arn, "arn:aws:s3:::legacy-bucket");
        assert_eq!(d.prefix, "");
        assert_eq!(f.source_stream_arn, None);

        let http = DestinationDescription::builder()
            .destination_id("d")
            .build()
            .unwrap();
        assert_eq!(
            stream_facts(&description(vec![http], None)).s3_destination,
            None
        );
    }
}
