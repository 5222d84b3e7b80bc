-- The profiled latency model: step times composed from LLMServingSim's layer-wise kernel profile
-- of Llama-3.1-8B on an RTX 4090 (a subset of it, tests/fixtures/profiled; the whole bundle is in
-- tests/accuracy/fixtures/profiles). docs/latency-models.md, "profiled".
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b" },  -- its layer count comes from model_configs/hf
  latency = { model = "profiled", profile = "tests/fixtures/profiled/rtx4090_llama31_8b_subset/tp1" },
  engine = { kv_blocks = 2588 },
  workload = blis.workload.distribution{ rate = 8, requests = 20 },
}
