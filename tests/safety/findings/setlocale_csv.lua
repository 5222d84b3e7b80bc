-- run with LOCPATH pointing at a compiled de_DE.UTF-8 locale (or any system that has it)
os.setlocale("de_DE.UTF-8")
return blis.scenario{
  model = { name = "foo", alpha = { 232.46, 1.75, 3357.44 }, beta = { 5752.7, 17.25, 5.99 } },
  fitness_weights = "throughput:0.5,p99_ttft:0.5",
  workload = blis.workload.csv_trace{ path = "single_request.csv" },
}
