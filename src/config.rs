//! `msgready.toml`: the deployment under audit and how strictly to judge it.

use crate::error::{line_of, toml_diagnostic, Error, Result};
use crate::model::deployment::{Architecture, ResolvedDeployment, ResolvedRegion, Role};
use crate::model::facts::FactSnapshot;
use crate::model::vocab::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub deployment: Deployment,
    /// Channels declared in use. A declared value wins over what the primary's facts suggest.
    #[serde(default)]
    pub channels: Channels,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub targets: Targets,
    /// Evidence the APIs cannot show.
    #[serde(default)]
    pub evidence: Evidence,
    /// Per-rule overrides, keyed by rule ID.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverride>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Deployment {
    #[serde(default)]
    pub architecture: Architecture,
    /// Regions in order; exactly one is `primary`. Empty: taken from the fact snapshot.
    #[serde(default)]
    pub regions: Vec<RegionRole>,
    /// Tag whose value matches Pinpoint projects across Regions (DATA-001); by name otherwise.
    #[serde(default)]
    pub project_match_tag: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegionRole {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Channels {
    pub email: Option<bool>,
    pub sms: Option<bool>,
    pub voice: Option<bool>,
    pub push: Option<bool>,
    /// Destination countries (ISO 3166-1 alpha-2) SMS must reach, in addition to those the
    /// primary's origination identities serve.
    #[serde(default)]
    pub sms_countries: Vec<String>,
    #[serde(default)]
    pub voice_countries: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Thresholds {
    /// Warm standby: share of the primary's SMS throughput a standby must have (SMS-004).
    #[serde(default = "d_fraction")]
    pub standby_throughput_fraction: f64,
    /// Share of the primary's 24-hour email volume that keeps standby IPs warm (EMAIL-007).
    #[serde(default = "d_warm_share")]
    pub warm_ip_volume_share: f64,
    /// Largest accepted lag of a standby's newest endpoint import behind the primary's (DATA-007).
    #[serde(default = "d_lag")]
    pub import_lag_hours: f64,
    /// Window in which every standby must have sent traffic (OPS-003).
    #[serde(default = "d_window")]
    pub exercise_window_days: u32,
}

fn d_fraction() -> f64 {
    0.5
}
fn d_warm_share() -> f64 {
    0.05
}
fn d_lag() -> f64 {
    24.0
}
fn d_window() -> u32 {
    30
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            standby_throughput_fraction: d_fraction(),
            warm_ip_volume_share: d_warm_share(),
            import_lag_hours: d_lag(),
            exercise_window_days: d_window(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Targets {
    pub rto_minutes: Option<f64>,
    /// Default RPO target for every data class.
    pub rpo_minutes: Option<f64>,
    pub event_data_rpo_minutes: Option<f64>,
    pub endpoints_rpo_minutes: Option<f64>,
    pub opt_outs_rpo_minutes: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Evidence {
    /// Region → AWS Support case that granted voice production access (VOICE-002).
    #[serde(default)]
    pub voice_production_cases: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleOverride {
    pub severity: Option<Severity>,
    #[serde(default)]
    pub disabled: bool,
}

impl Config {
    pub fn load(path: &Path) -> Result<Self> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
            file: file.clone(),
            message: format!("cannot read config: {e}"),
        })?;
        Self::parse(&text, &file)
    }

    pub fn parse(text: &str, file: &str) -> Result<Self> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let d = toml_diagnostic(file, text, &e);
            Error::Input {
                file: match d.line {
                    Some(l) => format!("{file}:{l}"),
                    None => file.to_string(),
                },
                message: d.message,
            }
        })?;
        config
            .validate()
            .map_err(|(needle, message)| Error::Input {
                file: locate(file, text, &needle),
                message,
            })?;
        Ok(config)
    }

    /// Semantic checks; an error carries a text to look for in the file (for its line).
    fn validate(&self) -> std::result::Result<(), (String, String)> {
        self.validate_deployment()?;
        self.validate_figures()?;
        for c in self
            .channels
            .sms_countries
            .iter()
            .chain(&self.channels.voice_countries)
        {
            if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                return Err((
                    c.clone(),
                    format!("channels: `{c}` is not an ISO 3166-1 alpha-2 country code (like US)"),
                ));
            }
        }
        for region in self.evidence.voice_production_cases.keys() {
            if !is_region_code(region) {
                return Err((
                    region.clone(),
                    format!("evidence.voice-production-cases: `{region}` is not a Region code"),
                ));
            }
        }
        Ok(())
    }

    fn validate_deployment(&self) -> std::result::Result<(), (String, String)> {
        let d = &self.deployment;
        if !d.regions.is_empty() {
            let primaries: Vec<_> = d
                .regions
                .iter()
                .filter(|r| r.role == Role::Primary)
                .collect();
            if primaries.len() != 1 {
                return Err((
                    "regions".into(),
                    format!(
                        "deployment.regions must have exactly one region with role = \"primary\" (found {})",
                        primaries.len()
                    ),
                ));
            }
            let mut seen = std::collections::BTreeSet::new();
            for r in &d.regions {
                if !is_region_code(&r.name) {
                    return Err((
                        r.name.clone(),
                        format!(
                            "deployment.regions: `{}` is not an AWS Region code (like us-east-1)",
                            r.name
                        ),
                    ));
                }
                if !seen.insert(r.name.as_str()) {
                    return Err((
                        r.name.clone(),
                        format!("deployment.regions: `{}` is listed twice", r.name),
                    ));
                }
                let wrong = match (d.architecture, r.role) {
                    (Architecture::WarmStandby, Role::Active) => Some("standby"),
                    (Architecture::ActiveActive, Role::Standby) => Some("active"),
                    _ => None,
                };
                if let Some(want) = wrong {
                    return Err((
                        r.name.clone(),
                        format!(
                            "deployment.regions: `{}` has role \"{}\" but architecture is \"{}\"; use role = \"{want}\"",
                            r.name,
                            r.role.as_str(),
                            d.architecture.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_figures(&self) -> std::result::Result<(), (String, String)> {
        let t = &self.thresholds;
        for (key, v) in [
            ("standby-throughput-fraction", t.standby_throughput_fraction),
            ("warm-ip-volume-share", t.warm_ip_volume_share),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return Err((
                    key.into(),
                    format!("thresholds.{key} must be in (0, 1], got {v}"),
                ));
            }
        }
        if !(t.import_lag_hours.is_finite() && t.import_lag_hours > 0.0) {
            return Err((
                "import-lag-hours".into(),
                "thresholds.import-lag-hours must be a positive number of hours".into(),
            ));
        }
        if t.exercise_window_days == 0 {
            return Err((
                "exercise-window-days".into(),
                "thresholds.exercise-window-days must be at least 1".into(),
            ));
        }
        let tg = &self.targets;
        for (key, v) in [
            ("rto-minutes", tg.rto_minutes),
            ("rpo-minutes", tg.rpo_minutes),
            ("event-data-rpo-minutes", tg.event_data_rpo_minutes),
            ("endpoints-rpo-minutes", tg.endpoints_rpo_minutes),
            ("opt-outs-rpo-minutes", tg.opt_outs_rpo_minutes),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && v >= 0.0) {
                    return Err((
                        key.into(),
                        format!("targets.{key} must be a non-negative number of minutes"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks `[rules.ID]` keys against the loaded rule IDs, suggesting the closest.
    pub fn check_rule_ids(&self, known: &[&str], file: &str, text: Option<&str>) -> Result<()> {
        for id in self.rules.keys() {
            if !known.contains(&id.as_str()) {
                let hint = closest(id, known)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(Error::Input {
                    file: match text {
                        Some(t) => locate(file, t, id),
                        None => file.to_string(),
                    },
                    message: format!("rules.{id}: no rule has this ID{hint}"),
                });
            }
        }
        Ok(())
    }
}

pub fn is_region_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// `file:line` of the first occurrence of `needle` in `text`, or just `file`.
fn locate(file: &str, text: &str, needle: &str) -> String {
    match text.find(needle) {
        Some(off) => format!("{file}:{}", line_of(text, off)),
        None => file.to_string(),
    }
}

/// The candidate nearest to `s` by edit distance, if it is near enough to be a typo.
pub fn closest<'a>(s: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(&s.to_ascii_uppercase(), c), *c))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Config {
    /// The deployment under audit: the declared one, or else the snapshot's Regions in name
    /// order, the first primary and the others standby or active per the architecture.
    pub fn resolve_deployment(&self, facts: &FactSnapshot) -> ResolvedDeployment {
        let d = &self.deployment;
        if !d.regions.is_empty() {
            let primary = d
                .regions
                .iter()
                .find(|r| r.role == Role::Primary)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            return ResolvedDeployment {
                architecture: d.architecture,
                primary,
                regions: d
                    .regions
                    .iter()
                    .map(|r| ResolvedRegion {
                        name: r.name.clone(),
                        role: r.role,
                    })
                    .collect(),
            };
        }
        let mut names: Vec<String> = facts
            .accounts
            .iter()
            .flat_map(|a| a.regions.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        let other_role = match d.architecture {
            Architecture::WarmStandby => Role::Standby,
            Architecture::ActiveActive => Role::Active,
        };
        ResolvedDeployment {
            architecture: d.architecture,
            primary: names.first().cloned().unwrap_or_default(),
            regions: names
                .iter()
                .enumerate()
                .map(|(i, n)| ResolvedRegion {
                    name: n.clone(),
                    role: if i == 0 { Role::Primary } else { other_role },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("msgready.example.toml");
        let c = Config::load(&path).expect("example config parses");
        assert_eq!(c.deployment.regions.len(), 2);
        assert_eq!(c.deployment.regions[0].role, Role::Primary);
    }

    #[test]
    fn unknown_key_names_line() {
        let text = "[deployment]\narchitecture = \"warm-standby\"\nregoins = []\n";
        let err = Config::parse(text, "m.toml").unwrap_err().to_string();
        assert!(err.starts_with("m.toml:3:"), "{err}");
        assert!(err.contains("regoins"), "{err}");
    }

    #[test]
    fn two_primaries_rejected() {
        let text = "[deployment]\n[[deployment.regions]]\nname = \"us-east-1\"\nrole = \"primary\"\n[[deployment.regions]]\nname = \"us-west-2\"\nrole = \"primary\"\n";
        let err = Config::parse(text, "m.toml").unwrap_err().to_string();
        assert!(err.contains("exactly one"), "{err}");
    }

    #[test]
    fn role_must_match_architecture() {
        let text = "[deployment]\narchitecture = \"active-active\"\n[[deployment.regions]]\nname = \"us-east-1\"\nrole = \"primary\"\n[[deployment.regions]]\nname = \"us-west-2\"\nrole = \"standby\"\n";
        let err = Config::parse(text, "m.toml").unwrap_err().to_string();
        assert!(err.starts_with("m.toml:7:"), "{err}");
        assert!(err.contains("use role = \"active\""), "{err}");
    }

    #[test]
    fn bad_threshold_rejected() {
        let err = Config::parse(
            "[thresholds]\nstandby-throughput-fraction = 1.5\n",
            "m.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("m.toml:2:"), "{err}");
    }

    #[test]
    fn closest_suggests_typo() {
        assert_eq!(
            closest("EMAIL-01", &["EMAIL-001", "SMS-002"]),
            Some("EMAIL-001")
        );
        assert_eq!(closest("ZZZZZZZZZ", &["EMAIL-001"]), None);
    }
}
