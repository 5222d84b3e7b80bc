-- latency.gpu wins over model.gpu, latency.tp over model.tp, and latency.config names a
-- config.json directly (the model id is in no catalog). Golden: scenario_physics_explicit_config.
return blis.scenario{
  seed = 3,
  model = { name = "acme/private-finetune", gpu = "A100-80", tp = 4 },
  latency = { model = "physics", gpu = "RTXPRO6000", tp = 1,
              config = "model_configs/hf/qwen3-14b/config.json" },
  engine = { kv_blocks = 4000 },
  workload = blis.workload.distribution{ rate = 2, requests = 8 },
  log = "info",
}
