//! Amazon CloudWatch: alarms on the messaging metrics (SES, SMS/voice, Pinpoint namespaces) and
//! what each Region sent in the exercise window.

use super::Ctx;
use crate::model::facts::{Activity, Alarm};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    AlarmType, Metric, MetricAlarm, MetricDataQuery, MetricDataResult, MetricStat,
};
use aws_sdk_cloudwatch::Client;
use std::collections::{BTreeMap, HashMap};

/// The namespaces whose alarms watch messaging (OPS-005 reads AWS/SES and AWS/SMSVoice).
pub const MESSAGING_NAMESPACES: &[&str] = &["AWS/SES", "AWS/SMSVoice", "AWS/Pinpoint"];

/// Every metric alarm of the Region on a messaging metric, sorted by name. `None` when the
/// alarms could not be listed at all.
pub async fn alarms(ctx: &Ctx, client: &Client) -> Option<Vec<Alarm>> {
    let mut out: Vec<Alarm> = Vec::new();
    let mut pages = 0usize;
    let complete = ctx
        .pages(
            "DescribeAlarms",
            client
                .describe_alarms()
                // Composite alarms watch other alarms, not metrics.
                .alarm_types(AlarmType::MetricAlarm)
                .max_records(100)
                .into_paginator()
                .send(),
            |p| p.next_token().is_some(),
            |p| {
                pages += 1;
                out.extend(p.metric_alarms().iter().filter_map(alarm_facts));
            },
        )
        .await;
    if !complete && pages == 0 {
        if ctx.service_unreachable("DescribeAlarms") {
            ctx.mark_service_failed("DescribeAlarms");
        }
        return None;
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

/// The alarm's facts when it watches one messaging metric. A metric-math alarm (`Metrics`
/// instead of a single metric) counts when exactly one of its queries reads a metric and that
/// metric is a messaging one: it is then an alarm on that metric whatever the expression does
/// with it. Math over several metrics (ratios, sums) is left out: no single metric to report.
pub fn alarm_facts(a: &MetricAlarm) -> Option<Alarm> {
    let (namespace, metric_name, dimensions) = match (a.namespace(), a.metric_name()) {
        (Some(ns), Some(name)) => (ns, name, a.dimensions()),
        _ => {
            let mut stats = a.metrics().iter().filter_map(|q| q.metric_stat());
            let metric = stats.next()?.metric()?;
            if stats.next().is_some() {
                return None;
            }
            (
                metric.namespace()?,
                metric.metric_name()?,
                metric.dimensions(),
            )
        }
    };
    if !MESSAGING_NAMESPACES.contains(&namespace) {
        return None;
    }
    Some(Alarm {
        name: a.alarm_name().unwrap_or_default().to_string(),
        namespace: namespace.to_string(),
        metric_name: metric_name.to_string(),
        dimensions: dimensions
            .iter()
            .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
            .collect::<BTreeMap<_, _>>(),
        threshold: a.threshold(),
        comparison_operator: a.comparison_operator().map(|c| c.as_str().to_string()),
        treat_missing_data: a.treat_missing_data().map(str::to_string),
        actions_enabled: a.actions_enabled().unwrap_or(false),
        state: a.state_value().map(|s| s.as_str().to_string()),
    })
}

/// The account-wide sending metrics read for the exercise evidence (OPS-003), with no
/// dimensions: SES and End User Messaging both publish an undimensioned total. AWS publishes
/// no count of voice messages (AWS/SMSVoice has only `VoiceMessageMonthlySpend` for voice), so
/// `voice_sent` is not read.
const EMAIL: (&str, &str, &str) = ("email", "AWS/SES", "Send");
const SMS: (&str, &str, &str) = ("sms", "AWS/SMSVoice", "NumberOfTextMessagePartsSent");
const DAY: i32 = 86_400;

/// Messages sent in the last `window_days` days. `None` when GetMetricData failed (recorded).
pub async fn activity(ctx: &Ctx, client: &Client, window_days: u32) -> Option<Activity> {
    let window_days = window_days.max(1);
    // Whole 5-minute steps: CloudWatch aligns older data to 5 minutes anyway.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let end = now - now.rem_euclid(300);
    let start = end - i64::from(window_days) * i64::from(DAY);
    let mut results: Vec<MetricDataResult> = Vec::new();
    let complete = ctx
        .pages(
            "GetMetricData",
            client
                .get_metric_data()
                .set_metric_data_queries(Some(queries()))
                .start_time(DateTime::from_secs(start))
                .end_time(DateTime::from_secs(end))
                .into_paginator()
                .send(),
            |p| p.next_token().is_some(),
            |p| results.extend(p.metric_data_results().iter().cloned()),
        )
        .await;
    if !complete {
        if ctx.service_unreachable("GetMetricData") {
            ctx.mark_service_failed("GetMetricData");
        }
        return None;
    }
    let sums = sums(&results);
    Some(Activity {
        window_days,
        email_sent: sums.get(EMAIL.0).copied().flatten(),
        sms_sent: sums.get(SMS.0).copied().flatten(),
        voice_sent: None,
    })
}

pub fn queries() -> Vec<MetricDataQuery> {
    [EMAIL, SMS]
        .iter()
        .map(|(id, namespace, name)| {
            MetricDataQuery::builder()
                .id(*id)
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace(*namespace)
                                .metric_name(*name)
                                .build(),
                        )
                        .period(DAY)
                        .stat("Sum")
                        .build(),
                )
                .return_data(true)
                .build()
        })
        .collect()
}

