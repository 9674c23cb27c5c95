//! AWS End User Messaging SMS and voice v2: phone numbers, sender IDs, pools, registrations,
//! opt-out lists, keywords, account tier, spend limits, configuration sets and verified
//! destination numbers. Every describe call is paced at the per-Region quota (1 request per
//! second by default).

use super::{content_hash, Ctx};
use crate::collect::sesv2::hashed_set;
use crate::model::facts::{
    EventDestination, Keyword, OptOutList, PhoneNumber, Registration, SenderId,
    SmsConfigurationSet, SmsPool, SmsVoiceFacts, SpendLimit,
};
use aws_sdk_pinpointsmsvoicev2::types;
use aws_sdk_pinpointsmsvoicev2::Client;
use futures_util::stream::{self, StreamExt};

/// Largest page the v2 describe operations accept.
const PAGE: i32 = 100;

/// Reads SMS/voice v2 in one Region. `None` when nothing of it could be read.
pub async fn collect(ctx: &Ctx, client: &Client) -> Option<SmsVoiceFacts> {
    // The account attributes first: when the service is not offered or the Region not
    // enabled, every other call would fail the same way.
    let attributes = account_attributes(ctx, client).await;
    if attributes.is_none() && ctx.service_unreachable("DescribeAccountAttributes") {
        ctx.mark_service_failed("DescribeAccountAttributes");
        return None;
    }
    let (numbers, sender_ids, pools, registrations, opt_outs, spend, sets, verified) = tokio::join!(
        phone_numbers(ctx, client),
        sender_ids(ctx, client),
        pools(ctx, client),
        registrations(ctx, client),
        opt_out_lists(ctx, client),
        spend_limits(ctx, client),
        configuration_sets(ctx, client),
        verified_destination_count(ctx, client),
    );
    let nothing = attributes.is_none()
        && numbers.is_none()
        && sender_ids.is_none()
        && pools.is_none()
        && registrations.is_none()
        && opt_outs.is_none()
        && spend.is_none()
        && sets.is_none()
        && verified.is_none();
    if nothing {
        return None;
    }
    Some(SmsVoiceFacts {
        account_tier: attributes.as_deref().and_then(account_tier),
        phone_numbers: numbers.unwrap_or_default(),
        sender_ids: sender_ids.unwrap_or_default(),
        pools: pools.unwrap_or_default(),
        registrations: registrations.unwrap_or_default(),
        opt_out_lists: opt_outs.unwrap_or_default(),
        spend_limits: spend.unwrap_or_default(),
        configuration_sets: sets.unwrap_or_default(),
        verified_destination_count: verified,
    })
}

/// Pages of one describe operation, mapped; `None` when not even the first page came back.
macro_rules! describe_all {
    ($ctx:expr, $op:literal, $request:expr, $items:ident, $map:expr) => {{
        let mut out = Vec::new();
        let complete = $ctx
            .pages(
                $op,
                $request.max_results(PAGE).into_paginator().send(),
                |p| p.next_token().is_some(),
                |p| out.extend(p.$items().iter().map($map)),
            )
            .await;
        if !complete && out.is_empty() {
            None
        } else {
            Some(out)
        }
    }};
}

async fn account_attributes(ctx: &Ctx, client: &Client) -> Option<Vec<types::AccountAttribute>> {
    describe_all!(
        ctx,
        "DescribeAccountAttributes",
        client.describe_account_attributes(),
        account_attributes,
        Clone::clone
    )
}

/// The `ACCOUNT_TIER` attribute (sandbox or production).
pub fn account_tier(attributes: &[types::AccountAttribute]) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name().as_str() == "ACCOUNT_TIER")
        .map(|a| a.value().to_string())
}

