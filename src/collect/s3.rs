//! Amazon S3: the buckets event data lands in and their replication destinations: location, versioning, replication, encryption, public access block.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::S3Bucket;

pub async fn collect(
    ctx: &Ctx,
    clients: &(dyn Fn(&str) -> aws_sdk_s3::Client + Sync),
    buckets: Vec<String>,
) -> Option<Vec<S3Bucket>> {
    let _ = (ctx, clients, buckets);
    None
}
