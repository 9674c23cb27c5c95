//! Names that come from AWS are attacker-controllable (anyone who can create a template or
//! a configuration set in the account chooses its name). Here the emulated deployment's
//! names carry markup, Markdown, and terminal escape sequences; after a real scan over the
//! wire, every output format must carry them as inert text.

#[path = "support/emulators.rs"]
mod emulators;

use serde_json::Value;

/// (name in the scenario, what it becomes): resources that exist only in the primary, so
/// that the standby's findings name them.
const HOSTILE: &[(&str, &str)] = &[
    ("order-shipped", "shipped<script>alert(1)</script>"),
    (
        "password-reset",
        "reset\"><img src=x onerror=alert(2)>|pipe|`tick`|[link](javascript:alert(3))@here",
    ),
    (
        "promo",
        "promo\u{1b}[2J\u{1b}]8;;http:x\u{7}\u{9b}31m\u{0}\r",
    ),
];

fn replace_strings(v: &mut Value) {
    let swap = |s: &str| {
        let mut s = s.to_string();
        for (from, to) in HOSTILE {
            s = s.replace(from, to);
        }
        s
    };
    match v {
        Value::String(s) => *s = swap(s),
        Value::Array(a) => a.iter_mut().for_each(replace_strings),
        Value::Object(m) => {
            let old = std::mem::take(m);
            for (k, mut val) in old {
                replace_strings(&mut val);
                m.insert(swap(&k), val);
            }
        }
        _ => {}
    }
}

#[test]
fn hostile_names_from_aws_stay_inert_in_every_format() {
    let scenario = emulators::repo().join("tests/emulator/scenarios/two-region.json");
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(scenario).expect("scenario")).expect("json");
    replace_strings(&mut doc);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.json");
    std::fs::write(&path, doc.to_string()).expect("write scenario");
    let emus = emulators::start(path.to_str().expect("utf-8"), &[]);

    let out = dir.path().join("report");
    let run = emus
        .msgready()
        .arg("scan")
        .arg("--config")
        .arg(emulators::repo().join("tests/emulator/two-region.toml"))
        .arg("--out")
        .arg(&out)
        .arg("--format")
        .arg(
            msgready::report::FORMATS
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(","),
        )
        .args(["--sms-voice-rps", "50", "--fail-on", "none"])
        .output()
        .expect("scan");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(run.status.code(), Some(0 | 3)),
        "exit {:?}: {stderr}",
        run.status.code()
    );

    // The names went all the way through: the report's results carry them (JSON-escaped).
    let json = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    let report: Value = serde_json::from_str(&json).expect("report.json parses");
    let carried: String = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| format!("{} {}\n", r["resource"], r["message"]))
        .collect();
    for needle in ["<script>alert(1)", "onerror=alert(2)", "promo"] {
        assert!(carried.contains(needle), "no result names {needle:?}");
    }

    let mut outputs = vec![(
        "terminal".to_string(),
        String::from_utf8_lossy(&run.stdout).to_string(),
    )];
    for f in msgready::report::FORMATS.iter().filter_map(|f| f.file) {
        outputs.push((
            f.to_string(),
            std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")),
        ));
    }
    for (name, text) in &outputs {
        // No escape sequence, C1 control or NUL reaches any output (JSON carries them
        // escaped as \u001b, which is text).
        if let Some(at) = text
            .char_indices()
            .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\t'))
            .map(|(i, _)| i)
        {
            let from = text.floor_char_boundary(at.saturating_sub(80));
            let to = text.ceil_char_boundary((at + 40).min(text.len()));
            panic!("{name} carries a control character: {:?}", &text[from..to]);
        }
        match name.as_str() {
            "report.html" => {
                assert!(!text.contains("<img"), "html: a live <img>");
                assert_eq!(
                    text.matches("<script").count(),
                    1,
                    "html: a second <script>"
                );
                assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
                assert!(
                    !text.contains("href=\"javascript"),
                    "html: a javascript: link"
                );
            }
            "report.md" => {
                assert!(!text.contains("<script>"), "markdown: raw <script>");
                assert!(!text.contains("<img"), "markdown: raw <img>");
                // `\](` is an escaped bracket, not a link.
                assert!(
                    !text.replace("\\]", "").contains("](javascript:"),
                    "markdown: a live link"
                );
                assert!(!text.contains("@here"), "markdown: a live @-mention");
                assert!(
                    !text.contains("|pipe|"),
                    "markdown: a pipe that splits the table"
                );
            }
            "report.junit.xml" => {
                assert!(!text.contains("<script>"), "junit: raw <script>");
                let mut reader = quick_xml::Reader::from_str(text);
                loop {
                    match reader.read_event() {
                        Ok(quick_xml::events::Event::Eof) => break,
                        Ok(_) => {}
                        Err(e) => panic!("junit is not well-formed XML: {e}"),
                    }
                }
            }
            "report.json" | "report.sarif" | "report.asff.json" => {
                serde_json::from_str::<Value>(text)
                    .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            }
            _ => {}
        }
    }
}