async fn phone_numbers(ctx: &Ctx, client: &Client) -> Option<Vec<PhoneNumber>> {
    let mut numbers: Vec<PhoneNumber> = describe_all!(
        ctx,
        "DescribePhoneNumbers",
        client.describe_phone_numbers(),
        phone_numbers,
        PhoneNumber::from
    )?;
    let keywords: Vec<Vec<Keyword>> = stream::iter(numbers.iter().map(|n| n.id.clone()))
        .map(|id| Box::pin(async move { keywords(ctx, client, &id).await }))
        .buffered(ctx.concurrency)
        .collect()
        .await;
    for (n, k) in numbers.iter_mut().zip(keywords) {
        n.keywords = k;
    }
    numbers.sort_by(|a, b| a.id.cmp(&b.id));
    Some(numbers)
}

async fn keywords(ctx: &Ctx, client: &Client, origination_identity: &str) -> Vec<Keyword> {
    // A failure is recorded; the keywords read so far are kept.
    let mut out: Vec<Keyword> = describe_all!(
        ctx,
        "DescribeKeywords",
        client
            .describe_keywords()
            .origination_identity(origination_identity),
        keywords,
        Keyword::from
    )
    .unwrap_or_default();
    out.sort_by(|a, b| a.keyword.cmp(&b.keyword));
    out
}

async fn sender_ids(ctx: &Ctx, client: &Client) -> Option<Vec<SenderId>> {
    let mut ids = describe_all!(
        ctx,
        "DescribeSenderIds",
        client.describe_sender_ids(),
        sender_ids,
        SenderId::from
    )?;
    ids.sort_by(|a, b| {
        (&a.iso_country_code, &a.sender_id).cmp(&(&b.iso_country_code, &b.sender_id))
    });
    Some(ids)
}

async fn pools(ctx: &Ctx, client: &Client) -> Option<Vec<SmsPool>> {
    let mut pools: Vec<SmsPool> = describe_all!(
        ctx,
        "DescribePools",
        client.describe_pools(),
        pools,
        SmsPool::from
    )?;
    let details: Vec<(Vec<String>, Vec<Keyword>)> =
        stream::iter(pools.iter().map(|p| p.id.clone()))
            .map(|id| {
                Box::pin(async move {
                    let members = async {
                        let mut arns: Vec<String> = describe_all!(
                            ctx,
                            "ListPoolOriginationIdentities",
                            client.list_pool_origination_identities().pool_id(&id),
                            origination_identities,
                            |o: &types::OriginationIdentityMetadata| o
                                .origination_identity_arn()
                                .to_string()
                        )
                        .unwrap_or_default();
                        arns.sort();
                        arns
                    };
                    tokio::join!(members, keywords(ctx, client, &id))
                })
            })
            .buffered(ctx.concurrency)
            .collect()
            .await;
    for (p, (members, kw)) in pools.iter_mut().zip(details) {
        p.origination_identities = members;
        p.keywords = kw;
    }
    pools.sort_by(|a, b| a.id.cmp(&b.id));
    Some(pools)
}

async fn registrations(ctx: &Ctx, client: &Client) -> Option<Vec<Registration>> {
    let mut r = describe_all!(
        ctx,
        "DescribeRegistrations",
        client.describe_registrations(),
        registrations,
        Registration::from
    )?;
    r.sort_by(|a, b| a.id.cmp(&b.id));
    Some(r)
}

async fn opt_out_lists(ctx: &Ctx, client: &Client) -> Option<Vec<OptOutList>> {
    let mut lists: Vec<OptOutList> = describe_all!(
        ctx,
        "DescribeOptOutLists",
        client.describe_opt_out_lists(),
        opt_out_lists,
        OptOutList::from
    )?;
    let opted: Vec<Vec<String>> = stream::iter(lists.iter().map(|l| l.name.clone()))
        .map(|name| {
            Box::pin(async move {
                // Only salted hashes of the numbers are kept.
                describe_all!(
                    ctx,
                    "DescribeOptedOutNumbers",
                    client.describe_opted_out_numbers().opt_out_list_name(&name),
                    opted_out_numbers,
                    |n: &types::OptedOutNumberInformation| ctx
                        .salt
                        .hash_phone(n.opted_out_number())
                )
                .unwrap_or_default()
            })
        })
        .buffered(ctx.concurrency)
        .collect()
        .await;
    for (l, hashes) in lists.iter_mut().zip(opted) {
        l.opted_out = hashed_set(hashes);
    }
    lists.sort_by(|a, b| a.name.cmp(&b.name));
    Some(lists)
}

