-- The middlewares of middlewares.py, in Lua, for the gopher-lua
-- counter-example (luagw). Same contract: a before-middleware returns nil to
-- continue or a response table {status, headers, body}; an after-middleware
-- returns nil (having changed the response in place) or a new response.

local next_id = 0
RATE = {}
RATE_LIMIT = 1e12 -- effectively unlimited
FLAGS = { default = { "new-search" }, acme = { "new-search", "beta-billing" } }
ACCESS_LOG = {}
SECURITY = {
  ["x-content-type-options"] = "nosniff",
  ["x-frame-options"] = "DENY",
  ["strict-transport-security"] = "max-age=63072000",
}

function request_id(req)
  local id = req.headers["x-request-id"]
  if id == nil or id == "" then
    next_id = next_id + 1
    id = "req-" .. next_id
  end
  req.id = id
end

function cors_preflight(req)
  if req.method == "OPTIONS" then
    return { status = 204, headers = { ["access-control-allow-methods"] = "GET, POST" }, body = "" }
  end
end

function auth(req)
  local token = req.headers["authorization"] or ""
  if string.sub(token, 1, 7) ~= "Bearer " then
    return { status = 401, headers = {}, body = "missing bearer token\n" }
  end
  req.user = string.sub(token, 8)
end

function rate_limit(req)
  local n = (RATE[req.user] or 0) + 1
  RATE[req.user] = n
  if n > RATE_LIMIT then
    return { status = 429, headers = { ["retry-after"] = "1" }, body = "slow down\n" }
  end
end

function strip_version(req)
  if string.sub(req.path, 1, 4) == "/v1/" then
    req.path = string.sub(req.path, 4)
  end
end

function tenant(req)
  req.tenant = req.headers["x-tenant"] or "default"
end

function feature_flags(req)
  req.flags = FLAGS[req.tenant] or {}
end

function validate(req)
  if #req.path > 2048 then
    return { status = 414, headers = {}, body = "path too long\n" }
  end
end

function fail_on_demand(req)
  if req.path == "/boom" then
    error("boom requested by " .. req.user)
  end
end

function parse_query(req)
  local params = {}
  for k, v in string.gmatch(req.query, "([^&=]+)=?([^&]*)") do
    params[k] = v
  end
  req.params = params
end

function handler(req)
  local body = string.format("hello %s from %s at %s\n", req.user, req.tenant, req.path)
  return { status = 200, headers = { ["content-type"] = "text/plain" }, body = body }
end

function security_headers(req, resp)
  for k, v in pairs(SECURITY) do
    resp.headers[k] = v
  end
end

function cors_headers(req, resp)
  resp.headers["access-control-allow-origin"] = req.headers["origin"] or "*"
end

function request_id_header(req, resp)
  resp.headers["x-request-id"] = req.id
end

function user_header(req, resp)
  if req.user then
    resp.headers["x-user"] = req.user
  end
end

function access_log(req, resp)
  table.insert(ACCESS_LOG, { req.user or "-", req.path, resp.status or 200 })
  if #ACCESS_LOG > 1000 then
    ACCESS_LOG = {}
  end
end

function flags_header(req, resp)
  resp.headers["x-flags"] = table.concat(req.flags or {}, ",")
end

BEFORE = { request_id, cors_preflight, auth, rate_limit, strip_version,
           tenant, feature_flags, validate, fail_on_demand, parse_query }
AFTER = { security_headers, cors_headers, request_id_header, user_header,
          access_log, flags_header }
