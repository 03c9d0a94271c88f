-- Many distinct signed-in visitors: each request carries the next visitor's session.
-- Usage: wrk ... -s visitors.lua <url> -- <cookies file> <threads>
-- The cookies file (written by prepare.py) has one "sessionid=..." per line; thread k
-- takes lines k, k + threads, ..., so no two threads share a visitor.

local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  cookies = {}
  local i = 0
  for line in io.lines(path) do
    if line ~= "" then
      if i % nthreads == tid then
        cookies[#cookies + 1] = line
      end
      i = i + 1
    end
  end
  n = 0
end

function request()
  n = n + 1
  return wrk.format(nil, nil, { ["Cookie"] = cookies[((n - 1) % #cookies) + 1] })
end
