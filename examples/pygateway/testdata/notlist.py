BEFORE = "not a list"
def handler(req):
    return {}
