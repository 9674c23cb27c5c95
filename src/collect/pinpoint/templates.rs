//! The Region's message templates, as content hashes of their active version.

use super::*;

pub(super) async fn templates(ctx: &Ctx, client: &Client) -> Option<Vec<MessageTemplate>> {
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
pub(super) async fn template(
    ctx: &Ctx,
    client: &Client,
    listed: MessageTemplate,
) -> Option<MessageTemplate> {
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
pub(super) struct Parts(Vec<Option<String>>);

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
