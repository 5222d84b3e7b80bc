-- example scenario that demonstrates replaying a trace v2 file (here: measurements of a real
-- server, without blis's sharing columns, so prefix groups get the reference's 50-token prefix)
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct" },
  defaults_file = "tests/fixtures/reference/defaults.yaml",
  instances = 2,
  workload = blis.workload.trace_v2{ path = "tests/fixtures/traces/measured.yaml" },
}