async fn spend_limits(ctx: &Ctx, client: &Client) -> Option<Vec<SpendLimit>> {
    let mut s = describe_all!(
        ctx,
        "DescribeSpendLimits",
        client.describe_spend_limits(),
        spend_limits,
        SpendLimit::from
    )?;
    s.sort_by(|a, b| a.name.cmp(&b.name));
    Some(s)
}

async fn configuration_sets(ctx: &Ctx, client: &Client) -> Option<Vec<SmsConfigurationSet>> {
    let mut s = describe_all!(
        ctx,
        "DescribeConfigurationSets",
        client.describe_configuration_sets(),
        configuration_sets,
        SmsConfigurationSet::from
    )?;
    s.sort_by(|a, b| a.name.cmp(&b.name));
    Some(s)
}

async fn verified_destination_count(ctx: &Ctx, client: &Client) -> Option<u64> {
    // Only the count: the numbers are personal data.
    let all: Vec<()> = describe_all!(
        ctx,
        "DescribeVerifiedDestinationNumbers",
        client.describe_verified_destination_numbers(),
        verified_destination_numbers,
        |_| ()
    )?;
    Some(all.len() as u64)
}

// ----- mappings -----

impl From<&types::PhoneNumberInformation> for PhoneNumber {
    fn from(n: &types::PhoneNumberInformation) -> Self {
        let arn = n.phone_number_arn().to_string();
        PhoneNumber {
            id: n
                .phone_number_id()
                .map(str::to_string)
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_string()),
            arn,
            iso_country_code: n.iso_country_code().to_string(),
            number_type: n.number_type().as_str().to_string(),
            status: n.status().as_str().to_string(),
            capabilities: n
                .number_capabilities()
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            message_type: Some(n.message_type().as_str().to_string()),
            opt_out_list_name: Some(n.opt_out_list_name().to_string()).filter(|s| !s.is_empty()),
            self_managed_opt_outs: n.self_managed_opt_outs_enabled(),
            two_way_enabled: n.two_way_enabled(),
            international_sending_enabled: n.international_sending_enabled(),
            deletion_protection: n.deletion_protection_enabled(),
            pool_id: n.pool_id().map(str::to_string),
            registration_id: n.registration_id().map(str::to_string),
            mps: None,
            keywords: Vec::new(),
            tags: Default::default(),
        }
    }
}

impl From<&types::KeywordInformation> for Keyword {
    fn from(k: &types::KeywordInformation) -> Self {
        Keyword {
            keyword: k.keyword().to_string(),
            action: k.keyword_action().as_str().to_string(),
            message_hash: Some(content_hash(&[Some(k.keyword_message())])),
        }
    }
}

impl From<&types::SenderIdInformation> for SenderId {
    fn from(s: &types::SenderIdInformation) -> Self {
        SenderId {
            sender_id: s.sender_id().to_string(),
            arn: s.sender_id_arn().to_string(),
            iso_country_code: s.iso_country_code().to_string(),
            message_types: s
                .message_types()
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
            registered: s.registered(),
            registration_id: s.registration_id().map(str::to_string),
            deletion_protection: s.deletion_protection_enabled(),
        }
    }
}

impl From<&types::PoolInformation> for SmsPool {
    fn from(p: &types::PoolInformation) -> Self {
        SmsPool {
            id: p.pool_id().to_string(),
            arn: p.pool_arn().to_string(),
            // The Name tag needs ListTagsForResource (not in this slice).
            name: None,
            status: p.status().as_str().to_string(),
            opt_out_list_name: Some(p.opt_out_list_name().to_string()).filter(|s| !s.is_empty()),
            self_managed_opt_outs: p.self_managed_opt_outs_enabled(),
            shared_routes_enabled: p.shared_routes_enabled(),
            deletion_protection: p.deletion_protection_enabled(),
            message_type: Some(p.message_type().as_str().to_string()),
            origination_identities: Vec::new(),
            keywords: Vec::new(),
        }
    }
}

