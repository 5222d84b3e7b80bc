-- a misspelt key in a scenario that is not returned directly (no tail call)
local s = blis.scenario{
  seed = 7,
  routing = {
    polcy = "round-robin",
  },
}
return s
