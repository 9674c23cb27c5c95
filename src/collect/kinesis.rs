//! Amazon Kinesis Data Streams: every stream of the Region and its status.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::KinesisStream;

pub async fn collect(ctx: &Ctx, client: &aws_sdk_kinesis::Client) -> Option<Vec<KinesisStream>> {
    let _ = (ctx, client);
    None
}
