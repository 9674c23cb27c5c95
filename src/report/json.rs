//! The JSON report: `Report` serialised as it is.

use super::Report;
use crate::error::{Error, Result};
use std::path::Path;

pub fn to_string(report: &Report) -> String {
    pretty(report).expect("a Report always serialises") + "\n"
}

/// Pretty JSON with DEL and the C1 controls escaped too. serde_json escapes only U+0000..U+001F;
/// U+009B is a CSI on many terminals, so a name from AWS carrying it would reach a `cat` of the
/// report live. Outside strings JSON is ASCII, so every such character is inside a string and
/// `\u00XX` is its exact escape.
pub fn pretty<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    let text = serde_json::to_string_pretty(v)?;
    if !text.chars().any(char::is_control) {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    #[test]
    fn del_and_c1_controls_are_escaped_and_the_text_reads_back() {
        let name = "promo\u{1b}[2J\u{9b}31m\u{7f}é\r\n";
        let text = super::pretty(&serde_json::json!({ "name": name })).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("\\u009b31m\\u007fé"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], name);
    }
}
