-- a misspelt key inside a workload builder: blamed on line 5
return blis.scenario{
  model = { name = "foo" },
  workload = blis.workload.distribution{
    rat = 5,
  },
}
