"""The rest-json answerer (SES v2, Pinpoint, and any other owned request that neither its service
nor its protocol answers itself). The route matched in emu/request.py gives the path parameters,
the list member and the page cap; the service's `answer_key` and `list_request` hooks give what
differs per service (scenario key, token and page-size parameters, filters)."""

from . import registry
from .pagination import page_size, paginate
from .responses import error_response, json_ok


def answer(scn, req):
    svc = registry.get(req.service)
    op = req.operation
    # Path parameters joined: ListTemplateVersions is keyed "NAME/TYPE".
    param = "/".join(req.params) if req.params else None
    if svc.answer_key is not None:
        param = svc.answer_key(req, param)
    found, body = scn.lookup(req.region, req.service, op, param)
    if req.list_member:
        if not found:
            body = {}
        body = dict(body) if isinstance(body, dict) else {}
        tok, size = svc.list_request(req, body)
        page = paginate(req, body, req.list_member, tok, page_size(size, req.page_cap))
        if page is None:
            code = "BadRequestException"
            return error_response(req, 400, code, "Invalid token")
        return json_ok(page)
    if found:
        return json_ok(body)
    if param is None:
        return json_ok({})
    return error_response(req, 404, svc.not_found, "Resource not found: %s" % param)
