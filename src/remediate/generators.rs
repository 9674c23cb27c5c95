//! One generator per rule (or family of rules): from a failing result, and the facts behind it
//! when the input was a fact snapshot, the resources and checklist items that close it.
//!
//! A resource is generated only for what is *missing* in the Region: CloudFormation cannot
//! adopt or modify a resource it did not create, so a resource that exists but is misconfigured
//! gets an exact CLI command in the checklist instead. Whatever a generator cannot handle (no
//! facts, an unexpected shape) falls through to a checklist item carrying the rule's own
//! remediation text, so no failing result is ever dropped.

use super::cfn::{Finding, Node, Parameter, Resource};
use super::checklist::Section;
use super::Plan;
use crate::model::facts::{
    AccountFacts, EmailIdentity, EventDestination, Project, RegionFacts, SesFacts, SmsVoiceFacts,
};
use crate::model::report::Report;
use crate::model::result::RuleResult;
use std::collections::BTreeSet;

struct Ctx<'a> {
    facts: Option<&'a AccountFacts>,
    report: &'a Report,
    region: String,
    primary: String,
    account: String,
}

impl<'a> Ctx<'a> {
    fn rf(&self, region: &str) -> Option<&'a RegionFacts> {
        self.facts.and_then(|f| f.regions.get(region))
    }
    fn ses(&self, region: &str) -> Option<&'a SesFacts> {
        self.rf(region).and_then(|r| r.ses.as_ref())
    }
    fn sms(&self, region: &str) -> Option<&'a SmsVoiceFacts> {
        self.rf(region).and_then(|r| r.sms_voice.as_ref())
    }
    fn projects(&self, region: &str) -> &'a [Project] {
        self.rf(region)
            .and_then(|r| r.pinpoint.as_ref())
            .map(|p| p.projects.as_slice())
            .unwrap_or(&[])
    }
    fn identity(&self, region: &str, name: &str) -> Option<&'a EmailIdentity> {
        self.ses(region)?.identities.iter().find(|i| i.name == name)
    }
    fn remediation(&self, rule: &str) -> String {
        self.report
            .rule(rule)
            .map(|r| r.remediation.trim().to_string())
            .unwrap_or_default()
    }
    /// The ARN with its Region field moved from the primary to this Region (a resource of the
    /// same name in this Region, which is what parity means).
    fn here(&self, arn: &str) -> String {
        in_region(arn, &self.region)
    }
}

/// `arn:aws:firehose:us-east-1:…` → `arn:aws:firehose:REGION:…`; ARNs without a Region (IAM,
/// S3) are unchanged.
pub fn in_region(arn: &str, region: &str) -> String {
    let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" && !parts[3].is_empty() {
        parts[3] = region;
    }
    parts.join(":")
}

fn finding(r: &RuleResult) -> Finding {
    (r.rule_id.clone(), r.resource.clone())
}

fn res(kind: &str, properties: Node, closes: Finding) -> Resource {
    Resource {
        kind: kind.to_string(),
        properties,
        depends_on: BTreeSet::new(),
        condition: None,
        closes: BTreeSet::from([closes]),
        note: None,
    }
}

fn param(description: impl Into<String>, default: Option<String>) -> Parameter {
    Parameter {
        description: description.into(),
        kind: "String",
        default,
        no_echo: false,
    }
}

fn secret(description: impl Into<String>) -> Parameter {
    Parameter {
        description: description.into(),
        kind: "String",
        default: None,
        no_echo: true,
    }
}

fn code(lines: &str) -> String {
    format!("```sh\n{}\n```", lines.trim_end())
}

pub fn run(plan: &mut Plan, facts: Option<&AccountFacts>, report: &Report) {
    let ctx = Ctx {
        facts,
        report,
        region: plan.region.clone(),
        primary: plan.primary.clone(),
        account: plan.account_id.clone(),
    };
    for f in plan.failing.clone() {
        match f.rule_id.as_str() {
            "EMAIL-001" | "EMAIL-002" | "EMAIL-003" | "EMAIL-004" => email_identity(&ctx, plan, &f),
            "EMAIL-005" | "EMAIL-006" | "EMAIL-007" => dedicated_ips(&ctx, plan, &f),
            "EMAIL-008" | "EMAIL-009" | "SMS-001" | "VOICE-002" => account_access(&ctx, plan, &f),
            "EMAIL-010" => suppression_reasons(&ctx, plan, &f),
            "EMAIL-011" | "SMS-008" => copy_personal_data(&ctx, plan, &f),
            "EMAIL-012" => ses_configuration_set(&ctx, plan, &f),
            "EMAIL-013" => ses_template(&ctx, plan, &f),
            "SMS-002" | "SMS-003" | "SMS-004" | "SMS-005" | "VOICE-001" => {
                origination(&ctx, plan, &f)
            }
            "SMS-006" => sender_id(&ctx, plan, &f),
            "SMS-007" => opt_out_list(&ctx, plan, &f),
            "SMS-009" | "VOICE-003" => spend_limit(&ctx, plan, &f),
            "SMS-010" => sms_configuration_set(&ctx, plan, &f),
            "SMS-011" => keywords(&ctx, plan, &f),
            "SMS-012" => deletion_protection(&ctx, plan, &f),
            "DATA-001" | "DATA-002" | "DATA-008" | "PUSH-001" => pinpoint_project(&ctx, plan, &f),
            "DATA-004" | "DATA-005" | "DATA-006" => buckets(&ctx, plan, &f),
            "DATA-007" | "DATA-009" | "DATA-010" | "OPS-002" | "TPL-001" | "TPL-002"
            | "PUSH-002" => pinpoint_data(&ctx, plan, &f),
            "IAM-004" => role_policy(&ctx, plan, &f),
            "IAM-002" | "IAM-003" => trust_policy(&ctx, plan, &f),
            "CUSTOM-001" => lambda_permission(&ctx, plan, &f),
            "OPS-005" => alarms(&ctx, plan, &f),
            _ => {}
        }
        let key = finding(&f);
        if !plan.template.closes(&key) && !plan.checklist.closes(&key) {
            fallback(&ctx, plan, &f);
        }
    }
}

/// The rule's own remediation, tied to the finding.
fn fallback(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let section = match f.rule_id.split('-').next().unwrap_or("") {
        "IAM" => Section::Iam,
        "OPS" => Section::Operations,
        _ => Section::Other,
    };
    let remediation = f
        .remediation
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| ctx.remediation(&f.rule_id));
    plan.checklist.add(
        section,
        format!(
            "{} {}: {}",
            f.rule_id,
            f.resource,
            title_of(ctx, &f.rule_id)
        ),
        finding(f),
        format!("Finding: {}\n\n{}", f.message, remediation),
    );
}

fn title_of(ctx: &Ctx, rule: &str) -> String {
    ctx.report
        .rule(rule)
        .map(|r| r.title.clone())
        .unwrap_or_else(|| rule.to_string())
}

// ----- SES identities, DKIM, MAIL FROM, DNS -----

fn dkim_zone(id: &EmailIdentity) -> String {
    id.dkim
        .as_ref()
        .and_then(|d| d.signing_hosted_zone.clone())
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| "dkim.amazonses.com".into())
}

/// The Region whose DKIM records a Deterministic Easy DKIM replica uses (`AWS_SES_US_EAST_1`
/// → `us-east-1`).
fn deed_parent(id: &EmailIdentity) -> Option<String> {
    let origin = id.dkim.as_ref()?.signing_attributes_origin.as_deref()?;
    let r = origin.strip_prefix("AWS_SES_")?;
    Some(r.to_ascii_lowercase().replace('_', "-"))
}

fn email_identity(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let name = f.resource.clone();
    let Some(p) = ctx
        .identity(&ctx.primary, &name)
        .or_else(|| ctx.identity(&ctx.region, &name))
    else {
        return;
    };
    let here = ctx.identity(&ctx.region, &name);
    match here {
        None => create_identity(ctx, plan, f, p),
        Some(t) => fix_identity(ctx, plan, f, p, t),
    }
}

fn create_identity(ctx: &Ctx, plan: &mut Plan, f: &RuleResult, p: &EmailIdentity) {
    let name = &p.name;
    let is_address = p.identity_type == "EMAIL_ADDRESS";
    let id = plan.template.logical_id("EmailIdentity", name);
    let identity = if is_address {
        // The facts hold only a salted hash of the address: the operator supplies it.
        let pname = format!("EmailAddress{}", super::cfn::camel(name));
        plan.template.parameter(
            &pname,
            param(
                format!(
                    "The email address of identity {name} (only its salted hash is in the facts)"
                ),
                None,
            ),
        )
    } else {
        Node::s(name)
    };
    let mut props = vec![("EmailIdentity", identity)];
    if !is_address {
        let dkim = p.dkim.as_ref();
        props.push((
            "DkimAttributes",
            Node::map([(
                "SigningEnabled",
                Node::Bool(dkim.map(|d| d.signing_enabled).unwrap_or(true)),
            )]),
        ));
        if dkim.and_then(|d| d.signing_attributes_origin.as_deref()) == Some("EXTERNAL") {
            // Bring Your Own DKIM: the private key is a secret; the selector is public.
            let key = format!("DkimPrivateKey{}", super::cfn::camel(name));
            let selector = dkim.and_then(|d| d.tokens.first().cloned());
            props.push((
                "DkimSigningAttributes",
                Node::map([
                    (
                        "DomainSigningPrivateKey",
                        plan.template.parameter(
                            &key,
                            secret(format!("BYODKIM private key (base64) of {name}")),
                        ),
                    ),
                    (
                        "DomainSigningSelector",
                        Node::s(selector.unwrap_or_else(|| "selector1".into())),
                    ),
                ]),
            ));
        } else if let Some(len) = dkim.and_then(|d| d.current_signing_key_length.clone()) {
            props.push((
                "DkimSigningAttributes",
                Node::map([("NextSigningKeyLength", Node::s(len))]),
            ));
        }
        if let Some(m) = &p.mail_from {
            let mut mf = vec![("MailFromDomain", Node::s(&m.domain))];
            if let Some(b) = &m.behavior_on_mx_failure {
                mf.push(("BehaviorOnMxFailure", Node::s(b)));
            }
            props.push(("MailFromAttributes", Node::map(mf)));
        }
    }
    let mut depends = BTreeSet::new();
    if let Some(cs) = &p.configuration_set {
        let exists_here = ctx
            .ses(&ctx.region)
            .is_some_and(|s| s.configuration_sets.iter().any(|c| &c.name == cs));
        let set_id = if exists_here {
            None
        } else {
            ensure_ses_set(ctx, plan, cs)
        };
        if exists_here || set_id.is_some() {
            props.push((
                "ConfigurationSetAttributes",
                Node::map([("ConfigurationSetName", Node::s(cs))]),
            ));
        }
        depends.extend(set_id);
    }
    let mut resource = res("AWS::SES::EmailIdentity", Node::map(props), finding(f));
    resource.depends_on = depends;
    resource.note = Some(format!(
        "Copied from {} in the primary {}. SES verifies it once its DNS records are published (checklist, DNS).",
        name, ctx.primary
    ));
    plan.template.add(&id, resource);
    if !is_address {
        let deed = p.dkim.as_ref().and_then(|_| deed_parent(p));
        let body = format!(
            "Easy DKIM tokens exist only once the identity exists in {r}. After the stack is created:\n\n{}\n\n\
             Publish each token as `TOKEN._domainkey.{name}` CNAME `TOKEN.{zone}` (the `SigningHostedZone` \
             the same command prints). SES checks DNS for up to 72 hours.{deed}",
            code(&format!(
                "aws sesv2 get-email-identity --region {} --email-identity {name} \\\n  --query '{{Tokens: DkimAttributes.Tokens, Zone: DkimAttributes.SigningHostedZone}}'",
                ctx.region
            )),
            r = ctx.region,
            zone = dkim_zone(p),
            deed = match deed {
                Some(parent) => format!(
                    " The primary's identity is itself a Deterministic Easy DKIM replica of {parent}: to reuse \
                     the parent's records instead (no new DNS), delete the stack's identity and create it with \
                     `aws sesv2 create-email-identity --region {} --email-identity {name} --dkim-signing-attributes \
                     DomainSigningAttributesOrigin=AWS_SES_{}` (CloudFormation cannot set the origin).",
                    ctx.region,
                    parent.to_ascii_uppercase().replace('-', "_")
                ),
                None => String::new(),
            }
        );
        plan.checklist.add(
            Section::Dns,
            format!("Publish the DKIM CNAMEs of {name} for {}", ctx.region),
            finding(f),
            body,
        );
        mail_from_records(ctx, plan, f, p);
    } else {
        plan.checklist.add(
            Section::Dns,
            format!(
                "Confirm identity {name} in {} (verification email)",
                ctx.region
            ),
            finding(f),
            "SES sends a verification email to the address when the stack creates the identity; \
             its owner must click the link within 24 hours."
                .into(),
        );
    }
}

