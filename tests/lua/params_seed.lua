-- a scenario that declares a parameter named like a universal flag (--seed): the script's own
-- parameter takes the value, and the universal flag does not apply
local p = blis.params{ seed = { "Seed offset, added to 1000", 0 } }

return blis.scenario{
  seed = 1000 + p.seed,
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
}
