-- wrk script: every request asks for one named page of var/bench_web_urls.txt (PAGE=name), with its cookie; a name
-- with several lines (detail, verify, own_detail) goes round them.
local name = os.getenv("PAGE")
local entries = {}
for line in io.lines("var/bench_web_urls.txt") do
  local kind, page, cookie, path = line:match("([^\t]+)\t([^\t]+)\t([^\t]*)\t([^\t]+)")
  if page == name then entries[#entries + 1] = {cookie, path} end
end
assert(#entries > 0, "no page named " .. tostring(name))
local i = 0
request = function()
  i = i % #entries + 1
  local headers = {}
  if entries[i][1] ~= "" then headers["Cookie"] = entries[i][1] end
  return wrk.format("GET", entries[i][2], headers)
end
dofile("bench/portal/report.lua")
