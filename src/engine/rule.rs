//! Rule files: one TOML file per rule, metadata first, then the Rego logic.
//!
//! Loading collects every problem in every file before failing, each as `file:line`.

use crate::error::{line_of, toml_diagnostic, Diagnostic, Error, Result};
use crate::model::deployment::Architecture;
use crate::model::service::{Service, SERVICES};
use crate::model::vocab::{Area, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A severity, or one per architecture where the catalog gives two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SeveritySpec {
    One(Severity),
    ByArchitecture(ArchSeverity),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArchSeverity {
    pub active_active: Severity,
    pub warm_standby: Severity,
}

impl SeveritySpec {
    pub fn for_architecture(self, arch: Architecture) -> Severity {
        match (self, arch) {
            (SeveritySpec::One(s), _) => s,
            (SeveritySpec::ByArchitecture(a), Architecture::ActiveActive) => a.active_active,
            (SeveritySpec::ByArchitecture(a), Architecture::WarmStandby) => a.warm_standby,
        }
    }

    pub fn describe(self) -> String {
        match self {
            SeveritySpec::One(s) => s.to_string(),
            SeveritySpec::ByArchitecture(a) => format!(
                "{} (active-active), {} (warm standby)",
                a.active_active, a.warm_standby
            ),
        }
    }
}

/// Which Regions a rule judges. Parity rules compare other Regions with the primary and say
/// nothing about the primary itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    AllRegions,
    OtherRegions,
}

/// The file format, exactly; unknown keys are errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RuleFile {
    id: toml::Spanned<String>,
    title: String,
    area: Area,
    severity: SeveritySpec,
    guide: String,
    scope: Scope,
    /// Collection operations (`service:Operation`) whose failure makes the rule `not_assessed`.
    requires: Vec<toml::Spanned<String>>,
    /// Operations the rule reads when they are there: a failure adds a `not_assessed` result
    /// for the part it could not judge; a service that is gone is no failure.
    #[serde(default)]
    optional: Vec<toml::Spanned<String>>,
    rationale: String,
    remediation: String,
    rego: toml::Spanned<String>,
}

/// A loaded, validated rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub area: Area,
    pub severity: SeveritySpec,
    pub guide: String,
    pub scope: Scope,
    pub requires: Vec<String>,
    pub optional: Vec<String>,
    pub rationale: String,
    pub remediation: String,
    #[serde(skip)]
    pub rego: String,
    /// Where it came from: `rules/email/EMAIL-001.toml` for built-ins, the path otherwise.
    pub source: String,
    /// Rego package the results are read from.
    #[serde(skip)]
    pub package: String,
}

impl Rule {
    pub fn results_path(&self) -> String {
        format!("data.{}.results", self.package)
    }

    /// The severity in force: the config's override, else the rule's for the architecture.
    pub fn severity_in_force(
        &self,
        config: &crate::config::Config,
        arch: Architecture,
    ) -> Severity {
        config
            .rules
            .get(&self.id)
            .and_then(|o| o.severity)
            .unwrap_or_else(|| self.severity.for_architecture(arch))
    }
}

