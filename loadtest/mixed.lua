-- wrk script for loadtest/faults.py: request the paths listed in the file named after "--"
-- in turn, count every answer by status and by second, and print one JSON line at the end.
--
-- Each wrk thread runs its own copy of this script: response() counts into the thread's
-- globals, and done() adds up the threads that setup() collected.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  next_path, counts, unfriendly = 0, {}, 0
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  -- One flat table: wrk copies a thread's table for done(), but not tables within it.
  local key = os.time() .. " " .. status
  counts[key] = (counts[key] or 0) + 1
  -- A server error must be the site's own page, never a traceback.
  if status >= 500 and (body:find("Traceback", 1, true)
                        or not body:find('class="error-page"', 1, true)) then
    unfriendly = unfriendly + 1
  end
end

function done(summary, latency, requests)
  -- {"<second>": {"<status>": n}}, seconds since the epoch
  local timeline, all_unfriendly = {}, 0
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      local second, status = key:match("(%d+) (%d+)")
      timeline[second] = timeline[second] or {}
      timeline[second][status] = (timeline[second][status] or 0) + n
    end
    all_unfriendly = all_unfriendly + thread:get("unfriendly")
  end
  local seconds = {}
  for second, statuses in pairs(timeline) do
    local items = {}
    for status, n in pairs(statuses) do items[#items + 1] = string.format('"%s": %d', status, n) end
    seconds[#seconds + 1] = string.format('"%s": {%s}', second, table.concat(items, ", "))
  end
  local e = summary.errors
  io.write(string.format(
    'LOADTEST_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, ' ..
    '"timeline": {%s}, "unfriendly_5xx": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, table.concat(seconds, ", "), all_unfriendly))
end
