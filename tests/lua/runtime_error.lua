-- a scenario that fails while running
local p = blis.params{ rate = 10 }
local broken = nil
return blis.scenario{ seed = broken.seed }
