#!/usr/bin/env python3
"""Self-test of the emulator over plain HTTP (standard library only).

Starts emulator.py on a free loopback port with a small scenario (and a second instance for
quotas and faults, and a tiny fake upstream for proxying), then checks routing, pagination,
errors, generated lists, quotas, faults, the log and the stats endpoint; then CloudWatch over
Smithy RPC v2 CBOR: the CBOR codec, scenario answers, and the bridge to a live moto (started from
$MSGREADY_MOTO_PYTHON, default /var/tmp/msgready-venv/bin/python, and seeded with boto3; skipped
when absent), read back by botocore's own rpc-v2-cbor client.
Prints 'N passed, N failed' and exits non-zero on any failure.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "emulator.py")

SCENARIO = {
    "account": "111122223333",
    "regions": {
        "us-east-1": {
            "sms-voice": {
                "DescribePhoneNumbers": {"PhoneNumbers": {"$generate": {"count": 250, "item": {
                    "PhoneNumberId": "phone-{i:04d}", "PhoneNumberArn":
                    "arn:aws:sms-voice:{region}:{account}:phone-number/phone-{i:04d}",
                    "NumberType": "TOLL_FREE", "Status": "ACTIVE"}}}},
                "DescribeKeywords phone-0001": {"Keywords": [{"Keyword": "STOP", "KeywordAction": "OPT_OUT",
                                                              "KeywordMessage": "bye"}]},
                "DescribeKeywords *": {"Keywords": [{"Keyword": "HELP", "KeywordAction": "AUTOMATIC_RESPONSE",
                                                     "KeywordMessage": "help for {name}"}]},
            },
            "ses": {
                "ListEmailIdentities": {"EmailIdentities": [
                    {"IdentityName": "a.example", "IdentityType": "DOMAIN"},
                    {"IdentityName": "b.example", "IdentityType": "DOMAIN"},
                    {"IdentityName": "c.example", "IdentityType": "DOMAIN"}]},
                "GetEmailIdentity a.example": {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": True},
                "ListEmailTemplates": {"TemplatesMetadata": {"$generate": {"count": 2000, "item": {
                    "TemplateName": "tmpl-{i:05d}", "CreatedTimestamp": 1700000000}}}},
                "GetEmailTemplate *": {"TemplateName": "{name}", "TemplateContent": {
                    "Subject": "Subject of {name}", "Html": "<p style=\"x{y}\">{name}</p>"}},
                "ListSuppressedDestinations": {"SuppressedDestinationSummaries": {"$generate": {
                    "count": 100000, "item": {"EmailAddress": "user{i}@example.com", "Reason": "BOUNCE",
                                              "LastUpdateTime": 1700000000}}}},
            },
            "mobiletargeting": {
                "GetApps": {"Item": [{"Id": "app%d" % i, "Name": "n%d" % i} for i in range(5)]},
                "GetEmailChannel app1": {"ApplicationId": "app1", "Enabled": True, "Platform": "EMAIL"},
                "ListTemplates": {"Item": [{"TemplateName": "t1", "TemplateType": "EMAIL"},
                                           {"TemplateName": "t2", "TemplateType": "SMS"}]},
            },
        },
        "us-west-2": {"sms-voice": {"DescribePools": {"Pools": [{"PoolId": "pool-w"}]}}},
    },
    "errors": [
        {"region": "us-east-1", "service": "ses", "operation": "GetEmailIdentity", "key": "b.example",
         "status": 400, "code": "BadRequestException", "message": "bad", "times": 2},
        {"region": "us-east-1", "service": "iam", "operation": "GetRole", "status": 403,
         "code": "AccessDenied", "message": "no"},
    ],
}

RESULTS = {"passed": 0, "failed": 0}


def check(name, cond, detail=""):
    if cond:
        RESULTS["passed"] += 1
    else:
        RESULTS["failed"] += 1
        print("FAIL %s %s" % (name, detail))


def auth(region, service):
    return ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/%s/%s/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=00" % (region, service))


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def raw(self, method, path, headers=None, body=None):
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, {k.lower(): v for k, v in r.getheaders()}, data
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise

    def sms(self, op, body=None, region="us-east-1"):
        return self.raw("POST", "/", {"Authorization": auth(region, "sms-voice"),
                                      "X-Amz-Target": "PinpointSMSVoiceV2." + op,
                                      "Content-Type": "application/x-amz-json-1.0"},
                        json.dumps(body or {}))

    def rest(self, service, method, path, body=None, region="us-east-1"):
        return self.raw(method, path, {"Authorization": auth(region, service),
                                       "Content-Type": "application/json"}, body)


def start(scenario_path, *extra):
    p = subprocess.Popen([sys.executable, EMULATOR, "--scenario", scenario_path, "--port", "0"] + list(extra),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line.startswith("listening http://127.0.0.1:"):
        p.kill()
        raise SystemExit("emulator did not start: %r %s" % (line, p.stderr.read()))
    return p, int(line.rsplit(":", 1)[1])


class FakeUpstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *a):
        pass

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        FakeUpstream.seen.append((self.command, self.path, self.headers.get("X-Test"), body))
        out = b"<ok/>"
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _any


# ---------------------------------------------------------------------------------------------
# CloudWatch over Smithy RPC v2 CBOR: codec, scenario answers, and the bridge to a live moto

MOTO_PYTHON = os.environ.get("MSGREADY_MOTO_PYTHON", "/var/tmp/msgready-venv/bin/python")
MOTO_SERVER = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "moto_server.py")
CW_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


def cbor_codec_tests():
    sys.path.insert(0, HERE)
    import emulator as E
    enc, dec = E.cbor_encode, E.cbor_decode
    # RFC 8949 appendix A vectors (decode), and canonical encodings of what we emit.
    vectors = [
        ("00", 0), ("17", 23), ("1818", 24), ("18ff", 255), ("190100", 256), ("1a000f4240", 1000000),
        ("1bffffffffffffffff", 2 ** 64 - 1), ("20", -1), ("3863", -100),
        ("3bffffffffffffffff", -2 ** 64), ("f93c00", 1.0), ("f97bff", 65504.0), ("f9c400", -4.0),
        ("fa47c35000", 100000.0), ("fb3ff199999999999a", 1.1), ("f4", False), ("f5", True),
        ("f6", None), ("f7", E.UNDEFINED), ("60", ""), ("6449455446", "IETF"), ("62c3bc", "\u00fc"),
        ("40", b""), ("4401020304", b"\x01\x02\x03\x04"), ("80", []), ("83010203", [1, 2, 3]),
        ("a0", {}), ("a26161016162820203", {"a": 1, "b": [2, 3]}),
        ("c11a514b67b0", E.Tag(1, 1363896240)), ("c1fb41d452d9ec200000", E.Tag(1, 1363896240.5)),
        # indefinite lengths
        ("7f657374726561646d696e67ff", "streaming"), ("5f42010243030405ff", b"\x01\x02\x03\x04\x05"),
        ("9f018202039f0405ffff", [1, [2, 3], [4, 5]]), ("bf61610161629f0203ffff", {"a": 1, "b": [2, 3]}),
        ("bf6346756ef563416d7421ff", {"Fun": True, "Amt": -2}),
    ]
    bad = [(h, dec(bytes.fromhex(h)), v) for h, v in vectors if dec(bytes.fromhex(h)) != v]
    check("cbor: RFC 8949 vectors decode", not bad, bad)
    check("cbor: NaN half", str(dec(bytes.fromhex("f97e00"))) == "nan")
    check("cbor: -Infinity double", dec(bytes.fromhex("fbfff0000000000000")) == float("-inf"))
    enc_vectors = [(0, "00"), (24, "1818"), (2 ** 64 - 1, "1bffffffffffffffff"), (-2 ** 64, "3bffffffffffffffff"),
                   (1.1, "fb3ff199999999999a"), (E.Float(1.0, 16), "f93c00"), (E.Float(100000.0, 32), "fa47c35000"),
                   ("IETF", "6449455446"), (b"\x01\x02", "420102"), ({"a": 1, "b": [2, 3]}, "a26161016162820203"),
                   (E.Tag(1, 1363896240.5), "c1fb41d452d9ec200000"), (E.UNDEFINED, "f7"), (None, "f6")]
    bad = [(v, enc(v).hex(), h) for v, h in enc_vectors if enc(v).hex() != h]
    check("cbor: encodings", not bad, bad)
    sample = {"ints": [0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 64 - 1, -1, -24, -25, -2 ** 63],
              "floats": [0.0, -0.0, 1.5, 1e300, float("inf")], "half": E.Float(0.5, 16),
              "single": E.Float(3.25, 32), "bools": [True, False], "null": None, "undef": E.UNDEFINED,
              "text": ["", "é€😀", "x" * 300, "y" * 70000], "bytes": [b"", bytes(range(256)) * 300],
              "ts": [E.Tag(1, 1700000000), E.Tag(1, 1700000000.125)], "nested": {"a": [{"b": {"c": []}}]}}
    back = dec(enc(sample))
    expect = dict(sample, half=0.5, single=3.25)
    check("cbor: round trip of every type", back == expect,
          {k: (back.get(k), expect[k]) for k in expect if back.get(k) != expect[k]})
    for junk in ("", "1b00", "62c3", "9f01", "ff", "a16161", "0000"):
        try:
            dec(bytes.fromhex(junk))
            check("cbor: rejects %s" % junk, False)
        except E.CborError:
            check("cbor: rejects %s" % junk, True)
    # Model-driven typing of outputs: timestamps → tag 1 float, doubles → float, ints → int.
    m = E.Model.load(os.path.join(HERE, "models", "monitoring.json"))
    out = m.to_cbor(m.output_shape("DescribeAlarms"), {"MetricAlarms": [{
        "AlarmName": "a", "Threshold": 5, "Period": 60, "StateUpdatedTimestamp": 1700000000,
        "AlarmConfigurationUpdatedTimestamp": "2023-11-14T22:13:20.500Z", "ActionsEnabled": True,
        "Dimensions": [{"Name": "D", "Value": "v"}], "Unknown": 1.5}], "NextToken": None})
    a = out["MetricAlarms"][0]
    check("model: timestamp members → tag 1 float",
          a["StateUpdatedTimestamp"] == E.Tag(1, 1700000000.0) and isinstance(a["StateUpdatedTimestamp"].value, float)
          and a["AlarmConfigurationUpdatedTimestamp"] == E.Tag(1, 1700000000.5), a)
    check("model: double/int/bool typing", isinstance(a["Threshold"], float) and type(a["Period"]) is int
          and a["ActionsEnabled"] is True and a["Unknown"] == 1.5 and "NextToken" not in out, a)
    r = m.to_cbor(m.output_shape("GetMetricData"), {"MetricDataResults": [
        {"Id": "q", "Timestamps": [1700000000, 1700000060], "Values": [1, 2.5]}]})["MetricDataResults"][0]
    check("model: GetMetricData Timestamps list → tag 1, Values → floats",
          r["Timestamps"] == [E.Tag(1, 1700000000.0), E.Tag(1, 1700000060.0)]
          and all(isinstance(v, float) for v in r["Values"]), r)
    ts_shapes = sorted(n for n, s in m.shapes.items() if s["type"] == "timestamp")
    check("model: timestamp shapes found in the model", ts_shapes == ["LastModified", "Timestamp"], ts_shapes)
    return E


def cbor_call(c, E, op, body=None, region="us-east-1", raw_body=None, headers=None):
    h = {"Authorization": auth(region, "monitoring"), "smithy-protocol": "rpc-v2-cbor",
         "Content-Type": "application/cbor", "Accept": "application/cbor"}
    h.update(headers or {})
    st, rh, d = c.raw("POST", CW_PREFIX + op, h, raw_body if raw_body is not None else E.cbor_encode(body or {}))
    try:
        val = E.cbor_decode(d) if d else None
    except E.CborError:
        val = ("undecodable", d[:200])
    return st, rh, val, d


CW_SCENARIO = {
    "account": "111122223333",
    "owned": {"monitoring": ["ListMetrics"]},
    "regions": {"us-east-1": {"monitoring": {
        "DescribeAlarms": {
            "MetricAlarms": [{"AlarmName": "cpu-%d" % i, "StateValue": "OK" if i % 2 else "ALARM",
                              "Threshold": 90, "Period": 60, "StateUpdatedTimestamp": 1700000000 + i,
                              "AlarmArn": "arn:aws:cloudwatch:{region}:{account}:alarm:cpu-%d" % i}
                             for i in range(5)],
            "CompositeAlarms": [{"AlarmName": "comp", "AlarmRule": "ALARM(cpu-1)",
                                 "StateUpdatedTimestamp": "2023-11-14T22:13:20Z"}]},
        "GetMetricData": {"MetricDataResults": [
            {"Id": "*", "Label": "label {name}", "Timestamps": [1700000000], "Values": [7],
             "StatusCode": "Complete"}]},
    }}},
    "errors": [{"region": "us-east-1", "service": "monitoring", "operation": "DescribeAlarmHistory",
                "status": 400, "code": "AccessDenied", "message": "denied", "times": 1}],
}


def cbor_scenario_tests(E, tmp):
    scn = os.path.join(tmp, "cw-scenario.json")
    with open(scn, "w") as f:
        json.dump(CW_SCENARIO, f)
    log = os.path.join(tmp, "cw-requests.jsonl")
    procs = []
    try:
        p, port = start(scn, "--log", log)
        procs.append(p)
        c = Client(port)
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", {"MaxRecords": 2})
        check("cw scenario: 200 CBOR with smithy-protocol", st == 200 and h.get("content-type") == "application/cbor"
              and h.get("smithy-protocol") == "rpc-v2-cbor", (st, h))
        check("cw scenario: page of 2 + token", [a["AlarmName"] for a in v["MetricAlarms"]] == ["cpu-0", "cpu-1"]
              and v["CompositeAlarms"][0]["AlarmName"] == "comp" and "NextToken" in v, v)
        check("cw scenario: typed (tag 1, double, placeholders)",
              v["MetricAlarms"][0]["StateUpdatedTimestamp"] == E.Tag(1, 1700000000.0)
              and isinstance(v["MetricAlarms"][0]["Threshold"], float)
              and v["CompositeAlarms"][0]["StateUpdatedTimestamp"] == E.Tag(1, 1700000000.0)
              and v["MetricAlarms"][0]["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cpu-0", v)
        names = [a["AlarmName"] for a in v["MetricAlarms"]]
        tok = v["NextToken"]
        while tok:
            st, h, v, d = cbor_call(c, E, "DescribeAlarms", {"MaxRecords": 2, "NextToken": tok})
            names += [a["AlarmName"] for a in v["MetricAlarms"]]
            tok = v.get("NextToken")
        check("cw scenario: pagination", names == ["cpu-%d" % i for i in range(5)], names)
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", {"StateValue": "ALARM", "AlarmTypes": ["MetricAlarm"]})
        check("cw scenario: filters", [a["AlarmName"] for a in v["MetricAlarms"]] == ["cpu-0", "cpu-2", "cpu-4"]
              and v["CompositeAlarms"] == [], v)
        st, h, v, d = cbor_call(c, E, "GetMetricData", {
            "StartTime": E.Tag(1, 1699990000.0), "EndTime": E.Tag(1, 1700010000),
            "MetricDataQueries": [{"Id": "m0", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M"},
                                                              "Period": 60, "Stat": "Sum"}}, {"Id": "m1", "Expression": "m0*2"}]})
        r = v["MetricDataResults"]
        check("cw scenario: GetMetricData per query Id", [x["Id"] for x in r] == ["m0", "m1"]
              and r[1]["Label"] == "label m1" and r[0]["Timestamps"] == [E.Tag(1, 1700000000.0)]
              and r[0]["Values"] == [7.0] and isinstance(r[0]["Values"][0], float), r)
        st, h, v, d = cbor_call(c, E, "ListMetrics")
        check("cw scenario: owned op absent from the scenario → empty list", st == 200 and v == {"Metrics": []}, v)
        st, h, v, d = cbor_call(c, E, "DescribeAlarmHistory", {"AlarmName": "x"})
        check("cw scenario: injected error", st == 400 and v == {"__type": "AccessDenied", "message": "denied"}
              and h.get("x-amzn-errortype") == "AccessDenied" and h.get("smithy-protocol") == "rpc-v2-cbor"
              and h.get("x-amzn-query-error") == "AccessDenied;Sender", (st, h, v))
        st, h, v, d = cbor_call(c, E, "GetDashboard", {"DashboardName": "d"})
        check("cw scenario: unlisted op without upstream → UnknownOperationException", st == 404
              and v["__type"] == "UnknownOperationException", (st, v))
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", raw_body=b"\xbf\x61")
        check("cw scenario: bad CBOR → SerializationException", st == 400 and v["__type"] == "SerializationException", v)
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", {"NextToken": "garbage"})
        check("cw scenario: bad token", st == 400 and v["__type"] == "InvalidNextToken", v)
        import gzip as _gz
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", raw_body=_gz.compress(E.cbor_encode({"AlarmNames": ["cpu-3"]})),
                                headers={"Content-Encoding": "gzip"})
        check("cw scenario: gzip request body", st == 200 and [a["AlarmName"] for a in v["MetricAlarms"]] == ["cpu-3"], v)
        st, h, d = c.raw("GET", "/__emulator/stats")
        stats = json.loads(d)
        check("cw scenario: stats", stats["operations"].get("us-east-1 monitoring DescribeAlarms", 0) >= 3
              and stats["protocols"].get("monitoring", {}).get("rpc-v2-cbor", 0) >= 3, stats)
        with open(log) as f:
            lines = [json.loads(x) for x in f]
        check("cw scenario: log", any(x["service"] == "monitoring" and x["operation"] == "GetMetricData"
                                      and x["path"] == CW_PREFIX + "GetMetricData" and x["status"] == 200
                                      for x in lines)
              and any(x["operation"] == "DescribeAlarmHistory" and x["fault"] == "injected" for x in lines), lines[-3:])
        p.terminate()

        # quotas (DescribeAlarms 9/s burst 9) and faults apply to rpc-v2-cbor too
        p, port = start(scn, "--enforce-quotas")
        procs.append(p)
        c = Client(port)
        res = [cbor_call(c, E, "DescribeAlarms") for _ in range(11)]
        codes = [r[0] for r in res]
        check("cw quota: 9 then Throttling", codes[:9] == [200] * 9 and 400 in codes[9:], codes)
        thr = [r for r in res if r[0] == 400][0]
        check("cw quota: throttle shape", thr[2]["__type"] == "Throttling" and thr[1].get("x-amzn-query-error")
              == "Throttling;Sender" and thr[1].get("smithy-protocol") == "rpc-v2-cbor", thr[:3])
        p.terminate()
        p, port = start(scn, "--faults", "5xx-burst=1,services=monitoring")
        procs.append(p)
        c = Client(port)
        res = [cbor_call(c, E, "DescribeAlarms") for _ in range(3)]
        check("cw faults: 5xx burst", [r[0] for r in res] == [200, 503, 200] and res[1][2]["__type"] ==
              "ServiceUnavailable" and res[1][1].get("content-type") == "application/cbor", [r[:3] for r in res])
        p.terminate()
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait(5)


SEED_MOTO = r'''
import datetime, json, sys, boto3
cw = boto3.client("cloudwatch", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="x", aws_secret_access_key="x")
cw.put_metric_alarm(AlarmName="bridge-alarm", MetricName="NumberOfMessagesPublished", Namespace="AWS/SNS",
                    Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=10.5,
                    ComparisonOperator="GreaterThanThreshold", Dimensions=[{"Name": "TopicName", "Value": "t"}],
                    AlarmActions=["arn:aws:sns:us-east-1:123456789012:ops"])
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
cw.put_metric_data(Namespace="AWS/SNS", MetricData=[{"MetricName": "NumberOfMessagesPublished", "Value": 4.0,
                   "Timestamp": now, "Dimensions": [{"Name": "TopicName", "Value": "t"}]}])
print(json.dumps({"now": now.timestamp()}))
'''

# botocore (>= 1.40) speaks rpc-v2-cbor too: an independent client to read the emulator's CBOR.
BOTOCORE_CBOR = r'''
import json, os, sys, gzip, datetime, boto3, botocore
src = os.path.join(os.path.dirname(botocore.__file__), "data", "cloudwatch", "2010-08-01", "service-2.json.gz")
model = json.load(gzip.open(src))
model["metadata"]["protocol"] = "smithy-rpc-v2-cbor"
model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
d = os.path.join(sys.argv[2], "cloudwatch", "2010-08-01")
os.makedirs(d, exist_ok=True)
json.dump(model, open(os.path.join(d, "service-2.json"), "w"))
s = boto3.Session()
s._session.get_component("data_loader").search_paths.insert(0, sys.argv[2])
cw = s.client("cloudwatch", endpoint_url=sys.argv[1], region_name="us-east-1",
              aws_access_key_id="x", aws_secret_access_key="x")
out = {"protocol": cw.meta.service_model.protocol}
a = cw.describe_alarms()["MetricAlarms"][0]
out["alarm"] = [a["AlarmName"], a["Threshold"], a["Period"], a["StateUpdatedTimestamp"].timestamp()]
now = float(sys.argv[3])
r = cw.get_metric_data(StartTime=now - 900, EndTime=now + 300, MetricDataQueries=[{"Id": "m0", "MetricStat": {
    "Metric": {"Namespace": "AWS/SNS", "MetricName": "NumberOfMessagesPublished",
               "Dimensions": [{"Name": "TopicName", "Value": "t"}]}, "Period": 300, "Stat": "Sum"}}])
res = r["MetricDataResults"][0]
out["data"] = [res["Id"], [t.timestamp() for t in res["Timestamps"]], res["Values"]]
try:
    cw.get_dashboard(DashboardName="nope")
except cw.exceptions.ClientError as e:
    out["error"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
'''


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cbor_moto_tests(E, tmp):
    if not (os.path.exists(MOTO_PYTHON) and os.path.exists(MOTO_SERVER)):
        print("SKIP cw bridge tests: no moto (%s)" % MOTO_PYTHON)
        return
    mport = free_port()
    moto = subprocess.Popen([MOTO_PYTHON, MOTO_SERVER, "-H", "127.0.0.1", "-p", str(mport)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [moto]
    try:
        murl = "http://127.0.0.1:%d" % mport
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", mport), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        seed = subprocess.run([MOTO_PYTHON, "-c", SEED_MOTO, murl], capture_output=True, text=True, timeout=120)
        check("cw bridge: boto3 seeded moto", seed.returncode == 0, seed.stderr[-500:])
        if seed.returncode:
            return
        now = json.loads(seed.stdout)["now"]
        scn = os.path.join(tmp, "cw-empty.json")
        with open(scn, "w") as f:
            json.dump({"account": "123456789012", "regions": {}}, f)
        log = os.path.join(tmp, "cw-bridge.jsonl")
        p, port = start(scn, "--upstream", murl, "--log", log)
        procs.append(p)
        c = Client(port)
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", {})
        check("cw bridge: DescribeAlarms 200 CBOR", st == 200 and h.get("content-type") == "application/cbor"
              and h.get("smithy-protocol") == "rpc-v2-cbor", (st, h, d[:200]))
        a = (v or {}).get("MetricAlarms", [{}])[0]
        check("cw bridge: alarm from moto", a.get("AlarmName") == "bridge-alarm" and a.get("Threshold") == 10.5
              and type(a.get("Period")) is int and a.get("Dimensions") == [{"Name": "TopicName", "Value": "t"}]
              and a.get("AlarmActions") == ["arn:aws:sns:us-east-1:123456789012:ops"], a)
        ts = [k for k, x in a.items() if isinstance(x, E.Tag)]
        check("cw bridge: timestamps as tag 1 floats", sorted(ts) == ["AlarmConfigurationUpdatedTimestamp",
                                                                      "StateUpdatedTimestamp"]
              and all(isinstance(a[k].value, float) and abs(a[k].value - now) < 600 for k in ts), a)
        check("cw bridge: tag 1 on the wire", b"\xc1\xfb" in d)
        st, h, v, d = cbor_call(c, E, "DescribeAlarms", {"AlarmNames": ["nope"]})
        check("cw bridge: request members reach moto", st == 200 and v.get("MetricAlarms") == [], v)
        q = {"StartTime": E.Tag(1, now - 900.0), "EndTime": E.Tag(1, int(now) + 300),
             "MetricDataQueries": [{"Id": "m0", "ReturnData": True, "MetricStat": {
                 "Metric": {"Namespace": "AWS/SNS", "MetricName": "NumberOfMessagesPublished",
                            "Dimensions": [{"Name": "TopicName", "Value": "t"}]}, "Period": 300, "Stat": "Sum"}}]}
        st, h, v, d = cbor_call(c, E, "GetMetricData", q)
        r = (v or {}).get("MetricDataResults", [{}])[0]
        check("cw bridge: GetMetricData", st == 200 and r.get("Id") == "m0" and r.get("Values") == [4.0]
              and len(r.get("Timestamps", [])) == 1 and isinstance(r["Timestamps"][0], E.Tag)
              and r["Timestamps"][0].tag == 1 and isinstance(r["Timestamps"][0].value, float)
              and abs(r["Timestamps"][0].value - now) < 600, (st, v))
        st, h, v, d = cbor_call(c, E, "GetDashboard", {"DashboardName": "nope"})
        check("cw bridge: moto error → CBOR error", st == 404 and v == {"__type": "ResourceNotFound", "message":
              "Dashboard does not exist"} and h.get("x-amzn-errortype") == "ResourceNotFound"
              and h.get("x-amzn-query-error") == "ResourceNotFound;Sender"
              and h.get("smithy-protocol") == "rpc-v2-cbor", (st, h, v))
        st, h, v, d = cbor_call(c, E, "DescribeAlarmHistory", {})
        check("cw bridge: moto failure → CBOR error", st >= 400 and isinstance(v, dict) and "__type" in v
              and h.get("content-type") == "application/cbor", (st, v))
        st, h, v, d = cbor_call(c, E, "PutMetricData", {"Namespace": "X", "MetricData": [
            {"MetricName": "Y", "Value": 1.0, "Timestamp": E.Tag(1, now)}]})
        check("cw bridge: write proxied", st == 200 and v == {}, (st, v))
        with open(log) as f:
            lines = [json.loads(x) for x in f]
        check("cw bridge: logged as proxied", any(x["operation"] == "GetMetricData" and x["proxied"]
                                                 and x["status"] == 200 for x in lines), lines[-3:])
        bc = subprocess.run([MOTO_PYTHON, "-c", BOTOCORE_CBOR, "http://127.0.0.1:%d" % port,
                             os.path.join(tmp, "botodata"), str(now)], capture_output=True, text=True, timeout=120)
        try:
            out = json.loads(bc.stdout)
        except ValueError:
            out = {}
        check("botocore rpc-v2-cbor client reads the bridge",
              out.get("protocol") == "smithy-rpc-v2-cbor" and out.get("alarm", [None])[:3] == ["bridge-alarm", 10.5, 300]
              and out.get("data", [None])[0] == "m0" and out["data"][2] == [4.0]
              and out.get("error") == ["ResourceNotFound", 404], (out, bc.stderr[-800:]))
        p.terminate()
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()


def main():
    tmp = tempfile.mkdtemp(prefix="emu-selftest-")
    scn = os.path.join(tmp, "scenario.json")
    with open(scn, "w") as f:
        json.dump(SCENARIO, f)
    log = os.path.join(tmp, "requests.jsonl")
    up = ThreadingHTTPServer(("127.0.0.1", 0), FakeUpstream)
    threading.Thread(target=up.serve_forever, daemon=True).start()
    procs = []
    try:
        p, port = start(scn, "--log", log, "--upstream", "http://127.0.0.1:%d" % up.server_address[1])
        procs.append(p)
        c = Client(port)

        # --- SMS/voice: generated list, pagination, keyed operations, empty defaults
        seen, token, pages = [], None, 0
        while True:
            body = {"MaxResults": 1000}
            if token:
                body["NextToken"] = token
            st, h, d = c.sms("DescribePhoneNumbers", body)
            check("sms status", st == 200, d[:200])
            j = json.loads(d)
            seen += [n["PhoneNumberId"] for n in j["PhoneNumbers"]]
            pages += 1
            token = j.get("NextToken")
            if not token:
                break
        check("sms page cap 100", pages == 3, pages)
        check("sms generated items", seen == ["phone-%04d" % i for i in range(250)], seen[:3])
        check("sms region/account placeholders",
              "arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0000" in d.decode() or True)
        st, h, d = c.sms("DescribePhoneNumbers", {"MaxResults": 2})
        j = json.loads(d)
        check("sms arn placeholder", j["PhoneNumbers"][0]["PhoneNumberArn"] ==
              "arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0000", j)
        st, h, d = c.sms("DescribeKeywords", {"OriginationIdentity": "phone-0001"})
        j = json.loads(d)
        check("sms keyed exact", j["Keywords"][0]["Keyword"] == "STOP" and j["OriginationIdentity"] == "phone-0001", j)
        st, h, d = c.sms("DescribeKeywords", {"OriginationIdentity": "phone-0042"})
        j = json.loads(d)
        check("sms keyed $get template", j["Keywords"][0]["KeywordMessage"] == "help for phone-0042", j)
        st, h, d = c.sms("DescribeSenderIds")
        check("sms absent op -> empty list", st == 200 and json.loads(d) == {"SenderIds": []}, d)
        st, h, d = c.sms("DescribeSpendLimits", region="eu-west-1")
        check("sms unknown region -> empty", st == 200 and json.loads(d) == {"SpendLimits": []}, d)
        st, h, d = c.sms("DescribePools", region="us-west-2")
        check("sms region routing", json.loads(d)["Pools"][0]["PoolId"] == "pool-w", d)
        st, h, d = c.sms("DescribePhoneNumbers", {"PhoneNumberIds": ["phone-0003"]})
        check("sms id filter", [n["PhoneNumberId"] for n in json.loads(d)["PhoneNumbers"]] == ["phone-0003"], d)
        st, h, d = c.sms("DescribePhoneNumbers", {"PhoneNumberIds": ["phone-9999"]})
        check("sms unknown id -> ResourceNotFound", st == 400 and
              h.get("x-amzn-errortype") == "ResourceNotFoundException", (st, h))
        st, h, d = c.sms("DescribePhoneNumbers", {"NextToken": "garbage"})
        check("sms bad token", st == 400 and json.loads(d)["__type"] == "ValidationException", d)

        # --- SES v2: both list forms, pagination, $get, errors, not found
        names = []
        for path in ("/v2/email/identities?PageSize=2", None):
            if path:
                st, h, d = c.rest("ses", "GET", path)
            else:
                st, h, d = c.rest("ses", "POST", "/v2/email/list-identities", json.dumps({"PageSize": 2}))
            j = json.loads(d)
            names.append([i["IdentityName"] for i in j["EmailIdentities"]])
            tok = j["NextToken"]
            if path:
                st, h, d = c.rest("ses", "GET", "/v2/email/identities?PageSize=2&NextToken=" + tok)
            else:
                st, h, d = c.rest("ses", "POST", "/v2/email/list-identities",
                                  json.dumps({"PageSize": 2, "NextToken": tok}))
            j = json.loads(d)
            names[-1] += [i["IdentityName"] for i in j["EmailIdentities"]]
            check("ses last page has no token", "NextToken" not in j, j)
        check("ses GET and POST list forms", names[0] == names[1] == ["a.example", "b.example", "c.example"], names)
        st, h, d = c.rest("ses", "GET", "/v2/email/identities/a.example")
        check("ses get identity", st == 200 and json.loads(d)["VerifiedForSendingStatus"] is True, d)
        for n in (1, 2, 3):
            st, h, d = c.rest("ses", "GET", "/v2/email/identities/b.example")
            if n <= 2:
                check("ses injected error", st == 400 and h.get("x-amzn-errortype") == "BadRequestException"
                      and json.loads(d)["message"] == "bad", (st, h, d))
        check("ses injected error times", st == 404 and h.get("x-amzn-errortype") == "NotFoundException", (st, d))
        st, h, d = c.rest("ses", "GET", "/v2/email/templates?PageSize=1000")
        j = json.loads(d)
        check("ses templates page cap 100", len(j["TemplatesMetadata"]) == 100 and "NextToken" in j, len(j["TemplatesMetadata"]))
        st, h, d = c.rest("ses", "GET", "/v2/email/templates/tmpl-01999")
        j = json.loads(d)
        check("ses $get template", j["TemplateName"] == "tmpl-01999" and
              j["TemplateContent"]["Html"] == "<p style=\"x{y}\">tmpl-01999</p>", j)
        total, tok, t0 = 0, None, time.time()
        while True:
            q = "/v2/email/suppression/addresses?PageSize=1000" + ("&NextToken=" + tok if tok else "")
            st, h, d = c.rest("ses", "GET", q)
            j = json.loads(d)
            total += len(j["SuppressedDestinationSummaries"])
            tok = j.get("NextToken")
            if not tok:
                break
        check("ses 100k generated suppressed", total == 100000 and
              j["SuppressedDestinationSummaries"][-1]["EmailAddress"] == "user99999@example.com", total)
        st, h, d = c.rest("ses", "GET", "/v2/email/dedicated-ips")
        check("ses op not in scenario -> proxied", st == 200 and d == b"<ok/>", (st, d))

        # --- Pinpoint
        st, h, d = c.rest("mobiletargeting", "GET", "/v1/apps?page-size=2")
        j = json.loads(d)
        st, h, d = c.rest("mobiletargeting", "GET", "/v1/apps?page-size=2&token=" + j["NextToken"])
        j2 = json.loads(d)
        check("pinpoint pagination", [a["Id"] for a in j["Item"] + j2["Item"]] == ["app0", "app1", "app2", "app3"], j2)
        st, h, d = c.rest("mobiletargeting", "GET", "/v1/apps/app1/channels/email")
        check("pinpoint channel", st == 200 and json.loads(d)["Platform"] == "EMAIL", d)
        st, h, d = c.rest("mobiletargeting", "GET", "/v1/apps/app2/channels/email")
        check("pinpoint missing channel -> NotFound", st == 404 and
              h.get("x-amzn-errortype") == "NotFoundException" and "Message" in json.loads(d), (st, h, d))
        st, h, d = c.rest("mobiletargeting", "GET", "/v1/templates?template-type=SMS")
        check("pinpoint template filter", [t["TemplateName"] for t in json.loads(d)["Item"]] == ["t2"], d)
        st, h, d = c.rest("mobiletargeting", "GET", "/v1/apps/app1/settings")
        check("pinpoint unlisted op -> proxied", d == b"<ok/>", d)

        # --- proxying other services, byte for byte
        form = "Action=GetRole&RoleName=r&Version=2010-05-08"
        st, h, d = c.raw("POST", "/", {"Authorization": auth("us-east-1", "iam"),
                                       "Content-Type": "application/x-www-form-urlencoded"}, form)
        check("iam injected query error", st == 403 and b"<Code>AccessDenied</Code>" in d, d)
        form = "Action=ListRoles&Version=2010-05-08"
        st, h, d = c.raw("POST", "/", {"Authorization": auth("us-east-1", "iam"), "X-Test": "kept",
                                       "Content-Type": "application/x-www-form-urlencoded"}, form)
        check("iam proxied", st == 200 and FakeUpstream.seen[-1] == ("POST", "/", "kept", form.encode()),
              FakeUpstream.seen[-1:])
        st, h, d = c.raw("GET", "/bucket-a?versioning", {"Authorization": auth("us-east-1", "s3")})
        check("s3 proxied with query", FakeUpstream.seen[-1][1] == "/bucket-a?versioning", FakeUpstream.seen[-1])

        # --- log and stats
        st, h, d = c.raw("GET", "/__emulator/stats")
        stats = json.loads(d)
        check("stats counts", stats["operations"].get("us-east-1 sms-voice DescribePhoneNumbers", 0) >= 3, stats)
        check("stats protocols", "json-1.0" in stats["protocols"].get("sms-voice", {}), stats["protocols"])
        c.raw("POST", "/__emulator/reset-stats")
        st, h, d = c.raw("GET", "/__emulator/stats")
        check("stats reset", json.loads(d)["requests"] == 0, d)
        with open(log) as f:
            lines = [json.loads(x) for x in f]
        check("log lines", all(set(x) - {"role_arn"} == {"service", "region", "operation", "method",
                                                         "path", "status", "proxied", "fault",
                                                         "credential"} for x in lines)
              and len(lines) > 20, lines[:1])
        check("log credential is a hash", all(x["credential"] is None or len(x["credential"]) == 12
                                              for x in lines), lines[:1])
        ops = {(x["service"], x["operation"]) for x in lines}
        check("log operations", ("s3", "GetBucketVersioning") in ops and ("iam", "ListRoles") in ops
              and ("ses", "ListEmailIdentities") in ops, sorted(ops))
        check("log has no bodies or headers", "AKIDEXAMPLE" not in open(log).read())

        # --- throughput (keep-alive, one client thread per core)
        n_threads, per = 4, 250
        errors = []

        def worker():
            cc = Client(port)
            for _ in range(per):
                s, _, _ = cc.sms("DescribeAccountAttributes")
                if s != 200:
                    errors.append(s)
        t0 = time.time()
        ts = [threading.Thread(target=worker) for _ in range(n_threads)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        rate = n_threads * per / (time.time() - t0)
        print("throughput: %.0f requests/s" % rate)
        check("throughput >= 200 rps", rate >= 200 and not errors, (rate, errors[:3]))
        p.terminate()

        # --- quotas
        p, port = start(scn, "--enforce-quotas")
        procs.append(p)
        c = Client(port)
        res = [c.sms("DescribePools")[0] for _ in range(3)]
        check("quota: burst 1 then throttled", res[0] == 200 and res[1:] == [400, 400], res)
        st, h, d = c.sms("DescribePools")
        check("quota error shape", h.get("x-amzn-errortype") == "ThrottlingException", h)
        time.sleep(1.0)
        check("quota refills after 1 s", c.sms("DescribePools")[0] == 200)
        check("quota per operation", c.sms("DescribeSenderIds")[0] == 200)
        st, h, d = c.rest("ses", "GET", "/v2/email/templates")
        st2, h2, d2 = c.rest("ses", "GET", "/v2/email/templates")
        check("ses quota 1/s", st == 200 and st2 == 429 and h2.get("x-amzn-errortype") == "TooManyRequestsException",
              (st, st2))
        t0 = time.time()
        codes = [c.rest("ses", "GET", "/v2/email/templates/tmpl-00001")[0] for _ in range(150)]
        allowed = 50 + 50 * (time.time() - t0) + 3
        check("ses GetEmailTemplate 50/s", 50 <= codes.count(200) <= allowed and 429 in codes,
              (codes.count(200), allowed))
        first = c.sms("DescribeSpendLimits")[0]
        time.sleep(0.965)
        early = c.sms("DescribeSpendLimits")[0]
        check("quota tolerance (a request up to 50 ms early passes)", (first, early) == (200, 200), (first, early))
        time.sleep(0.85)
        check("quota: 150 ms early is throttled", c.sms("DescribeSpendLimits")[0] == 400)
        st, h, d = c.raw("GET", "/__emulator/stats")
        check("throttles counted", json.loads(d)["throttles"] >= 4, d)
        p.terminate()

        # --- faults (reproducible with --seed)
        def fault_run():
            p, port = start(scn, "--faults", "throttle=0.3,5xx=0.2,reset=0.1,services=sms-voice", "--seed", "7")
            procs.append(p)
            c = Client(port)
            out = []
            for _ in range(60):
                try:
                    st, h, d = c.sms("DescribePools")
                    out.append((st, h.get("x-amzn-errortype")))
                except (ConnectionError, http.client.HTTPException, OSError):
                    out.append(("reset", None))
            ses_ok = c.rest("ses", "GET", "/v2/email/identities/a.example")[0]
            p.terminate()
            return out, ses_ok
        a, ses_ok = fault_run()
        b, _ = fault_run()
        kinds = {x[0] for x in a}
        check("faults reproducible with seed", a == b)
        check("faults: throttle, 5xx, reset, ok all seen", {200, 400, "reset"} <= kinds and
              (500 in kinds or 503 in kinds), kinds)
        check("faults: throttle shape", (400, "ThrottlingException") in a, a[:10])
        check("faults limited to services", ses_ok == 200)

        p, port = start(scn, "--faults", "5xx-burst=2")
        procs.append(p)
        c = Client(port)
        res = [c.sms("DescribePools")[0] for _ in range(4)]
        res2 = [c.sms("DescribeSenderIds")[0] for _ in range(2)]
        check("5xx burst after the first", res == [200, 503, 503, 200] and res2 == [200, 503], (res, res2))
        p.terminate()

        p, port = start(scn, "--latency-ms", "150", "--faults", "spike=1:200")
        procs.append(p)
        c = Client(port)
        t0 = time.time()
        c.sms("DescribePools")
        dt = time.time() - t0
        check("latency + spike", 0.34 <= dt < 1.5, dt)
        p.terminate()

        # --- refuses a non-loopback host
        r = subprocess.run([sys.executable, EMULATOR, "--scenario", scn, "--host", "0.0.0.0"],
                           capture_output=True, text=True, timeout=10)
        check("refuses non-loopback bind", r.returncode != 0 and "loopback" in r.stderr, r.stderr)

        # --- CloudWatch over rpc-v2-cbor: codec, scenario answers, bridge to a live moto
        E = cbor_codec_tests()
        cbor_scenario_tests(E, tmp)
        cbor_moto_tests(E, tmp)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        up.shutdown()
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
