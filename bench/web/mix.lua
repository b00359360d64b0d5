-- wrk script: the mixed workload of issue 18 — 60 % public pages, 30 % officers, 10 % the enterprise, drawn from
-- var/bench_web_urls.txt: within a kind every page name weighs the same (a name with many lines — detail, verify —
-- goes round its lines).
local pools = {public = {}, officer = {}, enterprise = {}}
for line in io.lines("var/bench_web_urls.txt") do
  local kind, page, cookie, path = line:match("([^\t]+)\t([^\t]+)\t([^\t]*)\t([^\t]+)")
  local pool = pools[kind]
  if pool == nil then goto continue end
  if pool[page] == nil then pool[page] = {}; pool[#pool + 1] = page end
  table.insert(pool[page], {cookie, path})
  ::continue::
end
math.randomseed(180018)
request = function()
  local r = math.random(100)
  local pool = r <= 60 and pools.public or (r <= 90 and pools.officer or pools.enterprise)
  local entries = pool[pool[math.random(#pool)]]
  local pick = entries[math.random(#entries)]
  local headers = {}
  if pick[1] ~= "" then headers["Cookie"] = pick[1] end
  return wrk.format("GET", pick[2], headers)
end
dofile("bench/portal/report.lua")
