//! The CloudFormation template: a small tree of YAML nodes, written by hand so that the output
//! is deterministic (sorted logical IDs, fixed key order) and needs no YAML crate.
//!
//! Every string scalar is written double-quoted with JSON escaping, which YAML 1.2 reads the
//! same way: no value can turn into a number, a boolean, a tag or a comment by accident.
//! Intrinsic functions use their long form (`Ref:`, `Fn::Sub:`), so there are no YAML tags.

use std::collections::{BTreeMap, BTreeSet};

/// One YAML node. Maps keep the order they were built in.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Bool(bool),
    Int(i64),
    /// A decimal number literal, written unquoted.
    Num(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn s(v: impl Into<String>) -> Node {
        Node::Str(v.into())
    }

    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Node)>) -> Node {
        Node::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn strs<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Node {
        Node::List(items.into_iter().map(|s| Node::Str(s.into())).collect())
    }

    /// `Ref: NAME`.
    pub fn r#ref(name: &str) -> Node {
        Node::map([("Ref", Node::s(name))])
    }

    /// `Fn::GetAtt: [LOGICAL, ATTR]`.
    pub fn get_att(logical: &str, attr: &str) -> Node {
        Node::map([("Fn::GetAtt", Node::strs([logical, attr]))])
    }

    /// `Fn::If: [COND, THEN, AWS::NoValue]`: the property is left out when the condition is
    /// false.
    pub fn if_set(cond: &str, then: Node) -> Node {
        Node::map([(
            "Fn::If",
            Node::List(vec![Node::s(cond), then, Node::r#ref("AWS::NoValue")]),
        )])
    }
}

/// Writes `node` as a YAML document body.
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(entries) if !entries.is_empty() => emit_map(entries, 0, &mut out),
        other => {
            out.push_str(&scalar_or_flow(other));
            out.push('\n');
        }
    }
    out
}

/// A double-quoted YAML scalar: JSON's string syntax, with DEL and the C1 controls escaped too
/// (YAML does not allow them raw, and names from AWS may carry them).
fn quote(s: &str) -> String {
    crate::jsonio::pretty(s).unwrap_or_else(|_| "\"\"".into())
}

/// Keys are CloudFormation identifiers; anything else is quoted.
fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '_' || c == '.')
        && !k.ends_with(':');
    if plain {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Scalars, and the empty list and map, on one line.
fn scalar_or_flow(node: &Node) -> String {
    match node {
        Node::Str(s) => quote(s),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Num(n) => n.clone(),
        Node::List(items) if items.is_empty() => "[]".into(),
        Node::Map(entries) if entries.is_empty() => "{}".into(),
        // Only called for the above; a non-empty collection is never inline.
        Node::List(_) | Node::Map(_) => String::new(),
    }
}

fn is_block(node: &Node) -> bool {
    matches!(node, Node::List(v) if !v.is_empty()) || matches!(node, Node::Map(v) if !v.is_empty())
}

fn emit_map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    for (k, v) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        emit_value(v, indent, out);
    }
}

/// The value after `key:` or `-`.
fn emit_value(v: &Node, indent: usize, out: &mut String) {
    match v {
        Node::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            emit_map(entries, indent + 2, out);
        }
        Node::List(items) if !items.is_empty() => {
            out.push('\n');
            emit_list(items, indent + 2, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_or_flow(scalar));
            out.push('\n');
        }
    }
}

fn emit_list(items: &[Node], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                // First entry on the dash line, the rest aligned under it.
                let (k, v) = &entries[0];
                out.push(' ');
                out.push_str(&key(k));
                out.push(':');
                emit_value(v, indent + 2, out);
                emit_map(&entries[1..], indent + 2, out);
            }
            other if is_block(other) => {
                out.push('\n');
                if let Node::List(inner) = other {
                    emit_list(inner, indent + 2, out);
                }
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_or_flow(scalar));
                out.push('\n');
            }
        }
    }
}

/// A finding a resource or checklist item closes: (rule ID, resource as in the result).
pub type Finding = (String, String);

#[derive(Debug, Clone)]
pub struct Parameter {
    pub description: String,
    /// `String` or `CommaDelimitedList`.
    pub kind: &'static str,
    pub default: Option<String>,
    /// Credentials: CloudFormation masks the value in every describe call and in the console.
    pub no_echo: bool,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: String,
    pub properties: Node,
    pub depends_on: BTreeSet<String>,
    pub condition: Option<String>,
    pub closes: BTreeSet<Finding>,
    /// Why the resource looks the way it does, for the reviewer (Metadata `msgready:Note`).
    pub note: Option<String>,
}

/// The template under construction. Logical IDs are derived from names, so the same facts
/// give the same template, and a re-run updates rather than replaces the stack's resources.
#[derive(Debug, Clone, Default)]
pub struct Template {
    pub description: String,
    pub parameters: BTreeMap<String, Parameter>,
    pub conditions: BTreeMap<String, Node>,
    pub resources: BTreeMap<String, Resource>,
    /// name → logical ID, so that two names that camel-case the same get distinct IDs.
    ids: BTreeMap<String, String>,
}

impl Template {
    /// A stable logical ID for `name` under `prefix` (`EmailIdentity` + `example.com` →
    /// `EmailIdentityExampleCom`). Two names that collapse to the same ID get a short hash of
    /// the name appended; the first one keeps the plain ID.
    pub fn logical_id(&mut self, prefix: &str, name: &str) -> String {
        let full = format!("{prefix}\u{0}{name}");
        if let Some(id) = self.ids.get(&full) {
            return id.clone();
        }
        let mut id = format!("{prefix}{}", camel(name));
        id.truncate(200);
        if self.ids.values().any(|v| *v == id) {
            id = format!("{id}{}", short_hash(name));
        }
        self.ids.insert(full, id.clone());
        id
    }

