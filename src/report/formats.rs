//! Every output format in one table: a new format is one emitter file and one entry here.

use crate::error::Result;
use crate::model::report::Report;
use std::path::PathBuf;

/// What a renderer may need beyond the report.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `--templates DIR`: HTML templates replacing the built-in ones file by file.
    pub templates: Option<PathBuf>,
    /// ANSI colour in the terminal summary.
    pub colour: bool,
}

/// One output format.
#[derive(Debug)]
pub struct Format {
    /// Its name in `--format`.
    pub name: &'static str,
    /// The file it is written to; `None` for the summary printed on standard output.
    pub file: Option<&'static str>,
    /// Its media type (the S3 sink's Content-Type).
    pub content_type: &'static str,
    /// One line for `--help` and the README.
    pub about: &'static str,
    pub render: fn(&Report, &RenderOptions) -> Result<String>,
}

/// The formats, in the order files are written.
pub const FORMATS: &[Format] = &[
    Format {
        name: "json",
        file: Some("report.json"),
        content_type: "application/json",
        about: "the full report",
        render: |r, _| Ok(super::json::to_string(r)),
    },
    Format {
        name: "text",
        file: None,
        content_type: "text/plain; charset=utf-8",
        about: "a summary on standard output",
        render: |r, o| {
            Ok(super::terminal::render(
                r,
                &super::terminal::Style { colour: o.colour },
            ))
        },
    },
    Format {
        name: "html",
        file: Some("report.html"),
        content_type: "text/html; charset=utf-8",
        about: "one self-contained page for reviewers",
        render: |r, o| {
            let templates = match &o.templates {
                Some(d) => super::html::Templates::with_overrides(d)?,
                None => super::html::Templates::builtin(),
            };
            super::html::render(r, &templates)
        },
    },
    Format {
        name: "sarif",
        file: Some("report.sarif"),
        content_type: "application/sarif+json",
        about: "SARIF 2.1.0, for code scanning",
        render: |r, _| Ok(super::sarif::to_string(r)),
    },
    Format {
        name: "junit",
        file: Some("report.junit.xml"),
        content_type: "application/xml",
        about: "one test case per rule and Region, for CI test views",
        render: |r, _| Ok(super::junit::to_string(r)),
    },
    Format {
        name: "markdown",
        file: Some("report.md"),
        content_type: "text/markdown; charset=utf-8",
        about: "a short summary for pull-request comments and job summaries",
        render: |r, _| Ok(super::markdown::to_string(r)),
    },
    Format {
        name: "asff",
        file: Some("report.asff.json"),
        content_type: "application/json",
        about: "AWS Security Finding Format, for Security Hub",
        render: |r, _| Ok(super::asff::to_string(r)),
    },
];

/// The format named `name` in `--format`.
pub fn by_name(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The format written to `file`.
pub fn by_file(file: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.file == Some(file))
}
