//! Amazon Pinpoint (`mobiletargeting`): projects, settings, channels, event streams, journeys, segments, campaigns, import/export jobs and message templates. The crate has no paginators: NextToken is followed by hand.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::PinpointFacts;

pub async fn collect(ctx: &Ctx, client: &aws_sdk_pinpoint::Client) -> Option<PinpointFacts> {
    let _ = (ctx, client);
    None
}
