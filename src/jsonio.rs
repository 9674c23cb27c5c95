//! The one reader and writer of msgready's versioned JSON files (fact snapshots, reports).
//!
//! Reading checks the file, then that it is JSON, then its `schema_version`, then its shape
//! (errors name `file:line:col` and the JSON path), then the type's own checks. Writing is
//! pretty JSON with every control character escaped, written atomically.

use crate::error::{Error, Result};
use crate::model::Versioned;
use std::path::Path;

/// Reads and checks a versioned file.
pub fn load<T: Versioned>(path: &Path) -> Result<T> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
        file: file.clone(),
        message: format!("cannot read {}: {e}", T::WHAT),
    })?;
    parse(&text, &file)
}

/// Parses and checks a versioned document; `file` is the name shown in messages.
pub fn parse<T: Versioned>(text: &str, file: &str) -> Result<T> {
    let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Input {
        file: format!("{file}:{}:{}", e.line(), e.column()),
        message: format!("{} is not valid JSON: {e}", T::WHAT),
    })?;
    check_version::<T>(&probe, file)?;
    let value: T = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            Error::Input {
                file: format!("{file}:{}:{}", inner.line(), inner.column()),
                message: format!(
                    "not a msgready JSON {}: invalid at `{path}`: {inner}",
                    T::WHAT
                ),
            }
        })?;
    value.check().map_err(|message| Error::Input {
        file: file.to_string(),
        message,
    })?;
    Ok(value)
}

fn check_version<T: Versioned>(probe: &serde_json::Value, file: &str) -> Result<()> {
    let bad = |message: String| Error::Input {
        file: file.to_string(),
        message,
    };
    match probe.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(T::SCHEMA_VERSION) => Ok(()),
        Some(v) => Err(bad(format!(
            "{} has schema_version {v}; this msgready reads version {}",
            T::WHAT,
            T::SCHEMA_VERSION
        ))),
        None => Err(bad(format!(
            "field `schema_version` is missing or not a number: is this a msgready {}?",
            T::WHAT
        ))),
    }
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

/// Writes `v` to `path` atomically as [`pretty`] JSON.
pub fn write<T: serde::Serialize + ?Sized>(v: &T, path: &Path) -> Result<()> {
    let json = pretty(v).map_err(|e| Error::Usage(e.to_string()))?;
    crate::fsutil::write_atomic(path, json.as_bytes())
}

#[cfg(test)]
mod tests {
    use crate::model::facts::FactSnapshot;
    use crate::model::report::Report;

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

    #[test]
    fn version_before_shape_and_every_message_names_the_file() {
        let err = |text: &str| super::parse::<FactSnapshot>(text, "f.json").unwrap_err();
        let e = err("{\"schema_version\": 7, \"nonsense\": true}").to_string();
        assert!(
            e.starts_with("f.json: fact snapshot has schema_version 7"),
            "{e}"
        );
        let e = err("{}").to_string();
        assert!(e.contains("is this a msgready fact snapshot"), "{e}");
        let e = err("{\"schema_version\": 1, \"accounts\": [{\"account_id\": 5}]}").to_string();
        assert!(e.starts_with("f.json:1:"), "{e}");
        assert!(e.contains("`accounts[0].account_id`"), "{e}");
        let e = err("{\"schema_version\": 1, \"accounts\": []}").to_string();
        assert!(e.contains("no accounts"), "{e}");
        let e = super::parse::<Report>("{\"schema_version\": 1}", "r.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a msgready JSON report"), "{e}");
        let e = super::load::<Report>(std::path::Path::new("/nonexistent/r.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read report"), "{e}");
    }
}
