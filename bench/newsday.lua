-- wrk script for the news day (bench/newsday.py): request the paths listed in the file
-- named after "--" in turn, each thread from its own place in the list, count the page
-- cache's answers (X-Page-Cache: hit, stale, miss) and print a one-line JSON summary
-- (latencies in microseconds). The counts are globals: done() reads each thread's with
-- thread:get().
local paths, next_path = {}, 0
local threads = {}
hits, stale, misses = 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + #threads * 7919 + math.floor(os.clock() * 1e6))
  next_path = math.random(#paths)
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  local state = headers["X-Page-Cache"]
  if state == "hit" then hits = hits + 1
  elseif state == "stale" then stale = stale + 1
  else misses = misses + 1 end
end

function done(summary, latency, requests)
  local all_hits, all_stale, all_misses = 0, 0, 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + thread:get("hits")
    all_stale = all_stale + thread:get("stale")
    all_misses = all_misses + thread:get("misses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "hits": %d, "stale": %d, "misses": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, all_hits, all_stale, all_misses,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
