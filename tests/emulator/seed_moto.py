"""Seeds moto with the parts of the two-Region test deployment that moto serves, named to
match what tests/emulator/scenarios/two-region.json (SES v2, SMS/voice v2 and Pinpoint, served by
the emulator) points at: S3 buckets with versioning, replication and encryption; Firehose
delivery streams and a Kinesis stream; IAM roles with inline and managed policies; the Lambda
campaign hook; CloudWatch alarms; a multi-Region CloudTrail trail.

Usage: python tests/emulator/seed_moto.py http://127.0.0.1:PORT

Planted gaps (asserted by tests/collect_e2e.rs through the rules' findings):
- The events bucket replicates to us-west-2 without Replication Time Control.
- The us-west-2 import bucket has no versioning.
- pinpoint-events-us-west-2 may only write to the us-east-1 stream.
- The us-west-2 campaign hook's resource policy names the us-east-1 Pinpoint principal (copied).
- CloudWatch alarms (SES and SMS) exist in us-east-1 only.
- pinpoint-import trusts Pinpoint without an aws:SourceAccount condition.
- s3-crr lacks s3:GetObjectVersionForReplication; sms-events-us-east-1 lacks
  firehose:PutRecord (policies written from memory, as happens).
"""

import io
import json
import sys
import zipfile

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"
PRIMARY, STANDBY = "us-east-1", "us-west-2"


def client(service, region=PRIMARY):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def trust(service, confused_deputy_guard=True):
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if confused_deputy_guard:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def policy(actions, resources):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}],
        }
    )


iam = client("iam")
roles = {}
for name, principal in [
    ("firehose-delivery", "firehose.amazonaws.com"),
    ("pinpoint-events-us-east-1", "pinpoint.amazonaws.com"),
    ("pinpoint-events-us-west-2", "pinpoint.amazonaws.com"),
    ("pinpoint-import", "pinpoint.amazonaws.com"),
    ("pinpoint-export", "pinpoint.amazonaws.com"),
    ("ses-events-us-east-1", "ses.amazonaws.com"),
    ("sms-events-us-east-1", "sms-voice.amazonaws.com"),
    ("s3-crr", "s3.amazonaws.com"),
    ("campaign-filter", "lambda.amazonaws.com"),
]:
    # The gap: the import role trusts Pinpoint with no aws:SourceAccount condition.
    document = trust(principal, confused_deputy_guard=(name != "pinpoint-import"))
    roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)["Role"]["Arn"]

events = {PRIMARY: "acme-events-us-east-1", STANDBY: "acme-events-us-west-2"}
imports = {PRIMARY: "acme-pinpoint-import-us-east-1", STANDBY: "acme-pinpoint-import-us-west-2"}
export_bucket = "acme-pinpoint-export-us-east-1"


def stream(region, name):
    return f"arn:aws:firehose:{region}:{ACCOUNT}:deliverystream/{name}"


iam.put_role_policy(
    RoleName="firehose-delivery",
    PolicyName="write-events",
    PolicyDocument=policy(
        ["s3:PutObject", "s3:GetBucketLocation"],
        [f"arn:aws:s3:::{b}/*" for b in events.values()],
    ),
)
iam.put_role_policy(
    RoleName="pinpoint-events-us-east-1",
    PolicyName="put-events",
    PolicyDocument=policy(
        ["firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"],
        [stream(PRIMARY, "pinpoint-events")],
    ),
)
# The gap: the standby's role was copied and still names the primary's stream.
iam.put_role_policy(
    RoleName="pinpoint-events-us-west-2",
    PolicyName="put-events",
    PolicyDocument=policy(
        ["firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"],
        [stream(PRIMARY, "pinpoint-events")],
    ),
)
managed = iam.create_policy(
    PolicyName="events-to-firehose",
    PolicyDocument=policy(
        ["firehose:PutRecordBatch"],
        [stream(PRIMARY, "email-events"), stream(PRIMARY, "sms-events")],
    ),
)["Policy"]["Arn"]
iam.attach_role_policy(RoleName="ses-events-us-east-1", PolicyArn=managed)
iam.attach_role_policy(RoleName="sms-events-us-east-1", PolicyArn=managed)
iam.put_role_policy(
    RoleName="pinpoint-import",
    PolicyName="read-imports",
    PolicyDocument=policy(
        ["s3:GetObject", "s3:ListBucket"],
        [f"arn:aws:s3:::{b}" for b in imports.values()]
        + [f"arn:aws:s3:::{b}/*" for b in imports.values()],
    ),
)
iam.put_role_policy(
    RoleName="pinpoint-export",
    PolicyName="write-exports",
    PolicyDocument=policy(["s3:PutObject"], [f"arn:aws:s3:::{export_bucket}/*"]),
)
iam.put_role_policy(
    RoleName="s3-crr",
    PolicyName="replicate",
    PolicyDocument=policy(
        ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:GetReplicationConfiguration"],
        [f"arn:aws:s3:::{b}" for b in events.values()]
        + [f"arn:aws:s3:::{b}/*" for b in events.values()],
    ),
)


