//! A project's event stream, and its engagement resources: journeys, segments, campaigns and
//! import/export jobs (the features retired on 2026-10-30).

use super::*;

pub(super) async fn event_stream(ctx: &Ctx, client: &Client, id: &str) -> Option<EventStream> {
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

pub(super) async fn journeys(ctx: &Ctx, client: &Client, id: &str) -> Vec<Journey> {
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

pub(super) async fn segments(ctx: &Ctx, client: &Client, id: &str) -> Vec<Segment> {
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

pub(super) async fn campaigns(ctx: &Ctx, client: &Client, id: &str) -> Vec<Campaign> {
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

pub(super) fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

pub(super) async fn import_jobs(ctx: &Ctx, client: &Client, id: &str) -> Vec<ImportJob> {
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

pub(super) async fn export_jobs(ctx: &Ctx, client: &Client, id: &str) -> Vec<ImportJob> {
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
