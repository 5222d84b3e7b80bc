-- reads a parameter it never declared: a typo the stdlib reports at this file's line 4
local p = blis.params{ rate = 10 }
return blis.scenario{
  workload = blis.workload.distribution{ rate = p.rtae },
}
