//! Amazon CloudWatch: alarms on the messaging metrics (SES, SMS/voice, Pinpoint namespaces) and
//! what each Region sent in the exercise window.
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! sections stay `None` (the rules that need them come out `not_assessed`).

use super::Ctx;
use crate::facts::{Activity, Alarm};

pub async fn alarms(ctx: &Ctx, client: &aws_sdk_cloudwatch::Client) -> Option<Vec<Alarm>> {
    let _ = (ctx, client);
    None
}

pub async fn activity(
    ctx: &Ctx,
    client: &aws_sdk_cloudwatch::Client,
    window_days: u32,
) -> Option<Activity> {
    let _ = (ctx, client, window_days);
    None
}
