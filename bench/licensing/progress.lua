-- wrk script: POST the public progress lookup (/licensing/progress/) with valid number + check-code pairs read from
-- var/bench_progress_pairs.txt ("number,code" per line). The CSRF token is a fixed 32-character value sent both as
-- the csrftoken cookie and as the form field, as a browser that loaded the form would.
local pairs_ = {}
for line in io.lines("var/bench_progress_pairs.txt") do
  local number, code = line:match("([^,]+),([^,]+)")
  pairs_[#pairs_ + 1] = "number=" .. number .. "&code=" .. code
end
local token = "benchcsrftoken0123456789abcdefgh"
local i = 0
request = function()
  i = i % #pairs_ + 1
  return wrk.format("POST", "/licensing/progress/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. token,
  }, pairs_[i] .. "&csrfmiddlewaretoken=" .. token)
end
dofile("bench/portal/report.lua")
