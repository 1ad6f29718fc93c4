-- wrk script of `make bench`: plain GETs with the -H headers, or (with a pool file argument)
-- POSTs that walk a pool of prepared requests, each thread its own interleaved slice, so every
-- request answers a different, still unanswered quiz question until the pool runs out.
-- done() prints one JSON line that bench/run.py reads.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  pool = nil
  if args[1] then
    pool = {}
    for line in io.lines(args[1]) do
      local path, body = line:match("^([^\t]*)\t(.*)$")
      if path then table.insert(pool, {path, body}) end
    end
    nthreads = tonumber(args[2]) or 1
    headers = {}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

function request()
  if pool then
    local i = id + counter * nthreads
    counter = counter + 1
    local item = pool[(i % #pool) + 1]
    return wrk.format("POST", item[1], headers, item[2])
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