/// MX and SPF of the MAIL FROM domain, with the MX values of every Region that uses it.
fn mail_from_records(ctx: &Ctx, plan: &mut Plan, f: &RuleResult, p: &EmailIdentity) {
    let Some(m) = &p.mail_from else { return };
    let mut regions: BTreeSet<String> = BTreeSet::from([ctx.region.clone()]);
    if let Some(facts) = ctx.facts {
        for (r, rf) in &facts.regions {
            if rf.ses.as_ref().is_some_and(|s| {
                s.identities
                    .iter()
                    .any(|i| i.mail_from.as_ref().is_some_and(|x| x.domain == m.domain))
            }) {
                regions.insert(r.clone());
            }
        }
    }
    for r in &regions {
        plan.dns.add(
            &m.domain,
            "MX",
            &format!("10 feedback-smtp.{r}.amazonses.com"),
            finding(f),
            "MAIL FROM bounce and complaint feedback, one value per Region using this MAIL FROM domain",
        );
    }
    plan.dns.add(
        &m.domain,
        "TXT",
        "\"v=spf1 include:amazonses.com ~all\"",
        finding(f),
        "SPF of the MAIL FROM domain",
    );
}

fn dkim_records(ctx: &Ctx, plan: &mut Plan, f: &RuleResult, t: &EmailIdentity) -> bool {
    // A replica signs with its parent's keys: the parent's CNAMEs are the ones to publish.
    let source = deed_parent(t)
        .and_then(|parent| ctx.identity(&parent, &t.name))
        .unwrap_or(t);
    let Some(d) = &source.dkim else { return false };
    if d.signing_attributes_origin.as_deref() == Some("EXTERNAL") || d.tokens.is_empty() {
        return false;
    }
    let zone = dkim_zone(source);
    for token in &d.tokens {
        plan.dns.add(
            &format!("{token}._domainkey.{}", t.name),
            "CNAME",
            &format!("{token}.{zone}"),
            finding(f),
            "Easy DKIM",
        );
    }
    true
}

fn fix_identity(ctx: &Ctx, plan: &mut Plan, f: &RuleResult, p: &EmailIdentity, t: &EmailIdentity) {
    let r = &ctx.region;
    let name = &t.name;
    if t.identity_type == "EMAIL_ADDRESS" {
        plan.checklist.add(
            Section::Dns,
            format!("Confirm identity {name} in {r} (verification email)"),
            finding(f),
            format!(
                "Re-send the verification email and have the address's owner click the link:\n\n{}",
                code(&format!("aws sesv2 create-email-identity --region {r} --email-identity ADDRESS   # after deleting the stale one, or use the console's 'Resend'"))
            ),
        );
        return;
    }
    let signing_off = t.dkim.as_ref().is_some_and(|d| !d.signing_enabled);
    if f.rule_id == "EMAIL-002" && signing_off {
        plan.checklist.add(
            Section::Dns,
            format!("Enable DKIM signing of {name} in {r}"),
            finding(f),
            code(&format!(
                "aws sesv2 put-email-identity-dkim-attributes --region {r} --email-identity {name} --signing-enabled"
            )),
        );
    }
    if f.rule_id == "EMAIL-003" && t.mail_from.is_none() {
        if let Some(m) = &p.mail_from {
            plan.checklist.add(
                Section::Dns,
                format!("Set MAIL FROM domain {} on {name} in {r}", m.domain),
                finding(f),
                code(&format!(
                    "aws sesv2 put-email-identity-mail-from-attributes --region {r} --email-identity {name} \\\n  --mail-from-domain {} --behavior-on-mx-failure {}",
                    m.domain,
                    m.behavior_on_mx_failure.as_deref().unwrap_or("USE_DEFAULT_VALUE")
                )),
            );
        }
    }
    // Only the records the finding is about: a MAIL FROM gap does not need DKIM re-published,
    // and a DKIM gap does not touch the MX.
    let rule = f.rule_id.as_str();
    let has_dkim = rule != "EMAIL-003" && dkim_records(ctx, plan, f, t);
    if rule != "EMAIL-002" {
        let mf = if t.mail_from.is_some() { t } else { p };
        mail_from_records(ctx, plan, f, mf);
    }
    if f.rule_id == "EMAIL-004" {
        dmarc(ctx, plan, f, name);
    }
    if rule != "EMAIL-003" && !has_dkim && t.dkim.is_some() {
        plan.checklist.add(
            Section::Dns,
            format!("Publish the DKIM records of {name} for {r}"),
            finding(f),
            format!(
                "The facts carry no DKIM tokens for {name} in {r}; read them and publish each as \
                 `TOKEN._domainkey.{name}` CNAME `TOKEN.{}`:\n\n{}",
                dkim_zone(t),
                code(&format!(
                    "aws sesv2 get-email-identity --region {r} --email-identity {name} --query DkimAttributes"
                ))
            ),
        );
    }
    // Every DNS record added above closes the finding via the DNS section.
    plan.checklist.add(
        Section::Dns,
        format!("Publish the DNS records {name} needs in {r} (section 3)"),
        finding(f),
        format!(
            "{}\n\nThe records are listed in section 3 and in `route53-{r}.json`. SES re-checks DNS \
             automatically (for up to 72 hours); to check now: `aws sesv2 get-email-identity --region {r} \
             --email-identity {name} --query '[VerifiedForSendingStatus, DkimAttributes.Status, \
             MailFromAttributes.MailFromDomainStatus]'`.",
            f.message
        ),
    );
}

fn dmarc(ctx: &Ctx, plan: &mut Plan, f: &RuleResult, domain: &str) {
    let name = format!("_dmarc.{domain}");
    let published = ctx
        .rf(&ctx.region)
        .and_then(|r| r.dns.as_ref())
        .and_then(|d| {
            d.records
                .iter()
                .find(|x| x.name.trim_end_matches('.') == name && x.record_type == "TXT")
        })
        .map(|x| x.values.iter().any(|v| v.contains("v=DMARC1")));
    if published == Some(false) {
        // Monitoring only: a stricter policy is the domain owner's decision.
        plan.dns.add(
            &name,
            "TXT",
            "\"v=DMARC1; p=none\"",
            finding(f),
            "DMARC (starting policy p=none; add rua= and tighten to quarantine/reject once reports are clean)",
        );
    }
}

// ----- SES dedicated IPs, account, suppression -----

fn dedicated_ips(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let r = &ctx.region;
    if f.rule_id == "EMAIL-005" {
        let pool = ctx
            .ses(&ctx.primary)
            .and_then(|s| s.dedicated_ip_pools.iter().find(|p| p.name == f.resource));
        let exists = ctx
            .ses(r)
            .is_some_and(|s| s.dedicated_ip_pools.iter().any(|p| p.name == f.resource));
        if let (Some(pool), false) = (pool, exists) {
            let id = plan.template.logical_id("DedicatedIpPool", &pool.name);
            let mut x = res(
                "AWS::SES::DedicatedIpPool",
                Node::map([
                    ("PoolName", Node::s(&pool.name)),
                    ("ScalingMode", Node::s(&pool.scaling_mode)),
                ]),
                finding(f),
            );
            x.note = Some(if pool.scaling_mode == "MANAGED" {
                "A MANAGED pool gets its IPs from SES, which warms them up on the traffic it sees."
                    .into()
            } else {
                "A STANDARD pool is empty until dedicated IPs are requested and moved into it (checklist).".into()
            });
            plan.template.add(&id, x);
            if pool.scaling_mode == "MANAGED" {
                return;
            }
        }
        plan.checklist.add(
            Section::Access,
            format!("Dedicated IPs for pool {} in {r}", f.resource),
            finding(f),
            format!(
                "Request standard dedicated IPs in {r} (SES console > Dedicated IPs > Request, or a support case), \
                 then move them into the pool and let them warm up:\n\n{}",
                code(&format!(
                    "aws sesv2 put-dedicated-ip-in-pool --region {r} --ip IP --destination-pool-name {}",
                    f.resource
                ))
            ),
        );
        return;
    }
    let body = if f.rule_id == "EMAIL-006" {
        format!(
            "Let warm-up finish before traffic moves (SES auto warm-up), or keep sending a steady share through \
             the IPs:\n\n{}",
            code(&format!("aws sesv2 get-dedicated-ips --region {r} --query 'DedicatedIps[].[Ip,WarmupStatus,WarmupPercentage]'"))
        )
    } else {
        format!(
            "{}\n\nRoute a steady share of production mail through {r} (e.g. a weighted share in the sending \
             service's Region selection) so its dedicated IPs stay warm.",
            f.message
        )
    };
    plan.checklist.add(
        Section::Operations,
        format!("Keep the dedicated IPs in {r} warm ({})", f.rule_id),
        finding(f),
        body,
    );
}

