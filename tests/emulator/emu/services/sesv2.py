"""Amazon SES v2 (`ses`, rest-json under /v2/email/): answered from the scenario for the read
operations it lists (or all of them with `owned.ses: ["*"]`); the rest goes to moto."""

from ..registry import SEG, Service
from ..scenario import GenList

# (method, path regex, operation, list member or None, page cap), tried in order.
ROUTES = [
    ("GET", r"/v2/email/account", "GetAccount", None, None),
    ("GET", r"/v2/email/identities", "ListEmailIdentities", "EmailIdentities", 1000),
    ("POST", r"/v2/email/list-identities", "ListEmailIdentities", "EmailIdentities", 1000),
    ("POST", r"/v2/email/identities", "CreateEmailIdentity", None, None),
    ("GET", r"/v2/email/identities/" + SEG + "/policies", "GetEmailIdentityPolicies", None, None),
    ("GET", r"/v2/email/identities/" + SEG, "GetEmailIdentity", None, None),
    ("DELETE", r"/v2/email/identities/" + SEG, "DeleteEmailIdentity", None, None),
    ("GET", r"/v2/email/dedicated-ips", "GetDedicatedIps", "DedicatedIps", 1000),
    ("GET", r"/v2/email/dedicated-ips/" + SEG, "GetDedicatedIp", None, None),
    ("GET", r"/v2/email/dedicated-ip-pools", "ListDedicatedIpPools", "DedicatedIpPools", 1000),
    ("POST", r"/v2/email/dedicated-ip-pools", "CreateDedicatedIpPool", None, None),
    ("GET", r"/v2/email/dedicated-ip-pools/" + SEG, "GetDedicatedIpPool", None, None),
    ("GET", r"/v2/email/suppression/addresses", "ListSuppressedDestinations", "SuppressedDestinationSummaries", 1000),
    ("GET", r"/v2/email/suppression/addresses/" + SEG, "GetSuppressedDestination", None, None),
    ("GET", r"/v2/email/configuration-sets", "ListConfigurationSets", "ConfigurationSets", 1000),
    ("POST", r"/v2/email/list-configuration-sets", "ListConfigurationSets", "ConfigurationSets", 1000),
    ("POST", r"/v2/email/configuration-sets", "CreateConfigurationSet", None, None),
    ("GET", r"/v2/email/configuration-sets/" + SEG + "/event-destinations", "GetConfigurationSetEventDestinations", None, None),
    ("GET", r"/v2/email/configuration-sets/" + SEG, "GetConfigurationSet", None, None),
    ("GET", r"/v2/email/templates", "ListEmailTemplates", "TemplatesMetadata", 100),
    ("POST", r"/v2/email/templates", "CreateEmailTemplate", None, None),
    ("GET", r"/v2/email/templates/" + SEG, "GetEmailTemplate", None, None),
    ("GET", r"/v2/email/multi-region-endpoints", "ListMultiRegionEndpoints", "MultiRegionEndpoints", 1000),
    ("GET", r"/v2/email/multi-region-endpoints/" + SEG, "GetMultiRegionEndpoint", None, None),
    ("GET", r"/v2/email/tags", "ListTagsForResource", None, None),
]


def answer_key(req, param):
    """ListTagsForResource is keyed by its ResourceArn query parameter."""
    if req.operation == "ListTagsForResource":
        param = req.query.get("ResourceArn")
    return param


def list_request(req, body):
    """(NextToken, PageSize) from the query, or from the JSON body of the POST list forms; and the
    filters GetDedicatedIps?PoolName and ListSuppressedDestinations?Reason."""
    op = req.operation
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
    return tok, size


SERVICE = Service(
    "ses", protocol="rest-json", throttle=("TooManyRequestsException", 429), not_found="NotFoundException",
    routes=ROUTES, scenario_answered=True, answer_key=answer_key, list_request=list_request,
    quotas=[("ListEmailTemplates", 1.0, 1.0), ("GetEmailIdentityPolicies", 1.0, 1.0),
            ("GetEmailTemplate", 50.0, 50.0)],
)
