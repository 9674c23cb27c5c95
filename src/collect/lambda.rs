//! AWS Lambda: the functions the Region's Pinpoint projects call (campaign hooks, custom
//! channels), with their resource policies.

use super::Ctx;
use crate::model::facts::LambdaFunction;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::Client;
use futures_util::stream::{self, StreamExt};

/// Reads each referenced function (a name, a `name:qualifier` or an ARN, as the projects wrote
/// it) and its resource policy. A function that does not exist is left out: that absence is
/// what the rules look for. `None` only when no GetFunction call succeeded.
pub async fn collect(
    ctx: &Ctx,
    client: &Client,
    names: Vec<String>,
) -> Option<Vec<LambdaFunction>> {
    let reads: Vec<Option<Option<LambdaFunction>>> = stream::iter(names)
        .map(|name| Box::pin(async move { function(ctx, client, &name).await }))
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    if !reads.is_empty() && reads.iter().all(Option::is_none) {
        return None;
    }
    let mut out: Vec<LambdaFunction> = reads.into_iter().flatten().flatten().collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.arn.cmp(&b.arn)));
    // A function referenced both by name and by ARN is read twice.
    out.dedup_by(|a, b| a.name == b.name && a.arn == b.arn);
    Some(out)
}

/// `None`: GetFunction failed (recorded). `Some(None)`: no such function in this Region.
async fn function(ctx: &Ctx, client: &Client, name: &str) -> Option<Option<LambdaFunction>> {
    let got = ctx
        .call_or_missing(
            "GetFunction",
            client.get_function().function_name(name).send(),
            |e| e.is_resource_not_found_exception(),
        )
        .await?;
    let Some(got) = got else {
        return Some(None);
    };
    // ResourceNotFound here is a function without a resource policy.
    let policy = ctx
        .call_or_missing(
            "GetPolicy",
            client.get_policy().function_name(name).send(),
            |e| e.is_resource_not_found_exception(),
        )
        .await
        .flatten()
        .and_then(|p| p.policy().map(parse_policy));
    Some(Some(function_facts(name, &got, policy)))
}

/// The function's own name and ARN, falling back to the reference when the answer lacks them.
pub fn function_facts(
    reference: &str,
    out: &GetFunctionOutput,
    policy: Option<serde_json::Value>,
) -> LambdaFunction {
    let c = out.configuration();
    LambdaFunction {
        name: c
            .and_then(|c| c.function_name())
            .map(str::to_string)
            .unwrap_or_else(|| bare_name(reference).to_string()),
        arn: c
            .and_then(|c| c.function_arn())
            .unwrap_or_default()
            .to_string(),
        policy,
    }
}

/// The function name in `name`, `name:qualifier`, `ACCOUNT:function:name[:qualifier]` or a
/// full ARN.
pub fn bare_name(reference: &str) -> &str {
    let parts: Vec<&str> = reference.split(':').collect();
    match parts.iter().position(|p| *p == "function") {
        Some(i) if i + 1 < parts.len() => parts[i + 1],
        _ => parts[0],
    }
}

/// Lambda's policy is plain JSON (unlike IAM's, which is percent-encoded). One that does not
/// parse is kept as a JSON string, so the rules see that a policy exists and that they cannot
/// read its statements, rather than "no policy".
pub fn parse_policy(raw: &str) -> serde_json::Value {
    serde_json::from_str(raw).unwrap_or_else(|_| serde_json::Value::String(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::FunctionConfiguration;

    #[test]
    fn function_from_its_configuration() {
        let out = GetFunctionOutput::builder()
            .configuration(
                FunctionConfiguration::builder()
                    .function_name("hook")
                    .function_arn("arn:aws:lambda:us-west-2:111122223333:function:hook")
                    .build(),
            )
            .build();
        let policy = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pinpoint.us-west-2.amazonaws.com"},"Action":"lambda:InvokeFunction"}]}"#,
        );
        let f = function_facts("hook:live", &out, Some(policy));
        assert_eq!(f.name, "hook");
        assert_eq!(f.arn, "arn:aws:lambda:us-west-2:111122223333:function:hook");
        let p = f.policy.expect("policy");
        assert_eq!(
            p["Statement"][0]["Principal"]["Service"],
            "pinpoint.us-west-2.amazonaws.com"
        );
    }

    #[test]
    fn names_fall_back_to_the_reference() {
        let empty = GetFunctionOutput::builder().build();
        let f = function_facts(
            "arn:aws:lambda:us-east-1:111122223333:function:hook:3",
            &empty,
            None,
        );
        assert_eq!((f.name.as_str(), f.arn.as_str()), ("hook", ""));
        assert_eq!(bare_name("hook"), "hook");
        assert_eq!(bare_name("hook:live"), "hook");
        assert_eq!(bare_name("111122223333:function:hook"), "hook");
        assert_eq!(f.policy, None);
    }

    #[test]
    fn unparsable_policy_is_kept_as_a_string() {
        assert_eq!(
            parse_policy("{not json"),
            serde_json::Value::String("{not json".into())
        );
        assert!(parse_policy(r#"{"Statement":[]}"#).is_object());
    }
}
