-- Lua version of the built-in "always-admit" admission policy (§B.1).
return function(_, _) return true end
