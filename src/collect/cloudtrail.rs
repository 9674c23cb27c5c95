//! AWS CloudTrail: the trails that cover each Region of the deployment, whether they log, and whether they record management events.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::Trail;

pub async fn collect(
    ctx: &Ctx,
    clients: &(dyn Fn(&str) -> aws_sdk_cloudtrail::Client + Sync),
    regions: &[String],
) -> Option<Vec<Trail>> {
    let _ = (ctx, clients, regions);
    None
}
