"""AWS Lambda (`lambda`, rest-json): proxied to moto; the routes name the operation for the log,
stats, faults and injected errors."""

from ..registry import SEG, Service

ROUTES = [
    ("GET", r"/[0-9-]+/functions/?", "ListFunctions", None, None),
    ("POST", r"/[0-9-]+/functions/?", "CreateFunction", None, None),
    ("GET", r"/[0-9-]+/functions/" + SEG + "/configuration", "GetFunctionConfiguration", None, None),
    ("GET", r"/[0-9-]+/functions/" + SEG + "/policy/?", "GetPolicy", None, None),
    ("POST", r"/[0-9-]+/functions/" + SEG + "/policy/?", "AddPermission", None, None),
    ("GET", r"/[0-9-]+/functions/" + SEG, "GetFunction", None, None),
    ("DELETE", r"/[0-9-]+/functions/" + SEG, "DeleteFunction", None, None),
    ("GET", r"/[0-9-]+/tags/" + SEG, "ListTags", None, None),
]


SERVICE = Service(
    "lambda", protocol="rest-json", throttle=("TooManyRequestsException", 429), internal="ServiceException",
    routes=ROUTES,
)
