//! The output formats: each a conversion of one [`Report`](crate::model::report::Report),
//! listed once in [`formats::FORMATS`] (name, file, content type, renderer), which the CLI,
//! the sinks and the tests iterate.

pub mod asff;
pub mod formats;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;