fn account_access(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let r = &ctx.region;
    let (title, body) = match f.rule_id.as_str() {
        "EMAIL-008" => (
            format!("SES production access in {r}"),
            format!(
                "{}\n\nRequest production access (a review by AWS, usually within 24 hours; the request opens a \
                 support case):\n\n{}",
                f.message,
                code(&format!(
                    "aws sesv2 put-account-details --region {r} --production-access-enabled \\\n  --mail-type TRANSACTIONAL --website-url https://YOUR-SITE \\\n  --use-case-description 'Warm standby of {p}: same senders and volumes'\n# if sending is paused: aws sesv2 put-account-sending-attributes --region {r} --sending-enabled",
                    p = ctx.primary
                ))
            ),
        ),
        "EMAIL-009" => (
            format!("SES sending quota in {r}"),
            format!(
                "{}\n\nOpen a Service Quotas request (Amazon SES: \"Sending quota\" and \"Maximum send rate\", \
                 Region {r}) for at least the primary's values; increases take days.",
                f.message
            ),
        ),
        "SMS-001" => (
            format!("Move SMS out of the sandbox in {r}"),
            format!(
                "{}\n\nOpen the AWS End User Messaging SMS console in {r} > Account settings > \"Request production \
                 access\" (it files a Support case: \"Service limit increase — End User Messaging SMS\" with your \
                 use case, countries and monthly volume). Allow days.",
                f.message
            ),
        ),
        _ => (
            format!("Move voice out of the sandbox in {r}"),
            format!(
                "{}\n\nVoice production access is granted by its own Support case (Service limit increase — \
                 End User Messaging voice, Region {r}); SMS approval does not cover it. Record the case ID in \
                 msgready.toml `[evidence] voice-production-cases` so the next scan can tell.",
                f.message
            ),
        ),
    };
    plan.checklist.add(Section::Access, title, finding(f), body);
}

fn suppression_reasons(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let reasons = ctx
        .ses(&ctx.primary)
        .and_then(|s| s.account.as_ref())
        .map(|a| a.suppression_reasons.clone())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec!["BOUNCE".into(), "COMPLAINT".into()]);
    plan.checklist.add(
        Section::Data,
        format!(
            "Enable the account-level suppression list in {}",
            ctx.region
        ),
        finding(f),
        format!(
            "CloudFormation has no account-level resource for this.\n\n{}",
            code(&format!(
                "aws sesv2 put-account-suppression-attributes --region {} --suppressed-reasons {}",
                ctx.region,
                reasons.join(" ")
            ))
        ),
    );
}

/// Opted-out numbers and suppressed addresses: counts here, the data copied at run time.
fn copy_personal_data(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let (r, p) = (&ctx.region, &ctx.primary);
    let figures = f.figures.clone().unwrap_or_default();
    let missing = figures
        .get("missing_in_region")
        .and_then(|v| v.as_u64())
        .map(|n| format!("{n}"))
        .unwrap_or_else(|| "some".into());
    if f.rule_id == "SMS-008" {
        let list = &f.resource;
        let exists = ctx
            .sms(r)
            .is_some_and(|s| s.opt_out_lists.iter().any(|l| &l.name == list));
        if !exists
            && ctx
                .sms(p)
                .is_some_and(|s| s.opt_out_lists.iter().any(|l| &l.name == list))
        {
            ensure_opt_out_list(plan, list, finding(f));
        }
        plan.checklist.add(
            Section::Data,
            format!("Copy the opted-out numbers of list {list} from {p} to {r}"),
            finding(f),
            format!(
                "{} number(s) opted out in {p} are not opted out in {r} (counts only here; the numbers are \
                 personal data and are read at run time, never written to a file). Run after the stack exists, \
                 then schedule it (or copy on every STOP) so it stays in sync:\n\n{}",
                missing,
                code(&format!(
                    "aws pinpoint-sms-voice-v2 describe-opted-out-numbers --region {p} --opt-out-list-name {list} \\\n  --query 'OptedOutNumbers[].OptedOutNumber' --output text | tr '\\t' '\\n' | \\\nwhile read -r n; do\n  [ -n \"$n\" ] && aws pinpoint-sms-voice-v2 put-opted-out-number --region {r} \\\n    --opt-out-list-name {list} --opted-out-number \"$n\" >/dev/null\ndone"
                ))
            ),
        );
    } else {
        plan.checklist.add(
            Section::Data,
            format!("Copy the suppressed addresses into {r}"),
            finding(f),
            format!(
                "{}\n\nCounts only here: the addresses are personal data, read at run time and never written to \
                 a file. Copy every Region's account-level suppression list into {r} (and back), then schedule it:\n\n{}",
                f.message,
                code(&format!(
                    "aws sesv2 list-suppressed-destinations --region {p} \\\n  --query 'SuppressedDestinationSummaries[].[EmailAddress,Reason]' --output text | \\\nwhile read -r addr reason; do\n  aws sesv2 put-suppressed-destination --region {r} --email-address \"$addr\" --reason \"$reason\"\ndone"
                ))
            ),
        );
    }
}

// ----- SES configuration sets and templates -----

fn ses_event_types(types: &[String]) -> Vec<String> {
    // The CloudFormation resource takes SES v1's camelCase names.
    types
        .iter()
        .map(|t| {
            match t.as_str() {
                "SEND" => "send",
                "REJECT" => "reject",
                "BOUNCE" => "bounce",
                "COMPLAINT" => "complaint",
                "DELIVERY" => "delivery",
                "OPEN" => "open",
                "CLICK" => "click",
                "RENDERING_FAILURE" => "renderingFailure",
                "DELIVERY_DELAY" => "deliveryDelay",
                "SUBSCRIPTION" => "subscription",
                other => other,
            }
            .to_string()
        })
        .collect()
}

/// The destination block of an SES event destination in this Region; `None` for kinds
/// CloudFormation cannot express (Pinpoint).
fn ses_destination(
    ctx: &Ctx,
    plan: &mut Plan,
    set: &str,
    d: &EventDestination,
) -> Option<(String, Node)> {
    // A default is offered only when the primary's ARN is of the service the destination type
    // needs; otherwise the operator must supply it.
    let arn_param = |plan: &mut Plan, what: &str, default: String| {
        let service = match d.destination_type.as_str() {
            "firehose" => ":firehose:",
            "sns" => ":sns:",
            "eventbridge" => ":events:",
            _ => ":",
        };
        let default = default.contains(service).then_some(default);
        let name = format!(
            "{}Arn",
            plan.template
                .logical_id("SesDestination", &format!("{set}-{}", d.name))
        );
        plan.template.parameter(
            &name,
            param(
                format!(
                    "{what} in {} for event destination {} of configuration set {set}",
                    ctx.region, d.name
                ),
                default,
            ),
        )
    };
    match d.destination_type.as_str() {
        "firehose" => {
            let arn = d.destination_arn.as_deref().map(|a| ctx.here(a))?;
            let role = d.role_arn.clone()?;
            let stream = arn_param(plan, "Firehose delivery stream ARN", arn);
            Some((
                "KinesisFirehoseDestination".into(),
                Node::map([("DeliveryStreamARN", stream), ("IAMRoleARN", Node::s(role))]),
            ))
        }
        "sns" => {
            let arn = d.destination_arn.as_deref().map(|a| ctx.here(a))?;
            Some((
                "SnsDestination".into(),
                Node::map([("TopicARN", arn_param(plan, "SNS topic ARN", arn))]),
            ))
        }
        "eventbridge" => {
            let arn = d
                .destination_arn
                .as_deref()
                .map(|a| ctx.here(a))
                .unwrap_or_else(|| {
                    format!(
                        "arn:aws:events:{}:{}:event-bus/default",
                        ctx.region, ctx.account
                    )
                });
            Some((
                "EventBridgeDestination".into(),
                Node::map([(
                    "EventBusArn",
                    arn_param(plan, "EventBridge event bus ARN", arn),
                )]),
            ))
        }
        "cloudwatch" => Some((
            "CloudWatchDestination".into(),
            Node::map([(
                "DimensionConfigurations",
                Node::List(vec![Node::map([
                    ("DimensionName", Node::s("ses:configuration-set")),
                    ("DimensionValueSource", Node::s("messageTag")),
                    ("DefaultDimensionValue", Node::s(set)),
                ])]),
            )]),
        )),
        _ => None,
    }
}

/// The configuration set resource for `name` (copied from the primary), created once.
fn ensure_ses_set(ctx: &Ctx, plan: &mut Plan, name: &str) -> Option<String> {
    let cs = ctx
        .ses(&ctx.primary)?
        .configuration_sets
        .iter()
        .find(|c| c.name == name)?;
    let id = plan.template.logical_id("SesConfigurationSet", name);
    if plan.template.resources.contains_key(&id) {
        return Some(id);
    }
    let mut props = vec![("Name", Node::s(name))];
    if let Some(pool) = &cs.sending_pool {
        props.push((
            "DeliveryOptions",
            Node::map([("SendingPoolName", Node::s(pool))]),
        ));
    }
    if let Some(reasons) = &cs.suppression_reasons {
        props.push((
            "SuppressionOptions",
            Node::map([("SuppressedReasons", Node::strs(reasons.clone()))]),
        ));
    }
    if let Some(enabled) = cs.sending_enabled {
        props.push((
            "SendingOptions",
            Node::map([("SendingEnabled", Node::Bool(enabled))]),
        ));
    }
    let mut depends = BTreeSet::new();
    if let Some(pool) = &cs.sending_pool {
        let pool_here = ctx
            .ses(&ctx.region)
            .is_some_and(|s| s.dedicated_ip_pools.iter().any(|p| &p.name == pool));
        let pid = plan.template.logical_id("DedicatedIpPool", pool);
        if !pool_here && plan.template.resources.contains_key(&pid) {
            depends.insert(pid);
        }
    }
    let mut r = Resource {
        kind: "AWS::SES::ConfigurationSet".into(),
        properties: Node::map(props),
        depends_on: depends,
        condition: None,
        closes: BTreeSet::new(),
        note: Some(format!(
            "Copied from configuration set {name} in the primary {}.",
            ctx.primary
        )),
    };
    r.closes.clear();
    plan.template.add(&id, r);
    for d in &cs.event_destinations {
        add_ses_destination(ctx, plan, name, &id, d, None);
    }
    Some(id)
}

