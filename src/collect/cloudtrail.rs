//! AWS CloudTrail: the trails that cover each Region of the deployment, whether they log, and
//! whether they record management events.
//!
//! DescribeTrails with shadow trails lists, in each Region, the trails whose events it
//! records: its own, multi-Region trails homed elsewhere and organization trails. Status and
//! selectors are read once per trail, in its home Region.

use super::Ctx;
use crate::model::facts::Trail;
use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
use aws_sdk_cloudtrail::types::Trail as SdkTrail;
use aws_sdk_cloudtrail::Client;
use futures_util::stream::{self, StreamExt};
use std::collections::BTreeMap;

/// The trails visible from `regions`, deduplicated by ARN and sorted by it. `None` only when
/// DescribeTrails failed in every Region. A trail whose status or selectors could not be read
/// is left out (recorded): whether it logs is unknown, and the fact has no "unknown".
pub async fn collect(
    ctx: &Ctx,
    clients: &(dyn Fn(&str) -> Client + Sync),
    regions: &[String],
) -> Option<Vec<Trail>> {
    let listed: Vec<Option<Vec<(String, SdkTrail)>>> = stream::iter(regions.iter().cloned())
        .map(|region| {
            Box::pin(async move {
                let out = ctx
                    .call(
                        "DescribeTrails",
                        clients(&region)
                            .describe_trails()
                            .include_shadow_trails(true)
                            .send(),
                    )
                    .await?;
                Some(
                    out.trail_list()
                        .iter()
                        .map(|t| (region.clone(), t.clone()))
                        .collect(),
                )
            })
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    if !regions.is_empty() && listed.iter().all(Option::is_none) {
        return None;
    }
    let mut by_arn: BTreeMap<String, (String, SdkTrail)> = BTreeMap::new();
    for (seen_in, t) in listed.into_iter().flatten().flatten() {
        let Some(arn) = t.trail_arn() else { continue };
        by_arn.entry(arn.to_string()).or_insert((seen_in, t));
    }
    let mut out: Vec<Trail> = ctx
        .each(by_arn, |(arn, (seen_in, t))| async move {
            let home = t.home_region().unwrap_or(&seen_in).to_string();
            let client = clients(&home);
            let (status, selectors) = tokio::join!(
                ctx.call(
                    "GetTrailStatus",
                    client.get_trail_status().name(&arn).send()
                ),
                ctx.call(
                    "GetEventSelectors",
                    client.get_event_selectors().trail_name(&arn).send()
                ),
            );
            Some(trail_facts(
                &t,
                &arn,
                &home,
                status?.is_logging().unwrap_or(false),
                &selectors?,
            ))
        })
        .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    Some(out)
}

pub fn trail_facts(
    t: &SdkTrail,
    arn: &str,
    home_region: &str,
    is_logging: bool,
    selectors: &GetEventSelectorsOutput,
) -> Trail {
    Trail {
        name: t.name().unwrap_or_default().to_string(),
        arn: arn.to_string(),
        home_region: home_region.to_string(),
        is_multi_region: t.is_multi_region_trail().unwrap_or(false),
        is_logging,
        management_events: records_management_events(selectors),
    }
}

/// True when a classic selector includes management events (absent means included, the API's
/// default) or an advanced selector selects `eventCategory` = `Management`. Read-only or
/// write-only management events count.
pub fn records_management_events(s: &GetEventSelectorsOutput) -> bool {
    let classic = s
        .event_selectors()
        .iter()
        .any(|e| e.include_management_events().unwrap_or(true));
    let advanced = s.advanced_event_selectors().iter().any(|a| {
        a.field_selectors()
            .iter()
            .any(|f| f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management"))
    });
    classic || advanced
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
    };

    fn advanced(category: &str) -> AdvancedEventSelector {
        AdvancedEventSelector::builder()
            .name("sel")
            .field_selectors(
                AdvancedFieldSelector::builder()
                    .field("eventCategory")
                    .equals(category)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }

    #[test]
    fn management_events_classic_and_advanced() {
        let none = GetEventSelectorsOutput::builder().build();
        assert!(!records_management_events(&none));

        let classic_on = GetEventSelectorsOutput::builder()
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(ReadWriteType::WriteOnly)
                    .include_management_events(true)
                    .build(),
            )
            .build();
        assert!(records_management_events(&classic_on));

        let data_only = GetEventSelectorsOutput::builder()
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(ReadWriteType::All)
                    .include_management_events(false)
                    .build(),
            )
            .advanced_event_selectors(advanced("Data"))
            .build();
        assert!(!records_management_events(&data_only));

        let advanced_on = GetEventSelectorsOutput::builder()
            .advanced_event_selectors(advanced("Data"))
            .advanced_event_selectors(advanced("Management"))
            .build();
        assert!(records_management_events(&advanced_on));
    }

    #[test]
    fn trail_mapping() {
        let t = SdkTrail::builder()
            .name("org-audit")
            .trail_arn("arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit")
            .home_region("us-east-1")
            .is_multi_region_trail(true)
            .build();
        let sel = GetEventSelectorsOutput::builder()
            .advanced_event_selectors(advanced("Management"))
            .build();
        assert_eq!(
            trail_facts(
                &t,
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit",
                "us-east-1",
                true,
                &sel
            ),
            Trail {
                name: "org-audit".into(),
                arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit".into(),
                home_region: "us-east-1".into(),
                is_multi_region: true,
                is_logging: true,
                management_events: true,
            }
        );
    }
}