def make_bucket(region, name, versioned=True):
    s3 = client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


for region in (PRIMARY, STANDBY):
    make_bucket(region, events[region])
    make_bucket(region, imports[region], versioned=(region == PRIMARY))
make_bucket(PRIMARY, export_bucket)
# The gap: replication without Replication Time Control.
client("s3").put_bucket_replication(
    Bucket=events[PRIMARY],
    ReplicationConfiguration={
        "Role": roles["s3-crr"],
        "Rules": [
            {
                "ID": "events-to-standby",
                "Status": "Enabled",
                "Priority": 1,
                "Filter": {"Prefix": ""},
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{events[STANDBY]}"},
            }
        ],
    },
)

for region, names in {
    PRIMARY: ["pinpoint-events", "email-events", "sms-events"],
    STANDBY: ["pinpoint-events"],
}.items():
    for name in names:
        client("firehose", region).create_delivery_stream(
            DeliveryStreamName=name,
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": roles["firehose-delivery"],
                "BucketARN": f"arn:aws:s3:::{events[region]}",
                "Prefix": f"{name}/",
            },
        )
client("kinesis", PRIMARY).create_stream(StreamName="raw-events", ShardCount=1)

code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")
for region in (PRIMARY, STANDBY):
    lam = client("lambda", region)
    lam.create_function(
        FunctionName="campaign-filter",
        Runtime="python3.12",
        Role=roles["campaign-filter"],
        Handler="index.handler",
        Code={"ZipFile": code.getvalue()},
    )
    # The gap in the standby: the policy was copied with the primary's Regional principal.
    lam.add_permission(
        FunctionName="campaign-filter",
        StatementId="pinpoint",
        Action="lambda:InvokeFunction",
        Principal=f"pinpoint.{PRIMARY}.amazonaws.com",
    )

cw = client("cloudwatch", PRIMARY)
for namespace, metric, threshold, op in [
    ("AWS/SES", "Reputation.BounceRate", 0.05, "GreaterThanThreshold"),
    ("AWS/SES", "Reputation.ComplaintRate", 0.001, "GreaterThanThreshold"),
    ("AWS/SES", "Send", 1, "LessThanThreshold"),
    ("AWS/SMSVoice", "NumberOfTextMessagePartsSent", 1, "LessThanThreshold"),
    ("AWS/SMSVoice", "NumberOfTextMessagePartsDelivered", 1, "LessThanThreshold"),
]:
    cw.put_metric_alarm(
        AlarmName=f"{namespace.split('/')[1].lower()}-{metric}",
        Namespace=namespace,
        MetricName=metric,
        Statistic="Sum" if op == "LessThanThreshold" else "Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=threshold,
        ComparisonOperator=op,
        TreatMissingData="breaching",
    )

client("s3").create_bucket(Bucket="acme-cloudtrail")
ct = client("cloudtrail", PRIMARY)
ct.create_trail(Name="org-trail", S3BucketName="acme-cloudtrail", IsMultiRegionTrail=True)
ct.start_logging(Name="org-trail")
# What AWS gives a new trail by default (moto leaves the selectors empty).
ct.put_event_selectors(
    TrailName="org-trail",
    EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
)
print("seeded")
