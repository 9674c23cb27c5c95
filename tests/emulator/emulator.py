#!/usr/bin/env python3
"""Loopback AWS wire-format emulator for msgready's tests (standard library only).

Answers SMS/voice v2, and the SES v2, Pinpoint and CloudWatch operations a scenario file lists,
in AWS's wire format; forwards every other request unchanged to an upstream (moto), except that
CloudWatch's Smithy RPC v2 CBOR is bridged to moto's awsJson 1.0 (CBOR codec below, typed by the
service model in models/). Adds latency, quotas, fault injection, a JSON-lines request log and a
stats endpoint. See README.md.
"""

import argparse
import base64
import datetime
import gzip
import hashlib
import http.client
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# ---------------------------------------------------------------------------------------------
# Operation tables

# SMS/voice v2 (awsJson1.0): operation -> (list member, key parameter, echoed members)
SMS_LISTS = {
    "DescribeAccountAttributes": ("AccountAttributes", None),
    "DescribeAccountLimits": ("AccountLimits", None),
    "DescribePhoneNumbers": ("PhoneNumbers", None),
    "DescribeSenderIds": ("SenderIds", None),
    "DescribePools": ("Pools", None),
    "ListPoolOriginationIdentities": ("OriginationIdentities", "PoolId"),
    "DescribeRegistrations": ("Registrations", None),
    "DescribeRegistrationVersions": ("RegistrationVersions", "RegistrationId"),
    "DescribeOptOutLists": ("OptOutLists", None),
    "DescribeOptedOutNumbers": ("OptedOutNumbers", "OptOutListName"),
    "DescribeSpendLimits": ("SpendLimits", None),
    "DescribeConfigurationSets": ("ConfigurationSets", None),
    "DescribeVerifiedDestinationNumbers": ("VerifiedDestinationNumbers", None),
    "DescribeKeywords": ("Keywords", "OriginationIdentity"),
    "DescribeProtectConfigurations": ("ProtectConfigurations", None),
    "ListTagsForResource": ("Tags", "ResourceArn"),
}
# Request members naming the resources asked for, and the item member they match.
SMS_ID_FILTERS = {
    "DescribePhoneNumbers": ("PhoneNumberIds", ("PhoneNumberId", "PhoneNumberArn"), "phone-number"),
    "DescribePools": ("PoolIds", ("PoolId", "PoolArn"), "pool"),
    "DescribeOptOutLists": ("OptOutListNames", ("OptOutListName", "OptOutListArn"), "opt-out-list"),
    "DescribeConfigurationSets": ("ConfigurationSetNames", ("ConfigurationSetName", "ConfigurationSetArn"), "configuration-set"),
    "DescribeRegistrations": ("RegistrationIds", ("RegistrationId", "RegistrationArn"), "registration"),
    "DescribeProtectConfigurations": ("ProtectConfigurationIds", ("ProtectConfigurationId", "ProtectConfigurationArn"), "protect-configuration"),
}
SMS_MAX_PAGE = 100
# Members echoed from the request into the response of keyed SMS operations.
SMS_ECHO = {
    "ListPoolOriginationIdentities": ("PoolId",),
    "DescribeOptedOutNumbers": ("OptOutListName",),
    "DescribeKeywords": ("OriginationIdentity",),
    "DescribeRegistrationVersions": ("RegistrationId",),
    "ListTagsForResource": ("ResourceArn",),
}

