-- wrk script for bench/run.py: stops each thread after its share of the request budget
-- (`wrk ... -- <requests per thread>`; wrk's -d is the time limit) and prints the summary as
-- one JSON line prefixed with BENCH_JSON. Latencies are in milliseconds.

local limit = 0
local done_here = 0

function init(args)
  limit = tonumber(args[1]) or 0
end

function response(status, headers, body)
  done_here = done_here + 1
  if limit > 0 and done_here >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local function ms(percentile)
    return latency:percentile(percentile) / 1000
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.4f, "p50_ms": %.3f, "p95_ms": %.3f, '
      .. '"p99_ms": %.3f, "max_ms": %.3f, "socket_errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests,
    summary.duration / 1e6,
    ms(50), ms(95), ms(99), latency.max / 1000,
    errors.connect + errors.read + errors.write + errors.timeout,
    errors.status
  ))
end
