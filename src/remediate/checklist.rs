//! The checklist: what CloudFormation cannot do, one item per action, each naming the findings
//! (rule ID and resource) it closes.

use super::cfn::Finding;
use std::collections::BTreeSet;

/// Checklist sections, in the order they are worked: long lead times first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Access,
    Origination,
    Dns,
    Data,
    Storage,
    Iam,
    Pinpoint,
    Operations,
    Other,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Access => "Account access, sandboxes and quotas (support cases; start first)",
            Section::Origination => "Origination identities and registrations (weeks of lead time)",
            Section::Dns => "DNS records",
            Section::Data => "Opt-outs, suppressions and endpoint data (copied at run time)",
            Section::Storage => "S3 buckets (versioning, replication, encryption)",
            Section::Iam => "IAM trust policies and Lambda permissions",
            Section::Pinpoint => "Legacy Amazon Pinpoint (end of support 2026-10-30)",
            Section::Operations => "Operations",
            Section::Other => "Other findings (from each rule's remediation)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub section: Section,
    pub title: String,
    pub closes: BTreeSet<Finding>,
    /// Markdown: prose, and commands in fenced blocks.
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub struct Checklist {
    pub items: Vec<Item>,
}

impl Checklist {
    /// Adds an item; an item with the same section and title absorbs the new one's findings
    /// (one action that closes several findings is listed once).
    pub fn add(&mut self, section: Section, title: String, closes: Finding, body: String) {
        if let Some(i) = self
            .items
            .iter_mut()
            .find(|i| i.section == section && i.title == title)
        {
            i.closes.insert(closes);
            return;
        }
        self.items.push(Item {
            section,
            title,
            closes: BTreeSet::from([closes]),
            body,
        });
    }

    pub fn closes(&self, finding: &Finding) -> bool {
        self.items.iter().any(|i| i.closes.contains(finding))
    }

    /// Items by section, then title.
    pub fn sorted(&self) -> Vec<&Item> {
        let mut v: Vec<&Item> = self.items.iter().collect();
        v.sort_by(|a, b| {
            a.section
                .cmp(&b.section)
                .then_with(|| a.title.cmp(&b.title))
        });
        v
    }
}

/// "`EMAIL-001` example.com, `EMAIL-002` example.com".
pub fn closes_text(closes: &BTreeSet<Finding>) -> String {
    closes
        .iter()
        .map(|(rule, res)| format!("`{rule}` {res}"))
        .collect::<Vec<_>>()
        .join(", ")
}