# rest-json routes: (service, method, regex, operation, list member or None, page cap)
_SEG = r"([^/]+)"
REST_ROUTES = [
    # SES v2
    ("ses", "GET", r"/v2/email/account", "GetAccount", None, None),
    ("ses", "GET", r"/v2/email/identities", "ListEmailIdentities", "EmailIdentities", 1000),
    ("ses", "POST", r"/v2/email/list-identities", "ListEmailIdentities", "EmailIdentities", 1000),
    ("ses", "POST", r"/v2/email/identities", "CreateEmailIdentity", None, None),
    ("ses", "GET", r"/v2/email/identities/" + _SEG + "/policies", "GetEmailIdentityPolicies", None, None),
    ("ses", "GET", r"/v2/email/identities/" + _SEG, "GetEmailIdentity", None, None),
    ("ses", "DELETE", r"/v2/email/identities/" + _SEG, "DeleteEmailIdentity", None, None),
    ("ses", "GET", r"/v2/email/dedicated-ips", "GetDedicatedIps", "DedicatedIps", 1000),
    ("ses", "GET", r"/v2/email/dedicated-ips/" + _SEG, "GetDedicatedIp", None, None),
    ("ses", "GET", r"/v2/email/dedicated-ip-pools", "ListDedicatedIpPools", "DedicatedIpPools", 1000),
    ("ses", "POST", r"/v2/email/dedicated-ip-pools", "CreateDedicatedIpPool", None, None),
    ("ses", "GET", r"/v2/email/dedicated-ip-pools/" + _SEG, "GetDedicatedIpPool", None, None),
    ("ses", "GET", r"/v2/email/suppression/addresses", "ListSuppressedDestinations", "SuppressedDestinationSummaries", 1000),
    ("ses", "GET", r"/v2/email/suppression/addresses/" + _SEG, "GetSuppressedDestination", None, None),
    ("ses", "GET", r"/v2/email/configuration-sets", "ListConfigurationSets", "ConfigurationSets", 1000),
    ("ses", "POST", r"/v2/email/list-configuration-sets", "ListConfigurationSets", "ConfigurationSets", 1000),
    ("ses", "POST", r"/v2/email/configuration-sets", "CreateConfigurationSet", None, None),
    ("ses", "GET", r"/v2/email/configuration-sets/" + _SEG + "/event-destinations", "GetConfigurationSetEventDestinations", None, None),
    ("ses", "GET", r"/v2/email/configuration-sets/" + _SEG, "GetConfigurationSet", None, None),
    ("ses", "GET", r"/v2/email/templates", "ListEmailTemplates", "TemplatesMetadata", 100),
    ("ses", "POST", r"/v2/email/templates", "CreateEmailTemplate", None, None),
    ("ses", "GET", r"/v2/email/templates/" + _SEG, "GetEmailTemplate", None, None),
    ("ses", "GET", r"/v2/email/multi-region-endpoints", "ListMultiRegionEndpoints", "MultiRegionEndpoints", 1000),
    ("ses", "GET", r"/v2/email/multi-region-endpoints/" + _SEG, "GetMultiRegionEndpoint", None, None),
    ("ses", "GET", r"/v2/email/tags", "ListTagsForResource", None, None),
    # Pinpoint
    ("mobiletargeting", "GET", r"/v1/apps", "GetApps", "Item", 1000),
    ("mobiletargeting", "POST", r"/v1/apps", "CreateApp", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG, "GetApp", None, None),
    ("mobiletargeting", "DELETE", r"/v1/apps/" + _SEG, "DeleteApp", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/settings", "GetApplicationSettings", None, None),
    ("mobiletargeting", "PUT", r"/v1/apps/" + _SEG + "/settings", "UpdateApplicationSettings", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels", "GetChannels", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/email", "GetEmailChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/sms", "GetSmsChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/voice", "GetVoiceChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/apns", "GetApnsChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/apns_sandbox", "GetApnsSandboxChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/apns_voip", "GetApnsVoipChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/apns_voip_sandbox", "GetApnsVoipSandboxChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/gcm", "GetGcmChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/baidu", "GetBaiduChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/channels/adm", "GetAdmChannel", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/eventstream", "GetEventStream", None, None),
    ("mobiletargeting", "POST", r"/v1/apps/" + _SEG + "/eventstream", "PutEventStream", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/journeys", "ListJourneys", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/journeys/" + _SEG, "GetJourney", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/segments", "GetSegments", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/segments/" + _SEG, "GetSegment", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/campaigns", "GetCampaigns", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/campaigns/" + _SEG, "GetCampaign", None, None),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/jobs/import", "GetImportJobs", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/apps/" + _SEG + "/jobs/export", "GetExportJobs", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/templates", "ListTemplates", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/templates/" + _SEG + "/" + _SEG + "/versions", "ListTemplateVersions", "Item", 1000),
    ("mobiletargeting", "GET", r"/v1/templates/" + _SEG + "/email", "GetEmailTemplate", None, None),
    ("mobiletargeting", "GET", r"/v1/templates/" + _SEG + "/sms", "GetSmsTemplate", None, None),
    ("mobiletargeting", "GET", r"/v1/templates/" + _SEG + "/push", "GetPushTemplate", None, None),
    ("mobiletargeting", "GET", r"/v1/templates/" + _SEG + "/voice", "GetVoiceTemplate", None, None),
    ("mobiletargeting", "GET", r"/v1/templates/" + _SEG + "/inapp", "GetInAppTemplate", None, None),
    ("mobiletargeting", "GET", r"/v1/tags/" + _SEG, "ListTagsForResource", None, None),
    ("mobiletargeting", "POST", r"/v1/tags/" + _SEG, "TagResource", None, None),
    # Lambda (proxied; named for the log)
    ("lambda", "GET", r"/[0-9-]+/functions/?", "ListFunctions", None, None),
    ("lambda", "POST", r"/[0-9-]+/functions/?", "CreateFunction", None, None),
    ("lambda", "GET", r"/[0-9-]+/functions/" + _SEG + "/configuration", "GetFunctionConfiguration", None, None),
    ("lambda", "GET", r"/[0-9-]+/functions/" + _SEG + "/policy/?", "GetPolicy", None, None),
    ("lambda", "POST", r"/[0-9-]+/functions/" + _SEG + "/policy/?", "AddPermission", None, None),
    ("lambda", "GET", r"/[0-9-]+/functions/" + _SEG, "GetFunction", None, None),
    ("lambda", "DELETE", r"/[0-9-]+/functions/" + _SEG, "DeleteFunction", None, None),
    ("lambda", "GET", r"/[0-9-]+/tags/" + _SEG, "ListTags", None, None),
]
REST_ROUTES = [(s, m, re.compile(p + r"/?\Z"), op, lm, cap) for (s, m, p, op, lm, cap) in REST_ROUTES]

# CloudWatch (rpc-v2-cbor) answered from a scenario: list operations -> (list members, page-size
# request member, documented page maximum); keyed operations -> the request member that is PARAM.
CW_LISTS = {
    "DescribeAlarms": (("MetricAlarms", "CompositeAlarms"), "MaxRecords", 100),
    "DescribeAlarmHistory": (("AlarmHistoryItems",), "MaxRecords", 100),
    "DescribeAlarmsForMetric": (("MetricAlarms",), None, 100),
    "ListMetrics": (("Metrics",), None, 500),
    "ListDashboards": (("DashboardEntries",), None, 1000),
    "ListMetricStreams": (("Entries",), "MaxResults", 500),
    "DescribeAnomalyDetectors": (("AnomalyDetectors",), "MaxResults", 100),
    "DescribeInsightRules": (("InsightRules",), "MaxResults", 500),
    "ListTagsForResource": (("Tags",), None, 1000),
    "GetMetricData": (("MetricDataResults",), None, 500),
}
CW_KEYS = {"ListTagsForResource": "ResourceARN", "GetDashboard": "DashboardName",
           "DescribeAlarmHistory": "AlarmName", "GetMetricStream": "Name",
           "DescribeAlarmsForMetric": "MetricName", "GetMetricStatistics": "MetricName"}

# Pinpoint list operations whose page-token query parameter is `next-token` (others: `token`).
PINPOINT_NEXT_TOKEN = {"ListTemplates", "ListTemplateVersions"}
# Payload (list) member shapes that are lists of strings rather than objects: none needed.

S3_FLAGS = [
    ("versioning", "BucketVersioning"), ("replication", "BucketReplication"),
    ("location", "BucketLocation"), ("encryption", "BucketEncryption"),
    ("publicAccessBlock", "PublicAccessBlock"), ("policy", "BucketPolicy"),
    ("tagging", "BucketTagging"), ("lifecycle", "BucketLifecycleConfiguration"),
    ("notification", "BucketNotificationConfiguration"), ("acl", "BucketAcl"),
    ("cors", "BucketCors"), ("logging", "BucketLogging"), ("ownershipControls", "BucketOwnershipControls"),
    ("policyStatus", "BucketPolicyStatus"), ("website", "BucketWebsite"),
]

JSON_TARGET_SERVICES = {
    "PinpointSMSVoiceV2": "sms-voice", "Firehose_20150804": "firehose",
    "Kinesis_20131202": "kinesis",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
    "CloudTrail_20131101": "cloudtrail", "GraniteServiceVersion20100801": "monitoring",
}

# (service) -> protocol family
PROTOCOL = {
    "sms-voice": "json", "firehose": "json", "kinesis": "json", "cloudtrail": "json",
    "ses": "rest-json", "mobiletargeting": "rest-json", "lambda": "rest-json",
    "iam": "query", "sts": "query", "monitoring": "query", "s3": "rest-xml",
}
JSON_CONTENT_TYPE = {"sms-voice": "application/x-amz-json-1.0", "firehose": "application/x-amz-json-1.1",
                     "kinesis": "application/x-amz-json-1.1", "cloudtrail": "application/x-amz-json-1.1",
                     "monitoring": "application/x-amz-json-1.0"}
QUERY_NS = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/",
            "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
            "monitoring": "http://monitoring.amazonaws.com/doc/2010-08-01/"}

# Throttling and server errors per service: (code, status)
THROTTLE = {
    "sms-voice": ("ThrottlingException", 400), "ses": ("TooManyRequestsException", 429),
    "mobiletargeting": ("TooManyRequestsException", 429), "lambda": ("TooManyRequestsException", 429),
    "firehose": ("LimitExceededException", 400), "kinesis": ("LimitExceededException", 400),
    "cloudtrail": ("ThrottlingException", 400), "iam": ("Throttling", 400), "sts": ("Throttling", 400),
    "monitoring": ("Throttling", 400), "s3": ("SlowDown", 503),
}
INTERNAL = {
    "sms-voice": "InternalServerException", "mobiletargeting": "InternalServerErrorException",
    "lambda": "ServiceException", "iam": "ServiceFailure", "s3": "InternalError",
    "kinesis": "InternalFailure", "firehose": "ServiceUnavailableException",
}
NOT_FOUND = {"ses": "NotFoundException", "mobiletargeting": "NotFoundException",
             "sms-voice": "ResourceNotFoundException"}

# Documented request-rate quotas for --enforce-quotas: (service, operation or prefix*) -> (rate/s, burst)
QUOTAS = [
    ("sms-voice", "Describe*", 1.0, 1.0), ("sms-voice", "List*", 1.0, 1.0),
    ("ses", "ListEmailTemplates", 1.0, 1.0), ("ses", "GetEmailIdentityPolicies", 1.0, 1.0),
    ("ses", "GetEmailTemplate", 50.0, 50.0),
    ("monitoring", "DescribeAlarms", 9.0, 9.0), ("monitoring", "GetMetricData", 50.0, 50.0),
    ("monitoring", "ListMetrics", 25.0, 25.0),
]
QUOTA_TOLERANCE_S = 0.05

