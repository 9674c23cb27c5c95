"""What the shared code needs to know about each AWS service. Every service module in
emu/services/ declares one `Service`; emu/services/__init__.py registers them. A service nobody
registered (e.g. Organizations, proxied to the upstream untouched) gets the defaults below."""

import re

# One path segment of a rest-json route; the captured segments become the scenario key PARAM.
SEG = r"([^/]+)"


class Service:
    """One AWS service, named by its SigV4 signing name.

    Wire facts: `protocol` (family used for errors when the request's own protocol is unknown),
    `json_content_type`, `targets` (X-Amz-Target prefixes), `query_ns` (awsQuery error namespace),
    `throttle` (code, status), `internal` (500 code), `unavailable` (503 code), `not_found` (code of
    a keyed get absent from the scenario), `rest_error(message, rid)` (rest-json error body).

    Routing: `routes` (method, path regex, operation, list member or None, page cap) for rest-json,
    tried in registration order; `path_operation(method, path, query)` on the one `catch_all`
    service, which takes requests nothing else identified.

    Answering: `always_answered` (every request is answered from the scenario) or
    `scenario_answered` (the read operations the scenario lists or `owned`); `answered_protocols`
    (others go upstream); `answer(scenario, req)` -> (status, headers, body); `request_key(req, body,
    param)` -> the PARAM injected errors match on; for the rest-json answerer, `answer_key(req,
    param)` -> the PARAM of the scenario lookup and `list_request(req, body)` -> (token, page size).
    A service with `defines_protocol` (CloudWatch: rpc-v2-cbor) answers and keys every request in
    that protocol, whatever its signing name, unless that service answers all its requests itself.

    `quotas`: (operation or prefix*, rate/s, burst) for --enforce-quotas, first match wins."""

    def __init__(self, name, protocol="rest-json", json_content_type="application/x-amz-json-1.1",
                 targets=(), query_ns="", throttle=("ThrottlingException", 400), internal="InternalFailure",
                 unavailable="ServiceUnavailable", not_found="NotFoundException", rest_error=None,
                 routes=(), catch_all=False, path_operation=None, always_answered=False,
                 scenario_answered=False, answered_protocols=None, defines_protocol=None, answer=None,
                 request_key=None, answer_key=None, list_request=None, quotas=()):
        self.name = name
        self.protocol = protocol
        self.json_content_type = json_content_type
        self.targets = tuple(targets)
        self.query_ns = query_ns
        self.throttle = throttle
        self.internal = internal
        self.unavailable = unavailable
        self.not_found = not_found
        self.rest_error = rest_error
        self.routes = [(m, re.compile(p + r"/?\Z"), op, lm, cap) for (m, p, op, lm, cap) in routes]
        self.catch_all = catch_all
        self.path_operation = path_operation
        self.always_answered = always_answered
        self.scenario_answered = scenario_answered
        self.answered_protocols = answered_protocols
        self.defines_protocol = defines_protocol
        self.answer = answer
        self.request_key = request_key
        self.answer_key = answer_key
        self.list_request = list_request
        self.quotas = tuple(quotas)


_DEFAULT = Service(None)
SERVICES = {}
TARGETS = {}  # X-Amz-Target prefix -> service name
ROUTES = []  # (service name, method, compiled regex, operation, list member, page cap)
PROTOCOLS = {}  # protocol -> the Service that defines it
CATCH_ALL = None


def register(svc):
    global CATCH_ALL
    if svc.name in SERVICES:
        raise ValueError("service %s registered twice" % svc.name)
    for prefix in svc.targets:
        if prefix in TARGETS:
            raise ValueError("X-Amz-Target prefix %s claimed by %s and %s" % (prefix, TARGETS[prefix], svc.name))
        TARGETS[prefix] = svc.name
    for method, rx, op, lm, cap in svc.routes:
        if lm is not None and svc.list_request is None:
            raise ValueError("%s %s lists %s but the service has no list_request" % (svc.name, op, lm))
        ROUTES.append((svc.name, method, rx, op, lm, cap))
    if svc.defines_protocol:
        if svc.defines_protocol in PROTOCOLS:
            raise ValueError("protocol %s defined twice" % svc.defines_protocol)
        PROTOCOLS[svc.defines_protocol] = svc
    if svc.catch_all:
        if CATCH_ALL is not None:
            raise ValueError("two catch-all services: %s and %s" % (CATCH_ALL.name, svc.name))
        CATCH_ALL = svc
    SERVICES[svc.name] = svc


def get(name):
    return SERVICES.get(name, _DEFAULT)


def always_answered():
    return {n for n, s in SERVICES.items() if s.always_answered}


def scenario_answered():
    return [n for n, s in SERVICES.items() if s.scenario_answered]


def request_key(req, body):
    """The PARAM an injected error matches on (`body`: the raw request body): rest-json path
    parameters, unless the service's (then the protocol's) `request_key` says otherwise."""
    param = "/".join(req.params) if req.params else None
    own = get(req.service)
    if own.request_key is not None and own.defines_protocol is None:
        param = own.request_key(req, body, param)
    proto = PROTOCOLS.get(req.protocol)
    if proto is not None and proto.request_key is not None:
        param = proto.request_key(req, body, param)
    return param


def owned(scenario, req):
    """Whether the scenario answers this request (else it goes upstream)."""
    answered = scenario.owns(req.service, req.operation)
    protocols = get(req.service).answered_protocols
    if protocols is not None and req.protocol not in protocols:
        answered = False
    return answered


def answerer(req):
    """The answer function for an owned request, or None for the rest-json answerer."""
    own = get(req.service)
    if own.answer is not None and own.defines_protocol is None:
        return own.answer
    proto = PROTOCOLS.get(req.protocol)
    if proto is not None:
        return proto.answer
    return None
