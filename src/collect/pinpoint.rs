//! Amazon Pinpoint (`mobiletargeting`): projects with their settings, channels, event stream,
//! journeys, segments, campaigns and import/export jobs, and the Region's message templates.
//! The crate has no paginators: NextToken is followed by hand, one paced call per page.
//!
//! Push credentials are never kept: a channel says only whether it has one. GetGcmChannel
//! carries the server key (`Credential`) in its answer; it is looked at for presence and
//! dropped. Baidu and ADM channels are not read one by one: their update requests require both
//! keys, so a listed channel has them, and GetBaiduChannel would only return a secret.

use super::{content_hash, Ctx, HttpResponse};
use crate::facts::{
    Campaign, CampaignHook, CampaignLimits, Channel, EventStream, ImportJob, Journey,
    MessageTemplate, PinpointFacts, Project, ProjectSettings, QuietTime, Segment, Tags,
};
use aws_sdk_pinpoint::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_pinpoint::types;
use aws_sdk_pinpoint::Client;
use futures_util::stream::{self, StreamExt};
use std::collections::{HashMap, HashSet};
use std::future::Future;

/// Items per page asked for (the API documents no maximum; 100 is what the console uses).
const PAGE: &str = "100";
/// Guard against a server that never stops handing out tokens.
const MAX_PAGES: usize = 10_000;
/// Import/export jobs pile up (a daily sync is 365 a year) and the API documents no order, so
/// at most this many pages are read per project and kind...
const JOB_PAGES: usize = 10;
/// ...of which the most recent by creation date are kept: the rules want recent imports.
const JOBS_KEPT: usize = 100;

/// Reads Pinpoint in one Region. `None` when nothing of it could be read, or when the service
/// is gone from the Region (end of support) or not offered there.
pub async fn collect(ctx: &Ctx, client: &Client) -> Option<PinpointFacts> {
    let apps = applications(ctx, client).await;
    if apps.is_none() && service_gone(ctx, "GetApps") {
        ctx.mark_service_failed("GetApps");
        return None;
    }
    let read_projects = async {
        let apps = apps.clone().unwrap_or_default();
        let mut out: Vec<Project> = stream::iter(apps)
            .map(|app| project(ctx, client, app))
            .buffer_unordered(ctx.concurrency)
            .collect()
            .await;
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        out
    };
    let (projects, templates) = tokio::join!(read_projects, templates(ctx, client));
    if apps.is_none() && templates.is_none() {
        return None;
    }
    Some(PinpointFacts {
        projects,
        templates: templates.unwrap_or_default(),
    })
}

/// The first call failed in a way that means Pinpoint is not there: not offered, Region not
/// enabled, or an endpoint that no longer serves the API (a 404 page after end of support).
fn service_gone(ctx: &Ctx, operation: &str) -> bool {
    use crate::facts::FailureReason::*;
    matches!(
        ctx.recorder.failure(ctx.service, &ctx.region, operation),
        Some(NotOffered | RegionNotEnabled | Unsupported)
    )
}

/// Follows a NextToken by hand for at most `max_pages` pages: `send` sends the request for a
/// token, `each` takes a page and returns its NextToken. False when the first page failed (the
/// failure is recorded; so is a later page's, and the pages before it are kept).
pub(crate) async fn follow<O, E, Fut>(
    ctx: &Ctx,
    operation: &str,
    max_pages: usize,
    mut send: impl FnMut(Option<String>) -> Fut,
    mut each: impl FnMut(O) -> Option<String>,
) -> bool
where
    Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut token: Option<String> = None;
    let mut seen: HashSet<String> = HashSet::new();
    for n in 0..max_pages {
        let Some(page) = ctx.call(operation, send(token.take())).await else {
            return n > 0;
        };
        match each(page).filter(|t| !t.is_empty()) {
            // A token handed out twice would loop forever.
            Some(next) if seen.insert(next.clone()) => token = Some(next),
            _ => break,
        }
    }
    true
}

