//! DNS (opt-in with `--dns`, for EMAIL-004): each Region's DKIM records, each MAIL FROM
//! domain's MX and SPF TXT, and each sending domain's DMARC TXT (at the domain and its
//! parents), resolved with hickory-resolver through the system's resolver or `--dns-server`.
//!
//! A name that does not exist or has no record of the type is a successful answer with no
//! values (the rule reports it as missing); a timeout or server failure is a recorded failure
//! and the record is left out, so the rule can tell "not there" from "not known".

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::facts::{DnsFacts, DnsRecord, SesFacts};
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::TokioResolver;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

/// The operation name DNS lookups are recorded under (`dns:Resolve`).
pub const OPERATION: &str = "Resolve";

/// Parses `--dns-server`: an IP address with an optional port (default 53).
pub fn parse_server(s: &str) -> Result<SocketAddr> {
    let s = s.trim();
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| {
            Error::Usage(format!(
                "--dns-server `{s}` is not an IP address with an optional port (like 10.0.0.2 or 127.0.0.1:5353)"
            ))
        })
}

/// A resolver through `server` (UDP, then TCP for truncated answers) or the system's.
pub fn resolver(server: Option<SocketAddr>) -> Result<TokioResolver> {
    let provider = TokioConnectionProvider::default();
    let mut builder = match server {
        Some(addr) => {
            let mut config = ResolverConfig::new();
            config.add_name_server(NameServerConfig::new(addr, Protocol::Udp));
            config.add_name_server(NameServerConfig::new(addr, Protocol::Tcp));
            TokioResolver::builder_with_config(config, provider)
        }
        None => TokioResolver::builder(provider).map_err(|e| {
            Error::Usage(format!(
                "--dns: cannot read the system's resolver configuration: {e}; pass --dns-server"
            ))
        })?,
    };
    let opts = builder.options_mut();
    opts.timeout = Duration::from_secs(3);
    opts.attempts = 2;
    // Every name is asked once per scan; a cache would only hide answers changed mid-scan.
    opts.cache_size = 0;
    Ok(builder.build())
}

/// The (name, type) pairs a Region's SES identities need, sorted and without repeats.
pub fn queries(ses: &SesFacts) -> Vec<(String, RecordType)> {
    let mut out = BTreeSet::new();
    for id in ses
        .identities
        .iter()
        .filter(|i| i.identity_type == "DOMAIN")
    {
        let domain = id.name.trim_end_matches('.').to_lowercase();
        if let Some(dkim) = &id.dkim {
            // Easy DKIM: CNAMEs to the signing zone; BYODKIM: the public key TXT itself.
            let byo = dkim.signing_attributes_origin.as_deref() == Some("EXTERNAL");
            let kind = if byo {
                RecordType::TXT
            } else {
                RecordType::CNAME
            };
            for token in &dkim.tokens {
                out.insert((
                    format!("{}._domainkey.{domain}", token.to_lowercase()),
                    kind,
                ));
            }
        }
        if let Some(mf) = id.mail_from.as_ref().filter(|m| !m.domain.is_empty()) {
            let mf = mf.domain.trim_end_matches('.').to_lowercase();
            out.insert((mf.clone(), RecordType::MX));
            out.insert((mf, RecordType::TXT));
        }
        // DMARC may sit at the organisational domain: ask the domain and each parent with at
        // least two labels.
        let labels: Vec<&str> = domain.split('.').collect();
        for i in 0..labels.len().saturating_sub(1) {
            out.insert((format!("_dmarc.{}", labels[i..].join(".")), RecordType::TXT));
        }
    }
    out.into_iter().collect()
}

