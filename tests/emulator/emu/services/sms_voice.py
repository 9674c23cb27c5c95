"""AWS End User Messaging SMS and voice v2 (`sms-voice`, awsJson 1.0): every request is answered
from the scenario (moto has none of it). Keyed operations take PARAM from a request member."""

import json

from ..pagination import page_size, paginate
from ..registry import Service
from ..responses import error_response, json_ok

NAME = "sms-voice"

# List operations -> (list member, key parameter: the request member that is PARAM).
LISTS = {
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
ID_FILTERS = {
    "DescribePhoneNumbers": ("PhoneNumberIds", ("PhoneNumberId", "PhoneNumberArn"), "phone-number"),
    "DescribePools": ("PoolIds", ("PoolId", "PoolArn"), "pool"),
    "DescribeOptOutLists": ("OptOutListNames", ("OptOutListName", "OptOutListArn"), "opt-out-list"),
    "DescribeConfigurationSets": ("ConfigurationSetNames", ("ConfigurationSetName", "ConfigurationSetArn"), "configuration-set"),
    "DescribeRegistrations": ("RegistrationIds", ("RegistrationId", "RegistrationArn"), "registration"),
    "DescribeProtectConfigurations": ("ProtectConfigurationIds", ("ProtectConfigurationId", "ProtectConfigurationArn"), "protect-configuration"),
}
MAX_PAGE = 100
# Members echoed from the request into the response of keyed SMS operations.
ECHO = {
    "ListPoolOriginationIdentities": ("PoolId",),
    "DescribeOptedOutNumbers": ("OptOutListName",),
    "DescribeKeywords": ("OriginationIdentity",),
    "DescribeRegistrationVersions": ("RegistrationId",),
    "ListTagsForResource": ("ResourceArn",),
}


def answer(scn, req):
    op = req.operation
    reqbody = req.body_json if isinstance(req.body_json, dict) else {}
    lst = LISTS.get(op)
    param = None
    if lst and lst[1]:
        param = reqbody.get(lst[1])
    found, body = scn.lookup(req.region, NAME, op, param)
    ctype = "application/x-amz-json-1.0"
    if lst is None:
        return json_ok(body if found else {}, ctype)
    member = lst[0]
    if not found:
        body = {}
    body = dict(body)
    for echo in ECHO.get(op, ()):
        body.setdefault(echo, reqbody.get(echo))
        if body[echo] is None:
            del body[echo]
    if op == "ListTagsForResource":
        body.setdefault(member, [])
        return json_ok(body, ctype)
    # Explicit identifiers: filter, and ResourceNotFound for an unknown one.
    filt = ID_FILTERS.get(op)
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
    size = page_size(reqbody.get("MaxResults"), MAX_PAGE)
    page = paginate(req, body, member, reqbody.get("NextToken"), size)
    if page is None:
        return error_response(req, 400, "ValidationException", "Invalid NextToken")
    return json_ok(page, ctype)


def request_key(req, body, param):
    if req.body_json:
        lst = LISTS.get(req.operation)
        if lst and lst[1]:
            param = req.body_json.get(lst[1])
    return param


SERVICE = Service(
    NAME, protocol="json", json_content_type="application/x-amz-json-1.0", targets=("PinpointSMSVoiceV2",),
    throttle=("ThrottlingException", 400), internal="InternalServerException",
    unavailable="InternalServerException", not_found="ResourceNotFoundException",
    always_answered=True, answer=answer, request_key=request_key,
    quotas=[("Describe*", 1.0, 1.0), ("List*", 1.0, 1.0)],
)