    pub fn parameter(&mut self, name: &str, p: Parameter) -> Node {
        self.parameters.entry(name.to_string()).or_insert(p);
        Node::r#ref(name)
    }

    /// Adds a resource, or, when the logical ID exists already, records that it also closes
    /// `closes`.
    pub fn add(&mut self, id: &str, r: Resource) {
        match self.resources.get_mut(id) {
            Some(existing) => existing.closes.extend(r.closes),
            None => {
                self.resources.insert(id.to_string(), r);
            }
        }
    }

    pub fn closes(&self, finding: &Finding) -> bool {
        self.resources.values().any(|r| r.closes.contains(finding))
    }

    pub fn kinds(&self) -> BTreeSet<&str> {
        self.resources.values().map(|r| r.kind.as_str()).collect()
    }

    pub fn to_node(&self) -> Node {
        let mut top = vec![
            (
                "AWSTemplateFormatVersion".to_string(),
                Node::s("2010-09-09"),
            ),
            ("Description".to_string(), Node::s(&self.description)),
        ];
        if !self.parameters.is_empty() {
            let params = self.parameters.iter().map(|(name, p)| {
                let mut e = vec![
                    ("Type".to_string(), Node::s(p.kind)),
                    ("Description".to_string(), Node::s(&p.description)),
                ];
                if let Some(d) = &p.default {
                    e.push(("Default".into(), Node::s(d)));
                }
                if p.no_echo {
                    e.push(("NoEcho".into(), Node::Bool(true)));
                }
                (name.clone(), Node::Map(e))
            });
            top.push(("Parameters".into(), Node::map(params)));
        }
        if !self.conditions.is_empty() {
            top.push((
                "Conditions".into(),
                Node::map(self.conditions.iter().map(|(k, v)| (k.clone(), v.clone()))),
            ));
        }
        let resources = self.resources.iter().map(|(id, r)| {
            let mut closes: Vec<Node> = r
                .closes
                .iter()
                .map(|(rule, res)| Node::map([("Rule", Node::s(rule)), ("Resource", Node::s(res))]))
                .collect();
            closes.dedup();
            let rule_ids: BTreeSet<&str> = r.closes.iter().map(|(rule, _)| rule.as_str()).collect();
            let mut meta = vec![
                ("msgready:Rules".to_string(), Node::strs(rule_ids)),
                ("msgready:Closes".to_string(), Node::List(closes)),
            ];
            if let Some(n) = &r.note {
                meta.push(("msgready:Note".into(), Node::s(n)));
            }
            let mut e = vec![("Type".to_string(), Node::s(&r.kind))];
            if let Some(c) = &r.condition {
                e.push(("Condition".into(), Node::s(c)));
            }
            if !r.depends_on.is_empty() {
                e.push(("DependsOn".into(), Node::strs(r.depends_on.iter().cloned())));
            }
            e.push(("Metadata".into(), Node::Map(meta)));
            e.push(("Properties".into(), r.properties.clone()));
            (id.clone(), Node::Map(e))
        });
        let resources: Vec<(String, Node)> = resources.collect();
        if resources.is_empty() {
            // A template must declare at least one resource; this one costs nothing and says
            // why the stack is empty.
            top.push((
                "Conditions".into(),
                Node::map([(
                    "Never",
                    // Never true, and not a constant comparison (which cfn-lint flags).
                    Node::map([(
                        "Fn::Equals",
                        Node::List(vec![
                            Node::r#ref("AWS::Region"),
                            Node::s("msgready-nothing-to-create"),
                        ]),
                    )]),
                )]),
            ));
            top.push((
                "Resources".into(),
                Node::map([(
                    "NothingToCreate",
                    Node::map([
                        ("Type", Node::s("AWS::CloudFormation::WaitConditionHandle")),
                        ("Condition", Node::s("Never")),
                        (
                            "Metadata",
                            Node::map([(
                                "msgready:Note",
                                Node::s("No failing result of this Region can be closed by CloudFormation; see the checklist."),
                            )]),
                        ),
                    ]),
                )]),
            ));
        } else {
            top.push(("Resources".into(), Node::Map(resources)));
        }
        Node::Map(top)
    }
}

/// `example-retail.co.uk` → `ExampleRetailCoUk`.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        out = short_hash(name);
    }
    out
}

fn short_hash(name: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(name.as_bytes());
    d.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quotes_every_string_and_nests_lists_of_maps() {
        let n = Node::map([
            ("A", Node::s("yes")),
            (
                "B",
                Node::List(vec![
                    Node::map([("K", Node::s("1")), ("L", Node::strs(["x: y", "#z"]))]),
                    Node::s("plain"),
                ]),
            ),
            ("C", Node::List(vec![])),
            ("Fn::Sub", Node::Bool(true)),
        ]);
        assert_eq!(
            to_yaml(&n),
            "A: \"yes\"\nB:\n  - K: \"1\"\n    L:\n      - \"x: y\"\n      - \"#z\"\n  - \"plain\"\nC: []\nFn::Sub: true\n"
        );
    }

    #[test]
    fn logical_ids_are_stable_and_distinct() {
        let mut t = Template::default();
        let a = t.logical_id("Set", "a-b");
        let b = t.logical_id("Set", "a_b");
        assert_eq!(a, "SetAB");
        assert_ne!(a, b);
        assert_eq!(t.logical_id("Set", "a-b"), a);
        assert_eq!(camel("example-retail.co.uk"), "ExampleRetailCoUk");
    }
}