# ---------------------------------------------------------------------------------------------
# Scenario values: placeholders and generated lists

_PLACEHOLDER = re.compile(r"\{(i|name|region|account)(?::([^{}]*))?\}")


def _has_placeholder(value):
    if isinstance(value, str):
        return _PLACEHOLDER.search(value) is not None
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return False


def substitute(value, env):
    """Replaces {i}, {i:08d}, {name}, {region}, {account} in every string of value."""
    if isinstance(value, str):
        if "{" not in value:
            return value

        def repl(m):
            key, spec = m.group(1), m.group(2)
            if key not in env:
                return m.group(0)
            return format(env[key], spec or "")
        return _PLACEHOLDER.sub(repl, value)
    if isinstance(value, dict):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    return value


class GenList:
    """A list of `count` items made on demand from one template (`$generate`)."""

    __slots__ = ("count", "item", "env", "dynamic")

    def __init__(self, count, item, env):
        self.count = int(count)
        self.item = item
        self.env = env
        self.dynamic = _has_placeholder(item)

    def __len__(self):
        return self.count

    def slice(self, start, stop):
        stop = min(stop, self.count)
        if not self.dynamic:
            return [self.item] * max(0, stop - start)
        return [substitute(self.item, dict(self.env, i=i)) for i in range(start, stop)]

    def __iter__(self):
        return iter(self.slice(0, self.count))


