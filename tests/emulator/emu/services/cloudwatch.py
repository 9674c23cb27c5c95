"""Amazon CloudWatch (`monitoring`). aws-sdk-cloudwatch speaks Smithy RPC v2 CBOR: the read
operations the scenario lists (or all, with `owned.monitoring: ["*"]`) are answered here in CBOR;
the rest are bridged to moto's awsJson 1.0 (emu/rpcv2.py). CloudWatch defines the rpc-v2-cbor
protocol for the registry, so its answerer and keys serve every rpc-v2-cbor request. Requests in
other protocols (awsQuery, awsJson) are always proxied unchanged."""

from ..pagination import page_size, token_decode, token_encode
from ..registry import Service
from ..responses import error_response
from ..rpcv2 import PROTOCOL, cbor_ok
from ..scenario import GenList, list_slice, substitute

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


def answer(scn, req):
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
    size = page_size(reqbody.get(size_member) if size_member else None, cap)
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


def request_key(req, body, param):
    if req.operation in CW_KEYS:
        param = req.body_json.get(CW_KEYS[req.operation])
    return param


SERVICE = Service(
    "monitoring", protocol="query", json_content_type="application/x-amz-json-1.0",
    targets=("GraniteServiceVersion20100801",), query_ns="http://monitoring.amazonaws.com/doc/2010-08-01/",
    throttle=("Throttling", 400), scenario_answered=True, answered_protocols=(PROTOCOL,),
    defines_protocol=PROTOCOL, answer=answer, request_key=request_key,
    quotas=[("DescribeAlarms", 9.0, 9.0), ("GetMetricData", 50.0, 50.0), ("ListMetrics", 25.0, 25.0)],
)
