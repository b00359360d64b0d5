-- wrk reporting for bench/web: one line, throughput and latency percentiles in milliseconds
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.1f | p50 %.1f ms | p95 %.1f ms | p99 %.1f ms | errors %d | non-2xx/3xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
