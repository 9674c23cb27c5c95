//! Amazon Data Firehose: every delivery stream of the Region with its S3 destination and Kinesis source.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::FirehoseStream;

pub async fn collect(ctx: &Ctx, client: &aws_sdk_firehose::Client) -> Option<Vec<FirehoseStream>> {
    let _ = (ctx, client);
    None
}
