-- An inference-perf config file, exactly as the harness ran it, run as the harness runs it
-- (docs/workloads.md, "inference-perf config files"): the resolved config of the sim2real A_
-- Llama-2-7b "codegen" run, whose two stages sent 3,000 and 6,000 requests (5 and 10 req/s for
-- 600 s each), from the 10 x 10 prompts the harness really built. After the metrics,
-- "=== inference-perf Stages ===" gives per-stage results shaped like the harness's
-- stage_N_lifecycle_metrics.json (the real ones are beside the config). The file is read the
-- same way under compat = "reference": it is a new input, not a reference behaviour.
--
--   build/blis scenarios/inference_perf_config.lua
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1,
            vllm_version = "vllm/vllm-openai:v0.8.4" },   -- coefficients from defaults.yaml
  workload = blis.workload.inference_perf{
    path = "tests/fixtures/inference_perf_config/codegen_config.yaml",
  },
}
