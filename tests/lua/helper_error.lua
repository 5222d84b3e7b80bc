-- a runtime error inside a helper function: the message names line 3, with a traceback
local function coefficients(n)
  return n.alpha
end

return blis.scenario{
  model = { name = "foo", alpha = coefficients(nil) },
}
