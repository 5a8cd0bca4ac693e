"""Middlewares for the pygateway example: 10 before, 6 after, one handler.

A before-middleware takes the request dict and returns None to continue, or a
response dict {"status": int, "headers": {str: str}, "body": str | bytes} to
answer at once. It may change the request in place. An after-middleware takes
(request, response) and returns None (having changed the response in place)
or a new response. Header names in requests are lower case.
"""
import itertools

_ids = itertools.count(1)
RATE = {}
RATE_LIMIT = 10**12  # effectively unlimited: the benchmark measures the chain, not the limiter
FLAGS = {"default": ("new-search",), "acme": ("new-search", "beta-billing")}
ACCESS_LOG = []
SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "strict-transport-security": "max-age=63072000",
}


def request_id(req):
    req["id"] = req["headers"].get("x-request-id") or "req-%d" % next(_ids)


def cors_preflight(req):
    if req["method"] == "OPTIONS":
        return {"status": 204, "headers": {"access-control-allow-methods": "GET, POST"}, "body": ""}


def auth(req):
    token = req["headers"].get("authorization", "")
    if not token.startswith("Bearer "):
        return {"status": 401, "headers": {}, "body": "missing bearer token\n"}
    req["user"] = token[len("Bearer "):]


def rate_limit(req):
    n = RATE.get(req["user"], 0) + 1
    RATE[req["user"]] = n
    if n > RATE_LIMIT:
        return {"status": 429, "headers": {"retry-after": "1"}, "body": "slow down\n"}


def strip_version(req):
    if req["path"].startswith("/v1/"):
        req["path"] = req["path"][3:]


def tenant(req):
    req["tenant"] = req["headers"].get("x-tenant", "default")


def feature_flags(req):
    req["flags"] = FLAGS.get(req["tenant"], ())


def validate(req):
    if len(req["path"]) > 2048:
        return {"status": 414, "headers": {}, "body": "path too long\n"}


def fail_on_demand(req):
    if req["path"] == "/boom":
        raise ValueError("boom requested by " + req["user"])


def parse_query(req):
    req["params"] = dict(p.partition("=")[::2] for p in req["query"].split("&") if p)


def handler(req):
    body = "hello %s from %s at %s\n" % (req["user"], req["tenant"], req["path"])
    return {"status": 200, "headers": {"content-type": "text/plain"}, "body": body}


def security_headers(req, resp):
    resp["headers"].update(SECURITY)


def cors_headers(req, resp):
    resp["headers"]["access-control-allow-origin"] = req["headers"].get("origin", "*")


def request_id_header(req, resp):
    resp["headers"]["x-request-id"] = req["id"]


def user_header(req, resp):
    if "user" in req:
        resp["headers"]["x-user"] = req["user"]


def access_log(req, resp):
    ACCESS_LOG.append((req.get("user", "-"), req["path"], resp.get("status", 200)))
    if len(ACCESS_LOG) > 1000:
        del ACCESS_LOG[:500]


def flags_header(req, resp):
    resp["headers"]["x-flags"] = ",".join(req.get("flags", ()))


BEFORE = [request_id, cors_preflight, auth, rate_limit, strip_version,
          tenant, feature_flags, validate, fail_on_demand, parse_query]
AFTER = [security_headers, cors_headers, request_id_header, user_header,
         access_log, flags_header]
