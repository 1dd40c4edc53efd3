-- Shared by read.lua and write.lua. Every wrk thread counts the answers it gets by status;
-- when the run is over, done() prints one line, "BENCH_RESULT {json}", that
-- bench/loadgen.py reads (wrk's own summary counts only statuses above 399 as errors, and
-- a read page that redirects to sign-in is an error too: loadgen.py decides which count).
-- Settings come from the environment that bench/loadgen.py gives wrk.
local M = {}
local threads = {}

statuses = {}

function M.browser_headers()
  -- The same session cookie and User-Agent as the sign-in, as one browser would send.
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["User-Agent"] = os.getenv("BENCH_USER_AGENT")
  wrk.headers["Accept"] = "text/html,application/xhtml+xml"
end

function M.urlencode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_id", #threads)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local function encode(value)
  local kind = type(value)
  if kind == "table" then
    local parts = {}
    for key, item in pairs(value) do
      parts[#parts + 1] = string.format("%q:%s", tostring(key), encode(item))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif kind == "number" then
    if value == math.floor(value) then
      return string.format("%d", value)
    end
    return string.format("%.3f", value)
  end
  return string.format("%q", tostring(value))
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      local key = tostring(status)
      counts[key] = (counts[key] or 0) + n
    end
  end
  local errors = summary.errors
  local result = {
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    statuses = counts,
    errors = {
      connect = errors.connect, read = errors.read, write = errors.write,
      status = errors.status, timeout = errors.timeout,
    },
    latency_us = {
      min = latency.min, max = latency.max, mean = latency.mean, stdev = latency.stdev,
      p50 = latency:percentile(50), p90 = latency:percentile(90),
      p99 = latency:percentile(99), p999 = latency:percentile(99.9),
    },
  }
  io.write("BENCH_RESULT ", encode(result), "\n")
end

return M
