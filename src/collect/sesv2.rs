//! Amazon SES v2: identities, account, dedicated IPs and pools, suppression list,
//! configuration sets with event destinations, and email templates.

use super::{content_hash, Ctx, Salt};
use crate::model::facts::{
    DedicatedIp, DedicatedIpPool, DkimAttributes, EmailIdentity, EventDestination, HashedSet,
    MailFrom, SesAccount, SesConfigurationSet, SesFacts, SesTemplate, Tags,
};
use aws_sdk_sesv2::operation::get_account::GetAccountOutput;
use aws_sdk_sesv2::operation::get_configuration_set::GetConfigurationSetOutput;
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
use aws_sdk_sesv2::operation::get_email_template::GetEmailTemplateOutput;
use aws_sdk_sesv2::types;
use aws_sdk_sesv2::Client;

/// Reads SES v2 in one Region. `None` when nothing of it could be read.
pub async fn collect(ctx: &Ctx, client: &Client) -> Option<SesFacts> {
    // GetAccount first: when the service is not offered or the Region not enabled, every
    // other call would fail the same way.
    let account = ctx.call("GetAccount", client.get_account().send()).await;
    if account.is_none() && ctx.service_unreachable("GetAccount") {
        ctx.mark_service_failed("GetAccount");
        return None;
    }
    let (identities, ips, pools, suppressed, sets, templates) = tokio::join!(
        identities(ctx, client),
        dedicated_ips(ctx, client),
        dedicated_ip_pools(ctx, client),
        suppressed_destinations(ctx, client),
        configuration_sets(ctx, client),
        templates(ctx, client),
    );
    let nothing = account.is_none()
        && identities.is_none()
        && ips.is_none()
        && pools.is_none()
        && suppressed.is_none()
        && sets.is_none()
        && templates.is_none();
    if nothing {
        return None;
    }
    Some(SesFacts {
        identities: identities.unwrap_or_default(),
        account: account.as_ref().map(account_facts),
        dedicated_ips: ips.unwrap_or_default(),
        dedicated_ip_pools: pools.unwrap_or_default(),
        suppressed_destinations: suppressed.unwrap_or_default(),
        configuration_sets: sets.unwrap_or_default(),
        templates: templates.unwrap_or_default(),
    })
}

