-- Lua version of the built-in "prefix-affinity" scorer (§B.5): the share of the request's
-- complete prompt blocks already routed to the instance, counted from the first block.
-- prefix_index = true asks the engine to keep the router-side prefix index (§B.6) and to fill
-- req.prefix_blocks and inst.prefix_match_blocks; it records each routed request's blocks on
-- the chosen instance, as the built-in scorer's observer does.
return blis.scorer{
  name = "prefix-affinity (lua)",
  prefix_index = true,
  score = function(req, inst)
    if req.prefix_blocks == 0 then return 0.0 end
    return inst.prefix_match_blocks / req.prefix_blocks
  end,
}
