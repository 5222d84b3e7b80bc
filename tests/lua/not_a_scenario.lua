-- a file that returns a plain table instead of blis.scenario{...}
return { seed = 1 }