/// Sum of every query's datapoints across pages. A query with no datapoints sums to 0 (the
/// metric was readable and shows nothing sent); one CloudWatch could not answer
/// (`Forbidden`, `InternalError`) is `None`.
pub fn sums(results: &[MetricDataResult]) -> HashMap<String, Option<f64>> {
    let mut out: HashMap<String, Option<f64>> = HashMap::new();
    for r in results {
        let Some(id) = r.id() else { continue };
        let failed = r
            .status_code()
            .is_some_and(|s| matches!(s.as_str(), "Forbidden" | "InternalError"));
        let entry = out.entry(id.to_string()).or_insert(Some(0.0));
        if failed {
            *entry = None;
        } else if let Some(total) = entry {
            *total += r.values().iter().sum::<f64>();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, StatusCode};

    fn metric(ns: &str, name: &str) -> Metric {
        Metric::builder()
            .namespace(ns)
            .metric_name(name)
            .dimensions(
                Dimension::builder()
                    .name("IsoCountryCode")
                    .value("US")
                    .build(),
            )
            .build()
    }

    #[test]
    fn single_metric_alarms_on_messaging_namespaces_only() {
        let a = MetricAlarm::builder()
            .alarm_name("ses-send-stopped")
            .namespace("AWS/SES")
            .metric_name("Send")
            .threshold(1.0)
            .comparison_operator(ComparisonOperator::LessThanThreshold)
            .treat_missing_data("breaching")
            .actions_enabled(true)
            .state_value(StateValue::Ok)
            .build();
        assert_eq!(
            alarm_facts(&a),
            Some(Alarm {
                name: "ses-send-stopped".into(),
                namespace: "AWS/SES".into(),
                metric_name: "Send".into(),
                dimensions: BTreeMap::new(),
                threshold: Some(1.0),
                comparison_operator: Some("LessThanThreshold".into()),
                treat_missing_data: Some("breaching".into()),
                actions_enabled: true,
                state: Some("OK".into()),
            })
        );
        let ec2 = MetricAlarm::builder()
            .alarm_name("cpu")
            .namespace("AWS/EC2")
            .metric_name("CPUUtilization")
            .build();
        assert_eq!(alarm_facts(&ec2), None);
        let sms = MetricAlarm::builder()
            .alarm_name("sms")
            .namespace("AWS/SMSVoice")
            .metric_name("NumberOfTextMessagePartsDelivered")
            .dimensions(
                Dimension::builder()
                    .name("IsoCountryCode")
                    .value("US")
                    .build(),
            )
            .build();
        let f = alarm_facts(&sms).unwrap();
        assert_eq!(
            f.dimensions.get("IsoCountryCode").map(String::as_str),
            Some("US")
        );
        assert!(!f.actions_enabled);
        assert_eq!(f.treat_missing_data, None);
    }

    #[test]
    fn metric_math_alarms_count_only_with_one_messaging_metric() {
        let stat = |id: &str, ns: &str, name: &str| {
            MetricDataQuery::builder()
                .id(id)
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric(ns, name))
                        .period(300)
                        .stat("Sum")
                        .build(),
                )
                .return_data(false)
                .build()
        };
        let expr = |e: &str| {
            MetricDataQuery::builder()
                .id("e1")
                .expression(e)
                .return_data(true)
                .build()
        };
        let one = MetricAlarm::builder()
            .alarm_name("sms-delivered-filled")
            .metrics(stat(
                "m1",
                "AWS/SMSVoice",
                "NumberOfTextMessagePartsDelivered",
            ))
            .metrics(expr("FILL(m1, 0)"))
            .actions_enabled(true)
            .build();
        let f = alarm_facts(&one).unwrap();
        assert_eq!(f.namespace, "AWS/SMSVoice");
        assert_eq!(f.metric_name, "NumberOfTextMessagePartsDelivered");
        assert_eq!(f.dimensions.len(), 1);

        let ratio = MetricAlarm::builder()
            .alarm_name("bounce-ratio")
            .metrics(stat("m1", "AWS/SES", "Bounce"))
            .metrics(stat("m2", "AWS/SES", "Send"))
            .metrics(expr("m1 / m2"))
            .build();
        assert_eq!(alarm_facts(&ratio), None);

        let other = MetricAlarm::builder()
            .alarm_name("lambda-errors")
            .metrics(stat("m1", "AWS/Lambda", "Errors"))
            .build();
        assert_eq!(alarm_facts(&other), None);
    }

    #[test]
    fn activity_sums_pages_and_keeps_zero_apart_from_unknown() {
        let result = |id: &str, values: Vec<f64>, status: StatusCode| {
            MetricDataResult::builder()
                .id(id)
                .set_values(Some(values))
                .status_code(status)
                .build()
        };
        let s = sums(&[
            result("email", vec![10.0, 5.0], StatusCode::PartialData),
            result("sms", vec![], StatusCode::Complete),
            result("email", vec![1.0], StatusCode::Complete),
        ]);
        assert_eq!(s.get("email"), Some(&Some(16.0)));
        assert_eq!(s.get("sms"), Some(&Some(0.0)));
        let s = sums(&[result("sms", vec![3.0], StatusCode::Forbidden)]);
        assert_eq!(s.get("sms"), Some(&None));
        assert_eq!(s.get("email"), None);

        let q = queries();
        assert_eq!(q.len(), 2);
        let m = q[1].metric_stat().unwrap();
        assert_eq!(m.metric().unwrap().namespace(), Some("AWS/SMSVoice"));
        assert_eq!(m.period(), Some(86_400));
        assert!(m.metric().unwrap().dimensions().is_empty());
    }
}
