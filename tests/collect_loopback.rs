//! `msgready collect` and `scan` over real HTTP against a canned AWS wire-format server on
//! loopback: signing, endpoint override (`AWS_ENDPOINT_URL`), the real deserialisers, error
//! codes, and hashing of personal data, end to end. The full scenario-file emulator is later
//! work of the Live collection issue; this server answers only what these tests need.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};

const ADDRESS: &str = "bob.planted@example.org";
const NUMBER: &str = "+14255550199";

/// (status, content type, body, extra header) for one request.
fn answer(method: &str, path: &str, target: &str, body: &str) -> (u16, &'static str, String) {
    let json = "application/json";
    let amz = "application/x-amz-json-1.0";
    let path = path.split('?').next().unwrap_or_default();
    if body.contains("Action=GetCallerIdentity") {
        return (
            200,
            "text/xml",
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AID</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>".into(),
        );
    }
    if let Some(op) = target.strip_prefix("PinpointSMSVoiceV2.") {
        let b = match op {
            "DescribeAccountAttributes" => {
                r#"{"AccountAttributes":[{"Name":"ACCOUNT_TIER","Value":"PRODUCTION"}]}"#.into()
            }
            "DescribePhoneNumbers" => {
                return (
                    400,
                    amz,
                    r#"{"__type":"AccessDeniedException","message":"not authorized"}"#.into(),
                )
            }
            "DescribeOptOutLists" => r#"{"OptOutLists":[{"OptOutListArn":"arn:o","OptOutListName":"Default","CreatedTimestamp":1700000000}]}"#.into(),
            "DescribeOptedOutNumbers" => format!(
                r#"{{"OptOutListName":"Default","OptedOutNumbers":[{{"OptedOutNumber":"{NUMBER}","OptedOutTimestamp":1700000000,"EndUserOptedOut":true}}]}}"#
            ),
            "DescribeRegistrations" => r#"{"Registrations":[]}"#.into(),
            "DescribeVerifiedDestinationNumbers" => r#"{"VerifiedDestinationNumbers":[]}"#.into(),
            _ => "{}".into(),
        };
        return (200, amz, b);
    }
    match (method, path) {
        ("GET", "/v2/email/account") => (
            200,
            json,
            r#"{"ProductionAccessEnabled":true,"SendingEnabled":true,"SendQuota":{"Max24HourSend":50000,"MaxSendRate":14,"SentLast24Hours":10}}"#.into(),
        ),
        ("POST", "/v2/email/list-identities") => (
            200,
            json,
            format!(
                r#"{{"EmailIdentities":[{{"IdentityName":"{ADDRESS}","IdentityType":"EMAIL_ADDRESS"}},{{"IdentityName":"example.com","IdentityType":"DOMAIN"}}]}}"#
            ),
        ),
        ("GET", p) if p.starts_with("/v2/email/identities/") => (
            200,
            json,
            r#"{"IdentityType":"DOMAIN","VerifiedForSendingStatus":true,"DkimAttributes":{"SigningEnabled":true,"Status":"SUCCESS","Tokens":["t1","t2","t3"]}}"#.into(),
        ),
        ("GET", "/v2/email/suppression/addresses") => (
            200,
            json,
            format!(
                r#"{{"SuppressedDestinationSummaries":[{{"EmailAddress":"{ADDRESS}","Reason":"BOUNCE","LastUpdateTime":1700000000}}]}}"#
            ),
        ),
        // An operation the endpoint does not know, answered the way moto does.
        ("GET", "/v2/email/templates") => (404, "text/html", "<html>Not Found</html>".into()),
        _ => (200, json, "{}".into()),
    }
}

fn serve(stream: TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let (mut length, mut target) = (0usize, String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.trim().parse().unwrap_or(0),
                "x-amz-target" => target = v.trim().to_string(),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let (status, ctype, text) = answer(&method, &path, &target, &String::from_utf8_lossy(&body));
    let response = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = reader.get_mut().write_all(response.as_bytes());
}

/// A server on a free loopback port, answering until the test process ends.
fn start_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    format!("http://{addr}")
}

fn msgready(endpoint: &str, dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msgready"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run msgready")
}

#[test]
fn collect_over_http_records_failures_and_hashes_personal_data() {
    let endpoint = start_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let o = msgready(
        &endpoint,
        dir.path(),
        &[
            "collect",
            "--regions",
            "us-east-1",
            "--out",
            "facts.json",
            "--sms-voice-rps",
            "50",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let text = std::fs::read_to_string(dir.path().join("facts.json")).expect("snapshot");
    for needle in [ADDRESS, "bob.planted", NUMBER, "4255550199"] {
        assert!(!text.contains(needle), "{needle} leaked");
    }
    let facts: serde_json::Value = serde_json::from_str(&text).expect("json");
    let account = &facts["accounts"][0];
    assert_eq!(account["account_id"], "123456789012");
    let region = &account["regions"]["us-east-1"];
    let ses = &region["ses"];
    assert_eq!(ses["account"]["max_send_rate"], 14.0);
    assert_eq!(ses["identities"].as_array().map(Vec::len), Some(2));
    assert_eq!(ses["identities"][1]["name"], "example.com");
    assert_eq!(ses["identities"][1]["dkim"]["tokens"][2], "t3");
    assert!(ses["identities"][0]["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("address:")));
    assert_eq!(ses["suppressed_destinations"]["count"], 1);
    let sms = &region["sms_voice"];
    assert_eq!(sms["account_tier"], "PRODUCTION");
    assert_eq!(sms["opt_out_lists"][0]["opted_out"]["count"], 1);
    let status = |op: &str| {
        account["collection"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["operation"] == op).cloned())
            .unwrap_or_else(|| panic!("no status for {op}"))
    };
    assert_eq!(status("DescribePhoneNumbers")["reason"], "access_denied");
    assert_eq!(status("ListEmailTemplates")["reason"], "unsupported");
    assert_eq!(status("GetEmailIdentity")["calls"], 2);
    assert_eq!(status("ListEmailIdentities")["status"], "ok");
    assert!(err.contains("could not read sms-voice:DescribePhoneNumbers in us-east-1"));

    // The snapshot is a valid input of `evaluate`.
    let o = msgready(
        &endpoint,
        dir.path(),
        &["evaluate", "--facts", "facts.json", "--format", "json"],
    );
    assert!(matches!(o.status.code(), Some(0 | 1 | 3)), "{o:?}");
}

#[test]
fn scan_gates_like_evaluate_with_not_assessed_results() {
    let endpoint = start_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let o = msgready(
        &endpoint,
        dir.path(),
        &[
            "scan",
            "--regions",
            "us-east-1,us-west-2",
            "--sms-voice-rps",
            "50",
            "--fail-on",
            "none",
            "--format",
            "json",
            "--out",
            "report",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    // Facts are missing (phone numbers denied, Pinpoint and the rest not collected yet), and
    // the gate cannot fail with --fail-on none: incomplete.
    assert_eq!(o.status.code(), Some(3), "{err}");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("report/report.json")).expect("report"),
    )
    .expect("json");
    let results = report["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["status"] == "not_assessed"
        && r["message"]
            .as_str()
            .is_some_and(|m| m.contains("sms-voice:DescribePhoneNumbers"))));
    assert_eq!(report["deployment"]["primary"], "us-east-1");
}