def prepare(value, env):
    """Expands region/account placeholders and turns {"$generate": ...} into GenList."""
    if isinstance(value, dict):
        if "$generate" in value and len(value) == 1:
            g = value["$generate"]
            return GenList(g["count"], prepare(g["item"], env), env)
        return {k: prepare(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [prepare(v, env) for v in value]
    if isinstance(value, str):
        return substitute(value, {k: v for k, v in env.items() if k in ("region", "account")})
    return value


def materialize(value):
    """JSON-ready copy: any GenList left inside an answer is expanded whole."""
    if isinstance(value, GenList):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    return value


def list_slice(items, start, stop):
    if isinstance(items, GenList):
        return items.slice(start, stop)
    return items[start:stop]


class Scenario:
    def __init__(self, doc):
        self.account = str(doc.get("account", "123456789012"))
        self.regions = {}
        owned = {"ses": set(), "mobiletargeting": set(), "monitoring": set()}
        for region, services in doc.get("regions", {}).items():
            env = {"region": region, "account": self.account}
            r = self.regions.setdefault(region, {})
            for service, ops in services.items():
                table = r.setdefault(service, {})
                for key, body in ops.items():
                    op, _, param = key.partition(" ")
                    table[(op, param or None)] = prepare(body, env)
                    if service in owned:
                        owned[service].add(op)
        for service, ops in doc.get("owned", {}).items():
            owned.setdefault(service, set()).update(ops)
        self.owned = owned
        self.errors = []
        for e in doc.get("errors", []):
            e = dict(e)
            e.setdefault("status", 400)
            e.setdefault("message", "injected by the scenario")
            e["remaining"] = e.get("times")
            self.errors.append(e)
        self.lock = threading.Lock()

    def owns(self, service, op):
        """sms-voice: always. ses/mobiletargeting/monitoring: read operations the scenario lists
        (any Region), or all read operations when `owned` lists "*". Writes are always proxied
        (monitoring through the rpc-v2-cbor → awsJson bridge)."""
        if service == "sms-voice":
            return True
        ops = self.owned.get(service, ())
        if op in ops:
            return True
        return "*" in ops and op.startswith(("Get", "List", "Describe"))

    def lookup(self, region, service, op, param):
        """(found, body): the exact key, then `Op *` (with {name}), then `Op`."""
        table = self.regions.get(region, {}).get(service, {})
        if param is not None:
            if (op, param) in table:
                return True, table[(op, param)]
            if (op, "*") in table:
                return True, substitute(table[(op, "*")], {"name": param, "region": region,
                                                          "account": self.account})
        if (op, None) in table:
            return True, table[(op, None)]
        return False, None

    def injected_error(self, region, service, op, param):
        with self.lock:
            for e in self.errors:
                if e.get("region") not in (None, region) or e.get("service") != service:
                    continue
                if e.get("operation") not in ("*", op):
                    continue
                if e.get("key") is not None and e.get("key") != param:
                    continue
                if e["remaining"] is not None:
                    if e["remaining"] <= 0:
                        continue
                    e["remaining"] -= 1
                return e
        return None


# ---------------------------------------------------------------------------------------------
# Faults, quotas, stats, log

class Faults:
    def __init__(self, spec, seed):
        self.throttle = self.err5xx = self.reset = self.spike_p = 0.0
        self.spike_ms = 0
        self.burst = 0
        self.services = None
        self.operations = None
        for part in filter(None, (spec or "").split(",")):
            name, _, val = part.partition("=")
            name = name.strip()
            if name == "throttle":
                self.throttle = float(val)
            elif name == "5xx":
                self.err5xx = float(val)
            elif name == "reset":
                self.reset = float(val)
            elif name == "spike":
                p, _, ms = val.partition(":")
                self.spike_p, self.spike_ms = float(p), int(ms or 1000)
            elif name == "5xx-burst":
                self.burst = int(val)
            elif name == "services":
                self.services = set(val.split("+"))
            elif name == "operations":
                self.operations = set(val.split("+"))
            else:
                raise SystemExit("unknown fault: %s" % name)
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.seen = {}

    def applies(self, service, op):
        return ((self.services is None or service in self.services)
                and (self.operations is None or op in self.operations))

    def draw(self, key):
        """Returns (fault name or None, extra latency seconds)."""
        service, op = key[1], key[2]
        if not self.applies(service, op):
            return None, 0.0
        with self.lock:
            if self.burst:
                n = self.seen.get(key, 0)
                self.seen[key] = n + 1
                if 1 <= n <= self.burst:
                    return "5xx-burst", 0.0
            r = self.rng.random
            spike = self.spike_ms / 1000.0 if self.spike_p and r() < self.spike_p else 0.0
            if self.reset and r() < self.reset:
                return "reset", spike
            if self.throttle and r() < self.throttle:
                return "throttle", spike
            if self.err5xx and r() < self.err5xx:
                return ("5xx-500" if r() < 0.5 else "5xx-503"), spike
            return ("spike" if spike else None), spike


class Quotas:
    def __init__(self):
        self.lock = threading.Lock()
        self.buckets = {}

    @staticmethod
    def limit(service, op):
        for s, pattern, rate, burst in QUOTAS:
            if s != service:
                continue
            if pattern.endswith("*") and op.startswith(pattern[:-1]) or pattern == op:
                return rate, burst
        return None

    def take(self, key):
        lim = self.limit(key[1], key[2])
        if lim is None:
            return True
        rate, burst = lim
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens >= 1.0 - rate * QUOTA_TOLERANCE_S:
                self.buckets[key] = (tokens - 1.0, now)  # may go slightly negative: the early tolerance is paid back
                return True
            self.buckets[key] = (tokens, now)
            return False


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = 0
        self.operations = {}
        self.throttles = 0
        self.faults = {}
        self.proxied = 0
        self.statuses = {}
        self.protocols = {}
        self.started = time.time()

    def record(self, entry, protocol):
        with self.lock:
            self.requests += 1
            k = "%s %s %s" % (entry["region"], entry["service"], entry["operation"])
            self.operations[k] = self.operations.get(k, 0) + 1
            st = str(entry["status"])
            self.statuses[st] = self.statuses.get(st, 0) + 1
            if entry["proxied"]:
                self.proxied += 1
            if entry["fault"]:
                self.faults[entry["fault"]] = self.faults.get(entry["fault"], 0) + 1
                if entry["fault"] in ("quota", "throttle"):
                    self.throttles += 1
            if protocol:
                self.protocols.setdefault(entry["service"], {})
                p = self.protocols[entry["service"]]
                p[protocol] = p.get(protocol, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "operations": dict(self.operations),
                    "throttles": self.throttles, "faults": dict(self.faults),
                    "proxied": self.proxied, "statuses": dict(self.statuses),
                    "protocols": {k: dict(v) for k, v in self.protocols.items()},
                    "seconds": round(time.time() - self.started, 3)}


# ---------------------------------------------------------------------------------------------
# Request identification

_CRED = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


def token_encode(op, offset):
    return base64.urlsafe_b64encode(("%s:%d" % (op, offset)).encode()).decode().rstrip("=")


def token_decode(op, token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        name, _, off = raw.rpartition(":")
        if name != op:
            return None
        return int(off)
    except Exception:
        return None


class Request:
    __slots__ = ("service", "region", "operation", "protocol", "params", "body_json", "query",
                 "list_member", "page_cap", "path", "access_key", "role_arn")


def identify(method, path, query, headers, body, default_region):
    r = Request()
    r.path = path
    r.query = query
    r.params = ()
    r.body_json = None
    r.list_member = None
    r.page_cap = None
    r.protocol = None
    auth = headers.get("Authorization") or ""
    m = _CRED.search(auth)
    r.region, r.service = (m.group(2), m.group(3)) if m else (default_region, None)
    # Which credentials signed the call, as a short hash (the log carries no header value):
    # lets a test see e.g. that a member AssumeRole was signed with the hub role's credentials.
    r.access_key = hashlib.sha256(m.group(1).encode()).hexdigest()[:12] if m else None
    r.role_arn = None
    target = headers.get("X-Amz-Target")
    ctype = (headers.get("Content-Type") or "").lower()
    if target:
        prefix, _, op = target.rpartition(".")
        r.operation = op
        r.protocol = "json-1.1" if "1.1" in ctype else "json-1.0"
        if r.service is None:
            r.service = JSON_TARGET_SERVICES.get(prefix, prefix)
        return r
    if (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor" or path.startswith("/service/"):
        parts = path.split("/")
        r.operation = parts[-1] if len(parts) >= 5 else "Unknown"
        r.protocol = "rpc-v2-cbor"
        if r.service is None:
            r.service = JSON_TARGET_SERVICES.get(parts[2] if len(parts) > 2 else "", "monitoring")
        return r
    if "x-www-form-urlencoded" in ctype or "Action" in query:
        form = dict(query)
        if "x-www-form-urlencoded" in ctype:
            form.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if "Action" in form:
            r.operation = form["Action"]
            r.protocol = "query"
            return r
    for service, rmethod, rx, op, lm, cap in REST_ROUTES:
        if rmethod != method:
            continue
        if r.service is not None and r.service != service:
            continue
        mm = rx.match(path)
        if mm:
            r.service = service
            r.operation = op
            r.params = tuple(urllib.parse.unquote(g) for g in mm.groups())
            r.list_member = lm
            r.page_cap = cap
            r.protocol = "rest-json"
            return r
    if r.service == "s3" or r.service is None:
        r.service = r.service or "s3"
        r.operation = s3_operation(method, path, query)
        r.protocol = "rest-xml"
        return r
    r.operation = "%s %s" % (method, path)
    return r


def s3_operation(method, path, query):
    parts = [p for p in path.split("/") if p]
    verb = {"GET": "Get", "PUT": "Put", "DELETE": "Delete", "HEAD": "Head", "POST": "Post"}.get(method, method)
    if not parts:
        return "ListBuckets" if method == "GET" else verb + "Service"
    if len(parts) == 1:
        for flag, name in S3_FLAGS:
            if flag in query:
                return verb + name
        return {"GET": "ListObjects", "PUT": "CreateBucket", "DELETE": "DeleteBucket",
                "HEAD": "HeadBucket"}.get(method, verb + "Bucket")
    return verb + "Object"


# ---------------------------------------------------------------------------------------------
# CBOR (RFC 8949), as much as Smithy RPC v2 CBOR uses

class Undefined:
    """CBOR `undefined` (simple value 23)."""
    __slots__ = ()

    def __repr__(self):
        return "UNDEFINED"

    def __eq__(self, other):
        return isinstance(other, Undefined)

    def __hash__(self):
        return 23


UNDEFINED = Undefined()


class Tag:
    """A tagged item other than what decoding maps itself (tag 1 decodes to Tag(1, seconds))."""
    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return isinstance(other, Tag) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self):
        return "Tag(%d, %r)" % (self.tag, self.value)


class Float:
    """A float encoded at a chosen width (16, 32 or 64 bits); plain floats encode as 64."""
    __slots__ = ("value", "bits")

    def __init__(self, value, bits=64):
        self.value, self.bits = float(value), bits


class CborError(ValueError):
    pass


def _cbor_head(major, n):
    if n < 24:
        return bytes([(major << 5) | n])
    if n < 0x100:
        return bytes([(major << 5) | 24, n])
    if n < 0x10000:
        return bytes([(major << 5) | 25]) + struct.pack(">H", n)
    if n < 0x100000000:
        return bytes([(major << 5) | 26]) + struct.pack(">I", n)
    if n < 0x10000000000000000:
        return bytes([(major << 5) | 27]) + struct.pack(">Q", n)
    raise CborError("integer too large for CBOR major type %d" % major)


def cbor_encode(value):
    out = bytearray()
    _cbor_enc(value, out)
    return bytes(out)


def _cbor_enc(v, out):
    if v is None:
        out.append(0xF6)
    elif v is True:
        out.append(0xF5)
    elif v is False:
        out.append(0xF4)
    elif isinstance(v, Undefined):
        out.append(0xF7)
    elif isinstance(v, int):
        out += _cbor_head(0, v) if v >= 0 else _cbor_head(1, -1 - v)
    elif isinstance(v, (float, Float)):
        bits = v.bits if isinstance(v, Float) else 64
        f = v.value if isinstance(v, Float) else v
        if bits == 16:
            out.append(0xF9)
            out += struct.pack(">e", f)
        elif bits == 32:
            out.append(0xFA)
            out += struct.pack(">f", f)
        else:
            out.append(0xFB)
            out += struct.pack(">d", f)
    elif isinstance(v, str):
        b = v.encode("utf-8")
        out += _cbor_head(3, len(b))
        out += b
    elif isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
        out += _cbor_head(2, len(b))
        out += b
    elif isinstance(v, (list, tuple, GenList)):
        items = list(v)
        out += _cbor_head(4, len(items))
        for x in items:
            _cbor_enc(x, out)
    elif isinstance(v, dict):
        out += _cbor_head(5, len(v))
        for k, x in v.items():
            _cbor_enc(k, out)
            _cbor_enc(x, out)
    elif isinstance(v, Tag):
        out += _cbor_head(6, v.tag)
        _cbor_enc(v.value, out)
    else:
        raise CborError("cannot encode %r" % type(v).__name__)


_BREAK = object()


def cbor_decode(data):
    """Decodes one CBOR item that must span all of data. Maps → dict, arrays → list, text → str,
    byte strings → bytes (indefinite-length strings joined), half/single/double → float,
    undefined → UNDEFINED, tags → Tag(n, value)."""
    data = bytes(data)
    value, pos = _cbor_dec(data, 0)
    if value is _BREAK:
        raise CborError("unexpected break")
    if pos != len(data):
        raise CborError("trailing data at %d" % pos)
    return value


def _cbor_arg(data, pos, info):
    if info < 24:
        return info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise CborError("bad additional info %d at %d" % (info, pos))
    if pos + size > len(data):
        raise CborError("truncated")
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _cbor_dec(data, pos):
    if pos >= len(data):
        raise CborError("truncated")
    ib = data[pos]
    pos += 1
    major, info = ib >> 5, ib & 0x1F
    if major == 7:
        if info == 20:
            return False, pos
        if info == 21:
            return True, pos
        if info == 22:
            return None, pos
        if info == 23:
            return UNDEFINED, pos
        if info == 31:
            return _BREAK, pos
        fmt = {25: ">e", 26: ">f", 27: ">d"}.get(info)
        if fmt:
            n = struct.calcsize(fmt)
            if pos + n > len(data):
                raise CborError("truncated")
            return struct.unpack(fmt, data[pos:pos + n])[0], pos + n
        if info == 24:
            return Tag(-1, data[pos]), pos + 1  # other simple value (not used by Smithy)
        if info < 20:
            return Tag(-1, info), pos
        raise CborError("bad simple value %d" % info)
    if info == 31:  # indefinite length
        if major in (2, 3):
            chunks = []
            while True:
                item, pos = _cbor_dec(data, pos)
                if item is _BREAK:
                    break
                if major == 2 and not isinstance(item, bytes) or major == 3 and not isinstance(item, str):
                    raise CborError("bad chunk in indefinite string")
                chunks.append(item)
            return (b"".join(chunks) if major == 2 else "".join(chunks)), pos
        if major == 4:
            items = []
            while True:
                item, pos = _cbor_dec(data, pos)
                if item is _BREAK:
                    return items, pos
                items.append(item)
        if major == 5:
            d = {}
            while True:
                k, pos = _cbor_dec(data, pos)
                if k is _BREAK:
                    return d, pos
                d[_cbor_key(k)], pos = _cbor_dec(data, pos)
        raise CborError("indefinite length for major type %d" % major)
    n, pos = _cbor_arg(data, pos, info)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major in (2, 3):
        if pos + n > len(data):
            raise CborError("truncated string")
        raw = data[pos:pos + n]
        return (raw if major == 2 else raw.decode("utf-8")), pos + n
    if major == 4:
        items = []
        for _ in range(n):
            item, pos = _cbor_dec(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        d = {}
        for _ in range(n):
            k, pos = _cbor_dec(data, pos)
            d[_cbor_key(k)], pos = _cbor_dec(data, pos)
        return d, pos
    # major 6: tag
    item, pos = _cbor_dec(data, pos)
    return Tag(n, item), pos


def _cbor_key(k):
    if isinstance(k, (list, dict)):
        raise CborError("unhashable map key")
    return k


def cbor_map(d):
    return cbor_encode(d)


def decode_cbor_request(body, chunked, headers):
    """(awsJson-form dict, error message or None) for an rpc-v2-cbor request body."""
    try:
        if chunked:
            body = _dechunk(body)
        if "gzip" in (headers.get("Content-Encoding") or "").lower():
            body = gzip.decompress(body)
        value = cbor_decode(body) if body else {}
    except (CborError, ValueError, OSError, EOFError, struct.error) as e:
        return {}, "cannot decode CBOR request body: %s" % e
    if not isinstance(value, dict):
        return {}, "request body is not a CBOR map"
    return cbor_to_json(value), None


def _dechunk(raw):
    out, pos = bytearray(), 0
    while True:
        end = raw.index(b"\r\n", pos)
        n = int(raw[pos:end].split(b";")[0].strip() or b"0", 16)
        if n == 0:
            return bytes(out)
        out += raw[end + 2:end + 2 + n]
        pos = end + 2 + n + 2


# ---------------------------------------------------------------------------------------------
# Service models (shape types) for the rpc-v2-cbor bridge: models/SERVICE.json, made by
# models/extract.py from botocore's service-2.json

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")


class Model:
    def __init__(self, doc):
        self.metadata = doc.get("metadata", {})
        self.operations = doc.get("operations", {})
        self.shapes = doc.get("shapes", {})
        self.target_prefix = self.metadata.get("targetPrefix")

    @classmethod
    def load(cls, path):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as f:
            doc = json.load(f)
        if "operations" in doc:
            for name, op in doc["operations"].items():  # full botocore models: {"shape": ...}
                for k in ("input", "output"):
                    if isinstance(op.get(k), dict):
                        op[k] = op[k]["shape"]
        for s in doc.get("shapes", {}).values():
            if s.get("type") == "structure":
                s["members"] = {m: (v["shape"] if isinstance(v, dict) else v)
                                for m, v in s.get("members", {}).items()}
            for k in ("member", "key", "value"):
                if isinstance(s.get(k), dict):
                    s[k] = s[k]["shape"]
        return cls(doc)

    def output_shape(self, op):
        return (self.operations.get(op) or {}).get("output")

    def to_cbor(self, shape, value):
        """JSON value (awsJson wire form) → CBOR-ready value, typed by the model: timestamps as
        tag 1 epoch seconds (float), float/double as CBOR floats, integer/long as ints, blobs as
        byte strings. Members the model does not know are typed by their JSON value."""
        s = self.shapes.get(shape) if shape else None
        if value is None:
            return None
        if s is None:
            return _untyped_cbor(value)
        t = s["type"]
        if t == "structure":
            if not isinstance(value, dict):
                return _untyped_cbor(value)
            members = s.get("members", {})
            return {k: self.to_cbor(members.get(k), v) for k, v in value.items() if v is not None}
        if t == "list":
            return [self.to_cbor(s.get("member"), v) for v in (value or [])]
        if t == "map":
            return {k: self.to_cbor(s.get("value"), v) for k, v in (value or {}).items()}
        if t == "timestamp":
            return Tag(1, _epoch_seconds(value))
        if t in ("double", "float"):
            f = float(value) if not isinstance(value, str) else float(value)
            return f if t == "double" else Float(f, 32)
        if t in ("integer", "long", "short", "byte"):
            return int(value)
        if t == "boolean":
            return bool(value) if not isinstance(value, str) else value.lower() == "true"
        if t == "blob":
            return base64.b64decode(value) if isinstance(value, str) else bytes(value)
        return value if isinstance(value, str) else str(value)


def _untyped_cbor(value):
    if isinstance(value, dict):
        return {k: _untyped_cbor(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, GenList)):
        return [_untyped_cbor(v) for v in value]
    return value


def _epoch_seconds(value):
    if isinstance(value, Tag) and value.tag == 1:
        value = value.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    s = str(value).strip()
    try:
        return float(s)
    except ValueError:
        pass
    s = s.replace("Z", "+00:00")
    dt = datetime.datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def cbor_to_json(value):
    """A decoded rpc-v2-cbor request → the awsJson request: tag 1 → epoch seconds, byte strings
    → base64, undefined and null members dropped."""
    if isinstance(value, dict):
        return {str(k): cbor_to_json(v) for k, v in value.items()
                if v is not None and not isinstance(v, Undefined)}
    if isinstance(value, list):
        return [cbor_to_json(v) for v in value]
    if isinstance(value, Tag):
        return cbor_to_json(value.value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    return value


def load_models(directory=MODEL_DIR):
    models = {}
    if os.path.isdir(directory):
        for name in sorted(os.listdir(directory)):
            if name.endswith(".json"):
                models[name[:-5]] = Model.load(os.path.join(directory, name))
    return models


MODELS = {}


# ---------------------------------------------------------------------------------------------
# Error bodies in each protocol

def error_response(req, status, code, message):
    """(status, headers, body) for an error in the service's protocol."""
    rid = str(uuid.uuid4())
    svc = req.service
    proto = req.protocol or PROTOCOL.get(svc, "rest-json")
    if proto == "rpc-v2-cbor":
        return status, cbor_headers(rid, code, status), cbor_encode({"__type": code, "message": message})
    if proto.startswith("json"):
        ctype = JSON_CONTENT_TYPE.get(svc, "application/x-amz-json-1.1")
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, [("Content-Type", ctype), ("x-amzn-ErrorType", code),
                        ("x-amzn-RequestId", rid)], body
    if proto == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        ns = QUERY_NS.get(svc, "")
        body = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>'
                '</Error><RequestId>%s</RequestId></ErrorResponse>' % (ns, kind, code, _xml(message), rid))
        return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body.encode()
    if proto == "rest-xml":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
                '<RequestId>%s</RequestId></Error>' % (code, _xml(message), rid))
        return status, [("Content-Type", "application/xml"), ("x-amz-request-id", rid)], body.encode()
    # rest-json
    if svc == "mobiletargeting":
        payload = {"Message": message, "RequestID": rid}
    else:
        payload = {"message": message}
    return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code),
                    ("x-amzn-RequestId", rid)], json.dumps(payload).encode()


def cbor_headers(rid, code=None, status=200, query_error=None):
    """Response headers for rpc-v2-cbor. CloudWatch is awsQueryCompatible: errors also carry
    `x-amzn-query-error: CODE;Sender|Receiver`, which the SDK prefers to the body's `__type`."""
    h = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
         ("x-amzn-RequestId", rid)]
    if code is not None:
        h.append(("x-amzn-ErrorType", code))
        h.append(("x-amzn-query-error", query_error or
                  "%s;%s" % (code, "Receiver" if status >= 500 else "Sender")))
    return h


