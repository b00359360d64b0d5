-- wrk script: the soak's mixed workload. 60 % public (petition look-ups with valid number + code, the portal home,
-- the progress look-up form, law search), 30 % officers (queue page and API, application details, hazard, case,
-- register and petition lists), 10 % the enterprise (its applications, workbench, register page, details).
-- SOAK_DELAY_MS (per connection, between requests) holds the rate at a chosen share of capacity.
local public, officer, enterprise = {}, {}, {}
for line in io.lines("var/bench_portal_urls.txt") do public[#public + 1] = {"", line} end
local extra = {"/portal/", "/licensing/progress/", "/portal/laws/?q=%E8%AE%B8%E5%8F%AF", "/petitions/lookup/"}
for _, path in ipairs(extra) do for _ = 1, 50 do public[#public + 1] = {"", path} end end
for line in io.lines("var/bench_soak_urls.txt") do
  local role, cookie, path = line:match("([^\t]+)\t([^\t]*)\t([^\t]+)")
  local entry = {cookie, path}
  if role == "enterprise" then enterprise[#enterprise + 1] = entry else officer[#officer + 1] = entry end
end
local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local n = 0
math.randomseed(140800)
request = function()
  n = n + 1
  local r = math.random(100)
  local pick
  if r <= 60 then pick = public[math.random(#public)]
  elseif r <= 90 then pick = officer[math.random(#officer)]
  else pick = enterprise[math.random(#enterprise)] end
  local headers = {}
  if pick[1] ~= "" then headers["Cookie"] = pick[1] end
  return wrk.format("GET", pick[2], headers)
end
if delay_ms > 0 then
  delay = function() return delay_ms end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d | requests/s %.1f | p50 %.1f ms | p95 %.1f ms | p99 %.1f ms | "
    .. "socket errors %d | non-2xx/3xx %d\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