fn add_ses_destination(
    ctx: &Ctx,
    plan: &mut Plan,
    set: &str,
    set_id: &str,
    d: &EventDestination,
    closes: Option<Finding>,
) -> bool {
    let Some((kind, block)) = ses_destination(ctx, plan, set, d) else {
        return false;
    };
    let id = plan
        .template
        .logical_id("SesEventDestination", &format!("{set}-{}", d.name));
    let mut r = Resource {
        kind: "AWS::SES::ConfigurationSetEventDestination".into(),
        properties: Node::map([
            ("ConfigurationSetName", Node::s(set)),
            (
                "EventDestination",
                Node::Map(vec![
                    ("Name".into(), Node::s(&d.name)),
                    ("Enabled".into(), Node::Bool(true)),
                    ("MatchingEventTypes".into(), Node::strs(ses_event_types(&d.event_types))),
                    (kind, block),
                ]),
            ),
        ]),
        depends_on: BTreeSet::new(),
        condition: None,
        closes: closes.into_iter().collect(),
        note: Some(format!(
            "Destination {} of set {set} in the primary, pointed at this Region's resource (parameter).",
            d.name
        )),
    };
    if plan.template.resources.contains_key(set_id) {
        r.depends_on.insert(set_id.to_string());
    }
    plan.template.add(&id, r);
    true
}

