-- integers beyond 2^53: as decimal strings or LuaJIT int64 literals
return blis.scenario{
  horizon_us = 9223372036854775807LL,
  seed = "-9223372036854775808",
  engine = { kv_blocks = 9007199254740993LL, max_running = "00042" },
}
