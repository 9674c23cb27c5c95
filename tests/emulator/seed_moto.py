"""Seeds moto with the parts of the two-Region test deployment that moto serves: S3 buckets
with versioning, replication and encryption; Firehose and Kinesis streams; IAM roles with
inline and managed policies; Lambda functions; CloudWatch alarms; a CloudTrail trail; Pinpoint
projects with settings and event streams. The rest (SES v2, SMS/voice v2, Pinpoint channels,
templates, journeys...) comes from the emulator's scenario file.

Usage: python tests/emulator/seed_moto.py http://127.0.0.1:PORT

Planted gaps (asserted by tests/collect_e2e.rs through the rules' findings):
- us-west-2 has no Pinpoint event stream for the `retail` project (DATA-003).
- The events bucket replicates to us-west-2 without Replication Time Control (DATA-006).
- The Pinpoint events role may only write to the us-east-1 Firehose stream (IAM rules).
- The campaign hook Lambda exists in us-east-1 only (CUSTOM-001).
- CloudWatch alarms on SES exist in us-east-1 only (OPS-005).
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


def trust(service):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


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
    ("msgready-e2e-firehose", "firehose.amazonaws.com"),
    ("msgready-e2e-pinpoint-events", "pinpoint.amazonaws.com"),
    ("msgready-e2e-s3-crr", "s3.amazonaws.com"),
    ("msgready-e2e-ses-events", "ses.amazonaws.com"),
    ("msgready-e2e-lambda", "lambda.amazonaws.com"),
]:
    roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(principal))[
        "Role"
    ]["Arn"]

bucket = {PRIMARY: "msgready-e2e-events-use1", STANDBY: "msgready-e2e-events-usw2"}
stream_arn = {
    r: f"arn:aws:firehose:{r}:{ACCOUNT}:deliverystream/msgready-e2e-events" for r in bucket
}
iam.put_role_policy(
    RoleName="msgready-e2e-firehose",
    PolicyName="write-events",
    PolicyDocument=policy(
        ["s3:PutObject", "s3:GetBucketLocation"],
        [f"arn:aws:s3:::{b}/*" for b in bucket.values()],
    ),
)
# The gap: only the primary's stream.
iam.put_role_policy(
    RoleName="msgready-e2e-pinpoint-events",
    PolicyName="put-events",
    PolicyDocument=policy(
        ["firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"], [stream_arn[PRIMARY]]
    ),
)
managed = iam.create_policy(
    PolicyName="msgready-e2e-ses-firehose",
    PolicyDocument=policy(["firehose:PutRecordBatch"], list(stream_arn.values())),
)["Policy"]["Arn"]
iam.attach_role_policy(RoleName="msgready-e2e-ses-events", PolicyArn=managed)
iam.put_role_policy(
    RoleName="msgready-e2e-s3-crr",
    PolicyName="replicate",
    PolicyDocument=policy(
        ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:GetReplicationConfiguration"],
        [f"arn:aws:s3:::{b}" for b in bucket.values()]
        + [f"arn:aws:s3:::{b}/*" for b in bucket.values()],
    ),
)

for region, name in bucket.items():
    s3 = client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
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
# The gap: replication without Replication Time Control.
client("s3").put_bucket_replication(
    Bucket=bucket[PRIMARY],
    ReplicationConfiguration={
        "Role": roles["msgready-e2e-s3-crr"],
        "Rules": [
            {
                "ID": "events-to-standby",
                "Status": "Enabled",
                "Priority": 1,
                "Filter": {"Prefix": ""},
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "Destination": {"Bucket": f"arn:aws:s3:::{bucket[STANDBY]}"},
            }
        ],
    },
)

for region in bucket:
    client("firehose", region).create_delivery_stream(
        DeliveryStreamName="msgready-e2e-events",
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": roles["msgready-e2e-firehose"],
            "BucketARN": f"arn:aws:s3:::{bucket[region]}",
            "Prefix": "events/",
        },
    )
    client("kinesis", region).create_stream(StreamName="msgready-e2e-raw", ShardCount=1)

# Lambda: the campaign hook exists in the primary only.
code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")
lam = client("lambda", PRIMARY)
lam.create_function(
    FunctionName="retail-campaign-hook",
    Runtime="python3.12",
    Role=roles["msgready-e2e-lambda"],
    Handler="index.handler",
    Code={"ZipFile": code.getvalue()},
)
lam.add_permission(
    FunctionName="retail-campaign-hook",
    StatementId="pinpoint",
    Action="lambda:InvokeFunction",
    Principal=f"pinpoint.{PRIMARY}.amazonaws.com",
)

for region in bucket:
    pp = client("pinpoint", region)
    app = pp.create_app(CreateApplicationRequest={"Name": "retail"})["ApplicationResponse"]
    pp.update_application_settings(
        ApplicationId=app["Id"],
        WriteApplicationSettingsRequest={
            "CampaignHook": {"LambdaFunctionName": "retail-campaign-hook", "Mode": "FILTER"},
            "CloudWatchMetricsEnabled": True,
        },
    )
    if region == PRIMARY:  # The gap: no event stream in the standby.
        pp.put_event_stream(
            ApplicationId=app["Id"],
            WriteEventStream={
                "DestinationStreamArn": stream_arn[region],
                "RoleArn": roles["msgready-e2e-pinpoint-events"],
            },
        )

cw = client("cloudwatch", PRIMARY)
for metric in ["Reputation.BounceRate", "Reputation.ComplaintRate"]:
    cw.put_metric_alarm(
        AlarmName=f"ses-{metric}",
        Namespace="AWS/SES",
        MetricName=metric,
        Statistic="Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=0.05,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="breaching",
    )

trail_bucket = "msgready-e2e-trail"
client("s3").create_bucket(Bucket=trail_bucket)
ct = client("cloudtrail", PRIMARY)
ct.create_trail(Name="org-trail", S3BucketName=trail_bucket, IsMultiRegionTrail=True)
ct.start_logging(Name="org-trail")
print("seeded")
