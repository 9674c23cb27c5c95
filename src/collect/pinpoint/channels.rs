//! Push channels: which are enabled, with which authentication, and whether a credential is
//! there (never the credential itself).

use super::*;

pub(super) async fn channels(ctx: &Ctx, client: &Client, id: &str) -> Vec<Channel> {
    let Some(out) = ctx
        .call(
            "GetChannels",
            client.get_channels().application_id(id).send(),
        )
        .await
    else {
        return Vec::new();
    };
    let listed = out
        .channels_response()
        .map(listed_channels)
        .unwrap_or_default();
    let mut channels: Vec<Channel> = ctx.each(listed, |c| push_details(ctx, client, id, c)).await;
    channels.sort_by(|a, b| a.channel_type.cmp(&b.channel_type));
    channels
}

/// The channels of a GetChannels answer, before any per-type read: archived channels are
/// deleted ones and left out. Credentials are known here only for the types whose update
/// request requires them (Baidu, ADM).
pub fn listed_channels(r: &types::ChannelsResponse) -> Vec<Channel> {
    let mut out: Vec<Channel> = r
        .channels()
        .into_iter()
        .flatten()
        .filter(|(_, c)| c.is_archived() != Some(true))
        .map(|(t, c)| Channel {
            channel_type: t.clone(),
            enabled: c.enabled().unwrap_or(false),
            has_credential: matches!(t.as_str(), "BAIDU" | "ADM"),
            authentication_method: None,
        })
        .collect();
    out.sort_by(|a, b| a.channel_type.cmp(&b.channel_type));
    out
}

/// Fills credential presence and authentication method of the APNs and FCM channels from
/// their own read. `None` when the channel was deleted meanwhile. A failed read keeps the
/// listed channel without a credential; the failure is recorded, which keeps the rules that
/// judge credentials from trusting that.
pub(super) async fn push_details(
    ctx: &Ctx,
    client: &Client,
    id: &str,
    listed: Channel,
) -> Option<Channel> {
    macro_rules! read {
        ($op:literal, $method:ident, $payload:ident, $map:expr) => {
            match ctx
                .call_or_missing($op, client.$method().application_id(id).send(), |e| {
                    e.is_not_found_exception()
                })
                .await
            {
                Some(Some(out)) => Some(out.$payload().map($map).unwrap_or(listed)),
                Some(None) => None,
                None => Some(listed),
            }
        };
    }
    let t = listed.channel_type.clone();
    match t.as_str() {
        "APNS" => read!(
            "GetApnsChannel",
            get_apns_channel,
            apns_channel_response,
            |c| apns_channel(
                &t,
                c.enabled(),
                c.has_token_key(),
                c.default_authentication_method()
            )
        ),
        "APNS_SANDBOX" => read!(
            "GetApnsSandboxChannel",
            get_apns_sandbox_channel,
            apns_sandbox_channel_response,
            |c| apns_channel(
                &t,
                c.enabled(),
                c.has_token_key(),
                c.default_authentication_method()
            )
        ),
        "APNS_VOIP" => read!(
            "GetApnsVoipChannel",
            get_apns_voip_channel,
            apns_voip_channel_response,
            |c| apns_channel(
                &t,
                c.enabled(),
                c.has_token_key(),
                c.default_authentication_method()
            )
        ),
        "APNS_VOIP_SANDBOX" => read!(
            "GetApnsVoipSandboxChannel",
            get_apns_voip_sandbox_channel,
            apns_voip_sandbox_channel_response,
            |c| apns_channel(
                &t,
                c.enabled(),
                c.has_token_key(),
                c.default_authentication_method()
            )
        ),
        "GCM" => read!(
            "GetGcmChannel",
            get_gcm_channel,
            gcm_channel_response,
            Channel::from
        ),
        _ => Some(listed),
    }
}

/// An APNs channel (any of the four kinds). APNs answers never carry the credential; one is
/// there when the channel has a token key or names the method it authenticates with (the
/// method is set from the credential given: `TOKEN` for a key, `CERTIFICATE` for a
/// certificate).
pub fn apns_channel(
    channel_type: &str,
    enabled: Option<bool>,
    has_token_key: Option<bool>,
    method: Option<&str>,
) -> Channel {
    let method = method.filter(|m| !m.is_empty());
    Channel {
        channel_type: channel_type.to_string(),
        enabled: enabled.unwrap_or(false),
        has_credential: has_token_key == Some(true) || method.is_some(),
        authentication_method: method.map(str::to_string),
    }
}

/// The FCM channel. `Credential` (the legacy server key) is a secret: only its presence is
/// kept.
impl From<&types::GcmChannelResponse> for Channel {
    fn from(c: &types::GcmChannelResponse) -> Self {
        Channel {
            channel_type: "GCM".to_string(),
            enabled: c.enabled().unwrap_or(false),
            has_credential: c.has_fcm_service_credentials() == Some(true)
                || c.credential().is_some_and(|k| !k.is_empty()),
            authentication_method: c
                .default_authentication_method()
                .filter(|m| !m.is_empty())
                .map(str::to_string),
        }
    }
}
