# Records the order in which middlewares run.
def make_before(name):
    def before(req):
        req.setdefault("trace", []).append(name)
        if req["path"] == "/stop-at-" + name:
            return {"status": 403, "headers": {"x-stopped-by": name}, "body": "stopped\n"}
    before.__name__ = name
    return before

def make_after(name):
    def after(req, resp):
        req["trace"].append(name)
        resp["headers"]["x-trace"] = ",".join(req["trace"])
    after.__name__ = name
    return after

def handler(req):
    req["trace"].append("handler")
    return {"status": 200, "headers": {}, "body": "at " + req["path"]}

BEFORE = [make_before("b1"), make_before("b2"), make_before("b3")]
AFTER = [make_after("a1"), make_after("a2")]
