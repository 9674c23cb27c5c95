//! The JSON report: `Report` serialised as it is.

use super::Report;
use crate::error::{Error, Result};
use std::path::Path;

pub fn to_string(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a Report always serialises") + "\n"
}

pub fn write(report: &Report, dir: &Path) -> Result<std::path::PathBuf> {
    let path = dir.join("report.json");
    crate::fsutil::write_atomic(&path, to_string(report).as_bytes())?;
    Ok(path)
}

/// Reads a JSON report written by this or a compatible msgready.
pub fn read(path: &Path) -> Result<Report> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
        file: file.clone(),
        message: format!("cannot read report: {e}"),
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Input {
        file: format!("{file}:{}:{}", e.line(), e.column()),
        message: format!("not a msgready JSON report: {e}"),
    })
}
