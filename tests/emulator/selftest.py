#!/usr/bin/env python3
"""Self-test of the emulator over plain HTTP (standard library only).

Starts emulator.py on a free loopback port with a small scenario (and a second instance for
quotas and faults, and a tiny fake upstream for proxying), then checks routing, pagination,
errors, generated lists, quotas, faults, the log and the stats endpoint.
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
        check("log lines", all(set(x) == {"service", "region", "operation", "method", "path", "status",
                                          "proxied", "fault"} for x in lines) and len(lines) > 20, lines[:1])
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
