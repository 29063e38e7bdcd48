-- wrk script for bench/http_load.sh (LuaJIT, as Debian's wrk is built with it).
--
-- Environment (set by http_load.sh):
--   BENCH_METHOD   GET or POST (default GET)
--   BENCH_BODY     request body (optional)
--   BENCH_KEY      X-API-Key value (optional; no header if empty)
--   BENCH_RATE     total requests/s to pace at, over all threads; 0 or unset = as fast as possible
--   BENCH_THREADS  the -t given to wrk (needed to split BENCH_RATE between threads)
--
-- Every run counts the answers by status in a response() hook, counts the requests written in request(),
-- and at the end prints one line for the shell script:
--   BENCH_RESULT {"requests":..,"sent":..,"duration_us":..,"statuses":{"201":..},"non2xx":..,
--                 "p50_us":..,"p90_us":..,"p99_us":..,"p999_us":..,"max_us":..,"errors":{...}}
-- plus up to three bodies of non-2xx answers (BENCH_NON2XX lines).
--
-- Pacing (BENCH_RATE > 0): each thread keeps a schedule of send slots, one every threads/rate seconds.
-- When a connection has its answer, delay() gives it the next free slot, so requests go out at a fixed
-- rate as long as a connection is free (16 connections at 1,000/s leave each about 16 ms per request).
-- If the server falls behind, missed slots are dropped, not bunched up, and the achieved rate shows it.
-- wrk times a request from when it is written, after the delay.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then
  wrk.headers["X-API-Key"] = key
end

local rate = tonumber(os.getenv("BENCH_RATE") or "0") or 0
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1") or 1

-- setup/done run in the main environment, the rest in each thread's own.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- per-thread state (globals, so that done() can read them with thread:get)
sent = 0
statuses = {}
bad_bodies = {}

local req
local interval_ms, next_slot
function init(args)
  req = wrk.format()
  if rate > 0 then
    interval_ms = 1000 * nthreads / rate
  end
end

function request()
  sent = sent + 1
  return req
end

if rate > 0 then
  function delay()
    local t = now_ms()
    if next_slot == nil or next_slot < t then
      next_slot = t
    end
    local d = next_slot - t
    next_slot = next_slot + interval_ms
    return d
  end
end

function response(status, headers, resp_body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
  if (status < 200 or status > 299) and #bad_bodies < 3 then
    table.insert(bad_bodies, k .. " " .. string.sub(resp_body or "", 1, 300))
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local total_sent, all, bodies = 0, {}, {}
  for _, t in ipairs(threads) do
    total_sent = total_sent + (t:get("sent") or 0)
    for k, v in pairs(t:get("statuses") or {}) do
      all[k] = (all[k] or 0) + v
    end
    for _, b in ipairs(t:get("bad_bodies") or {}) do
      if #bodies < 3 then table.insert(bodies, b) end
    end
  end
  local non2xx, parts = 0, {}
  for k, v in pairs(all) do
    local code = tonumber(k)
    if code < 200 or code > 299 then non2xx = non2xx + v end
    table.insert(parts, string.format('"%s":%d', k, v))
  end
  local e = summary.errors
  print(string.format('BENCH_RESULT {"requests":%d,"sent":%d,"duration_us":%d,"statuses":{%s},"non2xx":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}',
      summary.requests, total_sent, summary.duration, table.concat(parts, ","), non2xx,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
  if non2xx > 0 then
    print(string.format("non-2xx answers: %d", non2xx))
  end
  for _, b in ipairs(bodies) do
    print("BENCH_NON2XX " .. json_string(b))
  end
end
