-- Apply through the API, each request to a different opportunity.
-- Usage: wrk ... -s apply.lua -- <pairs file> <threads>
-- The pairs file (written by prepare.py) has one "<bearer token> <opportunity id>
-- <candidate number>" per line, a few lines per candidate, so that neither the
-- open-application cap nor a rate limit is what gets measured. Thread k takes the
-- candidates whose number is k modulo the thread count.

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  items = {}
  for line in io.lines(path) do
    local token, id, number = line:match("(%S+)%s+(%S+)%s+(%S+)")
    if token and tonumber(number) % nthreads == tid then
      items[#items + 1] = { token, id }
    end
  end
  n = 0
end

function request()
  n = n + 1
  local item = items[((n - 1) % #items) + 1]
  return wrk.format("POST", "/api/v1/applications", {
    ["Authorization"] = "Bearer " .. item[1],
    ["Content-Type"] = "application/json",
  }, '{"opportunity_id": ' .. item[2] .. '}')
end