impl From<&types::RegistrationInformation> for Registration {
    fn from(r: &types::RegistrationInformation) -> Self {
        Registration {
            id: r.registration_id().to_string(),
            arn: r.registration_arn().to_string(),
            registration_type: r.registration_type().to_string(),
            status: r.registration_status().as_str().to_string(),
        }
    }
}

impl From<&types::OptOutListInformation> for OptOutList {
    fn from(l: &types::OptOutListInformation) -> Self {
        OptOutList {
            name: l.opt_out_list_name().to_string(),
            arn: Some(l.opt_out_list_arn().to_string()),
            opted_out: Default::default(),
        }
    }
}

impl From<&types::SpendLimit> for SpendLimit {
    fn from(s: &types::SpendLimit) -> Self {
        SpendLimit {
            name: s.name().as_str().to_string(),
            enforced_limit: s.enforced_limit(),
            max_limit: Some(s.max_limit()),
            overridden: s.overridden(),
        }
    }
}

impl From<&types::ConfigurationSetInformation> for SmsConfigurationSet {
    fn from(c: &types::ConfigurationSetInformation) -> Self {
        SmsConfigurationSet {
            name: c.configuration_set_name().to_string(),
            default_message_type: c.default_message_type().map(|m| m.as_str().to_string()),
            default_sender_id: c.default_sender_id().map(str::to_string),
            event_destinations: c
                .event_destinations()
                .iter()
                .map(EventDestination::from)
                .collect(),
        }
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
        } else if let Some(l) = d.cloud_watch_logs_destination() {
            (
                "cloudwatch",
                Some(l.log_group_arn().to_string()),
                Some(l.iam_role_arn().to_string()),
            )
        } else if let Some(s) = d.sns_destination() {
            ("sns", Some(s.topic_arn().to_string()), None)
        } else {
            ("unknown", None, None)
        };
        super::event_destination(
            d.event_destination_name(),
            d.enabled(),
            d.matching_event_types().iter().map(|t| t.as_str()),
            target,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_pinpointsmsvoicev2::primitives::DateTime;

    fn now() -> DateTime {
        DateTime::from_secs(1_700_000_000)
    }

    #[test]
    fn phone_number() {
        let n = types::PhoneNumberInformation::builder()
            .phone_number_arn("arn:aws:sms-voice:us-east-1:1:phone-number/phone-abc")
            .phone_number_id("phone-abc")
            .phone_number("+12065550100")
            .status(types::NumberStatus::Active)
            .iso_country_code("US")
            .message_type(types::MessageType::Transactional)
            .number_capabilities(types::NumberCapability::Sms)
            .number_capabilities(types::NumberCapability::Voice)
            .number_type(types::NumberType::TenDlc)
            .monthly_leasing_price("2.00")
            .two_way_enabled(true)
            .self_managed_opt_outs_enabled(false)
            .opt_out_list_name("Default")
            .international_sending_enabled(true)
            .deletion_protection_enabled(true)
            .pool_id("pool-1")
            .registration_id("reg-1")
            .created_timestamp(now())
            .build()
            .expect("number");
        let f = PhoneNumber::from(&n);
        assert_eq!(f.id, "phone-abc");
        assert_eq!(f.number_type, "TEN_DLC");
        assert_eq!(f.status, "ACTIVE");
        assert_eq!(f.capabilities, ["SMS", "VOICE"]);
        assert_eq!(f.message_type.as_deref(), Some("TRANSACTIONAL"));
        assert_eq!(f.opt_out_list_name.as_deref(), Some("Default"));
        assert!(f.two_way_enabled && f.international_sending_enabled && f.deletion_protection);
        assert_eq!(f.pool_id.as_deref(), Some("pool-1"));
        assert_eq!(f.registration_id.as_deref(), Some("reg-1"));
        // The origination number itself is not kept.
        assert!(!serde_json::to_string(&f).expect("json").contains("5550100"));
    }

    #[test]
    fn keyword_message_is_hashed() {
        let k = types::KeywordInformation::builder()
            .keyword("STOP")
            .keyword_message("You are unsubscribed")
            .keyword_action(types::KeywordAction::OptOut)
            .build()
            .expect("keyword");
        let f = Keyword::from(&k);
        assert_eq!((f.keyword.as_str(), f.action.as_str()), ("STOP", "OPT_OUT"));
        assert_eq!(
            f.message_hash.as_deref(),
            Some(content_hash(&[Some("You are unsubscribed")]).as_str())
        );
    }

    #[test]
    fn sender_id_pool_registration_spend_limit() {
        let s = types::SenderIdInformation::builder()
            .sender_id_arn("arn:s")
            .sender_id("ACME")
            .iso_country_code("GB")
            .message_types(types::MessageType::Promotional)
            .monthly_leasing_price("0")
            .registered(true)
            .deletion_protection_enabled(false)
            .build()
            .expect("sender");
        let f = SenderId::from(&s);
        assert_eq!(f.message_types, ["PROMOTIONAL"]);
        assert!(f.registered);

        let p = types::PoolInformation::builder()
            .pool_arn("arn:p")
            .pool_id("pool-1")
            .status(types::PoolStatus::Active)
            .message_type(types::MessageType::Transactional)
            .two_way_enabled(false)
            .self_managed_opt_outs_enabled(true)
            .opt_out_list_name("list")
            .shared_routes_enabled(true)
            .deletion_protection_enabled(false)
            .created_timestamp(now())
            .build()
            .expect("pool");
        let f = SmsPool::from(&p);
        assert!(f.self_managed_opt_outs && f.shared_routes_enabled);
        assert_eq!(f.status, "ACTIVE");

        let r = types::RegistrationInformation::builder()
            .registration_arn("arn:r")
            .registration_id("reg-1")
            .registration_type("US_TEN_DLC_BRAND_REGISTRATION")
            .registration_status(types::RegistrationStatus::Complete)
            .current_version_number(1)
            .created_timestamp(now())
            .build()
            .expect("registration");
        assert_eq!(Registration::from(&r).status, "COMPLETE");

        let l = types::SpendLimit::builder()
            .name(types::SpendLimitName::TextMessageMonthlySpendLimit)
            .enforced_limit(100)
            .max_limit(1000)
            .overridden(true)
            .build()
            .expect("limit");
        let f = SpendLimit::from(&l);
        assert_eq!(f.name, "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT");
        assert_eq!(
            (f.enforced_limit, f.max_limit, f.overridden),
            (100, Some(1000), true)
        );
    }

    #[test]
    fn configuration_set_with_destinations() {
        let c = types::ConfigurationSetInformation::builder()
            .configuration_set_arn("arn:c")
            .configuration_set_name("main")
            .default_message_type(types::MessageType::Transactional)
            .default_sender_id("ACME")
            .event_destinations(
                types::EventDestination::builder()
                    .event_destination_name("logs")
                    .enabled(true)
                    .matching_event_types(types::EventType::All)
                    .cloud_watch_logs_destination(
                        types::CloudWatchLogsDestination::builder()
                            .iam_role_arn("arn:role")
                            .log_group_arn("arn:lg")
                            .build()
                            .expect("cwl"),
                    )
                    .build()
                    .expect("dest"),
            )
            .created_timestamp(now())
            .build()
            .expect("set");
        let f = SmsConfigurationSet::from(&c);
        assert_eq!(f.default_message_type.as_deref(), Some("TRANSACTIONAL"));
        let d = &f.event_destinations[0];
        assert_eq!(d.destination_type, "cloudwatch");
        assert_eq!(d.event_types, ["ALL"]);
        assert_eq!(d.destination_arn.as_deref(), Some("arn:lg"));
    }

    #[test]
    fn tier_attribute() {
        let attrs = vec![types::AccountAttribute::builder()
            .name(types::AccountAttributeName::AccountTier)
            .value("PRODUCTION")
            .build()
            .expect("attr")];
        assert_eq!(account_tier(&attrs).as_deref(), Some("PRODUCTION"));
        assert_eq!(account_tier(&[]), None);
    }
}
