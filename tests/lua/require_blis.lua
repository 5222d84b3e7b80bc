-- `blis` is also available through require, for files that prefer locals
local blis = require "blis"
return blis.scenario{ model = { name = "foo" } }
