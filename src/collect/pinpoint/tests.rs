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
            .custom_delivery_configuration(delivery("arn:aws:lambda:us-east-1:1:function:deliver"))
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