pub fn is_valid_id(id: &str) -> bool {
    match id.split_once('-') {
        Some((prefix, num)) => {
            !prefix.is_empty()
                && prefix.chars().all(|c| c.is_ascii_uppercase())
                && num.len() == 3
                && num.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

pub fn package_for(id: &str) -> String {
    format!("msgready.rules.{}", id.replace('-', "_"))
}

/// A `requires`/`optional` entry names a service of the registry that has facts, and one of
/// the read actions its collector makes: anything else could never be reported as not
/// collected, so the rule would pass on facts nobody read.
fn check_fact_entry(entry: &str) -> std::result::Result<(), String> {
    let services = || {
        SERVICES
            .iter()
            .filter(|s| s.service.has_facts())
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((svc, op)) = entry.split_once(':') else {
        return Err(format!(
            "must be `service:Operation` with service one of {}",
            services()
        ));
    };
    let service = Service::from_name(svc)
        .filter(|s| s.has_facts())
        .ok_or_else(|| {
            format!(
                "`{svc}` is not a service msgready reads; one of {}",
                services()
            )
        })?;
    if !service.reads(op) {
        return Err(format!(
            "msgready's {} collector does not call `{op}`; it reads {}",
            service.info().title,
            service.info().read_actions.join(", ")
        ));
    }
    Ok(())
}

/// Parses one rule file. `name` is the path shown in messages.
pub fn parse_rule(name: &str, text: &str) -> std::result::Result<Rule, Vec<Diagnostic>> {
    let diag = |line: Option<usize>, message: String| Diagnostic {
        file: name.to_string(),
        line,
        message,
    };
    let file: RuleFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let mut d = toml_diagnostic(name, text, &e);
            if d.message.contains("untagged enum SeveritySpec") {
                d.message = "severity must be one of critical, high, medium, low, info, or a table { active-active = \"...\", warm-standby = \"...\" }".into();
            }
            return Err(vec![d]);
        }
    };
    let mut problems = Vec::new();
    let id = file.id.get_ref().clone();
    let id_line = Some(line_of(text, file.id.span().start));
    if !is_valid_id(&id) {
        problems.push(diag(
            id_line,
            format!(
                "id `{id}` is not of the form AREA-NNN (capital letters, a dash, three digits)"
            ),
        ));
    }
    let stem = Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if stem != id {
        problems.push(diag(
            id_line,
            format!("id `{id}` does not match the file name `{stem}.toml`"),
        ));
    }
    for (key, value) in [
        ("title", &file.title),
        ("guide", &file.guide),
        ("rationale", &file.rationale),
        ("remediation", &file.remediation),
    ] {
        if value.trim().is_empty() {
            problems.push(diag(None, format!("`{key}` must not be empty")));
        }
    }
    let (requires, optional) = fact_entries(&file, text, &diag, &mut problems);
    let package = package_for(&id);
    let rego = rego_source(&file, text, &package, &diag, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Rule {
        id,
        title: file.title,
        area: file.area,
        severity: file.severity,
        guide: file.guide,
        scope: file.scope,
        requires,
        optional,
        rationale: file.rationale.trim().to_string(),
        remediation: file.remediation.trim().to_string(),
        rego,
        source: name.to_string(),
        package,
    })
}

/// The `requires` and `optional` entries, each checked against the service registry.
fn fact_entries(
    file: &RuleFile,
    text: &str,
    diag: &dyn Fn(Option<usize>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<String>, Vec<String>) {
    let mut requires = Vec::new();
    let mut optional = Vec::new();
    let entries = file
        .requires
        .iter()
        .map(|r| (r, false))
        .chain(file.optional.iter().map(|r| (r, true)));
    for (r, is_optional) in entries {
        let line = Some(line_of(text, r.span().start));
        match check_fact_entry(r.get_ref()) {
            Ok(()) if is_optional => optional.push(r.get_ref().clone()),
            Ok(()) => requires.push(r.get_ref().clone()),
            Err(why) => problems.push(diag(
                line,
                format!(
                    "{} entry `{}`: {why}",
                    if is_optional { "optional" } else { "requires" },
                    r.get_ref(),
                ),
            )),
        }
    }
    (requires, optional)
}

/// The Rego, padded so that the interpreter's line numbers are the file's, after checking it
/// declares the rule's package and defines `results`.
fn rego_source(
    file: &RuleFile,
    text: &str,
    package: &str,
    diag: &dyn Fn(Option<usize>, String) -> Diagnostic,
    problems: &mut Vec<Diagnostic>,
) -> String {
    // Pad the Rego with blank lines so that the interpreter's line numbers are the file's.
    let rego_start = line_of(text, file.rego.span().start);
    let raw = file.rego.get_ref();
    let first_line_offset = if text[file.rego.span().start..].starts_with("'''\n")
        || text[file.rego.span().start..].starts_with("\"\"\"\n")
    {
        1
    } else {
        0
    };
    let rego = format!("{}{}", "\n".repeat(rego_start - 1 + first_line_offset), raw);
    let declared = raw
        .lines()
        .enumerate()
        .map(|(i, l)| (i, l.trim()))
        .find(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let declared_line = rego_start + first_line_offset + declared.map_or(0, |(i, _)| i);
    let declared = declared.map(|(_, l)| l);
    if declared != Some(&format!("package {package}")) {
        problems.push(diag(
            Some(declared_line),
            format!(
                "rego must begin with `package {package}` (found `{}`)",
                declared.unwrap_or("")
            ),
        ));
    }
    if !raw.contains("results") {
        problems.push(diag(
            Some(rego_start),
            "rego must define `results` (a set of result objects)".into(),
        ));
    }
    rego
}

/// The rule library module every rule may import as `data.msgready.lib`.
pub const LIB_NAME: &str = "rules/lib/msgready.rego";
pub const LIB_REGO: &str = include_str!("../../rules/lib/msgready.rego");

// Built-in rules, embedded at build time (see build.rs).
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A set of rules by ID, in ID order.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: BTreeMap<String, Rule>,
}

impl RuleSet {
    /// The built-in catalog.
    pub fn builtin() -> Result<Self> {
        let mut set = RuleSet::default();
        set.add_files(
            BUILTIN_RULES
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string())),
        )?;
        Ok(set)
    }

    /// Built-ins, then every `*.toml` under `dir`, which adds rules or replaces built-ins by ID.
    pub fn builtin_with(dir: Option<&Path>) -> Result<Self> {
        let mut set = Self::builtin()?;
        if let Some(dir) = dir {
            let user = Self::from_dir(dir)?;
            set.rules.extend(user.rules);
            set.check_compiles()?;
        }
        Ok(set)
    }

    /// Only the rules in `dir` (for `rules lint` and `rules test`).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let files = rule_files(dir)?;
        if files.is_empty() {
            return Err(Error::Input {
                file: dir.display().to_string(),
                message: "no rule files (*.toml) found".into(),
            });
        }
        Self::from_files(files)
    }

    /// Rules from (name shown in messages, file text) pairs: parsed and compiled, every
    /// problem reported together.
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Result<Self> {
        let mut set = RuleSet::default();
        set.add_files(files)?;
        Ok(set)
    }

    fn add_files(&mut self, files: impl IntoIterator<Item = (String, String)>) -> Result<()> {
        let mut problems = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (name, text) in files {
            match parse_rule(&name, &text) {
                Ok(rule) => {
                    if let Some(first) = seen.get(&rule.id) {
                        problems.push(Diagnostic {
                            file: name.clone(),
                            line: None,
                            message: format!("duplicate rule id `{}` (also in {first})", rule.id),
                        });
                        continue;
                    }
                    seen.insert(rule.id.clone(), name.clone());
                    self.rules.insert(rule.id.clone(), rule);
                }
                Err(mut d) => problems.append(&mut d),
            }
        }
        // Rules that parsed are compiled even when other files have problems, so that one
        // run reports everything.
        problems.extend(self.compile_problems());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Rules(problems))
        }
    }

    fn check_compiles(&self) -> Result<()> {
        let problems = self.compile_problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Rules(problems))
        }
    }

    /// Compiles each rule with the library and evaluates it on an empty deployment, so that
    /// syntax errors, unknown functions and unsafe variables surface at load time.
    fn compile_problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for rule in self.rules.values() {
            let mut engine = regorus::Engine::new();
            if let Err(e) = engine.add_policy(LIB_NAME.to_string(), LIB_REGO.to_string()) {
                problems.push(Diagnostic {
                    file: LIB_NAME.into(),
                    line: None,
                    message: e.to_string(),
                });
                break;
            }
            if let Err(e) = engine.add_policy(rule.source.clone(), rule.rego.clone()) {
                problems.push(rego_diagnostic(&rule.source, &e.to_string()));
                continue;
            }
            engine.set_input(crate::engine::input::empty_input());
            if let Err(e) = engine.eval_rule(rule.results_path()) {
                problems.push(rego_diagnostic(&rule.source, &e.to_string()));
            }
        }
        problems
    }

    pub fn ids(&self) -> Vec<&str> {
        self.rules.keys().map(String::as_str).collect()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }
}

/// regorus reports `--> file:line:col`, a source excerpt, then `error: message`; keep the
/// location as ours and the `error:` line as the message.
fn rego_diagnostic(file: &str, message: &str) -> Diagnostic {
    let marker = format!("--> {file}:");
    let line = message.find(&marker).and_then(|i| {
        message[i + marker.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse::<usize>().ok())
    });
    let text = message
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .map(str::trim)
        .unwrap_or_else(|| message.lines().next().unwrap_or(message).trim());
    Diagnostic {
        file: file.into(),
        line,
        message: format!("rego: {text}"),
    }
}

/// Every `*.toml` below `dir`, sorted by path, with its text.
fn rule_files(dir: &Path) -> Result<Vec<(String, String)>> {
    crate::fsutil::files_with_extension(dir, "toml")?
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            Ok((path.display().to_string(), text))
        })
        .collect()
}
