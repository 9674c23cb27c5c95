//! IAM: every role the deployment references, with trust, inline and attached policies
//! (percent-decoded into JSON).
//!
//! IAM returns policy documents percent-encoded (RFC 3986) and the Rust SDK, unlike botocore,
//! does not decode them. A managed policy attached to several roles is read once.

use super::Ctx;
use crate::model::facts::{IamPolicy, IamRole};
use aws_sdk_iam::types::Role;
use aws_sdk_iam::Client;
use futures_util::stream::{self, StreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A role as read, its attached managed policies still to be fetched.
struct Partial {
    role: IamRole,
    attached: Vec<(String, String)>,
}

/// Reads `role_names`. A role that does not exist is left out (that is what the rules look
/// for); `None` only when roles were asked for and not one GetRole succeeded or said "no such
/// role".
pub async fn collect(ctx: &Ctx, client: &Client, role_names: Vec<String>) -> Option<Vec<IamRole>> {
    if role_names.is_empty() {
        return Some(Vec::new());
    }
    let read: Vec<Option<Option<Partial>>> = stream::iter(role_names)
        .map(|name| Box::pin(role(ctx, client, name)))
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    if read.iter().all(Option::is_none) {
        return None;
    }
    let partials: Vec<Partial> = read.into_iter().flatten().flatten().collect();

    let arns: BTreeSet<String> = partials
        .iter()
        .flat_map(|p| p.attached.iter().map(|(_, arn)| arn.clone()))
        .collect();
    let documents: BTreeMap<String, Value> = stream::iter(arns)
        .map(|arn| {
            Box::pin(async move {
                let doc = managed_document(ctx, client, &arn).await;
                (arn, doc)
            })
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;

    let mut roles: Vec<IamRole> = partials
        .into_iter()
        .map(|p| {
            let mut role = p.role;
            role.attached_policies = p
                .attached
                .into_iter()
                .map(|(name, arn)| IamPolicy {
                    name,
                    // Unreadable (the failure is recorded): the attachment is still a fact.
                    document: documents.get(&arn).cloned().unwrap_or(Value::Null),
                    arn: Some(arn),
                })
                .collect();
            role
        })
        .collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    Some(roles)
}

/// One role: `None` when GetRole failed, `Some(None)` when the role does not exist.
async fn role(ctx: &Ctx, client: &Client, name: String) -> Option<Option<Partial>> {
    let got = ctx
        .call_or_missing("GetRole", client.get_role().role_name(&name).send(), |e| {
            e.is_no_such_entity_exception()
        })
        .await?;
    let Some(role) = got.as_ref().and_then(|g| g.role()) else {
        return Some(None);
    };
    let (inline, attached) = tokio::join!(
        inline_policies(ctx, client, &name),
        attached_policies(ctx, client, &name)
    );
    let mut role = role_facts(role);
    role.inline_policies = inline;
    Some(Some(Partial { role, attached }))
}

pub fn role_facts(r: &Role) -> IamRole {
    IamRole {
        name: r.role_name().to_string(),
        arn: r.arn().to_string(),
        trust_policy: r
            .assume_role_policy_document()
            .map(policy_document)
            .unwrap_or(Value::Null),
        inline_policies: Vec::new(),
        attached_policies: Vec::new(),
    }
}

/// Inline policies, sorted by name. Those whose read failed are missing (recorded).
async fn inline_policies(ctx: &Ctx, client: &Client, role: &str) -> Vec<IamPolicy> {
    let mut names: Vec<String> = Vec::new();
    ctx.pages(
        "ListRolePolicies",
        client
            .list_role_policies()
            .role_name(role)
            .into_paginator()
            .send(),
        |p| p.is_truncated(),
        |p| names.extend(p.policy_names().iter().cloned()),
    )
    .await;
    let mut out: Vec<IamPolicy> = stream::iter(names)
        .map(|policy| {
            Box::pin(async move {
                let got = ctx
                    .call_or_missing(
                        "GetRolePolicy",
                        client
                            .get_role_policy()
                            .role_name(role)
                            .policy_name(&policy)
                            .send(),
                        |e| e.is_no_such_entity_exception(),
                    )
                    .await??;
                Some(IamPolicy {
                    name: policy,
                    arn: None,
                    document: policy_document(got.policy_document()),
                })
            })
        })
        .buffer_unordered(ctx.concurrency)
        .filter_map(std::future::ready)
        .collect()
        .await;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// (name, ARN) of the attached managed policies, sorted by name.
async fn attached_policies(ctx: &Ctx, client: &Client, role: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    ctx.pages(
        "ListAttachedRolePolicies",
        client
            .list_attached_role_policies()
            .role_name(role)
            .into_paginator()
            .send(),
        |p| p.is_truncated(),
        |p| {
            out.extend(p.attached_policies().iter().filter_map(|a| {
                let arn = a.policy_arn()?.to_string();
                let name = a
                    .policy_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string());
                Some((name, arn))
            }))
        },
    )
    .await;
    out.sort();
    out.dedup();
    out
}

/// The default version's document of a managed policy; `Null` when it could not be read.
async fn managed_document(ctx: &Ctx, client: &Client, arn: &str) -> Value {
    let Some(policy) = ctx
        .call_or_missing(
            "GetPolicy",
            client.get_policy().policy_arn(arn).send(),
            |e| e.is_no_such_entity_exception(),
        )
        .await
        .flatten()
    else {
        return Value::Null;
    };
    let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
        return Value::Null;
    };
    ctx.call_or_missing(
        "GetPolicyVersion",
        client
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send(),
        |e| e.is_no_such_entity_exception(),
    )
    .await
    .flatten()
    .and_then(|v| {
        v.policy_version()
            .and_then(|p| p.document())
            .map(policy_document)
    })
    .unwrap_or(Value::Null)
}

/// A policy document as IAM returns it, parsed. AWS percent-encodes documents; some emulators
/// (moto's GetPolicyVersion) do not, so text that already looks like JSON is parsed as it is.
/// Text that still does not parse is kept as a JSON string: IAM stores only JSON, so this
/// means an endpoint's encoding bug, and keeping the text shows it to a reader of the
/// snapshot; the rules find no statements in a string, and the read itself did succeed.
pub fn policy_document(text: &str) -> Value {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        if let Ok(v) = serde_json::from_str(trimmed) {
            return v;
        }
    }
    let decoded = percent_decode(text);
    serde_json::from_str(decoded.trim()).unwrap_or(Value::String(decoded))
}

/// RFC 3986 percent-decoding (`%XX` → byte). `+` stays `+`, as in botocore's `unquote`: IAM
/// encodes a literal plus as `%2B`, so a bare `+` is a plus. A `%` not followed by two hex
/// digits is kept as it is.
pub fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h << 4) | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::primitives::DateTime;
    use serde_json::json;

    const TRUST: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22pinpoint.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2Bc+d"), "a b+c+d");
        assert_eq!(percent_decode("%E2%82%AC"), "€");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode(""), "");
    }

    #[test]
    fn documents_encoded_plain_and_broken() {
        let expected = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "pinpoint.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        });
        assert_eq!(policy_document(TRUST), expected);
        // moto's GetPolicyVersion: plain JSON, which may contain a literal '%'.
        let plain = r#" {"Statement":[{"Resource":"arn:aws:s3:::b/100%25/*"}]}"#;
        assert_eq!(
            policy_document(plain),
            json!({"Statement": [{"Resource": "arn:aws:s3:::b/100%25/*"}]})
        );
        assert_eq!(
            policy_document("%7Bnot json"),
            Value::String("{not json".into())
        );
    }

    #[test]
    fn role_with_encoded_trust_policy() {
        let r = Role::builder()
            .path("/service-role/")
            .role_name("pinpoint-events")
            .role_id("AROAEXAMPLE")
            .arn("arn:aws:iam::111122223333:role/service-role/pinpoint-events")
            .create_date(DateTime::from_secs(0))
            .assume_role_policy_document(TRUST)
            .build()
            .unwrap();
        let f = role_facts(&r);
        assert_eq!(f.name, "pinpoint-events");
        assert_eq!(
            f.arn,
            "arn:aws:iam::111122223333:role/service-role/pinpoint-events"
        );
        assert_eq!(
            f.trust_policy["Statement"][0]["Principal"]["Service"],
            "pinpoint.amazonaws.com"
        );
        let bare = Role::builder()
            .path("/")
            .role_name("r")
            .role_id("id")
            .arn("arn:aws:iam::1:role/r")
            .create_date(DateTime::from_secs(0))
            .build()
            .unwrap();
        assert_eq!(role_facts(&bare).trust_policy, Value::Null);
    }
}
