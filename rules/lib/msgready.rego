# The helper library every rule may import as `data.msgready.lib`.
#
# `input` is one account's facts plus the deployment (see rules/README.md):
#   input.deployment.{architecture, primary, regions, others, roles}
#   input.thresholds, input.targets, input.evidence, input.channels
#   input.regions[<region>].{ses, sms_voice, pinpoint, firehose_streams, ...}
#   input.global.{iam_roles, s3_buckets, cloudtrail_trails}
package msgready.lib

primary := input.deployment.primary

regions := input.deployment.regions

# Every Region except the primary: the targets of parity rules.
others := input.deployment.others

active_active if input.deployment.architecture == "active-active"

warm_standby if input.deployment.architecture == "warm-standby"

role(region) := input.deployment.roles[region]

# Channel usage: declared in the config, or inferred from the primary (and active Regions).
channel_in_use(channel) if input.channels[channel].in_use

ses(region) := input.regions[region].ses

sms(region) := input.regions[region].sms_voice

pinpoint(region) := input.regions[region].pinpoint

# Result constructors. Every result names a Region, a resource and a message.
result(region, resource, status, msg) := {
	"region": region,
	"resource": resource,
	"status": status,
	"message": msg,
}

pass(region, resource, msg) := result(region, resource, "pass", msg)

fail(region, resource, msg) := result(region, resource, "fail", msg)

not_applicable(region, resource, msg) := result(region, resource, "not_applicable", msg)

not_assessed(region, resource, msg) := result(region, resource, "not_assessed", msg)

# The same, with figures (quantities compared) attached for reports and diffs.
with_figures(r, figures) := object.union(r, {"figures": figures})

# The same, with the resource's ARN attached.
with_arn(r, arn) := object.union(r, {"arn": arn})

# Documented SMS message parts per second by number type (AWS End User Messaging SMS user
# guide, "MPS limits"); a number's own `mps` fact wins when present.
default_mps := {
	"SHORT_CODE": 100,
	"TEN_DLC": 1,
	"TOLL_FREE": 3,
	"LONG_CODE": 10,
	"SIMULATOR": 0,
}

number_mps(n) := n.mps if {
	n.mps != null
} else := 1 if {
	n.number_type == "LONG_CODE"
	n.iso_country_code == "CA"
} else := object.get(default_mps, n.number_type, 1)

# Region from an ARN (arn:partition:service:region:account:resource).
arn_region(arn) := split(arn, ":")[3]

arn_account(arn) := split(arn, ":")[4]

# Bucket name from an S3 bucket ARN.
bucket_of(arn) := trim_prefix(arn, "arn:aws:s3:::")

# Human-readable list.
join_list(items) := concat(", ", sort(items))