async fn identities(ctx: &Ctx, client: &Client) -> Option<Vec<EmailIdentity>> {
    let mut infos: Vec<types::IdentityInfo> = Vec::new();
    let complete = ctx
        .pages(
            "ListEmailIdentities",
            client
                .list_email_identities()
                .page_size(1000)
                .into_paginator()
                .send(),
            |p| p.next_token().is_some(),
            |p| infos.extend(p.email_identities().iter().cloned()),
        )
        .await;
    if !complete && infos.is_empty() {
        return None;
    }
    let mut out: Vec<EmailIdentity> = ctx
        .each(infos, |info| async move {
            let name = info.identity_name()?.to_string();
            let got = ctx
                .call_or_missing(
                    "GetEmailIdentity",
                    client.get_email_identity().email_identity(&name).send(),
                    |e| e.is_not_found_exception(),
                )
                .await??;
            Some(identity_facts(&name, info.identity_type(), &got, &ctx.salt))
        })
        .await;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

async fn dedicated_ips(ctx: &Ctx, client: &Client) -> Option<Vec<DedicatedIp>> {
    let mut ips = Vec::new();
    let complete = ctx
        .pages(
            "GetDedicatedIps",
            client.get_dedicated_ips().into_paginator().send(),
            |p| p.next_token().is_some(),
            |p| ips.extend(p.dedicated_ips().iter().map(DedicatedIp::from)),
        )
        .await;
    if !complete && ips.is_empty() {
        return None;
    }
    ips.sort_by(|a, b| a.ip.cmp(&b.ip));
    Some(ips)
}

async fn dedicated_ip_pools(ctx: &Ctx, client: &Client) -> Option<Vec<DedicatedIpPool>> {
    let mut names: Vec<String> = Vec::new();
    let complete = ctx
        .pages(
            "ListDedicatedIpPools",
            client.list_dedicated_ip_pools().into_paginator().send(),
            |p| p.next_token().is_some(),
            |p| names.extend(p.dedicated_ip_pools().iter().cloned()),
        )
        .await;
    if !complete && names.is_empty() {
        return None;
    }
    let mut pools: Vec<DedicatedIpPool> = ctx
        .each(names, |name| async move {
            let got = ctx
                .call_or_missing(
                    "GetDedicatedIpPool",
                    client.get_dedicated_ip_pool().pool_name(&name).send(),
                    |e| e.is_not_found_exception(),
                )
                .await??;
            got.dedicated_ip_pool().map(DedicatedIpPool::from)
        })
        .await;
    pools.sort_by(|a, b| a.name.cmp(&b.name));
    Some(pools)
}

async fn suppressed_destinations(ctx: &Ctx, client: &Client) -> Option<HashedSet> {
    // Only hashes are kept, never the addresses.
    let mut hashes: Vec<String> = Vec::new();
    let complete = ctx
        .pages(
            "ListSuppressedDestinations",
            client
                .list_suppressed_destinations()
                .page_size(1000)
                .into_paginator()
                .send(),
            |p| p.next_token().is_some(),
            |p| {
                hashes.extend(
                    p.suppressed_destination_summaries()
                        .iter()
                        .map(|s| ctx.salt.hash_email(s.email_address())),
                )
            },
        )
        .await;
    if !complete && hashes.is_empty() {
        return None;
    }
    Some(hashed_set(hashes))
}

/// Sorted, deduplicated hashes and their count.
pub fn hashed_set(mut hashes: Vec<String>) -> HashedSet {
    hashes.sort_unstable();
    hashes.dedup();
    HashedSet {
        count: hashes.len() as u64,
        hashes,
    }
}

async fn configuration_sets(ctx: &Ctx, client: &Client) -> Option<Vec<SesConfigurationSet>> {
    let mut names: Vec<String> = Vec::new();
    let complete = ctx
        .pages(
            "ListConfigurationSets",
            client.list_configuration_sets().into_paginator().send(),
            |p| p.next_token().is_some(),
            |p| names.extend(p.configuration_sets().iter().cloned()),
        )
        .await;
    if !complete && names.is_empty() {
        return None;
    }
    let mut sets: Vec<SesConfigurationSet> = ctx
        .each(names, |name| async move {
            let (set, dests) = tokio::join!(
                ctx.call_or_missing(
                    "GetConfigurationSet",
                    client
                        .get_configuration_set()
                        .configuration_set_name(&name)
                        .send(),
                    |e| e.is_not_found_exception(),
                ),
                ctx.call_or_missing(
                    "GetConfigurationSetEventDestinations",
                    client
                        .get_configuration_set_event_destinations()
                        .configuration_set_name(&name)
                        .send(),
                    |e| e.is_not_found_exception(),
                ),
            );
            // Deleted between list and get: leave it out.
            if matches!(set, Some(None)) || matches!(dests, Some(None)) {
                return None;
            }
            let dests: Vec<EventDestination> = dests
                .flatten()
                .map(|d| {
                    d.event_destinations()
                        .iter()
                        .map(EventDestination::from)
                        .collect()
                })
                .unwrap_or_default();
            Some(configuration_set_facts(
                &name,
                set.flatten().as_ref(),
                dests,
            ))
        })
        .await;
    sets.sort_by(|a, b| a.name.cmp(&b.name));
    Some(sets)
}

async fn templates(ctx: &Ctx, client: &Client) -> Option<Vec<SesTemplate>> {
    let mut names: Vec<String> = Vec::new();
    let complete = ctx
        .pages(
            "ListEmailTemplates",
            client
                .list_email_templates()
                .page_size(100)
                .into_paginator()
                .send(),
            |p| p.next_token().is_some(),
            |p| {
                names.extend(
                    p.templates_metadata()
                        .iter()
                        .filter_map(|t| t.template_name().map(str::to_string)),
                )
            },
        )
        .await;
    if !complete && names.is_empty() {
        return None;
    }
    let mut out: Vec<SesTemplate> = ctx
        .each(names, |name| async move {
            let got = ctx
                .call_or_missing(
                    "GetEmailTemplate",
                    client.get_email_template().template_name(&name).send(),
                    |e| e.is_not_found_exception(),
                )
                .await??;
            Some(SesTemplate::from(&got))
        })
        .await;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

// ----- mappings -----

/// An identity's facts. Address identities are personal data: their name is replaced by
/// `address:<salted hash>`.
pub fn identity_facts(
    name: &str,
    listed_type: Option<&types::IdentityType>,
    out: &GetEmailIdentityOutput,
    salt: &Salt,
) -> EmailIdentity {
    let identity_type = out
        .identity_type()
        .or(listed_type)
        .map(|t| t.as_str().to_string())
        .unwrap_or_default();
    let is_address = identity_type == "EMAIL_ADDRESS" || name.contains('@');
    let mut policy_names: Vec<String> = out
        .policies()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    policy_names.sort();
    EmailIdentity {
        name: if is_address {
            format!("address:{}", salt.hash_email(name))
        } else {
            name.to_string()
        },
        identity_type,
        verified_for_sending: out.verified_for_sending_status(),
        verification_status: out.verification_status().map(|s| s.as_str().to_string()),
        verification_error: out
            .verification_info()
            .and_then(|v| v.error_type())
            .map(|e| e.as_str().to_string()),
        dkim: out.dkim_attributes().map(DkimAttributes::from),
        mail_from: out.mail_from_attributes().map(MailFrom::from),
        configuration_set: out.configuration_set_name().map(str::to_string),
        policy_names,
        tags: tags(out.tags()),
    }
}

fn tags(tags: &[types::Tag]) -> Tags {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

impl From<&types::DkimAttributes> for DkimAttributes {
    fn from(d: &types::DkimAttributes) -> Self {
        DkimAttributes {
            signing_enabled: d.signing_enabled(),
            status: d.status().map(|s| s.as_str().to_string()),
            tokens: d.tokens().to_vec(),
            signing_attributes_origin: d
                .signing_attributes_origin()
                .map(|o| o.as_str().to_string()),
            signing_hosted_zone: d.signing_hosted_zone().map(str::to_string),
            current_signing_key_length: d
                .current_signing_key_length()
                .map(|k| k.as_str().to_string()),
        }
    }
}

impl From<&types::MailFromAttributes> for MailFrom {
    fn from(m: &types::MailFromAttributes) -> Self {
        MailFrom {
            domain: m.mail_from_domain().to_string(),
            status: m.mail_from_domain_status().as_str().to_string(),
            behavior_on_mx_failure: Some(m.behavior_on_mx_failure().as_str().to_string()),
        }
    }
}

pub fn account_facts(a: &GetAccountOutput) -> SesAccount {
    let quota = a.send_quota();
    SesAccount {
        production_access_enabled: a.production_access_enabled(),
        sending_enabled: a.sending_enabled(),
        max_24_hour_send: quota.map(|q| q.max24_hour_send()).unwrap_or_default(),
        max_send_rate: quota.map(|q| q.max_send_rate()).unwrap_or_default(),
        sent_last_24_hours: quota.map(|q| q.sent_last24_hours()).unwrap_or_default(),
        enforcement_status: a.enforcement_status().map(str::to_string),
        suppression_reasons: a
            .suppression_attributes()
            .map(|s| reasons(s.suppressed_reasons()))
            .unwrap_or_default(),
    }
}

fn reasons(r: &[types::SuppressionListReason]) -> Vec<String> {
    let mut v: Vec<String> = r.iter().map(|x| x.as_str().to_string()).collect();
    v.sort();
    v
}

impl From<&types::DedicatedIp> for DedicatedIp {
    fn from(ip: &types::DedicatedIp) -> Self {
        DedicatedIp {
            ip: ip.ip().to_string(),
            warmup_status: ip.warmup_status().as_str().to_string(),
            warmup_percentage: i64::from(ip.warmup_percentage()),
            pool: ip.pool_name().map(str::to_string),
        }
    }
}

impl From<&types::DedicatedIpPool> for DedicatedIpPool {
    fn from(p: &types::DedicatedIpPool) -> Self {
        DedicatedIpPool {
            name: p.pool_name().to_string(),
            scaling_mode: p.scaling_mode().as_str().to_string(),
        }
    }
}

/// A configuration set from its GetConfigurationSet answer (when it could be read) and its
/// event destinations.
pub fn configuration_set_facts(
    name: &str,
    set: Option<&GetConfigurationSetOutput>,
    event_destinations: Vec<EventDestination>,
) -> SesConfigurationSet {
    SesConfigurationSet {
        name: name.to_string(),
        sending_pool: set
            .and_then(|s| s.delivery_options())
            .and_then(|d| d.sending_pool_name())
            .map(str::to_string),
        sending_enabled: set
            .and_then(|s| s.sending_options())
            .map(|o| o.sending_enabled()),
        suppression_reasons: set
            .and_then(|s| s.suppression_options())
            .map(|o| reasons(o.suppressed_reasons())),
        event_destinations,
        tags: set.map(|s| tags(s.tags())).unwrap_or_default(),
    }
}

impl From<&types::EventDestination> for EventDestination {
    fn from(d: &types::EventDestination) -> Self {
        let target = if let Some(f) = d.kinesis_firehose_destination() {
            (
                "firehose",
                Some(f.delivery_stream_arn().to_string()),
                Some(f.iam_role_arn().to_string()),
            )
        } else if d.cloud_watch_destination().is_some() {
            ("cloudwatch", None, None)
        } else if let Some(s) = d.sns_destination() {
            ("sns", Some(s.topic_arn().to_string()), None)
        } else if let Some(e) = d.event_bridge_destination() {
            ("eventbridge", Some(e.event_bus_arn().to_string()), None)
        } else if let Some(p) = d.pinpoint_destination() {
            ("pinpoint", p.application_arn().map(str::to_string), None)
        } else {
            ("unknown", None, None)
        };
        super::event_destination(
            d.name(),
            d.enabled(),
            d.matching_event_types().iter().map(|t| t.as_str()),
            target,
        )
    }
}

impl From<&GetEmailTemplateOutput> for SesTemplate {
    fn from(t: &GetEmailTemplateOutput) -> Self {
        let c = t.template_content();
        SesTemplate {
            name: t.template_name().to_string(),
            content_hash: content_hash(&[
                c.and_then(|c| c.subject()),
                c.and_then(|c| c.text()),
                c.and_then(|c| c.html()),
            ]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salt() -> Salt {
        Salt::fixed([7; 32])
    }

    #[test]
    fn domain_identity_with_dkim_and_mail_from() {
        let out = GetEmailIdentityOutput::builder()
            .identity_type(types::IdentityType::Domain)
            .verified_for_sending_status(true)
            .verification_status(types::VerificationStatus::Success)
            .verification_info(
                types::VerificationInfo::builder()
                    .error_type(types::VerificationError::ReplicationPrimaryNotFound)
                    .build(),
            )
            .dkim_attributes(
                types::DkimAttributes::builder()
                    .signing_enabled(true)
                    .status(types::DkimStatus::Success)
                    .tokens("tok1")
                    .tokens("tok2")
                    .signing_attributes_origin(types::DkimSigningAttributesOrigin::AwsSesUsEast1)
                    .signing_hosted_zone("dkim.amazonses.com")
                    .current_signing_key_length(types::DkimSigningKeyLength::Rsa2048Bit)
                    .build(),
            )
            .mail_from_attributes(
                types::MailFromAttributes::builder()
                    .mail_from_domain("bounce.example.com")
                    .mail_from_domain_status(types::MailFromDomainStatus::Success)
                    .behavior_on_mx_failure(types::BehaviorOnMxFailure::RejectMessage)
                    .build()
                    .expect("all required fields set"),
            )
            .policies("b-policy", "{}")
            .policies("a-policy", "{}")
            .configuration_set_name("main")
            .tags(
                types::Tag::builder()
                    .key("app")
                    .value("x")
                    .build()
                    .expect("tag"),
            )
            .build();
        let id = identity_facts("example.com", None, &out, &salt());
        assert_eq!(id.name, "example.com");
        assert_eq!(id.identity_type, "DOMAIN");
        assert!(id.verified_for_sending);
        assert_eq!(id.verification_status.as_deref(), Some("SUCCESS"));
        assert_eq!(
            id.verification_error.as_deref(),
            Some("REPLICATION_PRIMARY_NOT_FOUND")
        );
        let dkim = id.dkim.expect("dkim");
        assert!(dkim.signing_enabled);
        assert_eq!(dkim.tokens, ["tok1", "tok2"]);
        assert_eq!(
            dkim.signing_attributes_origin.as_deref(),
            Some("AWS_SES_US_EAST_1")
        );
        assert_eq!(
            dkim.signing_hosted_zone.as_deref(),
            Some("dkim.amazonses.com")
        );
        assert_eq!(
            dkim.current_signing_key_length.as_deref(),
            Some("RSA_2048_BIT")
        );
        let mf = id.mail_from.expect("mail from");
        assert_eq!(mf.domain, "bounce.example.com");
        assert_eq!(mf.status, "SUCCESS");
        assert_eq!(mf.behavior_on_mx_failure.as_deref(), Some("REJECT_MESSAGE"));
        assert_eq!(id.policy_names, ["a-policy", "b-policy"]);
        assert_eq!(id.configuration_set.as_deref(), Some("main"));
        assert_eq!(id.tags.get("app").map(String::as_str), Some("x"));
    }

    #[test]
    fn address_identity_is_hashed() {
        let out = GetEmailIdentityOutput::builder()
            .identity_type(types::IdentityType::EmailAddress)
            .build();
        let id = identity_facts("Alice@Example.com", None, &out, &salt());
        assert_eq!(
            id.name,
            format!("address:{}", salt().hash_email("alice@example.com"))
        );
        assert!(!id.name.contains('@'));
        // An absent DKIM/MAIL FROM block stays absent; booleans default to false.
        assert!(id.dkim.is_none() && id.mail_from.is_none() && !id.verified_for_sending);
    }

    #[test]
    fn account_quota_and_suppression() {
        let out = GetAccountOutput::builder()
            .production_access_enabled(true)
            .sending_enabled(true)
            .enforcement_status("HEALTHY")
            .send_quota(
                types::SendQuota::builder()
                    .max24_hour_send(50000.0)
                    .max_send_rate(14.0)
                    .sent_last24_hours(1200.0)
                    .build(),
            )
            .suppression_attributes(
                types::SuppressionAttributes::builder()
                    .suppressed_reasons(types::SuppressionListReason::Complaint)
                    .suppressed_reasons(types::SuppressionListReason::Bounce)
                    .build(),
            )
            .build();
        let a = account_facts(&out);
        assert!(a.production_access_enabled && a.sending_enabled);
        assert_eq!(a.max_24_hour_send, 50000.0);
        assert_eq!(a.max_send_rate, 14.0);
        assert_eq!(a.sent_last_24_hours, 1200.0);
        assert_eq!(a.enforcement_status.as_deref(), Some("HEALTHY"));
        assert_eq!(a.suppression_reasons, ["BOUNCE", "COMPLAINT"]);
    }

    #[test]
    fn dedicated_ips_and_pools() {
        let ip = types::DedicatedIp::builder()
            .ip("192.0.2.1")
            .warmup_status(types::WarmupStatus::InProgress)
            .warmup_percentage(40)
            .pool_name("p1")
            .build()
            .expect("ip");
        let f = DedicatedIp::from(&ip);
        assert_eq!(
            (f.ip.as_str(), f.warmup_status.as_str(), f.warmup_percentage),
            ("192.0.2.1", "IN_PROGRESS", 40)
        );
        assert_eq!(f.pool.as_deref(), Some("p1"));
        let pool = types::DedicatedIpPool::builder()
            .pool_name("p1")
            .scaling_mode(types::ScalingMode::Managed)
            .build()
            .expect("pool");
        assert_eq!(DedicatedIpPool::from(&pool).scaling_mode, "MANAGED");
    }

    #[test]
    fn configuration_set_and_destinations() {
        let set = GetConfigurationSetOutput::builder()
            .configuration_set_name("main")
            .delivery_options(
                types::DeliveryOptions::builder()
                    .sending_pool_name("p1")
                    .build(),
            )
            .sending_options(
                types::SendingOptions::builder()
                    .sending_enabled(true)
                    .build(),
            )
            .suppression_options(
                types::SuppressionOptions::builder()
                    .suppressed_reasons(types::SuppressionListReason::Bounce)
                    .build(),
            )
            .build();
        let dest = types::EventDestination::builder()
            .name("to-firehose")
            .enabled(true)
            .matching_event_types(types::EventType::Send)
            .matching_event_types(types::EventType::Bounce)
            .kinesis_firehose_destination(
                types::KinesisFirehoseDestination::builder()
                    .iam_role_arn("arn:aws:iam::1:role/r")
                    .delivery_stream_arn("arn:aws:firehose:us-east-1:1:deliverystream/s")
                    .build()
                    .expect("firehose"),
            )
            .build()
            .expect("dest");
        let f = configuration_set_facts("main", Some(&set), vec![EventDestination::from(&dest)]);
        assert_eq!(f.sending_pool.as_deref(), Some("p1"));
        assert_eq!(f.sending_enabled, Some(true));
        assert_eq!(f.suppression_reasons, Some(vec!["BOUNCE".to_string()]));
        let d = &f.event_destinations[0];
        assert_eq!(d.destination_type, "firehose");
        assert_eq!(d.event_types, ["SEND", "BOUNCE"]);
        assert_eq!(d.role_arn.as_deref(), Some("arn:aws:iam::1:role/r"));
        // No suppression options: the account's apply.
        let bare = configuration_set_facts("x", None, vec![]);
        assert_eq!(bare.suppression_reasons, None);
    }

    #[test]
    fn template_hash_covers_every_part() {
        let t = |s: &str, x: &str, h: &str| {
            GetEmailTemplateOutput::builder()
                .template_name("welcome")
                .template_content(
                    types::EmailTemplateContent::builder()
                        .subject(s)
                        .text(x)
                        .html(h)
                        .build(),
                )
                .build()
                .expect("template")
        };
        let a = SesTemplate::from(&t("Hi", "body", "<p>body</p>"));
        assert_eq!(a.name, "welcome");
        assert_eq!(a.content_hash.len(), 64);
        assert_eq!(a, SesTemplate::from(&t("Hi", "body", "<p>body</p>")));
        assert_ne!(a, SesTemplate::from(&t("Hi", "body", "<p>Body</p>")));
        assert_ne!(a, SesTemplate::from(&t("Hib", "ody", "<p>body</p>")));
    }

    #[test]
    fn hashed_set_is_sorted_and_counted() {
        let s = hashed_set(vec!["b".into(), "a".into(), "b".into()]);
        assert_eq!(s.count, 2);
        assert_eq!(s.hashes, ["a", "b"]);
    }
}