def _xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def throttle_response(req):
    code, status = THROTTLE.get(req.service, ("ThrottlingException", 400))
    if req.protocol == "rpc-v2-cbor" or req.protocol == "query":
        code = "Throttling"
    return error_response(req, status, code, "Rate exceeded")


def server_error_response(req, status):
    if status == 503:
        code = {"sms-voice": "InternalServerException",
                "mobiletargeting": "InternalServerErrorException"}.get(req.service, "ServiceUnavailable")
        return error_response(req, 503, code, "Service unavailable")
    return error_response(req, 500, INTERNAL.get(req.service, "InternalFailure"), "Internal failure")


# ---------------------------------------------------------------------------------------------
# Answers from the scenario

def _json_ok(body, ctype="application/json"):
    return 200, [("Content-Type", ctype), ("x-amzn-RequestId", str(uuid.uuid4()))], \
        json.dumps(materialize(body), separators=(",", ":")).encode()


def _page_size(raw, cap):
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return cap
    return max(1, min(n, cap))


def paginate(req, body, member, start_token, size):
    """Slices body[member] from the token's offset; returns the page body or an error tuple."""
    items = body.get(member) if isinstance(body, dict) else None
    if items is None:
        items = []
    start = 0
    if start_token:
        start = token_decode(req.operation, start_token)
        if start is None:
            return None
    page = list_slice(items, start, start + size)
    out = {k: v for k, v in body.items() if k not in (member, "NextToken")}
    out[member] = page
    if start + size < len(items):
        out["NextToken"] = token_encode(req.operation, start + size)
    return out