fn ses_configuration_set(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let name = &f.resource;
    let Some(primary) = ctx
        .ses(&ctx.primary)
        .and_then(|s| s.configuration_sets.iter().find(|c| &c.name == name))
    else {
        return;
    };
    let here = ctx
        .ses(&ctx.region)
        .and_then(|s| s.configuration_sets.iter().find(|c| &c.name == name));
    match here {
        None => {
            if let Some(id) = ensure_ses_set(ctx, plan, name) {
                // The set and each of its destinations close the finding together.
                let ids: Vec<String> = plan
                    .template
                    .resources
                    .iter()
                    .filter(|(k, r)| {
                        **k == id
                            || (r.kind == "AWS::SES::ConfigurationSetEventDestination"
                                && r.depends_on.contains(&id))
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in ids {
                    if let Some(r) = plan.template.resources.get_mut(&k) {
                        r.closes.insert(finding(f));
                    }
                }
            }
        }
        Some(t) => {
            let set_id = plan.template.logical_id("SesConfigurationSet", name);
            for d in &primary.event_destinations {
                let same = t.event_destinations.iter().find(|x| x.name == d.name);
                match same {
                    // A destination of that name exists: CloudFormation cannot take it over.
                    Some(x) if !x.enabled || x.event_types != d.event_types => {
                        plan.checklist.add(
                            Section::Other,
                            format!("Update event destination {} of configuration set {name} in {}", d.name, ctx.region),
                            finding(f),
                            code(&format!(
                                "aws sesv2 update-configuration-set-event-destination --region {} --configuration-set-name {name} \\\n  --event-destination-name {} --event-destination 'Enabled=true,MatchingEventTypes={}'",
                                ctx.region,
                                d.name,
                                d.event_types.join(",")
                            )),
                        );
                    }
                    Some(_) => {}
                    None => {
                        add_ses_destination(ctx, plan, name, &set_id, d, Some(finding(f)));
                    }
                }
            }
            if t.sending_enabled == Some(false) {
                plan.checklist.add(
                    Section::Other,
                    format!("Resume sending on configuration set {name} in {}", ctx.region),
                    finding(f),
                    code(&format!(
                        "aws sesv2 put-configuration-set-sending-options --region {} --configuration-set-name {name} --sending-enabled",
                        ctx.region
                    )),
                );
            }
        }
    }
}

fn ses_template(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let name = &f.resource;
    let exists_here = ctx
        .ses(&ctx.region)
        .is_some_and(|s| s.templates.iter().any(|t| &t.name == name));
    let (r, p) = (&ctx.region, &ctx.primary);
    if exists_here {
        plan.checklist.add(
            Section::Other,
            format!("Copy the content of SES template {name} from {p} to {r}"),
            finding(f),
            code(&format!(
                "aws sesv2 get-email-template --region {p} --template-name {name} --query TemplateContent > /tmp/{name}.json\naws sesv2 update-email-template --region {r} --template-name {name} --template-content file:///tmp/{name}.json"
            )),
        );
        return;
    }
    // Only a hash of the content is in the facts: the content comes in as parameters, read
    // from the primary at deploy time (checklist).
    let id = plan.template.logical_id("SesTemplate", name);
    let subject = plan.template.parameter(
        &format!("{id}Subject"),
        param(
            format!("Subject of SES template {name} (copy from {p})"),
            None,
        ),
    );
    let html_p = format!("{id}Html");
    let text_p = format!("{id}Text");
    let html = plan.template.parameter(
        &html_p,
        param(
            format!("HTML part of SES template {name}; empty for none"),
            Some(String::new()),
        ),
    );
    let text = plan.template.parameter(
        &text_p,
        param(
            format!("Text part of SES template {name}; empty for none"),
            Some(String::new()),
        ),
    );
    for (c, pn) in [
        (format!("{id}HasHtml"), &html_p),
        (format!("{id}HasText"), &text_p),
    ] {
        plan.template.conditions.insert(
            c,
            Node::map([(
                "Fn::Not",
                Node::List(vec![Node::map([(
                    "Fn::Equals",
                    Node::List(vec![Node::r#ref(pn), Node::s("")]),
                )])]),
            )]),
        );
    }
    let mut x = res(
        "AWS::SES::Template",
        Node::map([(
            "Template",
            Node::map([
                ("TemplateName", Node::s(name)),
                ("SubjectPart", subject),
                ("HtmlPart", Node::if_set(&format!("{id}HasHtml"), html)),
                ("TextPart", Node::if_set(&format!("{id}HasText"), text)),
            ]),
        )]),
        finding(f),
    );
    x.note = Some(format!(
        "Content of {name} in {p}, passed as parameters (only its hash is in the facts)."
    ));
    plan.template.add(&id, x);
    plan.checklist.add(
        Section::Other,
        format!("Fill the parameters of SES template {name} from {p}"),
        finding(f),
        format!(
            "Read the content from the primary and pass it when deploying:\n\n{}",
            code(&format!(
                "c=$(aws sesv2 get-email-template --region {p} --template-name {name} --query TemplateContent)\n# then: --parameter-overrides {id}Subject=\"$(jq -r .Subject <<<\"$c\")\" {id}Html=\"$(jq -r '.Html // \"\"' <<<\"$c\")\" {id}Text=\"$(jq -r '.Text // \"\"' <<<\"$c\")\""
            ))
        ),
    );
}

// ----- SMS and voice -----

fn lead_time(number_type: &str) -> &'static str {
    match number_type {
        "SHORT_CODE" => "8–12 weeks (carrier provisioning)",
        "TEN_DLC" => "brand registration in days, campaign vetting 2–4 weeks",
        "TOLL_FREE" => "toll-free verification, typically 2–6 weeks",
        "SENDER_ID" => "immediate where no registration is required; weeks where the country requires one (e.g. India DLT)",
        "LONG_CODE" => "immediate in most countries; some require a registration first",
        _ => "see the country's requirements",
    }
}

fn origination(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let (r, p) = (&ctx.region, &ctx.primary);
    let country = &f.resource;
    if f.rule_id == "SMS-003" {
        // The resource is a number: its registration is what is missing.
        let reg = ctx.sms(r).and_then(|s| {
            let n = s.phone_numbers.iter().find(|n| &n.id == country)?;
            let id = n.registration_id.as_ref()?;
            s.registrations.iter().find(|g| &g.id == id)
        });
        let body = match reg {
            Some(g) => format!(
                "{}\n\nRegistration {} ({}) is {}. Follow it up (and answer any REQUIRES_UPDATES):\n\n{}\n\nExpected lead time: {}.",
                f.message,
                g.id,
                g.registration_type,
                g.status,
                code(&format!("aws pinpoint-sms-voice-v2 describe-registrations --region {r} --registration-ids {}", g.id)),
                if g.registration_type.contains("TOLL_FREE") { lead_time("TOLL_FREE") } else if g.registration_type.contains("TEN_DLC") { lead_time("TEN_DLC") } else { lead_time("SHORT_CODE") }
            ),
            None => format!("{}\n\nComplete the number's registration in the End User Messaging console (Registrations).", f.message),
        };
        plan.checklist.add(
            Section::Origination,
            format!("Complete the registration of {country} in {r}"),
            finding(f),
            body,
        );
        return;
    }
    // What the primary uses for this country, by type, as the thing to request.
    let mut types: BTreeSet<String> = BTreeSet::new();
    if let Some(s) = ctx.sms(p) {
        let voice = f.rule_id == "VOICE-001";
        for n in s
            .phone_numbers
            .iter()
            .filter(|n| &n.iso_country_code == country && n.status == "ACTIVE")
        {
            if !voice || n.capabilities.iter().any(|c| c == "VOICE") {
                types.insert(n.number_type.clone());
            }
        }
        if !voice && s.sender_ids.iter().any(|x| &x.iso_country_code == country) {
            types.insert("SENDER_ID".into());
        }
    }
    let what = match f.rule_id.as_str() {
        "SMS-004" => "more throughput (the primary's number types, or an MPS increase)",
        "SMS-005" => "a second route type (a different number type, or a sender ID where allowed)",
        "VOICE-001" => "a voice-capable number",
        _ => "an active origination identity",
    };
    let mut lines = vec![format!(
        "{}\n\nNeeded in {r} for {country}: {what}.",
        f.message
    )];
    if types.is_empty() {
        lines.push(format!("The facts show no active identity for {country} in {p} to copy; choose a type from the country's requirements."));
    } else {
        let mut table =
            vec!["| type | country | expected lead time | how |\n|---|---|---|---|".to_string()];
        for t in &types {
            let how = match t.as_str() {
                "SENDER_ID" => format!("`aws pinpoint-sms-voice-v2 request-sender-id --region {r} --iso-country-code {country} --sender-id ID`"),
                "SHORT_CODE" => "Support case / console: Phone numbers > Request originator > Short code".to_string(),
                "TEN_DLC" | "TOLL_FREE" => format!("register first (`aws pinpoint-sms-voice-v2 create-registration --region {r} --registration-type {}`), then `request-phone-number --number-type {t}`", if t == "TEN_DLC" { "US_TEN_DLC_BRAND_REGISTRATION" } else { "US_TOLL_FREE_REGISTRATION" }),
                _ => format!("`aws pinpoint-sms-voice-v2 request-phone-number --region {r} --iso-country-code {country} --number-type {t} --message-type TRANSACTIONAL --number-capabilities SMS{}`", if f.rule_id == "VOICE-001" { " VOICE" } else { "" }),
            };
            table.push(format!("| {t} | {country} | {} | {how} |", lead_time(t)));
        }
        lines.push(table.join("\n"));
        lines.push(format!(
            "Then add it to the pool the primary uses for {country} (`aws pinpoint-sms-voice-v2 associate-origination-identity`), \
             attach the opt-out list, and enable deletion protection."
        ));
    }
    plan.checklist.add(
        Section::Origination,
        format!(
            "Origination identities for {country} in {r} ({})",
            f.rule_id
        ),
        finding(f),
        lines.join("\n\n"),
    );
}

fn sender_id(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let (r, p) = (&ctx.region, &ctx.primary);
    let Some(s) = ctx.sms(p).and_then(|s| {
        s.sender_ids.iter().find(|x| {
            f.resource.starts_with(&x.sender_id) && f.resource.contains(&x.iso_country_code)
        })
    }) else {
        return;
    };
    let exists = ctx.sms(r).is_some_and(|t| {
        t.sender_ids
            .iter()
            .any(|x| x.sender_id == s.sender_id && x.iso_country_code == s.iso_country_code)
    });
    if !exists {
        let id = plan.template.logical_id(
            "SenderId",
            &format!("{}-{}", s.sender_id, s.iso_country_code),
        );
        let mut x = res(
            "AWS::SMSVOICE::SenderId",
            Node::map([
                ("SenderId", Node::s(&s.sender_id)),
                ("IsoCountryCode", Node::s(&s.iso_country_code)),
                ("DeletionProtectionEnabled", Node::Bool(true)),
            ]),
            finding(f),
        );
        x.note = Some("Requests the sender ID; where the country requires registration it still needs one (checklist).".into());
        plan.template.add(&id, x);
    }
    if s.registered {
        plan.checklist.add(
            Section::Origination,
            format!("Register sender ID {} ({}) in {r}", s.sender_id, s.iso_country_code),
            finding(f),
            format!(
                "Registered in {p}; register it in {r} with the same documents (End User Messaging console > Registrations, \
                 or `aws pinpoint-sms-voice-v2 create-registration --region {r}` with the country's sender ID registration type), \
                 then `submit-registration-version`. Expected lead time: {}.",
                lead_time("SENDER_ID")
            ),
        );
    }
}

fn ensure_opt_out_list(plan: &mut Plan, list: &str, closes: Finding) -> String {
    let id = plan.template.logical_id("OptOutList", list);
    plan.template.add(
        &id,
        res(
            "AWS::SMSVOICE::OptOutList",
            Node::map([("OptOutListName", Node::s(list))]),
            closes,
        ),
    );
    id
}

fn opt_out_list(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let r = &ctx.region;
    let Some(s) = ctx.sms(r) else { return };
    let (kind, list) = if let Some(n) = s.phone_numbers.iter().find(|n| n.id == f.resource) {
        (
            "phone-number",
            n.opt_out_list_name
                .clone()
                .or_else(|| list_of_primary(ctx, &n.iso_country_code)),
        )
    } else if let Some(pool) = s.pools.iter().find(|x| x.id == f.resource) {
        (
            "pool",
            pool.opt_out_list_name
                .clone()
                .or_else(|| list_of_primary_pool(ctx, pool.name.as_deref())),
        )
    } else {
        return;
    };
    // AWS gives every account and Region an opt-out list named `Default`: never create it.
    let list = list.unwrap_or_else(|| "Default".into());
    let exists = list == "Default" || s.opt_out_lists.iter().any(|l| l.name == list);
    if !exists {
        ensure_opt_out_list(plan, &list, finding(f));
    }
    let cmd = if kind == "pool" {
        "update-pool --pool-id"
    } else {
        "update-phone-number --phone-number-id"
    };
    plan.checklist.add(
        Section::Data,
        format!("Attach opt-out list {list} to {} in {r}", f.resource),
        finding(f),
        format!(
            "{}\n\n{}",
            f.message,
            code(&format!(
                "aws pinpoint-sms-voice-v2 {cmd} {} --region {r} --opt-out-list-name {list} --no-self-managed-opt-outs-enabled",
                f.resource
            ))
        ),
    );
}

fn list_of_primary(ctx: &Ctx, country: &str) -> Option<String> {
    ctx.sms(&ctx.primary)?
        .phone_numbers
        .iter()
        .find(|n| n.iso_country_code == country && n.opt_out_list_name.is_some())?
        .opt_out_list_name
        .clone()
}

fn list_of_primary_pool(ctx: &Ctx, name: Option<&str>) -> Option<String> {
    ctx.sms(&ctx.primary)?
        .pools
        .iter()
        .find(|p| p.name.as_deref() == name && name.is_some())?
        .opt_out_list_name
        .clone()
}

fn spend_limit(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let r = &ctx.region;
    let fig = f.figures.clone().unwrap_or_default();
    let want = fig.get("primary_usd").and_then(|v| v.as_i64());
    let max = fig.get("region_max_usd").and_then(|v| v.as_i64());
    let (kind, op) = if f.rule_id == "VOICE-003" {
        ("voice", "set-voice-message-spend-limit-override")
    } else {
        ("SMS", "set-text-message-spend-limit-override")
    };
    let body = match (want, max) {
        (Some(w), Some(m)) if m >= w => format!(
            "Within the Region's maximum (USD {m}):\n\n{}",
            code(&format!("aws pinpoint-sms-voice-v2 {op} --region {r} --monthly-limit {w}"))
        ),
        (Some(w), _) => format!(
            "{}\n\nThe Region's maximum is below USD {w}: open a Support case (Service limit increase — End User Messaging \
             {kind}, \"monthly spend limit\", Region {r}, USD {w}), then:\n\n{}",
            f.message,
            code(&format!("aws pinpoint-sms-voice-v2 {op} --region {r} --monthly-limit {w}"))
        ),
        _ => format!("{}\n\nRaise the {kind} monthly spend limit in {r} to at least the primary's (Support case if above the maximum).", f.message),
    };
    plan.checklist.add(
        Section::Access,
        format!("Raise the {kind} monthly spend limit in {r}"),
        finding(f),
        body,
    );
}

fn sms_destination(ctx: &Ctx, plan: &mut Plan, set: &str, d: &EventDestination) -> Option<Node> {
    let arn = d.destination_arn.as_deref().map(|a| ctx.here(a))?;
    let (service, role) = match d.destination_type.as_str() {
        "firehose" => (":firehose:", Some(d.role_arn.clone()?)),
        "sns" => (":sns:", None),
        "cloudwatch" => (":logs:", Some(d.role_arn.clone()?)),
        _ => return None,
    };
    let default = arn.contains(service).then_some(arn);
    let pname = format!(
        "{}Arn",
        plan.template
            .logical_id("SmsDestination", &format!("{set}-{}", d.name))
    );
    let what = match d.destination_type.as_str() {
        "firehose" => "Firehose delivery stream ARN",
        "sns" => "SNS topic ARN",
        _ => "CloudWatch Logs log group ARN",
    };
    let arn_node = plan.template.parameter(
        &pname,
        param(
            format!(
                "{what} in {} for event destination {} of SMS configuration set {set}",
                ctx.region, d.name
            ),
            default,
        ),
    );
    let role = role.unwrap_or_default();
    let block = match d.destination_type.as_str() {
        "firehose" => (
            "KinesisFirehoseDestination",
            Node::map([
                ("DeliveryStreamArn", arn_node),
                ("IamRoleArn", Node::s(&role)),
            ]),
        ),
        "sns" => ("SnsDestination", Node::map([("TopicArn", arn_node)])),
        "cloudwatch" => (
            "CloudWatchLogsDestination",
            Node::map([("LogGroupArn", arn_node), ("IamRoleArn", Node::s(&role))]),
        ),
        _ => return None,
    };
    Some(Node::Map(vec![
        ("EventDestinationName".into(), Node::s(&d.name)),
        ("Enabled".into(), Node::Bool(true)),
        (
            "MatchingEventTypes".into(),
            Node::strs(d.event_types.clone()),
        ),
        (block.0.into(), block.1),
    ]))
}

fn sms_configuration_set(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let (r, p) = (&ctx.region, &ctx.primary);
    let name = &f.resource;
    let Some(primary) = ctx
        .sms(p)
        .and_then(|s| s.configuration_sets.iter().find(|c| &c.name == name))
    else {
        return;
    };
    let here = ctx
        .sms(r)
        .and_then(|s| s.configuration_sets.iter().find(|c| &c.name == name));
    if here.is_none() {
        let id = plan.template.logical_id("SmsConfigurationSet", name);
        let dests: Vec<Node> = primary
            .event_destinations
            .iter()
            .filter_map(|d| sms_destination(ctx, plan, name, d))
            .collect();
        let mut props = vec![("ConfigurationSetName", Node::s(name))];
        if let Some(s) = &primary.default_sender_id {
            props.push(("DefaultSenderId", Node::s(s)));
        }
        if !dests.is_empty() {
            props.push(("EventDestinations", Node::List(dests)));
        }
        let mut x = res(
            "AWS::SMSVOICE::ConfigurationSet",
            Node::map(props),
            finding(f),
        );
        x.note = Some(format!("Copied from SMS configuration set {name} in {p}, destinations pointed at this Region (parameters)."));
        plan.template.add(&id, x);
        return;
    }
    for d in &primary.event_destinations {
        plan.checklist.add(
            Section::Other,
            format!("Add event destination {} to SMS configuration set {name} in {r}", d.name),
            finding(f),
            code(&format!(
                "aws pinpoint-sms-voice-v2 create-event-destination --region {r} --configuration-set-name {name} \\\n  --event-destination-name {} --matching-event-types {} \\\n  --kinesis-firehose-destination IamRoleArn={},DeliveryStreamArn={}   # or --sns-destination / --cloud-watch-logs-destination",
                d.name,
                d.event_types.join(" "),
                d.role_arn.as_deref().unwrap_or("ROLE_ARN"),
                d.destination_arn.as_deref().map(|a| ctx.here(a)).unwrap_or_else(|| "STREAM_ARN".into())
            )),
        );
    }
}

fn keywords(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let (r, p) = (&ctx.region, &ctx.primary);
    let keyword = f.resource.split_whitespace().next().unwrap_or(&f.resource);
    let pool = f
        .resource
        .split("(pool ")
        .nth(1)
        .map(|s| s.trim_end_matches(')').to_string());
    let target = match &pool {
        Some(name) => ctx
            .sms(r)
            .and_then(|s| s.pools.iter().find(|x| x.name.as_deref() == Some(name)))
            .map(|x| x.id.clone())
            .unwrap_or_else(|| format!("POOL_ID_OF_{name}")),
        None => "PHONE_NUMBER_ID".into(),
    };
    let source = match &pool {
        Some(name) => ctx
            .sms(p)
            .and_then(|s| s.pools.iter().find(|x| x.name.as_deref() == Some(name)))
            .map(|x| x.id.clone())
            .unwrap_or_else(|| format!("POOL_ID_OF_{name}")),
        None => "PRIMARY_PHONE_NUMBER_ID".into(),
    };
    plan.checklist.add(
        Section::Other,
        format!("Add keyword {keyword} in {r} ({})", f.resource),
        finding(f),
        format!(
            "{}\n\nThe reply text is read from the primary at run time (the facts hold only its hash):\n\n{}",
            f.message,
            code(&format!(
                "k=$(aws pinpoint-sms-voice-v2 describe-keywords --region {p} --origination-identity {source} --keywords {keyword} \\\n  --query 'Keywords[0].[KeywordMessage,KeywordAction]' --output text)\naws pinpoint-sms-voice-v2 put-keyword --region {r} --origination-identity {target} --keyword {keyword} \\\n  --keyword-message \"$(cut -f1 <<<\"$k\")\" --keyword-action \"$(cut -f2 <<<\"$k\")\""
            ))
        ),
    );
}

fn deletion_protection(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let r = &ctx.region;
    let is_number = ctx
        .sms(r)
        .is_some_and(|s| s.phone_numbers.iter().any(|n| n.id == f.resource));
    let cmd = if is_number {
        format!("aws pinpoint-sms-voice-v2 update-phone-number --region {r} --phone-number-id {} --deletion-protection-enabled", f.resource)
    } else {
        let (id, country) = f.resource.split_once(' ').unwrap_or((&f.resource, ""));
        let country = country.trim_matches(|c| c == '(' || c == ')');
        format!("aws pinpoint-sms-voice-v2 update-sender-id --region {r} --sender-id {id} --iso-country-code {} --deletion-protection-enabled", if country.is_empty() { "CC" } else { country })
    };
    plan.checklist.add(
        Section::Origination,
        format!("Enable deletion protection on {} in {r}", f.resource),
        finding(f),
        code(&cmd),
    );
}

// ----- Pinpoint -----

fn project_here<'a>(ctx: &Ctx<'a>, name: &str) -> Option<&'a Project> {
    ctx.projects(&ctx.region).iter().find(|p| p.name == name)
}

fn project_primary<'a>(ctx: &Ctx<'a>, name: &str) -> Option<&'a Project> {
    ctx.projects(&ctx.primary).iter().find(|p| p.name == name)
}

