-- the bad key is in a table built before the call; blis blames the line that passes it (6)
local engine = {}
engine.kv_blokcs = 100
return blis.scenario{
  model = { name = "foo" },
  engine = engine,
}
