//! The deployment under audit, resolved from the config (or, failing that, the facts):
//! its architecture and each Region's role.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    #[default]
    WarmStandby,
    ActiveActive,
}

impl Architecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::WarmStandby => "warm-standby",
            Architecture::ActiveActive => "active-active",
        }
    }
}

impl std::fmt::Display for Architecture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Primary,
    Standby,
    Active,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Standby => "standby",
            Role::Active => "active",
        }
    }

    /// The primary and active Regions carry traffic today; a standby waits for a failover.
    pub fn carries_traffic(self) -> bool {
        matches!(self, Role::Primary | Role::Active)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The deployment under audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResolvedDeployment {
    pub architecture: Architecture,
    pub primary: String,
    pub regions: Vec<ResolvedRegion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResolvedRegion {
    pub name: String,
    pub role: Role,
}

impl ResolvedDeployment {
    /// A two-Region warm-standby deployment (compile checks and tests).
    pub fn warm_standby(primary: &str, standby: &str) -> ResolvedDeployment {
        ResolvedDeployment {
            architecture: Architecture::WarmStandby,
            primary: primary.into(),
            regions: vec![
                ResolvedRegion {
                    name: primary.into(),
                    role: Role::Primary,
                },
                ResolvedRegion {
                    name: standby.into(),
                    role: Role::Standby,
                },
            ],
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.regions.iter().map(|r| r.name.as_str())
    }

    pub fn role_of(&self, region: &str) -> Option<Role> {
        self.regions
            .iter()
            .find(|r| r.name == region)
            .map(|r| r.role)
    }

    pub fn is_active_active(&self) -> bool {
        self.architecture == Architecture::ActiveActive
    }

    pub fn arch(&self) -> Architecture {
        self.architecture
    }
}
