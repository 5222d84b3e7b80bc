-- a scenario with a value of the wrong type
return blis.scenario{
  model = { name = "foo", tp = 1.5 },
}
