"""Amazon Pinpoint (`mobiletargeting`, rest-json under /v1/): answered from the scenario for the
read operations it lists (or all of them with `owned.mobiletargeting: ["*"]`). A scenario body is
the payload member itself (`{"Item": [...]}` for a `…Response` list)."""

from ..registry import SEG, Service

# (method, path regex, operation, list member or None, page cap), tried in order. No documented
# page maximum: capped at 1000.
ROUTES = [
    ("GET", r"/v1/apps", "GetApps", "Item", 1000),
    ("POST", r"/v1/apps", "CreateApp", None, None),
    ("GET", r"/v1/apps/" + SEG, "GetApp", None, None),
    ("DELETE", r"/v1/apps/" + SEG, "DeleteApp", None, None),
    ("GET", r"/v1/apps/" + SEG + "/settings", "GetApplicationSettings", None, None),
    ("PUT", r"/v1/apps/" + SEG + "/settings", "UpdateApplicationSettings", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels", "GetChannels", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/email", "GetEmailChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/sms", "GetSmsChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/voice", "GetVoiceChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/apns", "GetApnsChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/apns_sandbox", "GetApnsSandboxChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/apns_voip", "GetApnsVoipChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/apns_voip_sandbox", "GetApnsVoipSandboxChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/gcm", "GetGcmChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/baidu", "GetBaiduChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/channels/adm", "GetAdmChannel", None, None),
    ("GET", r"/v1/apps/" + SEG + "/eventstream", "GetEventStream", None, None),
    ("POST", r"/v1/apps/" + SEG + "/eventstream", "PutEventStream", None, None),
    ("GET", r"/v1/apps/" + SEG + "/journeys", "ListJourneys", "Item", 1000),
    ("GET", r"/v1/apps/" + SEG + "/journeys/" + SEG, "GetJourney", None, None),
    ("GET", r"/v1/apps/" + SEG + "/segments", "GetSegments", "Item", 1000),
    ("GET", r"/v1/apps/" + SEG + "/segments/" + SEG, "GetSegment", None, None),
    ("GET", r"/v1/apps/" + SEG + "/campaigns", "GetCampaigns", "Item", 1000),
    ("GET", r"/v1/apps/" + SEG + "/campaigns/" + SEG, "GetCampaign", None, None),
    ("GET", r"/v1/apps/" + SEG + "/jobs/import", "GetImportJobs", "Item", 1000),
    ("GET", r"/v1/apps/" + SEG + "/jobs/export", "GetExportJobs", "Item", 1000),
    ("GET", r"/v1/templates", "ListTemplates", "Item", 1000),
    ("GET", r"/v1/templates/" + SEG + "/" + SEG + "/versions", "ListTemplateVersions", "Item", 1000),
    ("GET", r"/v1/templates/" + SEG + "/email", "GetEmailTemplate", None, None),
    ("GET", r"/v1/templates/" + SEG + "/sms", "GetSmsTemplate", None, None),
    ("GET", r"/v1/templates/" + SEG + "/push", "GetPushTemplate", None, None),
    ("GET", r"/v1/templates/" + SEG + "/voice", "GetVoiceTemplate", None, None),
    ("GET", r"/v1/templates/" + SEG + "/inapp", "GetInAppTemplate", None, None),
    ("GET", r"/v1/tags/" + SEG, "ListTagsForResource", None, None),
    ("POST", r"/v1/tags/" + SEG, "TagResource", None, None),
]

# List operations whose page-token query parameter is `next-token` (others: `token`).
NEXT_TOKEN = {"ListTemplates", "ListTemplateVersions"}


def list_request(req, body):
    """(token, page-size) from the query; ListTemplates filters on template-type and prefix."""
    op = req.operation
    tok = req.query.get("next-token" if op in NEXT_TOKEN else "token")
    size = req.query.get("page-size")
    if op == "ListTemplates" and (req.query.get("template-type") or req.query.get("prefix")):
        ttype, prefix = req.query.get("template-type"), req.query.get("prefix") or ""
        items = body.get("Item") or []
        body["Item"] = [t for t in items
                        if (not ttype or t.get("TemplateType") == ttype)
                        and str(t.get("TemplateName", "")).startswith(prefix)]
    return tok, size


def rest_error(message, rid):
    return {"Message": message, "RequestID": rid}


SERVICE = Service(
    "mobiletargeting", protocol="rest-json", throttle=("TooManyRequestsException", 429),
    internal="InternalServerErrorException", unavailable="InternalServerErrorException",
    not_found="NotFoundException", rest_error=rest_error, routes=ROUTES, scenario_answered=True,
    list_request=list_request,
)