def answer_sms(scn, req):
    op = req.operation
    reqbody = req.body_json if isinstance(req.body_json, dict) else {}
    lst = SMS_LISTS.get(op)
    param = None
    if lst and lst[1]:
        param = reqbody.get(lst[1])
    found, body = scn.lookup(req.region, "sms-voice", op, param)
    ctype = "application/x-amz-json-1.0"
    if lst is None:
        return _json_ok(body if found else {}, ctype)
    member = lst[0]
    if not found:
        body = {}
    body = dict(body)
    for echo in SMS_ECHO.get(op, ()):
        body.setdefault(echo, reqbody.get(echo))
        if body[echo] is None:
            del body[echo]
    if op == "ListTagsForResource":
        body.setdefault(member, [])
        return _json_ok(body, ctype)
    # Explicit identifiers: filter, and ResourceNotFound for an unknown one.
    filt = SMS_ID_FILTERS.get(op)
    if filt and reqbody.get(filt[0]):
        wanted = list(reqbody[filt[0]])
        items = body.get(member) or []
        picked = [it for it in items if any(it.get(f) in wanted for f in filt[1])]
        known = {it.get(f) for it in picked for f in filt[1]}
        missing = [w for w in wanted if w not in known]
        if missing:
            status, headers, _ = error_response(req, 400, "ResourceNotFoundException", "")
            b = json.dumps({"__type": "ResourceNotFoundException",
                            "message": "Resource not found: %s" % missing[0],
                            "ResourceType": filt[2], "ResourceId": missing[0]}).encode()
            return status, headers, b
        body[member] = picked
    size = _page_size(reqbody.get("MaxResults"), SMS_MAX_PAGE)
    page = paginate(req, body, member, reqbody.get("NextToken"), size)
    if page is None:
        return error_response(req, 400, "ValidationException", "Invalid NextToken")
    return _json_ok(page, ctype)


def answer_rest(scn, req):
    op = req.operation
    param = "/".join(req.params) if req.params else None
    # ListTemplateVersions is keyed "NAME/TYPE"; ListTagsForResource on SES by ResourceArn.
    if req.service == "ses" and op == "ListTagsForResource":
        param = req.query.get("ResourceArn")
    found, body = scn.lookup(req.region, req.service, op, param)
    if req.list_member:
        if not found:
            body = {}
        body = dict(body) if isinstance(body, dict) else {}
        if req.service == "ses":
            tok, size = req.query.get("NextToken"), req.query.get("PageSize")
            if req.body_json:
                tok = req.body_json.get("NextToken", tok)
                size = req.body_json.get("PageSize", size)
            if op == "GetDedicatedIps" and req.query.get("PoolName"):
                pool = req.query["PoolName"]
                body[req.list_member] = [i for i in (body.get(req.list_member) or [])
                                         if i.get("PoolName") == pool]
            if op == "ListSuppressedDestinations" and req.query.get("Reason"):
                reasons = set(req.query.get_all("Reason"))
                items = body.get(req.list_member) or []
                if not isinstance(items, GenList):
                    body[req.list_member] = [i for i in items if i.get("Reason") in reasons]
        else:
            tok = req.query.get("next-token" if op in PINPOINT_NEXT_TOKEN else "token")
            size = req.query.get("page-size")
            if op == "ListTemplates" and (req.query.get("template-type") or req.query.get("prefix")):
                ttype, prefix = req.query.get("template-type"), req.query.get("prefix") or ""
                items = body.get("Item") or []
                body["Item"] = [t for t in items
                                if (not ttype or t.get("TemplateType") == ttype)
                                and str(t.get("TemplateName", "")).startswith(prefix)]
        page = paginate(req, body, req.list_member, tok, _page_size(size, req.page_cap))
        if page is None:
            code = "BadRequestException"
            return error_response(req, 400, code, "Invalid token")
        return _json_ok(page)
    if found:
        return _json_ok(body)
    if param is None:
        return _json_ok({})
    code = NOT_FOUND.get(req.service, "NotFoundException")
    return error_response(req, 404, code, "Resource not found: %s" % param)


