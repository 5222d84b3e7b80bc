-- A spec file with NaN multimodal parameters, run from a scenario (corrected mode): the same
-- file:line messages as blis run gives.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  workload = "tests/lua/inputs/spec_multimodal_nan.yaml",
}
