//! Engine behaviour that no single rule fixture shows: optional facts, Pinpoint's end of
//! support, rules that judge nothing.

use msgready::engine::rule::RuleSet;
use msgready::model::vocab::Status;
use msgready::rules_test::{load_case, run_case};

fn with_pinpoint_failure(reason: &str) -> Vec<msgready::model::result::RuleResult> {
    let rules = RuleSet::builtin().unwrap();
    let path = std::path::Path::new("tests/fixtures/rules/IAM-004/noncompliant.json");
    let mut case = load_case(path).unwrap();
    let acct = &mut case.facts["accounts"][0];
    let regions: Vec<String> = acct["regions"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut collection = Vec::new();
    for r in &regions {
        acct["regions"][r]["pinpoint"] = serde_json::Value::Null;
        collection.push(serde_json::json!({
            "service": "mobiletargeting", "region": r, "operation": "*", "status": "failed",
            "reason": reason, "detail": "simulated"
        }));
    }
    acct["collection"] = serde_json::Value::Array(collection);
    run_case(&rules, &case, "IAM-004 variant").unwrap().results
}

#[test]
fn pinpoint_gone_fails_soft() {
    // After Pinpoint's end of support its API answers "unsupported": IAM rules still judge
    // every other role, and nothing is reported as unassessed because of it.
    let results = with_pinpoint_failure("unsupported");
    assert!(results
        .iter()
        .any(|r| r.status == Status::Pass || r.status == Status::Fail));
    assert!(
        results.iter().all(|r| r.status != Status::NotAssessed),
        "{results:#?}"
    );
}

#[test]
fn optional_facts_denied_add_a_not_assessed_result() {
    let results = with_pinpoint_failure("access_denied");
    let na: Vec<_> = results
        .iter()
        .filter(|r| r.status == Status::NotAssessed)
        .collect();
    assert!(!na.is_empty(), "{results:#?}");
    for r in &na {
        assert!(
            r.message.starts_with("Part of what IAM-004 checks"),
            "{}",
            r.message
        );
        assert!(r.message.contains("access denied"), "{}", r.message);
    }
    // The roles that other services reference are still judged.
    assert!(results
        .iter()
        .any(|r| r.status == Status::Fail || r.status == Status::Pass));
}

#[test]
fn required_facts_missing_make_the_region_not_assessed() {
    let rules = RuleSet::builtin().unwrap();
    let path = std::path::Path::new("tests/fixtures/rules/EMAIL-001/noncompliant.json");
    let mut case = load_case(path).unwrap();
    case.facts["accounts"][0]["regions"]["us-east-1"]["ses"] = serde_json::Value::Null;
    let results = run_case(&rules, &case, "EMAIL-001 variant")
        .unwrap()
        .results;
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!(results[0].status, Status::NotAssessed);
    assert!(results[0]
        .message
        .contains("ses facts were not collected in us-east-1"));
}

#[test]
fn channels_with_missing_facts_are_assumed_in_use() {
    use msgready::config::Config;
    use msgready::engine::input::channels;
    use msgready::model::facts::FactSnapshot;
    let facts: FactSnapshot = msgready::jsonio::parse(
        r#"{"schema_version":1,"accounts":[{"account_id":"1","regions":{
            "us-east-1":{"ses":{},"pinpoint":{}},"us-west-2":{"ses":{},"sms_voice":{},"pinpoint":{}}},
            "collection":[]}]}"#,
        "inline",
    )
    .unwrap();
    let config = Config::default();
    let d = config.resolve_deployment(&facts);
    let c = channels(&config, &d, &facts.accounts[0]);
    // SES and Pinpoint were read and show nothing in use; SMS/voice were not read at all.
    assert_eq!(c["email"]["in_use"], false);
    assert_eq!(c["push"]["in_use"], false);
    assert_eq!(c["sms"]["in_use"], true);
    assert_eq!(c["sms"]["source"], "assumed (facts missing)");
    assert_eq!(c["voice"]["in_use"], true);

    // Pinpoint gone after its end of support is not evidence of push use.
    let mut gone = facts.clone();
    gone.accounts[0]
        .regions
        .get_mut("us-east-1")
        .unwrap()
        .pinpoint = None;
    gone.accounts[0]
        .collection
        .push(msgready::model::facts::CollectionStatus {
            service: "mobiletargeting".into(),
            region: "us-east-1".into(),
            operation: "*".into(),
            status: msgready::model::facts::CollectionOutcome::Failed,
            reason: Some(msgready::model::facts::FailureReason::Unsupported),
            detail: None,
            calls: None,
            throttles: None,
        });
    let c = channels(&config, &d, &gone.accounts[0]);
    assert_eq!(c["push"]["in_use"], false);
}