def cbor_ok(req, body, rid=None):
    """200 with body (an awsJson-form dict) encoded as CBOR, typed by the operation's output
    shape in the service model."""
    model = MODELS.get(req.service)
    value = materialize(body) if body is not None else {}
    if model is not None:
        value = model.to_cbor(model.output_shape(req.operation), value)
    else:
        value = _untyped_cbor(value)
    if not isinstance(value, dict):
        value = {}
    return 200, cbor_headers(rid or str(uuid.uuid4())), cbor_encode(value)


def _alarm_filter(reqbody, body, members):
    """DescribeAlarms request filters: AlarmTypes, AlarmNames, AlarmNamePrefix, StateValue,
    ActionPrefix (generated lists are left whole)."""
    types = reqbody.get("AlarmTypes")
    names = reqbody.get("AlarmNames")
    prefix = reqbody.get("AlarmNamePrefix")
    state = reqbody.get("StateValue")
    action = reqbody.get("ActionPrefix")
    for m in members:
        if types and m[:-1] not in types:
            body[m] = []
            continue
        items = body.get(m)
        if not items or isinstance(items, GenList):
            continue
        body[m] = [a for a in items
                   if (not names or a.get("AlarmName") in names)
                   and (not prefix or str(a.get("AlarmName", "")).startswith(prefix))
                   and (not state or a.get("StateValue") == state)
                   and (not action or any(str(x).startswith(action) for x in
                                          (a.get("AlarmActions") or []) + (a.get("OKActions") or [])
                                          + (a.get("InsufficientDataActions") or [])))]


def _metric_data_results(reqbody, body):
    """GetMetricData: one result per requested query Id — the scenario's result with that Id, or
    its `"Id": "*"` result with {name} = the Id, or an empty Complete result."""
    results = list(body.get("MetricDataResults") or [])
    by_id = {r.get("Id"): r for r in results if isinstance(r, dict)}
    queries = reqbody.get("MetricDataQueries") or []
    if not queries:
        return results
    out = []
    for q in queries:
        qid = q.get("Id")
        if q.get("ReturnData") is False:
            continue
        if qid in by_id:
            out.append(by_id[qid])
        elif "*" in by_id:
            r = substitute(by_id["*"], {"name": qid})
            r["Id"] = qid
            out.append(r)
        else:
            out.append({"Id": qid, "Label": q.get("Label") or qid, "Timestamps": [], "Values": [],
                        "StatusCode": "Complete"})
    return out


def answer_cbor(scn, req):
    """CloudWatch operations the scenario lists, answered in rpc-v2-cbor."""
    op = req.operation
    reqbody = req.body_json if isinstance(req.body_json, dict) else {}
    key = CW_KEYS.get(op)
    param = reqbody.get(key) if key else None
    found, body = scn.lookup(req.region, req.service, op, param)
    lst = CW_LISTS.get(op)
    if lst is None:
        if found:
            return cbor_ok(req, body)
        if param is not None:
            return error_response(req, 404, "ResourceNotFound", "Resource not found: %s" % param)
        return cbor_ok(req, {})
    members, size_member, cap = lst
    body = dict(body) if found and isinstance(body, dict) else {}
    if op == "DescribeAlarms":
        _alarm_filter(reqbody, body, members)
    if op == "GetMetricData":
        body["MetricDataResults"] = _metric_data_results(reqbody, body)
    size = _page_size(reqbody.get(size_member) if size_member else None, cap)
    start = 0
    token = reqbody.get("NextToken")
    if token:
        start = token_decode(op, token)
        if start is None:
            return error_response(req, 400, "InvalidNextToken", "Invalid NextToken")
    out = {k: v for k, v in body.items() if k not in members and k != "NextToken"}
    more = False
    for m in members:
        items = body.get(m)
        if items is None:
            items = []
        out[m] = list_slice(items, start, start + size)
        more = more or start + size < len(items)
    if more:
        out["NextToken"] = token_encode(op, start + size)
    return cbor_ok(req, out)


# ---------------------------------------------------------------------------------------------
# HTTP server

class Query(dict):
    """First value per key, plus get_all."""

    def __init__(self, qs):
        super().__init__()
        self.pairs = urllib.parse.parse_qsl(qs, keep_blank_values=True)
        for k, v in self.pairs:
            self.setdefault(k, v)

    def get_all(self, key):
        return [v for k, v in self.pairs if k == key]


HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te",
              "trailer"}


