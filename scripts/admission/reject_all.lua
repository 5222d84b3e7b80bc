-- Lua version of the built-in "reject-all" admission policy (§B.1).
return function(_, _) return false, "reject-all" end
