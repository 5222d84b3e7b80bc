-- example experiment with a misspelled key
local ex = blis.experiment{
  base = blis.scenario{ model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } } },
  vary = { instances = { 1, 2 } },
  colect = { "ttft_ms.p99" },
}
