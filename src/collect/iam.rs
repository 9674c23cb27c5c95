//! IAM: every role the deployment references, with trust, inline and attached policies (percent-decoded into JSON).
//!
//! Stub: filled in by the collector work of issue 3. Until then nothing is read and the
//! section stays `None` (the rules that need it come out `not_assessed`).

use super::Ctx;
use crate::facts::IamRole;

pub async fn collect(
    ctx: &Ctx,
    client: &aws_sdk_iam::Client,
    role_names: Vec<String>,
) -> Option<Vec<IamRole>> {
    let _ = (ctx, client, role_names);
    None
}
