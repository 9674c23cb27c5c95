//! The JSON report: `Report` serialised as it is.

use crate::model::report::Report;

pub fn to_string(report: &Report) -> String {
    crate::jsonio::pretty(report).expect("a Report always serialises") + "\n"
}
