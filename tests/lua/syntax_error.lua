-- a scenario with a Lua syntax error on line 3
return blis.scenario{
  model = { name = "foo" alpha = 1 },
}
