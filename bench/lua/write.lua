-- wrk script for a write path: POST as a browser does, with the session cookie and the CSRF
-- token, either in the form (a plain form submit) or, for htmx, in the X-CSRFToken header.
-- BENCH_FIELD names a form field that gets a fresh text on every request, so no duplicate
-- check refuses it; BENCH_FORM holds fixed, already encoded fields. 2xx and 3xx are fine.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local csrf = os.getenv("BENCH_CSRF") or ""
local field = os.getenv("BENCH_FIELD") or ""
local form = os.getenv("BENCH_FORM") or ""
local htmx = os.getenv("BENCH_HTMX") == "1"
local nonce = os.getenv("BENCH_NONCE") or "0"
local counter = 0

local TEXT = " Thank you for writing this down. We tried something similar in our "
  .. "service last year: a weekly drop-in where people could come without an appointment, "
  .. "and the thing that made the difference was having the **same two peer workers** there "
  .. "every week.\n\nA few things that helped:\n\n- a quiet room away from the clinic\n"
  .. "- tea, and no forms on the first visit\n- a written note of what happens next\n\n"
  .. "Happy to share the leaflet we made if it is useful."

common.browser_headers()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
if htmx then
  wrk.headers["HX-Request"] = "true"
  wrk.headers["X-CSRFToken"] = csrf
end

function request()
  counter = counter + 1
  local parts = {}
  if form ~= "" then
    parts[#parts + 1] = form
  end
  if not htmx then
    parts[#parts + 1] = "csrf_token=" .. common.urlencode(csrf)
  end
  if field ~= "" then
    local text = string.format("Reply %s-%d-%d.", nonce, thread_id or 0, counter) .. TEXT
    parts[#parts + 1] = field .. "=" .. common.urlencode(text)
  end
  return wrk.format(nil, nil, nil, table.concat(parts, "&"))
end
