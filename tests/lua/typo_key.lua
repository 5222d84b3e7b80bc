-- a scenario with a misspelt key: blis must name the key path and this file's line
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  engine = { kv_blokcs = 100 },
}