class Emulator:
    def __init__(self, args, scenario):
        self.args = args
        self.scenario = scenario
        self.faults = Faults(args.faults, args.seed)
        self.quotas = Quotas() if args.enforce_quotas else None
        self.stats = Stats()
        self.latency = args.latency_ms / 1000.0
        self.log_lock = threading.Lock()
        self.log = open(args.log, "a", buffering=1) if args.log else None
        up = urllib.parse.urlsplit(args.upstream) if args.upstream else None
        self.upstream = (up.hostname, up.port or 80) if up else None
        self.local = threading.local()

    def upstream_conn(self, fresh=False):
        c = getattr(self.local, "conn", None)
        if c is None or fresh:
            if c is not None:
                c.close()
            c = http.client.HTTPConnection(self.upstream[0], self.upstream[1], timeout=120)
            self.local.conn = c
        return c

    def write_log(self, entry):
        if self.log:
            line = json.dumps(entry, separators=(",", ":"))
            with self.log_lock:
                self.log.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "msgready-emulator"
    sys_version = ""

    def log_message(self, fmt, *args):  # no stderr access log (headers never logged)
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            raw = bytearray()
            while True:
                line = self.rfile.readline()
                raw += line
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while True:
                        t = self.rfile.readline()
                        raw += t
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                raw += self.rfile.read(n + 2)
            return bytes(raw), True
        n = int(self.headers.get("Content-Length") or 0)
        return (self.rfile.read(n) if n else b""), False

    def _send(self, status, headers, body, head=False):
        self.send_response(status)
        has_len = False
        for k, v in headers:
            if k.lower() == "content-length":
                has_len = True
            self.send_header(k, v)
        if not has_len:
            self.send_header("Content-Length", str(len(body)))
        # Headers and body in one send (no Nagle / delayed-ACK stall).
        self._headers_buffer.append(b"\r\n")
        if body and not head:
            self._headers_buffer.append(body)
        self.flush_headers()

    def _reset(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def handle_one(self):
        emu = self.server.emu
        split = urllib.parse.urlsplit(self.path)
        path, qs = split.path, split.query
        body, chunked = self._read_body()
        if path.startswith("/__emulator/"):
            return self._control(emu, path)
        query = Query(qs)
        req = identify(self.command, path, query, self.headers, body, emu.args.default_region)
        if req.protocol and req.protocol.startswith("json") and body:
            try:
                req.body_json = json.loads(body)
            except ValueError:
                req.body_json = {}
        elif req.protocol == "rest-json" and body and self.command == "POST":
            try:
                req.body_json = json.loads(body)
            except ValueError:
                req.body_json = None
        bad_cbor = None
        if req.protocol == "rpc-v2-cbor":
            req.body_json, bad_cbor = decode_cbor_request(body, chunked, self.headers)
        key = (req.region, req.service, req.operation)
        if emu.latency:
            time.sleep(emu.latency)
        fault, extra = emu.faults.draw(key)
        if extra:
            time.sleep(extra)
        if fault == "spike":
            fault = None
        param = "/".join(req.params) if req.params else None
        if req.service == "sms-voice" and req.body_json:
            lst = SMS_LISTS.get(req.operation)
            if lst and lst[1]:
                param = req.body_json.get(lst[1])
        if req.protocol == "rpc-v2-cbor" and req.operation in CW_KEYS:
            param = req.body_json.get(CW_KEYS[req.operation])
        if req.service == "sts" and req.operation == "AssumeRole":
            # Keyed by the role ARN, so a scenario can deny one account's role (many-account
            # scans); the request itself still goes to moto.
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            param = form.get("RoleArn")
            req.role_arn = param
        proxied = False
        owned = emu.scenario.owns(req.service, req.operation)
        if req.service == "monitoring" and req.protocol != "rpc-v2-cbor":
            owned = False  # scenario answers are rpc-v2-cbor only; other protocols go to moto
        if fault == "reset":
            self._log(emu, req, 0, False, "reset")
            self._reset()
            return
        if fault == "throttle":
            resp = throttle_response(req)
        elif fault in ("5xx-500", "5xx-503", "5xx-burst"):
            resp = server_error_response(req, 500 if fault == "5xx-500" else 503)
            fault = "5xx" if fault != "5xx-burst" else fault
        elif emu.quotas is not None and not emu.quotas.take(key):
            fault = "quota"
            resp = throttle_response(req)
        else:
            inj = emu.scenario.injected_error(req.region, req.service, req.operation, param)
            if inj is not None:
                fault = "injected"
                resp = error_response(req, int(inj["status"]), inj["code"], inj["message"])
            elif bad_cbor:
                resp = error_response(req, 400, "SerializationException", bad_cbor)
            elif owned:
                if req.service == "sms-voice":
                    resp = answer_sms(emu.scenario, req)
                elif req.protocol == "rpc-v2-cbor":
                    resp = answer_cbor(emu.scenario, req)
                else:
                    resp = answer_rest(emu.scenario, req)
            elif emu.upstream and req.protocol == "rpc-v2-cbor":
                proxied = True
                resp = self._bridge_cbor(emu, req)
            elif emu.upstream:
                proxied = True
                resp = self._proxy(emu, body, chunked)
                if resp is None:
                    return
            elif req.protocol == "rpc-v2-cbor":
                resp = error_response(req, 404, "UnknownOperationException",
                                      "operation %s not in the scenario and no upstream" % req.operation)
            else:
                resp = (404, [("Content-Type", "text/html; charset=utf-8")],
                        b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
                        b"<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n")
        status, headers, rbody = resp
        self._log(emu, req, status, proxied, fault)
        self._send(status, headers, rbody, head=self.command == "HEAD")

    def _log(self, emu, req, status, proxied, fault):
        entry = {"service": req.service, "region": req.region, "operation": req.operation,
                 "method": self.command, "path": req.path, "status": status,
                 "proxied": proxied, "fault": fault, "credential": req.access_key}
        if req.role_arn:
            entry["role_arn"] = req.role_arn
        emu.stats.record(entry, req.protocol)
        emu.write_log(entry)

    def _proxy(self, emu, body, chunked, method=None, path=None, headers=None):
        if headers is None:
            headers = [(k, v) for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP or (chunked and k.lower() == "transfer-encoding")]
        for attempt in (0, 1):
            conn = emu.upstream_conn(fresh=attempt == 1)
            try:
                conn.putrequest(method or self.command, path or self.path, skip_host=True,
                                skip_accept_encoding=True)
                for k, v in headers:
                    conn.putheader(k, v)
                conn.endheaders(body if body else None)
                r = conn.getresponse()
                data = r.read()
                out = [(k, v) for k, v in r.getheaders()
                       if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
                if self.command == "HEAD":
                    cl = r.getheader("Content-Length")
                    if cl is not None:
                        out.append(("Content-Length", cl))
                if r.will_close:
                    conn.close()
                    emu.local.conn = None
                return r.status, out, data
            except (http.client.HTTPException, OSError):
                conn.close()
                emu.local.conn = None
                if attempt == 1:
                    return 502, [("Content-Type", "text/plain")], b"upstream unreachable"
        return None

    def _bridge_cbor(self, emu, req):
        """rpc-v2-cbor request → awsJson 1.0 to the upstream (moto) → CBOR answer. Nothing is
        re-signed (moto checks no signature); Authorization is kept so moto sees the Region."""
        model = MODELS.get(req.service)
        prefix = (model.target_prefix if model else None) or \
            (req.path.split("/")[2] if req.path.count("/") >= 4 else "GraniteServiceVersion20100801")
        drop = HOP_BY_HOP | {"content-type", "content-length", "content-encoding", "smithy-protocol",
                             "accept", "x-amz-target", "expect"}
        jbody = json.dumps(req.body_json or {}, separators=(",", ":")).encode()
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in drop]
        headers += [("X-Amz-Target", "%s.%s" % (prefix, req.operation)),
                    ("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(jbody)))]
        status, up_headers, data = self._proxy(emu, jbody, False, "POST", "/", headers)
        up = {k.lower(): v for k, v in up_headers}
        rid = up.get("x-amzn-requestid") or str(uuid.uuid4())
        try:
            doc = json.loads(data) if data.strip() else {}
        except ValueError:
            doc = None
        if 200 <= status < 300:
            if doc is None or not isinstance(doc, dict):
                doc = {}
            return cbor_ok(req, doc, rid)
        if isinstance(doc, dict) and (doc.get("__type") or up.get("x-amzn-errortype")):
            code = str(doc.get("__type") or up.get("x-amzn-errortype"))
            code = code.split(":", 1)[0].rsplit("#", 1)[-1]
            message = doc.get("message") or doc.get("Message") or ""
            return status, cbor_headers(rid, code, status, up.get("x-amzn-query-error")), \
                cbor_encode({"__type": code, "message": str(message)})
        if status == 404:  # moto's HTML 404: an operation it does not implement
            return error_response(req, 404, "UnknownOperationException",
                                  "operation %s not implemented upstream" % req.operation)
        return error_response(req, status if status >= 500 else 500, "InternalFailure",
                              "upstream answered %d without a JSON error" % status)

    def _control(self, emu, path):
        if path == "/__emulator/stats" and self.command == "GET":
            self._send(200, [("Content-Type", "application/json")],
                       json.dumps(emu.stats.snapshot()).encode())
        elif path == "/__emulator/reset-stats" and self.command == "POST":
            with emu.stats.lock:
                emu.stats.reset()
            self._send(200, [("Content-Type", "application/json")], b"{}")
        else:
            self._send(404, [("Content-Type", "text/plain")], b"unknown control path")

    def _dispatch(self):
        try:
            self.handle_one()
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _dispatch


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--upstream")
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--enforce-quotas", action="store_true")
    ap.add_argument("--faults", default="")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--default-region", default="us-east-1",
                    help="Region for unsigned requests (no SigV4 credential scope)")
    args = ap.parse_args(argv)
    if not args.host.startswith("127."):
        ap.error("refusing to bind %s: loopback (127.x) only" % args.host)
    if args.upstream:
        host = urllib.parse.urlsplit(args.upstream).hostname or ""
        if not (host.startswith("127.") or host == "localhost"):
            ap.error("upstream must be on loopback")
    with open(args.scenario) as f:
        scenario = Scenario(json.load(f))
    MODELS.update(load_models())
    emu = Emulator(args, scenario)
    server = Server((args.host, args.port), Handler)
    server.emu = emu
    print("listening http://%s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