/// One listed application.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub tags: Tags,
}

impl From<&types::ApplicationResponse> for App {
    fn from(a: &types::ApplicationResponse) -> Self {
        App {
            id: a.id().unwrap_or_default().to_string(),
            arn: a.arn().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            tags: tags(a.tags()),
        }
    }
}

fn tags(t: Option<&HashMap<String, String>>) -> Tags {
    t.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

async fn applications(ctx: &Ctx, client: &Client) -> Option<Vec<App>> {
    let mut apps: Vec<App> = Vec::new();
    let read = follow(
        ctx,
        "GetApps",
        MAX_PAGES,
        |token| client.get_apps().page_size(PAGE).set_token(token).send(),
        |page| {
            let r = page.applications_response()?;
            apps.extend(
                r.item()
                    .iter()
                    .map(App::from)
                    .filter(|a| !a.id.is_empty()),
            );
            r.next_token().map(str::to_string)
        },
    )
    .await;
    read.then_some(apps)
}

/// Every per-project read, concurrently. A failed read leaves its part empty (recorded).
async fn project(ctx: &Ctx, client: &Client, app: App) -> Project {
    let id = app.id.as_str();
    let (settings, channels, event_stream, journeys, segments, campaigns, imports, exports) = tokio::join!(
        settings(ctx, client, id),
        channels(ctx, client, id),
        event_stream(ctx, client, id),
        journeys(ctx, client, id),
        segments(ctx, client, id),
        campaigns(ctx, client, id),
        import_jobs(ctx, client, id),
        export_jobs(ctx, client, id),
    );
    Project {
        id: app.id,
        arn: app.arn,
        name: app.name,
        tags: app.tags,
        settings,
        channels,
        event_stream,
        journeys,
        segments,
        campaigns,
        import_jobs: imports,
        export_jobs: exports,
    }
}

async fn settings(ctx: &Ctx, client: &Client, id: &str) -> Option<ProjectSettings> {
    let out = ctx
        .call(
            "GetApplicationSettings",
            client.get_application_settings().application_id(id).send(),
        )
        .await?;
    out.application_settings_resource()
        .map(ProjectSettings::from)
}

impl From<&types::ApplicationSettingsResource> for ProjectSettings {
    fn from(s: &types::ApplicationSettingsResource) -> Self {
        ProjectSettings {
            campaign_hook: s.campaign_hook().and_then(campaign_hook),
            limits: s.limits().map(|l| CampaignLimits {
                daily: l.daily().map(i64::from),
                maximum_duration: l.maximum_duration().map(i64::from),
                messages_per_second: l.messages_per_second().map(i64::from),
                total: l.total().map(i64::from),
                session: l.session().map(i64::from),
            }),
            quiet_time: s
                .quiet_time()
                .filter(|q| q.start().is_some() || q.end().is_some())
                .map(|q| QuietTime {
                    start: q.start().map(str::to_string),
                    end: q.end().map(str::to_string),
                }),
            // GetApplicationSettings does not return CloudWatchMetricsEnabled (only the
            // update request has it), so it cannot be read.
            cloudwatch_metrics_enabled: false,
        }
    }
}

/// A hook with neither a function nor a URL is no hook (the API answers `{}` once cleared).
fn campaign_hook(h: &types::CampaignHook) -> Option<CampaignHook> {
    let hook = CampaignHook {
        lambda_function_name: h
            .lambda_function_name()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        mode: h.mode().map(|m| m.as_str().to_string()),
        web_url: h.web_url().filter(|s| !s.is_empty()).map(str::to_string),
    };
    (hook.lambda_function_name.is_some() || hook.web_url.is_some()).then_some(hook)
}

// ----- channels -----

async fn channels(ctx: &Ctx, client: &Client, id: &str) -> Vec<Channel> {
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
    let mut channels: Vec<Channel> = stream::iter(listed)
        .map(|c| push_details(ctx, client, id, c))
        .buffer_unordered(ctx.concurrency)
        .filter_map(std::future::ready)
        .collect()
        .await;
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
async fn push_details(ctx: &Ctx, client: &Client, id: &str, listed: Channel) -> Option<Channel> {
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
            |c| apns_channel(&t, c.enabled(), c.has_token_key(), c.default_authentication_method())
        ),
        "APNS_SANDBOX" => read!(
            "GetApnsSandboxChannel",
            get_apns_sandbox_channel,
            apns_sandbox_channel_response,
            |c| apns_channel(&t, c.enabled(), c.has_token_key(), c.default_authentication_method())
        ),
        "APNS_VOIP" => read!(
            "GetApnsVoipChannel",
            get_apns_voip_channel,
            apns_voip_channel_response,
            |c| apns_channel(&t, c.enabled(), c.has_token_key(), c.default_authentication_method())
        ),
        "APNS_VOIP_SANDBOX" => read!(
            "GetApnsVoipSandboxChannel",
            get_apns_voip_sandbox_channel,
            apns_voip_sandbox_channel_response,
            |c| apns_channel(&t, c.enabled(), c.has_token_key(), c.default_authentication_method())
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

// ----- event stream, journeys, segments, campaigns, jobs -----

async fn event_stream(ctx: &Ctx, client: &Client, id: &str) -> Option<EventStream> {
    // NotFound is a project without an event stream: a successful read of "none".
    let out = ctx
        .call_or_missing(
            "GetEventStream",
            client.get_event_stream().application_id(id).send(),
            |e| e.is_not_found_exception(),
        )
        .await??;
    out.event_stream().and_then(event_stream_facts)
}

pub fn event_stream_facts(e: &types::EventStream) -> Option<EventStream> {
    let arn = e.destination_stream_arn().filter(|s| !s.is_empty())?;
    Some(EventStream {
        destination_stream_arn: arn.to_string(),
        role_arn: e.role_arn().unwrap_or_default().to_string(),
    })
}

/// One hand-paginated per-project list, mapped.
macro_rules! project_list {
    ($ctx:expr, $client:expr, $id:expr, $op:literal, $method:ident, $payload:ident, $pages:expr, $map:expr) => {{
        let mut out = Vec::new();
        follow(
            $ctx,
            $op,
            $pages,
            |token| {
                $client
                    .$method()
                    .application_id($id)
                    .page_size(PAGE)
                    .set_token(token)
                    .send()
            },
            |page| {
                let r = page.$payload()?;
                out.extend(r.item().iter().filter_map($map));
                r.next_token().map(str::to_string)
            },
        )
        .await;
        out
    }};
}

async fn journeys(ctx: &Ctx, client: &Client, id: &str) -> Vec<Journey> {
    let mut out = project_list!(
        ctx,
        client,
        id,
        "ListJourneys",
        list_journeys,
        journeys_response,
        MAX_PAGES,
        journey
    );
    out.sort_by(|a: &Journey, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    out
}

pub fn journey(j: &types::JourneyResponse) -> Option<Journey> {
    Some(Journey {
        id: j.id()?.to_string(),
        name: j.name().unwrap_or_default().to_string(),
        state: j.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
    })
}

async fn segments(ctx: &Ctx, client: &Client, id: &str) -> Vec<Segment> {
    let mut out = project_list!(
        ctx,
        client,
        id,
        "GetSegments",
        get_segments,
        segments_response,
        MAX_PAGES,
        segment
    );
    out.sort_by(|a: &Segment, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    out
}

pub fn segment(s: &types::SegmentResponse) -> Option<Segment> {
    Some(Segment {
        id: s.id()?.to_string(),
        name: s.name().unwrap_or_default().to_string(),
        segment_type: s.segment_type().map(|t| t.as_str().to_string()),
    })
}

async fn campaigns(ctx: &Ctx, client: &Client, id: &str) -> Vec<Campaign> {
    let mut out = project_list!(
        ctx,
        client,
        id,
        "GetCampaigns",
        get_campaigns,
        campaigns_response,
        MAX_PAGES,
        campaign
    );
    out.sort_by(|a: &Campaign, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    out
}

/// A campaign with the Lambda functions it calls: its own hook, and the custom delivery
/// channel of the campaign or, failing that, of its first treatment that has one. A delivery
/// URI that is an HTTPS endpoint is no function.
pub fn campaign(c: &types::CampaignResponse) -> Option<Campaign> {
    let lambda_uri = |d: &types::CustomDeliveryConfiguration| {
        d.delivery_uri()
            .filter(|u| !u.is_empty() && !is_url(u))
            .map(str::to_string)
    };
    let custom = c
        .custom_delivery_configuration()
        .and_then(lambda_uri)
        .or_else(|| {
            c.additional_treatments()
                .iter()
                .filter_map(|t| t.custom_delivery_configuration())
                .find_map(lambda_uri)
        });
    Some(Campaign {
        id: c.id()?.to_string(),
        name: c.name().unwrap_or_default().to_string(),
        state: c
            .state()
            .and_then(|s| s.campaign_status())
            .map(|s| s.as_str().to_string()),
        hook_lambda: c
            .hook()
            .and_then(|h| h.lambda_function_name())
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        custom_delivery_lambda: custom,
    })
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

async fn import_jobs(ctx: &Ctx, client: &Client, id: &str) -> Vec<ImportJob> {
    let out = project_list!(
        ctx,
        client,
        id,
        "GetImportJobs",
        get_import_jobs,
        import_jobs_response,
        JOB_PAGES,
        import_job
    );
    most_recent(out)
}

async fn export_jobs(ctx: &Ctx, client: &Client, id: &str) -> Vec<ImportJob> {
    let out = project_list!(
        ctx,
        client,
        id,
        "GetExportJobs",
        get_export_jobs,
        export_jobs_response,
        JOB_PAGES,
        export_job
    );
    most_recent(out)
}

pub fn import_job(j: &types::ImportJobResponse) -> Option<ImportJob> {
    let d = j.definition();
    Some(ImportJob {
        id: j.id()?.to_string(),
        job_status: j.job_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        creation_date: j.creation_date().map(str::to_string),
        completion_date: j.completion_date().map(str::to_string),
        role_arn: d.and_then(|d| d.role_arn()).map(str::to_string),
        s3_url: d.and_then(|d| d.s3_url()).map(str::to_string),
    })
}

pub fn export_job(j: &types::ExportJobResponse) -> Option<ImportJob> {
    let d = j.definition();
    Some(ImportJob {
        id: j.id()?.to_string(),
        job_status: j.job_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        creation_date: j.creation_date().map(str::to_string),
        completion_date: j.completion_date().map(str::to_string),
        role_arn: d.and_then(|d| d.role_arn()).map(str::to_string),
        s3_url: d.and_then(|d| d.s3_url_prefix()).map(str::to_string),
    })
}

/// The `JOBS_KEPT` most recent jobs, newest first (ISO-8601 UTC dates sort as text).
pub fn most_recent(mut jobs: Vec<ImportJob>) -> Vec<ImportJob> {
    jobs.sort_by(|a, b| {
        b.creation_date
            .cmp(&a.creation_date)
            .then_with(|| a.id.cmp(&b.id))
    });
    jobs.dedup_by(|a, b| a.id == b.id);
    jobs.truncate(JOBS_KEPT);
    jobs
}

// ----- templates -----

async fn templates(ctx: &Ctx, client: &Client) -> Option<Vec<MessageTemplate>> {
    let mut listed: Vec<MessageTemplate> = Vec::new();
    let read = follow(
        ctx,
        "ListTemplates",
        MAX_PAGES,
        |token| {
            client
                .list_templates()
                .page_size(PAGE)
                .set_next_token(token)
                .send()
        },
        |page| {
            let r = page.templates_response()?;
            listed.extend(r.item().iter().filter_map(listed_template));
            r.next_token().map(str::to_string)
        },
    )
    .await;
    if !read {
        return None;
    }
    let mut out: Vec<MessageTemplate> = stream::iter(listed)
        .map(|t| template(ctx, client, t))
        .buffer_unordered(ctx.concurrency)
        .filter_map(std::future::ready)
        .collect()
        .await;
    out.sort_by(|a, b| {
        a.template_type
            .cmp(&b.template_type)
            .then_with(|| a.name.cmp(&b.name))
    });
    Some(out)
}

/// A listed template, its content not read yet (`content_hash` empty).
pub fn listed_template(t: &types::TemplateResponse) -> Option<MessageTemplate> {
    Some(MessageTemplate {
        name: t.template_name().filter(|n| !n.is_empty())?.to_string(),
        template_type: t.template_type()?.as_str().to_string(),
        version: t.version().map(str::to_string),
        content_hash: String::new(),
    })
}

/// Reads the active version of one template. `None` when it was deleted meanwhile. When the
/// read fails (recorded) the template is kept as listed, its hash empty: it exists, which is
/// what TPL-001 needs, and TPL-002, which needs the content, is not assessed for the failure.
async fn template(ctx: &Ctx, client: &Client, listed: MessageTemplate) -> Option<MessageTemplate> {
    macro_rules! read {
        ($op:literal, $method:ident, $payload:ident, $hash:ident) => {
            ctx.call_or_missing(
                $op,
                client
                    .$method()
                    .template_name(listed.name.as_str())
                    .send(),
                |e| e.is_not_found_exception(),
            )
            .await
            .map(|got| {
                got.map(|out| {
                    out.$payload()
                        .map(|r| (r.version().map(str::to_string), $hash(r)))
                })
            })
        };
    }
    let got = match listed.template_type.as_str() {
        "EMAIL" => read!(
            "GetEmailTemplate",
            get_email_template,
            email_template_response,
            email_template_hash
        ),
        "SMS" => read!(
            "GetSmsTemplate",
            get_sms_template,
            sms_template_response,
            sms_template_hash
        ),
        "PUSH" => read!(
            "GetPushTemplate",
            get_push_template,
            push_notification_template_response,
            push_template_hash
        ),
        "VOICE" => read!(
            "GetVoiceTemplate",
            get_voice_template,
            voice_template_response,
            voice_template_hash
        ),
        "INAPP" => read!(
            "GetInAppTemplate",
            get_in_app_template,
            in_app_template_response,
            in_app_template_hash
        ),
        // A type this version does not know: listed, content unknown.
        _ => return Some(listed),
    };
    match got {
        None => Some(listed),
        Some(None) => None,
        Some(Some(None)) => Some(listed),
        Some(Some(Some((version, hash)))) => Some(MessageTemplate {
            version: version.or(listed.version.clone()),
            content_hash: hash,
            ..listed
        }),
    }
}

/// Content parts in a fixed order, hashed with [`content_hash`]. A nested part that is absent
/// and one that is present but empty hash differently.
#[derive(Default)]
struct Parts(Vec<Option<String>>);

impl Parts {
    fn s(&mut self, v: Option<&str>) -> &mut Self {
        self.0.push(v.map(str::to_string));
        self
    }
    fn n(&mut self, v: Option<i32>) -> &mut Self {
        self.0.push(v.map(|n| n.to_string()));
        self
    }
    /// Marks whether an optional structure is present; its fields follow only if it is.
    fn has<T>(&mut self, label: &str, v: Option<T>) -> Option<T> {
        self.0.push(v.is_some().then(|| label.to_string()));
        v
    }
    fn map(&mut self, m: Option<&HashMap<String, String>>) -> &mut Self {
        let mut kv: Vec<(&String, &String)> = m.map(|m| m.iter().collect()).unwrap_or_default();
        kv.sort();
        self.0.push(Some(kv.len().to_string()));
        for (k, v) in kv {
            self.s(Some(k)).s(Some(v));
        }
        self
    }
    fn hash(&self) -> String {
        let parts: Vec<Option<&str>> = self.0.iter().map(|p| p.as_deref()).collect();
        content_hash(&parts)
    }
}

pub fn email_template_hash(t: &types::EmailTemplateResponse) -> String {
    let mut p = Parts::default();
    p.s(t.subject())
        .s(t.text_part())
        .s(t.html_part())
        .s(t.default_substitutions())
        .s(t.recommender_id());
    p.0.push(Some(t.headers().len().to_string()));
    for h in t.headers() {
        p.s(h.name()).s(h.value());
    }
    p.hash()
}

pub fn sms_template_hash(t: &types::SmsTemplateResponse) -> String {
    let mut p = Parts::default();
    p.s(t.body())
        .s(t.default_substitutions())
        .s(t.recommender_id());
    p.hash()
}

pub fn voice_template_hash(t: &types::VoiceTemplateResponse) -> String {
    let mut p = Parts::default();
    p.s(t.body())
        .s(t.language_code())
        .s(t.voice_id())
        .s(t.default_substitutions());
    p.hash()
}

pub fn push_template_hash(t: &types::PushNotificationTemplateResponse) -> String {
    let mut p = Parts::default();
    let android = |p: &mut Parts, label: &str, a: Option<&types::AndroidPushNotificationTemplate>| {
        if let Some(a) = p.has(label, a) {
            p.s(a.action().map(|x| x.as_str()))
                .s(a.title())
                .s(a.body())
                .s(a.image_icon_url())
                .s(a.image_url())
                .s(a.small_image_icon_url())
                .s(a.raw_content())
                .s(a.sound())
                .s(a.url());
        }
    };
    android(&mut p, "adm", t.adm());
    android(&mut p, "baidu", t.baidu());
    android(&mut p, "gcm", t.gcm());
    if let Some(a) = p.has("apns", t.apns()) {
        p.s(a.action().map(|x| x.as_str()))
            .s(a.title())
            .s(a.body())
            .s(a.media_url())
            .s(a.raw_content())
            .s(a.sound())
            .s(a.url());
    }
    if let Some(d) = p.has("default", t.default_value()) {
        p.s(d.action().map(|x| x.as_str()))
            .s(d.title())
            .s(d.body())
            .s(d.sound())
            .s(d.url());
    }
    p.s(t.default_substitutions()).s(t.recommender_id());
    p.hash()
}

pub fn in_app_template_hash(t: &types::InAppTemplateResponse) -> String {
    let mut p = Parts::default();
    p.s(t.layout().map(|l| l.as_str()));
    p.map(t.custom_config());
    p.0.push(Some(t.content().len().to_string()));
    for c in t.content() {
        p.s(c.background_color()).s(c.image_url());
        if let Some(h) = p.has("header", c.header_config()) {
            p.s(h.alignment().map(|a| a.as_str()))
                .s(h.header())
                .s(h.text_color());
        }
        if let Some(b) = p.has("body", c.body_config()) {
            p.s(b.alignment().map(|a| a.as_str()))
                .s(b.body())
                .s(b.text_color());
        }
        for (label, button) in [("primary", c.primary_btn()), ("secondary", c.secondary_btn())] {
            let Some(b) = p.has(label, button) else {
                continue;
            };
            if let Some(d) = p.has("default", b.default_config()) {
                p.s(d.background_color())
                    .n(d.border_radius())
                    .s(d.button_action().map(|a| a.as_str()))
                    .s(d.link())
                    .s(d.text())
                    .s(d.text_color());
            }
            for (os, o) in [("android", b.android()), ("ios", b.ios()), ("web", b.web())] {
                if let Some(o) = p.has(os, o) {
                    p.s(o.button_action().map(|a| a.as_str())).s(o.link());
                }
            }
        }
    }
    p.hash()
}
