"""Applies a template written by `msgready remediate` to moto, resource by resource, with the
boto3 call each CloudFormation type stands for (moto's CloudFormation does not cover the SES,
SMSVOICE and Pinpoint types). Parameters come from their defaults or NAME=VALUE arguments;
`Ref`, `Fn::If` (with `Fn::Not`/`Fn::Equals` conditions) and `DependsOn` are honoured.

Usage: python apply.py TEMPLATE ENDPOINT REGION [NAME=VALUE ...]
Prints {"applied": [[logical ID, type], ...], "skipped": [[logical ID, type, reason], ...]}.
"""

import json
import sys

import boto3
import yaml

path, ENDPOINT, REGION = sys.argv[1:4]
overrides = dict(a.split("=", 1) for a in sys.argv[4:])
doc = yaml.safe_load(open(path))
NOVALUE = object()


def client(service):
    return boto3.client(service, region_name=REGION, endpoint_url=ENDPOINT,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


params = {k: overrides.get(k, v.get("Default")) for k, v in doc.get("Parameters", {}).items()}
physical = {}


def cond(c):
    if isinstance(c, str):
        return cond(doc["Conditions"][c])
    if "Fn::Not" in c:
        return not cond(c["Fn::Not"][0])
    if "Fn::Equals" in c:
        a, b = (resolve(x) for x in c["Fn::Equals"])
        return a == b
    raise ValueError(f"unsupported condition {c}")


def refs(node):
    """Logical IDs a node refers to."""
    if isinstance(node, dict):
        if "Ref" in node and node["Ref"] in doc["Resources"]:
            return {node["Ref"]}
        return set().union(*(refs(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node)) if node else set()
    return set()


def resolve(node):
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            name = node["Ref"]
            if name == "AWS::NoValue":
                return NOVALUE
            if name in params:
                if params[name] is None:
                    raise ValueError(f"parameter {name} has no value")
                return params[name]
            return physical[name]
        if set(node) == {"Fn::If"}:
            c, a, b = node["Fn::If"]
            return resolve(a if cond(c) else b)
        out = {k: resolve(v) for k, v in node.items()}
        return {k: v for k, v in out.items() if v is not NOVALUE}
    if isinstance(node, list):
        return [x for x in (resolve(v) for v in node) if x is not NOVALUE]
    return node


def app(p):
    r = client("pinpoint").create_app(CreateApplicationRequest={"Name": p["Name"], "tags": p.get("Tags", {})})
    return r["ApplicationResponse"]["Id"]


def event_stream(p):
    client("pinpoint").put_event_stream(ApplicationId=p["ApplicationId"], WriteEventStream={
        "DestinationStreamArn": p["DestinationStreamArn"], "RoleArn": p["RoleArn"]})


def settings(p):
    req = {k: p[k] for k in ("CampaignHook", "Limits", "QuietTime", "CloudWatchMetricsEnabled") if k in p}
    client("pinpoint").update_application_settings(ApplicationId=p["ApplicationId"],
                                                   WriteApplicationSettingsRequest=req)


def role_policy(p):
    client("iam").put_role_policy(RoleName=p["RoleName"], PolicyName=p["PolicyName"],
                                  PolicyDocument=json.dumps(p["PolicyDocument"]))


def alarm(p):
    keys = ("AlarmName", "AlarmDescription", "Namespace", "MetricName", "Statistic", "Period",
            "EvaluationPeriods", "Threshold", "ComparisonOperator", "TreatMissingData",
            "ActionsEnabled", "AlarmActions")
    client("cloudwatch").put_metric_alarm(**{k: p[k] for k in keys if k in p})


def email_identity(p):
    client("sesv2").create_email_identity(EmailIdentity=p["EmailIdentity"])


def ses_set(p):
    client("sesv2").create_configuration_set(ConfigurationSetName=p["Name"])


def ip_pool(p):
    client("sesv2").create_dedicated_ip_pool(PoolName=p["PoolName"], ScalingMode=p.get("ScalingMode", "STANDARD"))


HANDLERS = {
    "AWS::Pinpoint::App": app,
    "AWS::Pinpoint::EventStream": event_stream,
    "AWS::Pinpoint::ApplicationSettings": settings,
    "AWS::IAM::RolePolicy": role_policy,
    "AWS::CloudWatch::Alarm": alarm,
    "AWS::SES::EmailIdentity": email_identity,
    "AWS::SES::ConfigurationSet": ses_set,
    "AWS::SES::DedicatedIpPool": ip_pool,
}

applied, skipped = [], []
pending = dict(sorted(doc["Resources"].items()))
while pending:
    progress = False
    for lid, r in list(pending.items()):
        needs = set(r.get("DependsOn", [])) | refs(r.get("Properties", {}))
        if needs - set(physical):
            continue
        del pending[lid]
        progress = True
        handler = HANDLERS.get(r["Type"])
        if r.get("Condition") and not cond(r["Condition"]):
            skipped.append([lid, r["Type"], "condition false"])
        elif handler is None:
            skipped.append([lid, r["Type"], "moto does not serve this type"])
        else:
            physical[lid] = handler(resolve(r.get("Properties", {}))) or lid
            applied.append([lid, r["Type"]])
    if not progress:
        for lid, r in pending.items():
            skipped.append([lid, r["Type"], "depends on a resource that was not applied"])
        break
print(json.dumps({"applied": applied, "skipped": skipped}))
