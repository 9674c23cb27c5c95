//! Amazon Pinpoint (`mobiletargeting`): projects with their settings, channels, event stream,
//! journeys, segments, campaigns and import/export jobs, and the Region's message templates.
//! The crate has no paginators: NextToken is followed by hand, one paced call per page.
//!
//! Push credentials are never kept: a channel says only whether it has one. GetGcmChannel
//! carries the server key (`Credential`) in its answer; it is looked at for presence and
//! dropped. Baidu and ADM channels are not read one by one: their update requests require both
//! keys, so a listed channel has them, and GetBaiduChannel would only return a secret.

use super::{content_hash, Ctx, HttpResponse};
use crate::model::facts::{
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
            .map(|app| Box::pin(project(ctx, client, app)))
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
    use crate::model::facts::FailureReason::*;
    matches!(
        ctx.recorder.failure(ctx.service, &ctx.region, operation),
        Some((NotOffered | RegionNotEnabled | Unsupported, _))
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
            apps.extend(r.item().iter().map(App::from).filter(|a| !a.id.is_empty()));
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
            // `Limits: {}` (what a project without limits may answer) is no limits, so that
            // two Regions compare equal whichever way they say it.
            limits: s
                .limits()
                .map(|l| CampaignLimits {
                    daily: l.daily().map(i64::from),
                    maximum_duration: l.maximum_duration().map(i64::from),
                    messages_per_second: l.messages_per_second().map(i64::from),
                    total: l.total().map(i64::from),
                    session: l.session().map(i64::from),
                })
                .filter(|l| *l != CampaignLimits::default()),
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
        state: j
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
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
        job_status: j
            .job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
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
        job_status: j
            .job_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
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
    let mut out: Vec<MessageTemplate> = ctx.each(listed, |t| template(ctx, client, t)).await;
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
                client.$method().template_name(listed.name.as_str()).send(),
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
    let android =
        |p: &mut Parts, label: &str, a: Option<&types::AndroidPushNotificationTemplate>| {
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
        for (label, button) in [
            ("primary", c.primary_btn()),
            ("secondary", c.secondary_btn()),
        ] {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::{Limits, Pacer, Recorder, Salt};
    use aws_sdk_pinpoint::operation::get_apps::{GetAppsError, GetAppsOutput};
    use std::sync::{Arc, Mutex};

    fn ctx() -> Ctx {
        Ctx {
            region: "us-east-1".into(),
            service: crate::model::service::Service::Pinpoint,
            salt: Salt::fixed([3; 32]),
            recorder: Recorder::default(),
            pacer: Pacer::new(Limits {
                ses_rps: 1000,
                ..Limits::default()
            }),
            concurrency: 4,
            cancel: Default::default(),
        }
    }

    fn app(id: &str) -> types::ApplicationResponse {
        types::ApplicationResponse::builder()
            .id(id)
            .arn(format!("arn:aws:mobiletargeting:us-east-1:1:apps/{id}"))
            .name(format!("name-{id}"))
            .tags("team", "msg")
            .build()
    }

    /// GetApps pages: tokens "" → "t1" → "t2" → end.
    fn page(token: Option<&str>) -> GetAppsOutput {
        let (ids, next): (&[&str], Option<&str>) = match token {
            None => (&["a", "b"], Some("t1")),
            Some("t1") => (&["c"], Some("t2")),
            Some("t2") => (&["d"], None),
            Some(other) => panic!("unexpected token {other}"),
        };
        let mut r = types::ApplicationsResponse::builder();
        for id in ids {
            r = r.item(app(id));
        }
        GetAppsOutput::builder()
            .applications_response(r.set_next_token(next.map(str::to_string)).build())
            .build()
    }

    #[tokio::test]
    async fn follow_walks_next_token_to_the_end() {
        let ctx = ctx();
        let sent: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let mut apps: Vec<App> = Vec::new();
        let read = follow(
            &ctx,
            "GetApps",
            MAX_PAGES,
            |token: Option<String>| {
                sent.lock().unwrap().push(token.clone());
                std::future::ready(Ok::<_, SdkError<GetAppsError, HttpResponse>>(page(
                    token.as_deref(),
                )))
            },
            |p| {
                let r = p.applications_response()?;
                apps.extend(r.item().iter().map(App::from));
                r.next_token().map(str::to_string)
            },
        )
        .await;
        assert!(read);
        let ids: Vec<&str> = apps.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(
            *sent.lock().unwrap(),
            [None, Some("t1".to_string()), Some("t2".to_string())]
        );
        assert_eq!(apps[0].name, "name-a");
        assert_eq!(apps[0].tags.get("team").map(String::as_str), Some("msg"));
        let st = ctx.recorder.statuses();
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].calls, Some(3));
    }

    #[tokio::test]
    async fn follow_stops_at_max_pages_and_on_a_repeated_token() {
        let ctx = ctx();
        let mut calls = 0;
        let read = follow(
            &ctx,
            "GetApps",
            2,
            |t: Option<String>| {
                calls += 1;
                std::future::ready(Ok::<_, SdkError<GetAppsError, HttpResponse>>(page(
                    t.as_deref(),
                )))
            },
            |p| p.applications_response()?.next_token().map(str::to_string),
        )
        .await;
        assert!(read);
        assert_eq!(calls, 2);
        // A server that hands out the same token again is not followed round in circles.
        let mut calls = 0;
        follow(
            &ctx,
            "GetApps",
            MAX_PAGES,
            |_: Option<String>| {
                calls += 1;
                std::future::ready(Ok::<_, SdkError<GetAppsError, HttpResponse>>(
                    GetAppsOutput::builder().build(),
                ))
            },
            |_| Some("same".to_string()),
        )
        .await;
        assert_eq!(calls, 2);
    }

    #[tokio::test]
    async fn follow_reports_a_failed_first_page_and_keeps_earlier_pages() {
        let ctx = ctx();
        let read = follow(
            &ctx,
            "GetApps",
            MAX_PAGES,
            |_: Option<String>| {
                std::future::ready(Err::<GetAppsOutput, _>(SdkError::<
                    GetAppsError,
                    HttpResponse,
                >::construction_failure(
                    "boom"
                )))
            },
            |_| None,
        )
        .await;
        assert!(!read);
        assert!(ctx
            .recorder
            .failure(
                crate::model::service::Service::Pinpoint,
                "us-east-1",
                "GetApps"
            )
            .is_some());
        assert!(!service_gone(&ctx, "GetApps"));

        let ctx = super::tests::ctx();
        let mut n = 0;
        let read = follow(
            &ctx,
            "GetSegments",
            MAX_PAGES,
            |t: Option<String>| {
                n += 1;
                std::future::ready(match t {
                    None => Ok(page(None)),
                    Some(_) => {
                        Err(SdkError::<GetAppsError, HttpResponse>::construction_failure("boom"))
                    }
                })
            },
            |p| p.applications_response()?.next_token().map(str::to_string),
        )
        .await;
        assert!(read, "the first page was read");
        assert_eq!(n, 2);
        assert!(ctx
            .recorder
            .failure(
                crate::model::service::Service::Pinpoint,
                "us-east-1",
                "GetSegments"
            )
            .is_some());
    }

    #[test]
    fn settings_hook_limits_quiet_time() {
        let s = types::ApplicationSettingsResource::builder()
            .campaign_hook(
                types::CampaignHook::builder()
                    .lambda_function_name("arn:aws:lambda:us-east-1:1:function:filter")
                    .mode(types::Mode::Filter)
                    .build(),
            )
            .limits(
                types::CampaignLimits::builder()
                    .daily(5)
                    .maximum_duration(60)
                    .messages_per_second(50)
                    .total(10)
                    .session(2)
                    .build(),
            )
            .quiet_time(
                types::QuietTime::builder()
                    .start("22:00")
                    .end("07:00")
                    .build(),
            )
            .build();
        let f = ProjectSettings::from(&s);
        let h = f.campaign_hook.expect("hook");
        assert_eq!(
            h.lambda_function_name.as_deref(),
            Some("arn:aws:lambda:us-east-1:1:function:filter")
        );
        assert_eq!(h.mode.as_deref(), Some("FILTER"));
        assert_eq!(h.web_url, None);
        let l = f.limits.expect("limits");
        assert_eq!(
            (
                l.daily,
                l.maximum_duration,
                l.messages_per_second,
                l.total,
                l.session
            ),
            (Some(5), Some(60), Some(50), Some(10), Some(2))
        );
        let q = f.quiet_time.expect("quiet time");
        assert_eq!(
            (q.start.as_deref(), q.end.as_deref()),
            (Some("22:00"), Some("07:00"))
        );
        // A cleared hook (`{}`) and an empty quiet time are none.
        let bare = ProjectSettings::from(
            &types::ApplicationSettingsResource::builder()
                .campaign_hook(types::CampaignHook::builder().build())
                .quiet_time(types::QuietTime::builder().build())
                .limits(types::CampaignLimits::builder().build())
                .build(),
        );
        assert_eq!(bare.campaign_hook, None);
        assert_eq!(bare.quiet_time, None);
        assert_eq!(bare.limits, None);
    }

    #[test]
    fn channel_summary() {
        let ch = |enabled: bool| types::ChannelResponse::builder().enabled(enabled).build();
        let r = types::ChannelsResponse::builder()
            .channels("SMS", ch(true))
            .channels("EMAIL", ch(false))
            .channels("BAIDU", ch(true))
            .channels("ADM", ch(true))
            .channels("APNS", ch(true))
            .channels(
                "GCM",
                types::ChannelResponse::builder()
                    .enabled(true)
                    .is_archived(true)
                    .build(),
            )
            .build();
        let c = listed_channels(&r);
        let got: Vec<(&str, bool, bool)> = c
            .iter()
            .map(|c| (c.channel_type.as_str(), c.enabled, c.has_credential))
            .collect();
        assert_eq!(
            got,
            [
                ("ADM", true, true),
                ("APNS", true, false),
                ("BAIDU", true, true),
                ("EMAIL", false, false),
                ("SMS", true, false),
            ]
        );
    }

    #[test]
    fn apns_credentials_and_methods() {
        let token = apns_channel("APNS", Some(true), Some(true), Some("TOKEN"));
        assert!(token.enabled && token.has_credential);
        assert_eq!(token.authentication_method.as_deref(), Some("TOKEN"));
        let cert = apns_channel("APNS_VOIP", Some(true), Some(false), Some("CERTIFICATE"));
        assert!(cert.has_credential);
        assert_eq!(cert.channel_type, "APNS_VOIP");
        assert_eq!(cert.authentication_method.as_deref(), Some("CERTIFICATE"));
        let none = apns_channel("APNS_SANDBOX", None, None, Some(""));
        assert!(!none.enabled && !none.has_credential);
        assert_eq!(none.authentication_method, None);
    }

    #[test]
    fn gcm_secret_never_reaches_the_facts() {
        const SECRET: &str = "AAAA-server-key-do-not-store-1234567890";
        let gcm = types::GcmChannelResponse::builder()
            .enabled(true)
            .credential(SECRET)
            .default_authentication_method("KEY")
            .has_credential(true)
            .platform("GCM")
            .build();
        let c = Channel::from(&gcm);
        assert!(c.enabled && c.has_credential);
        assert_eq!(c.authentication_method.as_deref(), Some("KEY"));
        let facts = PinpointFacts {
            projects: vec![Project {
                id: "a".into(),
                arn: "arn".into(),
                name: "p".into(),
                channels: vec![c],
                ..Project::default()
            }],
            templates: vec![],
        };
        let json = serde_json::to_string(&facts).expect("json");
        assert!(!json.contains(SECRET), "{json}");
        assert!(!json.contains("server-key"));
        // FCM v1 service credentials: no key in the answer, the flag says so.
        let v1 = types::GcmChannelResponse::builder()
            .enabled(true)
            .has_fcm_service_credentials(true)
            .default_authentication_method("TOKEN")
            .platform("GCM")
            .build();
        assert!(Channel::from(&v1).has_credential);
        let bare = types::GcmChannelResponse::builder()
            .enabled(true)
            .platform("GCM")
            .build();
        assert!(!Channel::from(&bare).has_credential);
    }

    #[test]
    fn event_stream_mapping() {
        let e = types::EventStream::builder()
            .application_id("a")
            .destination_stream_arn("arn:aws:firehose:us-east-1:1:deliverystream/ev")
            .role_arn("arn:aws:iam::1:role/pinpoint-events")
            .build();
        let f = event_stream_facts(&e).expect("stream");
        assert_eq!(
            f.destination_stream_arn,
            "arn:aws:firehose:us-east-1:1:deliverystream/ev"
        );
        assert_eq!(f.role_arn, "arn:aws:iam::1:role/pinpoint-events");
        assert_eq!(
            event_stream_facts(&types::EventStream::builder().build()),
            None
        );
    }

    #[test]
    fn journeys_segments_campaigns() {
        let j = journey(
            &types::JourneyResponse::builder()
                .id("j1")
                .name("welcome")
                .state(types::State::Active)
                .build(),
        )
        .expect("journey");
        assert_eq!(
            (j.id.as_str(), j.name.as_str(), j.state.as_str()),
            ("j1", "welcome", "ACTIVE")
        );
        assert_eq!(journey(&types::JourneyResponse::builder().build()), None);

        let s = segment(
            &types::SegmentResponse::builder()
                .id("s1")
                .name("all")
                .segment_type(types::SegmentType::Import)
                .build(),
        )
        .expect("segment");
        assert_eq!(s.segment_type.as_deref(), Some("IMPORT"));

        let delivery = |uri: &str| {
            types::CustomDeliveryConfiguration::builder()
                .delivery_uri(uri)
                .build()
        };
        let c = campaign(
            &types::CampaignResponse::builder()
                .id("c1")
                .name("promo")
                .state(
                    types::CampaignState::builder()
                        .campaign_status(types::CampaignStatus::Scheduled)
                        .build(),
                )
                .hook(
                    types::CampaignHook::builder()
                        .lambda_function_name("hook-fn")
                        .mode(types::Mode::Filter)
                        .build(),
                )
                .custom_delivery_configuration(delivery(
                    "arn:aws:lambda:us-east-1:1:function:deliver",
                ))
                .build(),
        )
        .expect("campaign");
        assert_eq!(c.state.as_deref(), Some("SCHEDULED"));
        assert_eq!(c.hook_lambda.as_deref(), Some("hook-fn"));
        assert_eq!(
            c.custom_delivery_lambda.as_deref(),
            Some("arn:aws:lambda:us-east-1:1:function:deliver")
        );
        // An HTTPS endpoint is no function; a treatment's function is the campaign's.
        let c = campaign(
            &types::CampaignResponse::builder()
                .id("c2")
                .name("ab")
                .custom_delivery_configuration(delivery("https://example.com/hook"))
                .additional_treatments(
                    types::TreatmentResource::builder()
                        .id("t1")
                        .size_percent(50)
                        .custom_delivery_configuration(delivery("treatment-fn"))
                        .build(),
                )
                .build(),
        )
        .expect("campaign");
        assert_eq!(c.custom_delivery_lambda.as_deref(), Some("treatment-fn"));
        assert_eq!(c.hook_lambda, None);
        assert_eq!(c.state, None);
    }

    #[test]
    fn jobs_keep_the_most_recent() {
        let imp = import_job(
            &types::ImportJobResponse::builder()
                .id("i1")
                .job_status(types::JobStatus::Completed)
                .creation_date("2026-11-01T10:00:00.000Z")
                .completion_date("2026-11-01T10:05:00.000Z")
                .definition(
                    types::ImportJobResource::builder()
                        .role_arn("arn:aws:iam::1:role/import")
                        .s3_url("s3://bucket/endpoints/")
                        .format(types::Format::Csv)
                        .build(),
                )
                .build(),
        )
        .expect("import");
        assert_eq!(imp.job_status, "COMPLETED");
        assert_eq!(imp.s3_url.as_deref(), Some("s3://bucket/endpoints/"));
        assert_eq!(imp.role_arn.as_deref(), Some("arn:aws:iam::1:role/import"));
        assert_eq!(
            imp.completion_date.as_deref(),
            Some("2026-11-01T10:05:00.000Z")
        );
        let exp = export_job(
            &types::ExportJobResponse::builder()
                .id("e1")
                .job_status(types::JobStatus::Failed)
                .definition(
                    types::ExportJobResource::builder()
                        .role_arn("arn:aws:iam::1:role/export")
                        .s3_url_prefix("s3://out/x")
                        .build(),
                )
                .build(),
        )
        .expect("export");
        assert_eq!(exp.s3_url.as_deref(), Some("s3://out/x"));
        assert_eq!(exp.job_status, "FAILED");

        let jobs: Vec<ImportJob> = (0..150)
            .map(|i| ImportJob {
                id: format!("j{i:03}"),
                job_status: "COMPLETED".into(),
                creation_date: Some(format!("2026-01-01T00:{:02}:{:02}Z", i / 60, i % 60)),
                ..ImportJob::default()
            })
            .collect();
        let kept = most_recent(jobs);
        assert_eq!(kept.len(), JOBS_KEPT);
        assert_eq!(kept[0].id, "j149");
        assert_eq!(kept[JOBS_KEPT - 1].id, "j050");
    }

    #[test]
    fn listed_templates() {
        let t = listed_template(
            &types::TemplateResponse::builder()
                .template_name("welcome")
                .template_type(types::TemplateType::Inapp)
                .version("3")
                .build(),
        )
        .expect("template");
        assert_eq!(
            (
                t.name.as_str(),
                t.template_type.as_str(),
                t.version.as_deref()
            ),
            ("welcome", "INAPP", Some("3"))
        );
        assert!(t.content_hash.is_empty());
        assert_eq!(
            listed_template(
                &types::TemplateResponse::builder()
                    .template_name("x")
                    .build()
            ),
            None
        );
    }

    /// Each variant changes one part; every hash must differ from the base and each other.
    fn all_differ(hashes: Vec<String>) {
        let set: HashSet<&String> = hashes.iter().collect();
        assert_eq!(set.len(), hashes.len(), "{hashes:?}");
        assert!(hashes.iter().all(|h| h.len() == 64));
    }

    #[test]
    fn email_and_sms_and_voice_hashes_cover_every_part() {
        let email = |s: &str, t: &str, h: &str, d: &str, hv: &str| {
            email_template_hash(
                &types::EmailTemplateResponse::builder()
                    .template_name("n")
                    .subject(s)
                    .text_part(t)
                    .html_part(h)
                    .default_substitutions(d)
                    .headers(
                        types::MessageHeader::builder()
                            .name("X-A")
                            .value(hv)
                            .build(),
                    )
                    .build(),
            )
        };
        let base = email("S", "T", "H", "{}", "1");
        assert_eq!(base, email("S", "T", "H", "{}", "1"));
        all_differ(vec![
            base,
            email("S2", "T", "H", "{}", "1"),
            email("S", "T2", "H", "{}", "1"),
            email("S", "T", "H2", "{}", "1"),
            email("S", "T", "H", "{\"a\":1}", "1"),
            email("S", "T", "H", "{}", "2"),
            // Text moved from one part to the next.
            email("ST", "", "H", "{}", "1"),
        ]);
        // Name, description and tags are not content.
        let a = types::SmsTemplateResponse::builder()
            .template_name("a")
            .body("code {{x}}")
            .build();
        let b = types::SmsTemplateResponse::builder()
            .template_name("b")
            .template_description("other")
            .tags("k", "v")
            .body("code {{x}}")
            .build();
        assert_eq!(sms_template_hash(&a), sms_template_hash(&b));
        let sms = |body: &str, subs: &str, rec: &str| {
            sms_template_hash(
                &types::SmsTemplateResponse::builder()
                    .body(body)
                    .default_substitutions(subs)
                    .recommender_id(rec)
                    .build(),
            )
        };
        all_differ(vec![
            sms("b", "s", "r"),
            sms("b2", "s", "r"),
            sms("b", "s2", "r"),
            sms("b", "s", "r2"),
        ]);
        let voice = |body: &str, lang: &str, id: &str, subs: &str| {
            voice_template_hash(
                &types::VoiceTemplateResponse::builder()
                    .body(body)
                    .language_code(lang)
                    .voice_id(id)
                    .default_substitutions(subs)
                    .build(),
            )
        };
        all_differ(vec![
            voice("b", "en-US", "Joanna", "{}"),
            voice("b2", "en-US", "Joanna", "{}"),
            voice("b", "en-GB", "Joanna", "{}"),
            voice("b", "en-US", "Matthew", "{}"),
            voice("b", "en-US", "Joanna", "{\"x\":1}"),
        ]);
    }

    #[test]
    fn push_hash_covers_every_platform() {
        let android = |body: &str| {
            types::AndroidPushNotificationTemplate::builder()
                .body(body)
                .title("t")
                .action(types::Action::OpenApp)
                .build()
        };
        let apns = |body: &str| {
            types::ApnsPushNotificationTemplate::builder()
                .body(body)
                .sound("default")
                .build()
        };
        let default = |body: &str| {
            types::DefaultPushNotificationTemplate::builder()
                .body(body)
                .build()
        };
        let push = |adm: &str, baidu: &str, gcm: &str, ap: &str, def: &str| {
            push_template_hash(
                &types::PushNotificationTemplateResponse::builder()
                    .adm(android(adm))
                    .baidu(android(baidu))
                    .gcm(android(gcm))
                    .apns(apns(ap))
                    .default_value(default(def))
                    .build(),
            )
        };
        let base = push("x", "x", "x", "x", "x");
        assert_eq!(base, push("x", "x", "x", "x", "x"));
        all_differ(vec![
            base,
            push("y", "x", "x", "x", "x"),
            push("x", "y", "x", "x", "x"),
            push("x", "x", "y", "x", "x"),
            push("x", "x", "x", "y", "x"),
            push("x", "x", "x", "x", "y"),
        ]);
        // The same body on another platform is other content.
        let only_gcm = types::PushNotificationTemplateResponse::builder()
            .gcm(android("x"))
            .build();
        let only_adm = types::PushNotificationTemplateResponse::builder()
            .adm(android("x"))
            .build();
        assert_ne!(push_template_hash(&only_gcm), push_template_hash(&only_adm));
    }

    #[test]
    fn in_app_hash_covers_content_config_and_layout() {
        let build = |header: &str, link: &str, cfg: &str, layout: types::Layout| {
            in_app_template_hash(
                &types::InAppTemplateResponse::builder()
                    .layout(layout)
                    .custom_config("k", cfg)
                    .content(
                        types::InAppMessageContent::builder()
                            .background_color("#fff")
                            .header_config(
                                types::InAppMessageHeaderConfig::builder()
                                    .header(header)
                                    .alignment(types::Alignment::Center)
                                    .text_color("#000")
                                    .build(),
                            )
                            .primary_btn(
                                types::InAppMessageButton::builder()
                                    .ios(
                                        types::OverrideButtonConfiguration::builder()
                                            .button_action(types::ButtonAction::Link)
                                            .link(link)
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
        };
        let base = build("Hi", "https://a", "1", types::Layout::TopBanner);
        assert_eq!(
            base,
            build("Hi", "https://a", "1", types::Layout::TopBanner)
        );
        all_differ(vec![
            base,
            build("Ho", "https://a", "1", types::Layout::TopBanner),
            build("Hi", "https://b", "1", types::Layout::TopBanner),
            build("Hi", "https://a", "2", types::Layout::TopBanner),
            build("Hi", "https://a", "1", types::Layout::Overlays),
        ]);
    }
}
