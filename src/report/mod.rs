//! The output formats: each a conversion of one [`Report`], in a file of its own, listed once
//! in [`FORMATS`] (name, file, content type, renderer), which the CLI, the sinks and the tests
//! iterate. A new format is one emitter file here plus its `mod` line and its entry below.

pub mod asff;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

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
        render: |r, _| Ok(json::to_string(r)),
    },
    Format {
        name: "text",
        file: None,
        content_type: "text/plain; charset=utf-8",
        about: "a summary on standard output",
        render: |r, o| Ok(terminal::render(r, &terminal::Style { colour: o.colour })),
    },
    Format {
        name: "html",
        file: Some("report.html"),
        content_type: "text/html; charset=utf-8",
        about: "one self-contained page for reviewers",
        render: |r, o| {
            let templates = match &o.templates {
                Some(d) => html::Templates::with_overrides(d)?,
                None => html::Templates::builtin(),
            };
            html::render(r, &templates)
        },
    },
    Format {
        name: "sarif",
        file: Some("report.sarif"),
        content_type: "application/sarif+json",
        about: "SARIF 2.1.0, for code scanning",
        render: |r, _| Ok(sarif::to_string(r)),
    },
    Format {
        name: "junit",
        file: Some("report.junit.xml"),
        content_type: "application/xml",
        about: "one test case per rule and Region, for CI test views",
        render: |r, _| Ok(junit::to_string(r)),
    },
    Format {
        name: "markdown",
        file: Some("report.md"),
        content_type: "text/markdown; charset=utf-8",
        about: "a short summary for pull-request comments and job summaries",
        render: |r, _| Ok(markdown::to_string(r)),
    },
    Format {
        name: "asff",
        file: Some("report.asff.json"),
        content_type: "application/json",
        about: "AWS Security Finding Format, for Security Hub",
        render: |r, _| Ok(asff::to_string(r)),
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
