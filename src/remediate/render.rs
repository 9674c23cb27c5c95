//! The template and the checklist as text.

use super::checklist::{closes_text, Section};
use super::Plan;
use std::fmt::Write;

pub fn template_yaml(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# msgready remediate --region {}: CloudFormation for what {} lacks.",
        plan.region, plan.region
    );
    let _ = writeln!(
        out,
        "# Each resource's Metadata names the findings (rule ID and resource) it closes; the rest is in remediation-{}.md.",
        plan.region
    );
    let _ = writeln!(
        out,
        "# Deploy: aws cloudformation deploy --region {} --stack-name msgready-remediation-{} --template-file remediation-{}.yaml --capabilities CAPABILITY_IAM [--parameter-overrides NAME=VALUE ...]",
        plan.region, plan.region, plan.region
    );
    out.push_str(&super::cfn::to_yaml(&plan.template.to_node()));
    out
}

pub fn checklist_md(plan: &Plan) -> String {
    let mut o = String::new();
    let r = &plan.region;
    let _ = writeln!(o, "# Remediation checklist for {r}\n");
    let _ = writeln!(
        o,
        "Account {}, primary Region {}, from `{}`. {} failing result(s) in {r}: {} closed by resources in \
         `remediation-{r}.yaml`, the rest by the items below. {} result(s) could not be assessed (last section).\n",
        plan.account_id,
        plan.primary,
        plan.source,
        plan.failing.len(),
        plan.failing
            .iter()
            .filter(|f| plan.template.closes(&(f.rule_id.clone(), f.resource.clone())))
            .count(),
        plan.not_assessed.len()
    );
    let _ = writeln!(
        o,
        "No personal data or secret is in this file or the template: opted-out numbers and suppressed \
         addresses appear as counts, and the commands copy them at run time; push credentials are \
         `NoEcho` template parameters.\n"
    );
    let _ = writeln!(o, "## 1. Deploy the template\n");
    if plan.template.resources.is_empty() {
        let _ = writeln!(
            o,
            "Nothing in {r} can be created by CloudFormation for these findings; the template declares no real resource.\n"
        );
    } else {
        let _ = writeln!(o, "```sh\naws cloudformation deploy --region {r} --stack-name msgready-remediation-{r} \\\n  --template-file remediation-{r}.yaml --capabilities CAPABILITY_IAM \\\n  --parameter-overrides {}\n```\n",
            if plan.template.parameters.is_empty() { "(none needed)".to_string() } else {
                plan.template.parameters.keys().map(|k| format!("{k}=...")).collect::<Vec<_>>().join(" ")
            });
        if !plan.template.parameters.is_empty() {
            let _ = writeln!(o, "Parameters (what only you know; defaults are msgready's best guess from the primary):\n");
            let _ = writeln!(o, "| parameter | default | what |\n|---|---|---|");
            for (k, p) in &plan.template.parameters {
                let _ = writeln!(
                    o,
                    "| `{k}` | {} | {}{} |",
                    p.default
                        .as_deref()
                        .map(|d| format!("`{d}`"))
                        .unwrap_or_else(|| "—".into()),
                    cell(&p.description),
                    if p.no_echo { " (secret: NoEcho)" } else { "" }
                );
            }
            o.push('\n');
        }
        let _ = writeln!(o, "| logical ID | type | closes |\n|---|---|---|");
        for (id, res) in &plan.template.resources {
            let _ = writeln!(
                o,
                "| `{id}` | `{}` | {} |",
                res.kind,
                closes_text(&res.closes)
            );
        }
        o.push('\n');
        if plan
            .template
            .kinds()
            .iter()
            .any(|k| k.starts_with("AWS::Pinpoint::"))
        {
            let _ = writeln!(
                o,
                "`cfn-lint` warns (W3696) on the `AWS::Pinpoint::*` resources: Amazon Pinpoint's engagement features \
                 reached end of support on 2026-10-30. They are generated only where no SES or End User Messaging \
                 type can do the job (projects, their push channels, event streams and settings); plan their \
                 replacement (section 2, Pinpoint).\n"
            );
        }
    }
    let _ = writeln!(o, "## 2. Work the checklist\n");
    let items = plan.checklist.sorted();
    if items.is_empty() {
        let _ = writeln!(
            o,
            "Nothing: every failing result is closed by the template.\n"
        );
    }
    let mut section: Option<Section> = None;
    let mut n = 0;
    for item in items {
        if section != Some(item.section) {
            section = Some(item.section);
            let _ = writeln!(o, "### {}\n", item.section.title());
        }
        n += 1;
        let _ = writeln!(o, "- [ ] **{n}. {}**  ", item.title);
        let _ = writeln!(o, "  Closes: {}\n", closes_text(&item.closes));
        for line in item.body.trim_end().lines() {
            if line.is_empty() {
                o.push('\n');
            } else {
                let _ = writeln!(o, "  {line}");
            }
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## 3. DNS\n");
    if plan.dns.is_empty() {
        let _ = writeln!(
            o,
            "No DNS record is needed from the facts at hand (no `route53-{r}.json` is written).\n"
        );
    } else {
        let _ = writeln!(
            o,
            "Publish these records (also as a Route 53 change batch: `aws route53 change-resource-record-sets \
             --hosted-zone-id ZONE_ID --change-batch file://route53-{r}.json`; UPSERT replaces each whole record \
             set, so each set below lists every value the deployment needs):\n"
        );
        let _ = writeln!(
            o,
            "| name | type | value(s) | why | closes |\n|---|---|---|---|---|"
        );
        for rec in plan.dns.records.values() {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} |",
                rec.name,
                rec.rtype,
                rec.values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join("<br>"),
                cell(&rec.purpose),
                closes_text(&rec.closes)
            );
        }
        o.push('\n');
        if plan
            .dns
            .records
            .values()
            .any(|r| r.rtype == "MX" && r.values.len() > 1)
        {
            let _ = writeln!(
                o,
                "A MAIL FROM domain shared by several Regions gets one MX value per Region. AWS documents \
                 one Region's feedback endpoint per MAIL FROM domain; if SES reports the domain FAILED, give \
                 each Region its own MAIL FROM subdomain instead.\n"
            );
        }
    }
    let _ = writeln!(o, "## 4. Re-scan\n");
    let _ = writeln!(
        o,
        "```sh\nmsgready scan --config msgready.toml --out msgready-report   # the findings above should now pass\n```\n"
    );
    let _ = writeln!(o, "## Could not be assessed\n");
    if plan.not_assessed.is_empty() {
        let _ = writeln!(o, "Every result in {r} was assessed.");
    } else {
        let _ = writeln!(
            o,
            "Fix collection (permissions, Region opt-in) and re-scan; until then these are unknown, not passing:\n"
        );
        for na in &plan.not_assessed {
            let _ = writeln!(o, "- `{}` {}: {}", na.rule_id, na.resource, na.message);
        }
    }
    o
}

/// Table cells cannot hold pipes or newlines.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
