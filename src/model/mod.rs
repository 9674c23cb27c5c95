//! The bottom layer: plain data that every step of the pipeline passes to the next, and that
//! imports nothing else of msgready's (std, serde, schemars and serde_json only).
//!
//! - [`vocab`]: severities, areas, result statuses.
//! - [`service`]: the one registry of the AWS services msgready reads.
//! - [`facts`]: the fact snapshot, one file per service.
//! - [`deployment`]: the deployment under audit, resolved (architecture and roles as enums).
//! - [`result`]: one rule's verdict on one resource in one Region.
//! - [`report`]: the `Report` every output format is converted from, with its [`score`],
//!   [`gate`], [`waiver`] and [`baseline`] parts.

pub mod baseline;
pub mod deployment;
pub mod facts;
pub mod gate;
pub mod report;
pub mod result;
pub mod score;
pub mod service;
pub mod vocab;
pub mod waiver;

/// A JSON document msgready writes and reads back (fact snapshots, reports): its format
/// version is checked before its shape, so an old or new file gets a version message rather
/// than a confusing field error.
pub trait Versioned: serde::Serialize + serde::de::DeserializeOwned {
    /// What the file is, for messages: "fact snapshot", "report".
    const WHAT: &'static str;
    /// The `schema_version` this msgready reads and writes.
    const SCHEMA_VERSION: u32;

    /// Checks beyond the shape (duplicates, empty lists); the message names the JSON path.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}
