"""Seeds moto for the remediate apply test: a primary (us-east-1) with a Pinpoint project that
streams events to Firehose, its application settings and email alarms; a standby (us-west-2)
with its own Firehose stream and bucket but no project and no alarms. The events role allows
only the primary's stream (written from the primary's stack, as happens).

Usage: python seed.py http://127.0.0.1:PORT
"""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"
PRIMARY, STANDBY = "us-east-1", "us-west-2"


def client(service, region=PRIMARY):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


iam = client("iam")
trust = lambda service: json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]})
iam.create_role(RoleName="msg-events", AssumeRolePolicyDocument=trust("pinpoint.amazonaws.com"))
iam.put_role_policy(RoleName="msg-events", PolicyName="events", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "firehose:PutRecordBatch",
    "Resource": f"arn:aws:firehose:{PRIMARY}:{ACCOUNT}:deliverystream/msg-events"}]}))
iam.create_role(RoleName="msg-delivery", AssumeRolePolicyDocument=trust("firehose.amazonaws.com"))
iam.put_role_policy(RoleName="msg-delivery", PolicyName="s3", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::msg-events-*/*"}]}))

for region, bucket in [(PRIMARY, "msg-events-use1"), (STANDBY, "msg-events-usw2")]:
    s3 = client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    client("firehose", region).create_delivery_stream(
        DeliveryStreamName="msg-events", DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/msg-delivery",
            "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "events/"})

pp = client("pinpoint")
app = pp.create_app(CreateApplicationRequest={"Name": "crm", "tags": {"team": "crm"}})
app_id = app["ApplicationResponse"]["Id"]
pp.put_event_stream(ApplicationId=app_id, WriteEventStream={
    "DestinationStreamArn": f"arn:aws:firehose:{PRIMARY}:{ACCOUNT}:deliverystream/msg-events",
    "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/msg-events"})
pp.update_application_settings(ApplicationId=app_id, WriteApplicationSettingsRequest={
    "CloudWatchMetricsEnabled": True,
    "Limits": {"Daily": 1000, "MaximumDuration": 600, "MessagesPerSecond": 50, "Total": 5000},
    "QuietTime": {"Start": "22:00", "End": "07:00"}})

sns = client("sns")
topic = sns.create_topic(Name="oncall")["TopicArn"]
cw = client("cloudwatch")
for name, metric, stat, op, threshold, missing in [
    ("ses-bounce", "Reputation.BounceRate", "Maximum", "GreaterThanOrEqualToThreshold", 0.05, "notBreaching"),
    ("ses-complaint", "Reputation.ComplaintRate", "Maximum", "GreaterThanOrEqualToThreshold", 0.001, "notBreaching"),
    ("ses-stopped", "Send", "Sum", "LessThanThreshold", 1, "breaching"),
]:
    cw.put_metric_alarm(AlarmName=name, Namespace="AWS/SES", MetricName=metric, Statistic=stat,
                        Period=300, EvaluationPeriods=1, Threshold=threshold, ComparisonOperator=op,
                        TreatMissingData=missing, ActionsEnabled=True, AlarmActions=[topic])
print(json.dumps({"topic": topic, "app": app_id}))
