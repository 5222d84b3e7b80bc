-- A misspelled correction name: the schema names the key, suggests the right one, and blames this line.
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct" },
  compat = { mode = "reference", kv_rollback_lek = true },
}
