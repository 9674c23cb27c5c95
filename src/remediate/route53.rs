//! DNS records the Region needs, and the Route 53 ChangeResourceRecordSets change batch that
//! publishes them (`aws route53 change-resource-record-sets --hosted-zone-id Z --change-batch
//! file://route53-REGION.json`).

use super::cfn::Finding;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct DnsRecord {
    pub name: String,
    /// `CNAME`, `MX`, `TXT`.
    pub rtype: String,
    /// Presentation format: TXT values carry their quotes, MX values their preference.
    pub values: BTreeSet<String>,
    pub closes: BTreeSet<Finding>,
    pub purpose: String,
}

#[derive(Debug, Clone, Default)]
pub struct DnsPlan {
    /// Keyed by (name, type): one record set each, as Route 53 stores them.
    pub records: BTreeMap<(String, String), DnsRecord>,
}

impl DnsPlan {
    pub fn add(&mut self, name: &str, rtype: &str, value: &str, closes: Finding, purpose: &str) {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let r = self
            .records
            .entry((name.clone(), rtype.to_string()))
            .or_insert_with(|| DnsRecord {
                name,
                rtype: rtype.to_string(),
                values: BTreeSet::new(),
                closes: BTreeSet::new(),
                purpose: purpose.to_string(),
            });
        r.values.insert(value.to_string());
        r.closes.insert(closes);
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// UPSERT of every record set. Route 53 replaces a whole record set on UPSERT, so each
    /// set carries every value the deployment needs (e.g. the MX of every Region that shares a
    /// MAIL FROM domain), not only the new Region's.
    pub fn change_batch(&self, region: &str) -> serde_json::Value {
        let changes: Vec<serde_json::Value> = self
            .records
            .values()
            .map(|r| {
                json!({
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": format!("{}.", r.name),
                        "Type": r.rtype,
                        "TTL": 1800,
                        "ResourceRecords": r.values.iter().map(|v| json!({"Value": v})).collect::<Vec<_>>(),
                    }
                })
            })
            .collect();
        json!({
            "Comment": format!("msgready remediate: DNS records {region} needs (review before applying: UPSERT replaces each record set)"),
            "Changes": changes,
        })
    }
}
