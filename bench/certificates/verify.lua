-- wrk script: GET /api/v1/certificates/verify/{code} (or, with the second argument "page", the public page
-- /certificates/verify/{code}/) with codes drawn at random from codes.txt
-- (95 % real codes from the bench database, 5 % unknown ones that answer 404).
local codes = {}
local counter = 0

local prefix = "/api/v1/certificates/verify/"

function init(args)
  local path = args[1] or "/tmp/cert_codes.txt"
  if args[2] == "page" then prefix = "/certificates/verify/" end  -- the public HTML page instead of the API
  for line in io.lines(path) do codes[#codes + 1] = line end
  math.randomseed(os.time() + counter)
end

function request()
  local code = codes[math.random(#codes)]
  return wrk.format("GET", prefix .. code .. (prefix == "/certificates/verify/" and "/" or ""))
end

function done(summary, latency, requests)
  io.write(string.format("requests: %d in %.1f s → %.0f req/s; errors: status %d, timeout %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.timeout))
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("p%d: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
