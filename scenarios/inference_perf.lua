-- An inference-perf profile run as the harness runs it (docs/workloads.md, "inference-perf"):
-- the "general" profile of the sim2real A_ runs with its stages shortened from 600 s to 60 s.
-- Each stage sends exactly rate x duration requests at its own rate, from a pool of
-- 9 system prompts x 5 questions that is reused, so a prompt sent again hits the prefix cache.
-- After the metrics, "=== inference-perf Stages ===" gives per-stage results shaped like the
-- harness's stage_N_lifecycle_metrics.json. With compat = "reference" the same block is read
-- as the reference reads it: both stages at the 14 req/s average.
--
--   build/blis scenarios/inference_perf.lua
return blis.scenario{
  model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1,
            vllm_version = "vllm/vllm-openai:v0.8.4" },   -- coefficients from defaults.yaml
  instances = 2,
  workload = blis.workload.spec{
    seed = 42,
    inference_perf = {
      stages = { { rate = 8.0, duration = 60 }, { rate = 20.0, duration = 60 } },
      shared_prefix = {
        num_unique_system_prompts = 9, num_users_per_system_prompt = 5,
        system_prompt_len = 100, question_len = 447, output_len = 248,
      },
    },
  },
}
