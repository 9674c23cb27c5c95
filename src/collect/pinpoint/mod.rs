//! Amazon Pinpoint (`mobiletargeting`): projects with their settings, channels, event stream,
//! journeys, segments, campaigns and import/export jobs, and the Region's message templates.
//! The crate has no paginators: NextToken is followed by hand, one paced call per page.
//!
//! Push credentials are never kept: a channel says only whether it has one. GetGcmChannel
//! carries the server key (`Credential`) in its answer; it is looked at for presence and
//! dropped. Baidu and ADM channels are not read one by one: their update requests require both
//! keys, so a listed channel has them, and GetBaiduChannel would only return a secret.

mod channels;
mod engagement;
mod templates;
#[cfg(test)]
mod tests;

pub use channels::*;
pub use engagement::*;
pub use templates::*;

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
