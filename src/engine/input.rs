//! The document rules see as `input`: one account's facts plus the deployment and config.

use crate::config::Config;
use crate::model::deployment::ResolvedDeployment;
use crate::model::facts::{AccountFacts, RegionFacts};
use crate::model::service::Service;
use serde_json::{json, Map, Value};

/// Whether each channel is in use, and why we think so.
pub fn channels(config: &Config, deployment: &ResolvedDeployment, account: &AccountFacts) -> Value {
    // "In use" means the primary, or any active Region, has it.
    let carrying: Vec<&RegionFacts> = deployment
        .regions
        .iter()
        .filter(|r| r.role.carries_traffic())
        .filter_map(|r| account.regions.get(&r.name))
        .collect();
    let any = |f: &dyn Fn(&RegionFacts) -> bool| carrying.iter().any(|r| f(r));
    let active_number = |r: &RegionFacts, cap: &str| {
        r.sms_voice.as_ref().is_some_and(|s| {
            s.phone_numbers
                .iter()
                .any(|n| n.status == "ACTIVE" && n.capabilities.iter().any(|c| c == cap))
        })
    };
    let inferred = [
        (
            "email",
            any(&|r| {
                r.ses
                    .as_ref()
                    .is_some_and(|s| s.identities.iter().any(|i| i.verified_for_sending))
            }),
            config.channels.email,
        ),
        (
            "sms",
            any(&|r| {
                active_number(r, "SMS")
                    || r.sms_voice
                        .as_ref()
                        .is_some_and(|s| !s.sender_ids.is_empty())
            }),
            config.channels.sms,
        ),
        (
            "voice",
            any(&|r| active_number(r, "VOICE")),
            config.channels.voice,
        ),
        (
            "push",
            any(&|r| {
                r.pinpoint.as_ref().is_some_and(|p| {
                    p.projects.iter().any(|proj| {
                        proj.channels
                            .iter()
                            .any(|c| c.enabled && is_push_channel(&c.channel_type))
                    })
                })
            }),
            config.channels.push,
        ),
    ];
    // A channel whose facts are missing in a carrying Region cannot be inferred unused: it is
    // assumed in use, so that the rules needing those facts come out not_assessed rather than
    // not_applicable. A service that is gone or not offered there is no evidence of use.
    let unknown = |svc: Service, present: &dyn Fn(&RegionFacts) -> bool| {
        deployment
            .regions
            .iter()
            .filter(|r| r.role.carries_traffic())
            .any(|r| match account.regions.get(&r.name) {
                None => true,
                Some(f) => !present(f) && !service_gone(account, svc, &r.name),
            })
    };
    let missing = [
        unknown(Service::Ses, &|f| f.ses.is_some()),
        unknown(Service::SmsVoice, &|f| f.sms_voice.is_some()),
        unknown(Service::SmsVoice, &|f| f.sms_voice.is_some()),
        unknown(Service::Pinpoint, &|f| f.pinpoint.is_some()),
    ];
    let mut out = Map::new();
    for ((name, inferred, declared), missing) in inferred.into_iter().zip(missing) {
        let (in_use, source) = match declared {
            Some(d) => (d, "declared"),
            None if inferred => (true, "inferred"),
            None if missing => (true, "assumed (facts missing)"),
            None => (false, "inferred"),
        };
        out.insert(name.into(), json!({ "in_use": in_use, "source": source }));
    }
    out.insert("sms_countries".into(), json!(config.channels.sms_countries));
    out.insert(
        "voice_countries".into(),
        json!(config.channels.voice_countries),
    );
    Value::Object(out)
}

/// The collector recorded the service as gone (Pinpoint after its end of support) or not
/// offered in the Region.
pub fn service_gone(account: &AccountFacts, svc: Service, region: &str) -> bool {
    use crate::model::facts::{CollectionOutcome, FailureReason};
    account.collection.iter().any(|c| {
        c.service == svc.name()
            && c.region == region
            && c.status == CollectionOutcome::Failed
            && matches!(
                c.reason,
                Some(FailureReason::Unsupported | FailureReason::NotOffered)
            )
    })
}

pub fn is_push_channel(t: &str) -> bool {
    matches!(
        t,
        "APNS" | "APNS_SANDBOX" | "APNS_VOIP" | "APNS_VOIP_SANDBOX" | "GCM" | "BAIDU" | "ADM"
    )
}

/// Builds `input` for one account.
pub fn build(
    config: &Config,
    deployment: &ResolvedDeployment,
    account: &AccountFacts,
    now: &str,
) -> Value {
    let others: Vec<&str> = deployment
        .names()
        .filter(|n| *n != deployment.primary)
        .collect();
    let roles: Map<String, Value> = deployment
        .regions
        .iter()
        .map(|r| (r.name.clone(), Value::String(r.role.as_str().into())))
        .collect();
    let t = &config.thresholds;
    let tg = &config.targets;
    // Sections that were not collected are left out rather than set to null: iterating
    // `null` is an error in Rego, iterating nothing is not, and the engine has already
    // made the affected results not_assessed.
    let mut regions = serde_json::to_value(&account.regions).unwrap_or_default();
    if let Value::Object(m) = &mut regions {
        for v in m.values_mut() {
            strip_nulls(v);
        }
    }
    let mut global = serde_json::to_value(&account.global).unwrap_or_default();
    strip_nulls(&mut global);
    json!({
        "account_id": account.account_id,
        "now": now,
        "deployment": {
            "architecture": deployment.architecture,
            "primary": deployment.primary,
            "regions": deployment.names().collect::<Vec<_>>(),
            "others": others,
            "roles": roles,
            "project_match_tag": config.deployment.project_match_tag,
        },
        "thresholds": {
            "standby_throughput_fraction": t.standby_throughput_fraction,
            "warm_ip_volume_share": t.warm_ip_volume_share,
            "import_lag_hours": t.import_lag_hours,
            "exercise_window_days": t.exercise_window_days,
        },
        "targets": {
            "rto_minutes": tg.rto_minutes,
            "rpo_minutes": tg.rpo_minutes,
            "event_data_rpo_minutes": tg.event_data_rpo_minutes.or(tg.rpo_minutes),
            "endpoints_rpo_minutes": tg.endpoints_rpo_minutes.or(tg.rpo_minutes),
            "opt_outs_rpo_minutes": tg.opt_outs_rpo_minutes.or(tg.rpo_minutes),
        },
        "evidence": {
            "voice_production_cases": config.evidence.voice_production_cases,
        },
        "channels": channels(config, deployment, account),
        "regions": regions,
        "global": global,
        "collection": account.collection,
    })
}

fn strip_nulls(v: &mut Value) {
    if let Value::Object(m) = v {
        m.retain(|_, x| !x.is_null());
    }
}

/// The input used to compile-check rules: a deployment with nothing in it.
pub fn empty_input() -> regorus::Value {
    let config = Config::default();
    let deployment = ResolvedDeployment::warm_standby("us-east-1", "us-west-2");
    let account = AccountFacts {
        account_id: "000000000000".into(),
        ..Default::default()
    };
    to_rego(&build(
        &config,
        &deployment,
        &account,
        "2026-01-01T00:00:00Z",
    ))
}

pub fn to_rego(v: &Value) -> regorus::Value {
    regorus::Value::from(v.clone())
}
