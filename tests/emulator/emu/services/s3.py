"""Amazon S3 (`s3`, rest-xml): proxied to moto. It is the catch-all service: a request nothing
else identified (unsigned and no route) is S3, its operation named from the method, the path
depth and the subresource flag in the query (`?versioning` -> GetBucketVersioning, ...)."""

from ..registry import Service

S3_FLAGS = [
    ("versioning", "BucketVersioning"), ("replication", "BucketReplication"),
    ("location", "BucketLocation"), ("encryption", "BucketEncryption"),
    ("publicAccessBlock", "PublicAccessBlock"), ("policy", "BucketPolicy"),
    ("tagging", "BucketTagging"), ("lifecycle", "BucketLifecycleConfiguration"),
    ("notification", "BucketNotificationConfiguration"), ("acl", "BucketAcl"),
    ("cors", "BucketCors"), ("logging", "BucketLogging"), ("ownershipControls", "BucketOwnershipControls"),
    ("policyStatus", "BucketPolicyStatus"), ("website", "BucketWebsite"),
]


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


SERVICE = Service(
    "s3", protocol="rest-xml", throttle=("SlowDown", 503), internal="InternalError",
    catch_all=True, path_operation=s3_operation,
)