/// One answer in presentation form: TXT strings quoted and space-separated, MX as
/// `preference exchange`, CNAME as the target.
fn present(rdata: &RData) -> Option<String> {
    match rdata {
        RData::TXT(txt) => Some(
            txt.txt_data()
                .iter()
                .map(|part| format!("\"{}\"", String::from_utf8_lossy(part)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        RData::MX(mx) => Some(format!("{} {}", mx.preference(), mx.exchange())),
        RData::CNAME(c) => Some(c.0.to_string()),
        _ => None,
    }
}

/// Resolves one name; `None` when the lookup failed (recorded).
async fn lookup(
    ctx: &Ctx,
    resolver: &TokioResolver,
    name: &str,
    kind: RecordType,
) -> Option<DnsRecord> {
    // A trailing dot: never let the system's search domains turn the name into another.
    let fqdn = format!("{name}.");
    let Some(answer) = ctx.cancel.race(resolver.lookup(fqdn.as_str(), kind)).await else {
        ctx.interrupted(OPERATION);
        return None;
    };
    let values = match answer {
        Ok(answer) => {
            let mut v: Vec<String> = answer
                .record_iter()
                .filter(|r| r.record_type() == kind)
                .filter_map(|r| present(r.data()))
                .collect();
            v.sort();
            v
        }
        Err(e) if e.is_nx_domain() || e.is_no_records_found() => Vec::new(),
        Err(e) => {
            ctx.recorder.failed(
                ctx.service,
                &ctx.region,
                OPERATION,
                crate::model::facts::FailureReason::Other,
                format!("{kind} {name}: {e}"),
            );
            return None;
        }
    };
    ctx.recorder.ok(ctx.service, &ctx.region, OPERATION);
    Some(DnsRecord {
        name: name.to_string(),
        record_type: kind.to_string(),
        values,
    })
}

/// Resolves every record one Region's SES identities need. `None` when SES was not read (no
/// names to ask) or every lookup failed.
pub async fn collect(
    ctx: &Ctx,
    resolver: &TokioResolver,
    ses: Option<&SesFacts>,
) -> Option<DnsFacts> {
    let queries = queries(ses?);
    if queries.is_empty() {
        return Some(DnsFacts::default());
    }
    let mut records: Vec<DnsRecord> = ctx
        .each(&queries, |(name, kind)| lookup(ctx, resolver, name, *kind))
        .await;
    if records.is_empty() {
        return None;
    }
    records.sort_by(|a, b| (&a.name, &a.record_type).cmp(&(&b.name, &b.record_type)));
    Some(DnsFacts { records })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::facts::{DkimAttributes, EmailIdentity, MailFrom};

    #[test]
    fn names_for_easy_dkim_mail_from_and_dmarc() {
        let ses = SesFacts {
            identities: vec![
                EmailIdentity {
                    name: "Mail.Example.com".into(),
                    identity_type: "DOMAIN".into(),
                    dkim: Some(DkimAttributes {
                        signing_enabled: true,
                        tokens: vec!["AbC".into()],
                        ..Default::default()
                    }),
                    mail_from: Some(MailFrom {
                        domain: "bounce.mail.example.com".into(),
                        status: "SUCCESS".into(),
                        behavior_on_mx_failure: None,
                    }),
                    ..Default::default()
                },
                EmailIdentity {
                    name: "address:0123456789abcdef".into(),
                    identity_type: "EMAIL_ADDRESS".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let q: Vec<(String, String)> = queries(&ses)
            .into_iter()
            .map(|(n, t)| (n, t.to_string()))
            .collect();
        let want = [
            ("_dmarc.example.com", "TXT"),
            ("_dmarc.mail.example.com", "TXT"),
            ("abc._domainkey.mail.example.com", "CNAME"),
            ("bounce.mail.example.com", "MX"),
            ("bounce.mail.example.com", "TXT"),
        ];
        assert_eq!(
            q,
            want.iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn byodkim_asks_for_the_key_itself() {
        let ses = SesFacts {
            identities: vec![EmailIdentity {
                name: "example.org".into(),
                identity_type: "DOMAIN".into(),
                dkim: Some(DkimAttributes {
                    signing_enabled: true,
                    tokens: vec!["sel1".into()],
                    signing_attributes_origin: Some("EXTERNAL".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(queries(&ses).contains(&("sel1._domainkey.example.org".into(), RecordType::TXT)));
    }

    #[test]
    fn server_addresses() {
        assert_eq!(
            parse_server("127.0.0.1").unwrap(),
            "127.0.0.1:53".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(
            parse_server("127.0.0.1:5353").unwrap(),
            "127.0.0.1:5353".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(
            parse_server("[::1]").unwrap(),
            "[::1]:53".parse::<SocketAddr>().unwrap()
        );
        assert!(parse_server("ns.example.com").is_err());
    }
}
