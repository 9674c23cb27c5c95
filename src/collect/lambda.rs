//! AWS Lambda: the functions the Region's Pinpoint projects call (campaign hooks, custom channels), with their resource policies.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::LambdaFunction;

pub async fn collect(
    ctx: &Ctx,
    client: &aws_sdk_lambda::Client,
    names: Vec<String>,
) -> Option<Vec<LambdaFunction>> {
    let _ = (ctx, client, names);
    None
}
