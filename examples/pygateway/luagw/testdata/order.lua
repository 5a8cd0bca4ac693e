-- Records the order in which middlewares run.
local function before(name)
  return function(req)
    req.trace = (req.trace or "") .. name .. ","
    if req.path == "/stop-at-" .. name then
      return { status = 403, headers = { ["x-stopped-by"] = name }, body = "stopped\n" }
    end
  end
end

local function after(name)
  return function(req, resp)
    req.trace = req.trace .. name .. ","
    resp.headers["x-trace"] = req.trace
  end
end

function handler(req)
  req.trace = req.trace .. "handler,"
  if req.path == "/raise" then
    error("handler failed")
  end
  return { status = 200, headers = {}, body = "at " .. req.path }
end

BEFORE = { before("b1"), before("b2"), before("b3") }
AFTER = { after("a1"), after("a2") }
