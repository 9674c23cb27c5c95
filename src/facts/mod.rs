//! The fact model: what msgready knows about a deployment, with our own stable field names.
//!
//! Collectors fill these structs from the AWS APIs; `msgready evaluate` reads them from a
//! snapshot file. Enum-like values (DKIM status, number type, ...) are kept as AWS's wire
//! strings so that a value AWS adds tomorrow is carried through rather than rejected.
//! Personal data never appears here: suppressed addresses and opted-out numbers are salted
//! hashes ([`HashedSet`]), and push credentials are reduced to "has a credential".

mod model;

pub use model::*;

use crate::error::{Error, Result};
use std::path::Path;

/// Bumped when a change to the structs would make an older reader misread a snapshot.
pub const SCHEMA_VERSION: u32 = 1;

/// The first list (by JSON path) holding two objects with the same identity: the first of
/// `arn`, `id`, `name` they carry, with `record_type` or `template_type` beside it.
fn duplicate_entry(v: &serde_json::Value, path: &str) -> Option<(String, String)> {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            let mut seen = std::collections::BTreeSet::new();
            for item in items {
                let Value::Object(m) = item else { continue };
                // The most specific identifier present: names repeat where AWS keys on an ID
                // (Pinpoint projects, journeys and segments; trails of one name in two home
                // Regions; an inline and a managed policy of one name).
                let Some((field, id)) = ["arn", "id", "name"]
                    .iter()
                    .find_map(|k| m.get(*k).and_then(Value::as_str).map(|v| (*k, v)))
                else {
                    continue;
                };
                // DNS records and Pinpoint templates are keyed by name and kind together.
                let kind = ["record_type", "template_type"]
                    .iter()
                    .find_map(|k| m.get(*k).and_then(Value::as_str))
                    .unwrap_or("");
                if !seen.insert((field, id, kind)) {
                    let what = if kind.is_empty() {
                        format!("{field} `{id}`")
                    } else {
                        format!("{field} `{id}` ({kind})")
                    };
                    return Some((path.to_string(), what));
                }
            }
            items
                .iter()
                .enumerate()
                .find_map(|(i, item)| duplicate_entry(item, &format!("{path}[{i}]")))
        }
        Value::Object(m) => m.iter().find_map(|(k, item)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            duplicate_entry(item, &p)
        }),
        _ => None,
    }
}

impl FactSnapshot {
    /// Reads and validates a snapshot file. Every failure names the file and, for
    /// malformed JSON, the line and column.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
            file: path.display().to_string(),
            message: format!("cannot read fact snapshot: {e}"),
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    pub fn from_json(text: &str, file: &str) -> Result<Self> {
        // Check the version before the shape, so an old or new snapshot gets a version
        // message rather than a confusing field error.
        let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Input {
            file: format!("{file}:{}:{}", e.line(), e.column()),
            message: format!("fact snapshot is not valid JSON: {e}"),
        })?;
        match probe.get("schema_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(Error::Input {
                    file: file.to_string(),
                    message: format!(
                        "fact snapshot has schema_version {v}; this msgready reads version {SCHEMA_VERSION}"
                    ),
                })
            }
            None => {
                return Err(Error::Input {
                    file: file.to_string(),
                    message: "field `schema_version` is missing or not a number: is this a msgready fact snapshot?".into(),
                })
            }
        }
        let snapshot: FactSnapshot =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
                .map_err(|e| {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    Error::Input {
                        file: format!("{file}:{}:{}", inner.line(), inner.column()),
                        message: format!("invalid fact snapshot at `{path}`: {inner}"),
                    }
                })?;
        snapshot.validate(file)?;
        Ok(snapshot)
    }

    fn validate(&self, file: &str) -> Result<()> {
        if self.accounts.is_empty() {
            return Err(Error::Input {
                file: file.to_string(),
                message: "fact snapshot has no accounts".into(),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, acct) in self.accounts.iter().enumerate() {
            if !seen.insert(acct.account_id.as_str()) {
                return Err(Error::Input {
                    file: file.to_string(),
                    message: format!(
                        "accounts[{i}].account_id `{}` appears twice",
                        acct.account_id
                    ),
                });
            }
        }
        // AWS never lists one resource twice; a snapshot that does is malformed (rules would
        // otherwise see two values for one fact, e.g. two spend limits of one name).
        let doc = serde_json::to_value(self).map_err(|e| Error::Input {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        if let Some((path, key)) = duplicate_entry(&doc, "") {
            return Err(Error::Input {
                file: file.to_string(),
                message: format!("`{path}` lists {key} twice"),
            });
        }
        Ok(())
    }

    /// Writes the snapshot to `path` atomically, as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = crate::report::json::pretty(self).map_err(|e| Error::Usage(e.to_string()))?;
        crate::fsutil::write_atomic(path, json.as_bytes())
    }

    /// The JSON Schema of the snapshot format, generated from these structs.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(FactSnapshot))
            .expect("a generated schema always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::duplicate_entry;
    use serde_json::json;

    #[test]
    fn one_resource_listed_twice_is_found_with_its_path() {
        let doc = json!({"sms": {"spend_limits": [
            {"name": "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT", "enforced_limit": 1},
            {"name": "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT", "enforced_limit": 500}
        ]}});
        assert_eq!(
            duplicate_entry(&doc, ""),
            Some((
                "sms.spend_limits".to_string(),
                "name `VOICE_MESSAGE_MONTHLY_SPEND_LIMIT`".to_string()
            ))
        );
        let doc = json!({"projects": [{"id": "a", "name": "x", "journeys": [
            {"id": "j", "name": "welcome"}, {"id": "j", "name": "other"}
        ]}]});
        assert_eq!(
            duplicate_entry(&doc, ""),
            Some(("projects[0].journeys".to_string(), "id `j`".to_string()))
        );
    }

    #[test]
    fn names_may_repeat_where_aws_keys_on_an_id_or_a_kind() {
        // Two Pinpoint projects of one name, an inline and a managed policy of one name, an
        // email and an SMS template of one name, a CNAME and a TXT record of one name.
        let doc = json!({
            "projects": [{"id": "a", "arn": "arn:1", "name": "test"},
                         {"id": "b", "arn": "arn:2", "name": "test"}],
            "policies": [{"name": "p", "arn": null}, {"name": "p", "arn": "arn:aws:iam::1:policy/p"}],
            "templates": [{"name": "t", "template_type": "EMAIL"}, {"name": "t", "template_type": "SMS"}],
            "dns": [{"name": "n", "record_type": "CNAME"}, {"name": "n", "record_type": "TXT"}]
        });
        assert_eq!(duplicate_entry(&doc, ""), None);
        let doc = json!({"templates": [
            {"name": "t", "template_type": "SMS"}, {"name": "t", "template_type": "SMS"}
        ]});
        assert_eq!(
            duplicate_entry(&doc, ""),
            Some(("templates".to_string(), "name `t` (SMS)".to_string()))
        );
    }
}
