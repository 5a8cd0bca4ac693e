# Middlewares that fail in every way a Python middleware can.
class QuotaError(Exception):
    pass

def check(req):
    p = req["path"]
    if p == "/raise":
        raise ValueError("bad token for " + req["headers"].get("x-user", "nobody"))
    if p == "/custom":
        raise QuotaError("quota exceeded")
    if p == "/noarg":
        raise RuntimeError()
    if p == "/wrong-type":
        return 42

def handler(req):
    p = req["path"]
    if p == "/handler-raise":
        return {}["missing"]
    if p == "/handler-none":
        return None
    if p == "/bad-status":
        return {"status": "teapot"}
    if p == "/bad-headers":
        return {"status": 200, "headers": {"x": 1}}
    if p == "/bytes":
        return {"status": 201, "body": b"raw\x00bytes"}
    return {"status": 200, "headers": {}, "body": "ok"}

def after(req, resp):
    if req["path"] == "/after-raise":
        raise KeyError("x-missing")
    if req["path"] == "/after-wrong-type":
        return "nope"

BEFORE = [check]
AFTER = [after]
