-- wrk script: cycle through lookup URLs (valid number + code pairs written by generate.py)
local urls = {}
for line in io.lines("var/bench_portal_urls.txt") do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i])
end
dofile("bench/portal/report.lua")