/// The project's application ID in this Region: the existing project's, or a reference to the
/// App the template creates.
fn app_id(ctx: &Ctx, plan: &mut Plan, name: &str, closes: &Finding) -> Option<Node> {
    if let Some(p) = project_here(ctx, name) {
        return Some(Node::s(&p.id));
    }
    let primary = project_primary(ctx, name)?;
    let id = plan.template.logical_id("PinpointApp", name);
    let tags: Vec<(String, Node)> = primary
        .tags
        .iter()
        .map(|(k, v)| (k.clone(), Node::s(v)))
        .collect();
    let mut props = vec![("Name".to_string(), Node::s(name))];
    if !tags.is_empty() {
        props.push(("Tags".into(), Node::Map(tags)));
    }
    let mut x = res("AWS::Pinpoint::App", Node::Map(props), closes.clone());
    x.note = Some("Legacy Pinpoint project (end of support 2026-10-30): generated because no SES or End User Messaging type replaces a project.".into());
    plan.template.add(&id, x);
    Some(Node::r#ref(&id))
}

fn pinpoint_project(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let key = finding(f);
    // PUSH-001's resource is PROJECT/CHANNEL; the others name the project.
    let (name, channel) = match f.resource.split_once('/') {
        Some((n, c)) if f.rule_id == "PUSH-001" => (n.to_string(), Some(c.to_string())),
        _ => (f.resource.clone(), None),
    };
    let Some(primary) = project_primary(ctx, &name) else {
        return;
    };
    let here = project_here(ctx, &name);
    let missing = here.is_none();
    // A `Ref` to the App in ApplicationId orders creation already (no DependsOn needed).
    let Some(app) = app_id(ctx, plan, &name, &key) else {
        return;
    };
    let all = f.rule_id == "DATA-001" && missing;
    // Event stream.
    if (f.rule_id == "DATA-002" || all) && here.and_then(|p| p.event_stream.as_ref()).is_none() {
        if let Some(es) = &primary.event_stream {
            let id = plan.template.logical_id("PinpointEventStream", &name);
            let pname = format!("{id}DestinationArn");
            let dest = plan.template.parameter(
                &pname,
                param(
                    format!(
                        "Kinesis or Firehose stream in {} for the events of project {name}",
                        ctx.region
                    ),
                    Some(ctx.here(&es.destination_stream_arn)),
                ),
            );
            let mut x = res(
                "AWS::Pinpoint::EventStream",
                Node::map([
                    ("ApplicationId", app.clone()),
                    ("DestinationStreamArn", dest),
                    ("RoleArn", Node::s(&es.role_arn)),
                ]),
                key.clone(),
            );
            x.note = Some(format!(
                "Streams to this Region's {}; the role is granted it below.",
                ctx.here(&es.destination_stream_arn)
            ));
            plan.template.add(&id, x);
            // The role is global and was written for the primary's stream: grant it this
            // Region's, or the new stream is denied at its first write (IAM-004).
            let action = if es.destination_stream_arn.contains(":kinesis:") {
                vec!["kinesis:PutRecords", "kinesis:DescribeStream"]
            } else {
                vec!["firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"]
            };
            let role = es
                .role_arn
                .rsplit('/')
                .next()
                .unwrap_or(&es.role_arn)
                .to_string();
            let pid = plan.template.logical_id("EventStreamRolePolicy", &name);
            let mut rp = res(
                "AWS::IAM::RolePolicy",
                Node::map([
                    ("RoleName", Node::s(&role)),
                    (
                        "PolicyName",
                        Node::s(format!("msgready-{}-events-{name}", ctx.region)),
                    ),
                    (
                        "PolicyDocument",
                        Node::map([
                            ("Version", Node::s("2012-10-17")),
                            (
                                "Statement",
                                Node::List(vec![Node::map([
                                    ("Effect", Node::s("Allow")),
                                    ("Action", Node::strs(action)),
                                    ("Resource", Node::List(vec![Node::r#ref(&pname)])),
                                ])]),
                            ),
                        ]),
                    ),
                ]),
                key.clone(),
            );
            rp.note = Some(format!(
                "Lets role {role} write the events of project {name} in {}.",
                ctx.region
            ));
            plan.template.add(&pid, rp);
        }
    }
    // Application settings.
    if f.rule_id == "DATA-008" || all {
        if let Some(s) = &primary.settings {
            let id = plan.template.logical_id("PinpointSettings", &name);
            let mut props = vec![
                ("ApplicationId".to_string(), app.clone()),
                (
                    "CloudWatchMetricsEnabled".into(),
                    Node::Bool(s.cloudwatch_metrics_enabled),
                ),
            ];
            if let Some(h) = &s.campaign_hook {
                let mut hook = Vec::new();
                if let Some(l) = &h.lambda_function_name {
                    hook.push((
                        "LambdaFunctionName".to_string(),
                        Node::s(if l.starts_with("arn:") {
                            ctx.here(l)
                        } else {
                            l.clone()
                        }),
                    ));
                }
                if let Some(m) = &h.mode {
                    hook.push(("Mode".into(), Node::s(m)));
                }
                if let Some(u) = &h.web_url {
                    hook.push(("WebUrl".into(), Node::s(u)));
                }
                if !hook.is_empty() {
                    props.push(("CampaignHook".into(), Node::Map(hook)));
                }
            }
            if let Some(l) = &s.limits {
                let mut lim = Vec::new();
                for (k, v) in [
                    ("Daily", l.daily),
                    ("MaximumDuration", l.maximum_duration),
                    ("MessagesPerSecond", l.messages_per_second),
                    ("Total", l.total),
                ] {
                    if let Some(v) = v {
                        lim.push((k.to_string(), Node::Int(v)));
                    }
                }
                if !lim.is_empty() {
                    props.push(("Limits".into(), Node::Map(lim)));
                }
            }
            if let Some(q) = &s.quiet_time {
                if let (Some(a), Some(b)) = (&q.start, &q.end) {
                    props.push((
                        "QuietTime".into(),
                        Node::map([("Start", Node::s(a)), ("End", Node::s(b))]),
                    ));
                }
            }
            let x = res(
                "AWS::Pinpoint::ApplicationSettings",
                Node::Map(props),
                key.clone(),
            );
            plan.template.add(&id, x);
        }
    }
    // Push channels: credentials as NoEcho parameters.
    let channels: Vec<String> = match &channel {
        Some(c) => vec![c.clone()],
        None if all => primary
            .channels
            .iter()
            .filter(|c| c.enabled)
            .map(|c| c.channel_type.clone())
            .collect(),
        None => vec![],
    };
    for c in channels {
        let Some(ch) = primary.channels.iter().find(|x| x.channel_type == c) else {
            continue;
        };
        let Some((kind, props)) = push_channel(plan, &name, ch, app.clone()) else {
            continue;
        };
        let id = plan
            .template
            .logical_id(&format!("Pinpoint{}", super::cfn::camel(&c)), &name);
        let mut x = res(kind, props, key.clone());
        x.note = Some("Credentials are NoEcho parameters: take them from your secret store, never from msgready.".into());
        plan.template.add(&id, x);
    }
    if all
        && (!primary.journeys.is_empty()
            || !primary.segments.is_empty()
            || !primary.campaigns.is_empty())
    {
        plan.checklist.add(
            Section::Pinpoint,
            format!("Recreate the journeys, segments and campaigns of {name} in {}", ctx.region),
            key,
            format!(
                "CloudFormation cannot create journeys. {} journey(s), {} segment(s), {} campaign(s) in {}: copy each \
                 through the API once the project exists (IDs of segments and templates differ per Region):\n\n{}",
                primary.journeys.len(), primary.segments.len(), primary.campaigns.len(), ctx.primary,
                code(&format!(
                    "aws pinpoint get-journey --region {} --application-id {} --journey-id JOURNEY_ID --query JourneyResponse > j.json\n# remove Id, ApplicationId, CreationDate, LastModifiedDate, Arn, tags; map segment IDs; then:\naws pinpoint create-journey --region {} --application-id NEW_APP_ID --write-journey-request file://j.json",
                    ctx.primary, primary.id, ctx.region
                ))
            ),
        );
    }
}

fn push_channel(
    plan: &mut Plan,
    project: &str,
    ch: &crate::model::facts::Channel,
    app: Node,
) -> Option<(&'static str, Node)> {
    let base = format!(
        "{}{}",
        super::cfn::camel(project),
        super::cfn::camel(&ch.channel_type)
    );
    let mut s = |field: &str, what: &str| {
        plan.template.parameter(
            &format!("{base}{field}"),
            secret(format!(
                "{what} for the {} channel of project {project}",
                ch.channel_type
            )),
        )
    };
    let token = ch.authentication_method.as_deref() != Some("CERTIFICATE");
    let apns = |s: &mut dyn FnMut(&str, &str) -> Node| -> Node {
        if token {
            Node::Map(vec![
                ("ApplicationId".into(), app.clone()),
                ("Enabled".into(), Node::Bool(true)),
                ("DefaultAuthenticationMethod".into(), Node::s("TOKEN")),
                ("BundleId".into(), s("BundleId", "App bundle ID")),
                ("TeamId".into(), s("TeamId", "Apple team ID")),
                ("TokenKeyId".into(), s("TokenKeyId", "APNs token key ID")),
                (
                    "TokenKey".into(),
                    s("TokenKey", "APNs token key (.p8 content)"),
                ),
            ])
        } else {
            Node::Map(vec![
                ("ApplicationId".into(), app.clone()),
                ("Enabled".into(), Node::Bool(true)),
                ("DefaultAuthenticationMethod".into(), Node::s("CERTIFICATE")),
                (
                    "Certificate".into(),
                    s("Certificate", "APNs certificate (PEM)"),
                ),
                (
                    "PrivateKey".into(),
                    s("PrivateKey", "APNs certificate private key (PEM)"),
                ),
            ])
        }
    };
    Some(match ch.channel_type.as_str() {
        "APNS" => ("AWS::Pinpoint::APNSChannel", apns(&mut s)),
        "APNS_SANDBOX" => ("AWS::Pinpoint::APNSSandboxChannel", apns(&mut s)),
        "APNS_VOIP" => ("AWS::Pinpoint::APNSVoipChannel", apns(&mut s)),
        "APNS_VOIP_SANDBOX" => ("AWS::Pinpoint::APNSVoipSandboxChannel", apns(&mut s)),
        "GCM" => (
            "AWS::Pinpoint::GCMChannel",
            if ch.authentication_method.as_deref() == Some("KEY") {
                Node::Map(vec![
                    ("ApplicationId".into(), app),
                    ("Enabled".into(), Node::Bool(true)),
                    ("ApiKey".into(), s("ApiKey", "FCM server key")),
                ])
            } else {
                Node::Map(vec![
                    ("ApplicationId".into(), app),
                    ("Enabled".into(), Node::Bool(true)),
                    ("DefaultAuthenticationMethod".into(), Node::s("TOKEN")),
                    (
                        "ServiceJson".into(),
                        s("ServiceJson", "FCM service account JSON"),
                    ),
                ])
            },
        ),
        "BAIDU" => (
            "AWS::Pinpoint::BaiduChannel",
            Node::Map(vec![
                ("ApplicationId".into(), app),
                ("Enabled".into(), Node::Bool(true)),
                ("ApiKey".into(), s("ApiKey", "Baidu API key")),
                ("SecretKey".into(), s("SecretKey", "Baidu secret key")),
            ]),
        ),
        "ADM" => (
            "AWS::Pinpoint::ADMChannel",
            Node::Map(vec![
                ("ApplicationId".into(), app),
                ("Enabled".into(), Node::Bool(true)),
                ("ClientId".into(), s("ClientId", "ADM client ID")),
                (
                    "ClientSecret".into(),
                    s("ClientSecret", "ADM client secret"),
                ),
            ]),
        ),
        _ => return None,
    })
}

fn pinpoint_data(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let (r, p) = (&ctx.region, &ctx.primary);
    let (title, body, section) = match f.rule_id.as_str() {
        "OPS-002" => (
            format!("Plan the move of project {} off Pinpoint engagement features", f.resource),
            format!(
                "{}\n\nAmazon Pinpoint's engagement features (journeys, campaigns, segments, endpoints, analytics) \
                 reached end of support on 2026-10-30; `cfn-lint` flags every `AWS::Pinpoint::*` resource (W3696). \
                 SMS, voice, push and WhatsApp continue as AWS End User Messaging; email as Amazon SES; journeys and \
                 campaigns move to Amazon Connect outbound campaigns, endpoints to Customer Profiles; event data to \
                 Kinesis Data Streams / Data Firehose. Until then, keep the standby's copy in step (journeys below).",
                f.message
            ),
            Section::Pinpoint,
        ),
        "DATA-009" | "DATA-010" => {
            let (project, item) = f.resource.split_once('/').unwrap_or((&f.resource, ""));
            let primary_id = project_primary(ctx, project).map(|x| x.id.clone()).unwrap_or_else(|| "PRIMARY_APP_ID".into());
            let here_id = project_here(ctx, project).map(|x| x.id.clone()).unwrap_or_else(|| "APP_ID".into());
            (
                format!("Recreate {} of project {project} in {r} through the API", if item.is_empty() { "journeys, segments and campaigns".to_string() } else { item.to_string() }),
                format!(
                    "{}\n\nCloudFormation cannot create journeys (and Pinpoint is past end of support). Copy through the API:\n\n{}",
                    f.message,
                    code(&format!(
                        "aws pinpoint get-journeys --region {p} --application-id {primary_id}   # or get-segments / get-campaigns\naws pinpoint get-journey --region {p} --application-id {primary_id} --journey-id ID --query JourneyResponse > j.json\n# drop Id, ApplicationId, Arn, CreationDate, LastModifiedDate; map segment and template names; then\naws pinpoint create-journey --region {r} --application-id {here_id} --write-journey-request file://j.json"
                    ))
                ),
                Section::Pinpoint,
            )
        }
        "DATA-007" => (
            format!("Re-run the endpoint import of project {} in {r}", f.resource),
            format!(
                "{}\n\nFind why the last imports failed (`aws pinpoint get-import-jobs --region {r} --application-id ID`), \
                 then run one now and fix the schedule:\n\n{}",
                f.message,
                code(&format!(
                    "aws pinpoint create-import-job --region {r} --application-id {} \\\n  --import-job-request S3Url=s3://BUCKET/PREFIX,RoleArn=ROLE_ARN,Format=CSV,DefineSegment=false",
                    project_here(ctx, &f.resource).map(|x| x.id.clone()).unwrap_or_else(|| "APP_ID".into())
                ))
            ),
            Section::Data,
        ),
        "PUSH-002" => {
            let (project, channel) = f.resource.split_once('/').unwrap_or((&f.resource, "APNS"));
            (
                format!("Switch the {channel} channel of {project} in {r} to token authentication"),
                format!(
                    "{}\n\nUse the same APNs token key (.p8) as the primary; pass it from your secret store, never on a shared shell history:\n\n{}",
                    f.message,
                    code(&format!(
                        "aws pinpoint update-apns{}-channel --region {r} --application-id {} \\\n  --apns{}-channel-request DefaultAuthenticationMethod=TOKEN,BundleId=...,TeamId=...,TokenKeyId=...,TokenKey=\"$(cat key.p8)\",Enabled=true",
                        if channel == "APNS_SANDBOX" { "-sandbox" } else { "" },
                        project_here(ctx, project).map(|x| x.id.clone()).unwrap_or_else(|| "APP_ID".into()),
                        if channel == "APNS_SANDBOX" { "-sandbox" } else { "" },
                    ))
                ),
                Section::Pinpoint,
            )
        }
        _ => {
            let (kind, name) = f.resource.split_once('/').unwrap_or(("EMAIL", &f.resource));
            // The CLI's noun and response member per template type.
            let (noun, member) = match kind {
                "SMS" => ("sms", "SMSTemplateResponse"),
                "PUSH" => ("push", "PushNotificationTemplateResponse"),
                "VOICE" => ("voice", "VoiceTemplateResponse"),
                "INAPP" => ("in-app", "InAppTemplateResponse"),
                _ => ("email", "EmailTemplateResponse"),
            };
            (
                format!("Copy Pinpoint message template {} to {r}", f.resource),
                format!(
                    "{}\n\nPinpoint templates are legacy (end of support): for email, prefer an SES template. Copy the \
                     active version at run time (`get-email-template` / `get-sms-template` / `get-push-template` / \
                     `get-voice-template`, then the matching `create-…`/`update-…`):\n\n{}",
                    f.message,
                    code(&format!(
                        "aws pinpoint get-{noun}-template --region {p} --template-name {name} --query {member} > t.json\n# keep the content fields (drop Arn, CreationDate, LastModifiedDate, TemplateType, Version, tags); then\naws pinpoint create-{noun}-template --region {r} --template-name {name} --{noun}-template-request file://t.json"
                    ))
                ),
                Section::Pinpoint,
            )
        }
    };
    plan.checklist.add(section, title, finding(f), body);
}

// ----- S3 -----

fn buckets(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let bucket = &f.resource;
    let b = ctx
        .facts
        .and_then(|x| x.global.s3_buckets.as_ref())
        .and_then(|v| v.iter().find(|x| &x.name == bucket));
    let cmds = match f.rule_id.as_str() {
        "DATA-004" | "DATA-005" => {
            let role = b
                .and_then(|x| x.replication.as_ref())
                .map(|r| r.role_arn.clone())
                .unwrap_or_else(|| format!("arn:aws:iam::{}:role/S3_REPLICATION_ROLE", ctx.account));
            let dest = b
                .and_then(|x| x.replication.as_ref())
                .and_then(|r| r.rules.first())
                .map(|r| r.destination_bucket_arn.clone())
                .unwrap_or_else(|| "arn:aws:s3:::DESTINATION_BUCKET_IN_ANOTHER_REGION".into());
            let prefix = b
                .and_then(|x| x.replication.as_ref())
                .and_then(|r| r.rules.first())
                .map(|r| r.prefix.clone())
                .unwrap_or_default();
            let dest_name = dest.rsplit(':').next().unwrap_or("DESTINATION_BUCKET");
            format!(
                "aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled\n\
                 aws s3api put-bucket-versioning --bucket {dest_name} --versioning-configuration Status=Enabled\n\
                 aws s3api put-bucket-replication --bucket {bucket} --replication-configuration '{{\n  \"Role\": \"{role}\",\n  \"Rules\": [{{\"ID\": \"event-data-dr\", \"Status\": \"Enabled\", \"Priority\": 1,\n    \"Filter\": {{\"Prefix\": \"{prefix}\"}}, \"DeleteMarkerReplication\": {{\"Status\": \"Disabled\"}},\n    \"Destination\": {{\"Bucket\": \"{dest}\",\n      \"ReplicationTime\": {{\"Status\": \"Enabled\", \"Time\": {{\"Minutes\": 15}}}},\n      \"Metrics\": {{\"Status\": \"Enabled\", \"EventThreshold\": {{\"Minutes\": 15}}}}}}}}]}}'"
            )
        }
        _ => format!(
            "aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration \\\n  '{{\"Rules\": [{{\"ApplyServerSideEncryptionByDefault\": {{\"SSEAlgorithm\": \"AES256\"}}}}]}}'\n\
             aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration \\\n  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
    };
    plan.checklist.add(
        Section::Storage,
        format!("Bucket {bucket}: {}", if f.rule_id == "DATA-006" { "encryption and public access blocks" } else { "versioning and replication with Replication Time Control" }),
        finding(f),
        format!(
            "{}\n\nThe bucket exists already, so this is CLI work rather than a stack resource (a replication \
             configuration replaces the whole existing one: merge with any other rule first):\n\n{}",
            f.message,
            code(&cmds)
        ),
    );
}

// ----- IAM and Lambda -----

/// (action, resource) pairs from IAM-004's message: "ACTION on RESOURCE for the …".
pub fn missing_permissions(message: &str) -> Vec<(String, String)> {
    let Some(rest) = message.split_once(": ").map(|x| x.1) else {
        return vec![];
    };
    let body = rest.split(". Until it does").next().unwrap_or(rest);
    body.split("; ")
        .filter_map(|gap| {
            let (action, tail) = gap.split_once(" on ")?;
            let resource = tail.split(" for the ").next()?;
            (action.contains(':') && !action.contains(' ') && !resource.contains(' '))
                .then(|| (action.to_string(), resource.to_string()))
        })
        .collect()
}

fn role_policy(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let gaps = missing_permissions(&f.message);
    // An explicit Deny or a Region condition is not fixed by another Allow.
    if gaps.is_empty()
        || f.message.contains("explicit Deny")
        || f.message.contains("aws:RequestedRegion")
    {
        return;
    }
    let role = &f.resource;
    let id = plan
        .template
        .logical_id("RolePolicy", &format!("{role}-{}", ctx.region));
    let mut by_action: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (a, r) in gaps {
        by_action.entry(a).or_default().insert(r);
    }
    let statements: Vec<Node> = by_action
        .into_iter()
        .map(|(a, rs)| {
            Node::map([
                ("Effect", Node::s("Allow")),
                ("Action", Node::strs([a])),
                ("Resource", Node::strs(rs)),
            ])
        })
        .collect();
    let mut x = res(
        "AWS::IAM::RolePolicy",
        Node::map([
            ("RoleName", Node::s(role)),
            (
                "PolicyName",
                Node::s(format!("msgready-{}-parity", ctx.region)),
            ),
            (
                "PolicyDocument",
                Node::map([
                    ("Version", Node::s("2012-10-17")),
                    ("Statement", Node::List(statements)),
                ]),
            ),
        ]),
        finding(f),
    );
    x.note = Some(format!("Adds an inline policy granting the role what its uses in {} need on that Region's resources.", ctx.region));
    plan.template.add(&id, x);
}

fn trust_policy(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let role = &f.resource;
    let Some(r) = ctx
        .facts
        .and_then(|x| x.global.iam_roles.as_ref())
        .and_then(|v| v.iter().find(|x| &x.name == role))
    else {
        return;
    };
    // The current trust policy with aws:SourceAccount added to every service statement.
    let mut doc = r.trust_policy.clone();
    if let Some(stmts) = doc.get_mut("Statement").and_then(|s| s.as_array_mut()) {
        for s in stmts {
            if s.pointer("/Principal/Service").is_some() {
                let cond = s.as_object_mut().map(|o| {
                    o.entry("Condition")
                        .or_insert_with(|| serde_json::json!({}))
                });
                if let Some(c) = cond.and_then(|c| c.as_object_mut()) {
                    let eq = c
                        .entry("StringEquals")
                        .or_insert_with(|| serde_json::json!({}));
                    if let Some(eq) = eq.as_object_mut() {
                        eq.insert("aws:SourceAccount".into(), serde_json::json!(ctx.account));
                    }
                }
            }
        }
    }
    let body = format!(
        "{}\n\nIAM roles are global and this one exists (CloudFormation cannot adopt it). {}\n\n{}",
        f.message,
        if f.rule_id == "IAM-003" {
            "Add a confused-deputy condition (aws:SourceAccount; aws:SourceArn for the project or configuration set is tighter):"
        } else {
            "Review the principals; a starting point with aws:SourceAccount added (narrow the principals to the service the role is for):"
        },
        code(&format!(
            "aws iam update-assume-role-policy --role-name {role} --policy-document '{}'",
            serde_json::to_string(&doc).unwrap_or_default()
        ))
    );
    plan.checklist.add(
        Section::Iam,
        format!("Tighten the trust policy of role {role}"),
        finding(f),
        body,
    );
}

fn lambda_permission(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let r = &ctx.region;
    let name = &f.resource;
    let exists = ctx
        .rf(r)
        .and_then(|x| x.lambda_functions.as_ref())
        .is_some_and(|v| v.iter().any(|l| &l.name == name));
    let body = if exists || ctx.facts.is_none() {
        format!(
            "{}\n\nLet this Region's Pinpoint invoke it (and remove the statement naming another Region's principal):\n\n{}",
            f.message,
            code(&format!(
                "aws lambda add-permission --region {r} --function-name {name} --statement-id pinpoint-{r} \\\n  --action lambda:InvokeFunction --principal pinpoint.{r}.amazonaws.com \\\n  --source-arn 'arn:aws:mobiletargeting:{r}:{a}:apps/*' --source-account {a}\naws lambda get-policy --region {r} --function-name {name}   # then remove-permission --statement-id … for the foreign principal",
                a = ctx.account
            ))
        )
    } else {
        format!(
            "{}\n\nDeploy the function to {r} from its own pipeline (code is out of msgready's reach), then grant \
             `pinpoint.{r}.amazonaws.com` as above with `aws lambda add-permission`.",
            f.message
        )
    };
    plan.checklist.add(
        Section::Iam,
        format!("Lambda function {name} for Pinpoint in {r}"),
        finding(f),
        body,
    );
}

// ----- CloudWatch alarms -----

/// (logical ID suffix, namespace, metric, statistic, operator, period, threshold, missing data)
type AlarmSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    &'static str,
);

fn alarms(ctx: &Ctx, plan: &mut Plan, f: &RuleResult) {
    let missing = f
        .message
        .split("no enabled alarm watches ")
        .nth(1)
        .and_then(|s| s.split(". Watched").next())
        .unwrap_or("");
    let r = &ctx.region;
    let topic = plan.template.parameter(
        "AlarmTopicArn",
        param(format!("SNS topic (or other alarm action ARN) that pages the on-call for failover triggers in {r}"), None),
    );
    let mut wanted: Vec<AlarmSpec> = Vec::new();
    if f.resource == "email" {
        if missing.contains("bounces") {
            wanted.push((
                "BounceRate",
                "AWS/SES",
                "Reputation.BounceRate",
                "Maximum",
                "GreaterThanOrEqualToThreshold",
                3600,
                "0.05",
                "notBreaching",
            ));
        }
        if missing.contains("complaints") {
            wanted.push((
                "ComplaintRate",
                "AWS/SES",
                "Reputation.ComplaintRate",
                "Maximum",
                "GreaterThanOrEqualToThreshold",
                3600,
                "0.001",
                "notBreaching",
            ));
        }
        if missing.contains("sending stopping") {
            wanted.push((
                "SendingStopped",
                "AWS/SES",
                "Send",
                "Sum",
                "LessThanThreshold",
                300,
                "1",
                "breaching",
            ));
        }
    } else if f.resource == "sms"
        && (missing.contains("SMS deliveries") || missing.contains("SMS sending stopping"))
    {
        // One alarm on deliveries with missing data breaching is both watches.
        wanted.push((
            "SmsDeliveriesStopped",
            "AWS/SMSVoice",
            "NumberOfTextMessagePartsDelivered",
            "Sum",
            "LessThanThreshold",
            300,
            "1",
            "breaching",
        ));
    }
    for (suffix, ns, metric, stat, op, period, threshold, tmd) in wanted {
        let id = format!("Alarm{}{suffix}", super::cfn::camel(r));
        let mut x = res(
            "AWS::CloudWatch::Alarm",
            Node::Map(vec![
                (
                    "AlarmName".into(),
                    Node::s(format!("msgready-{r}-{}", suffix.to_ascii_lowercase())),
                ),
                (
                    "AlarmDescription".into(),
                    Node::s(format!(
                        "Failover trigger in {r}: {ns} {metric} ({tmd} on missing data)"
                    )),
                ),
                ("Namespace".into(), Node::s(ns)),
                ("MetricName".into(), Node::s(metric)),
                ("Statistic".into(), Node::s(stat)),
                ("Period".into(), Node::Int(period)),
                (
                    "EvaluationPeriods".into(),
                    Node::Int(if tmd == "breaching" { 3 } else { 1 }),
                ),
                ("Threshold".into(), Node::Num(threshold.into())),
                ("ComparisonOperator".into(), Node::s(op)),
                ("TreatMissingData".into(), Node::s(tmd)),
                ("ActionsEnabled".into(), Node::Bool(true)),
                ("AlarmActions".into(), Node::List(vec![topic.clone()])),
            ]),
            finding(f),
        );
        if tmd == "breaching" {
            x.note = Some("In a warm standby that sends little, size the threshold to the exercise traffic or enable actions at failover.".into());
        }
        plan.template.add(&id, x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_004_message_gives_the_missing_permissions() {
        let m = "Role r does not allow, in us-west-2: firehose:PutRecordBatch on arn:aws:firehose:us-west-2:1:deliverystream/a for the event stream of project p (the role grants it only on arn:aws:firehose:us-east-1:1:deliverystream/a); s3:PutObject on arn:aws:s3:::b/x/* for the export (no policy of the role grants it). Until it does, Pinpoint cannot stream.";
        assert_eq!(
            missing_permissions(m),
            vec![
                (
                    "firehose:PutRecordBatch".to_string(),
                    "arn:aws:firehose:us-west-2:1:deliverystream/a".to_string()
                ),
                ("s3:PutObject".to_string(), "arn:aws:s3:::b/x/*".to_string()),
            ]
        );
        assert!(missing_permissions("something else").is_empty());
    }

    #[test]
    fn arns_move_to_the_region_but_global_ones_do_not() {
        assert_eq!(
            in_region("arn:aws:firehose:us-east-1:1:deliverystream/a", "us-west-2"),
            "arn:aws:firehose:us-west-2:1:deliverystream/a"
        );
        assert_eq!(
            in_region("arn:aws:iam::1:role/x", "us-west-2"),
            "arn:aws:iam::1:role/x"
        );
        assert_eq!(in_region("arn:aws:s3:::b", "us-west-2"), "arn:aws:s3:::b");
    }
}
