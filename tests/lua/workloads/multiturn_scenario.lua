-- example scenario that demonstrates a shipped WorkloadSpec file as a scenario's workload: it
-- prints exactly what `blis run ... --workload-spec` prints for the same file
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  instances = 2,
  workload = "tests/fixtures/reference/examples/multiturn-chat-demo.yaml",
}
