-- Shared pieces of the hypothesis experiments: the model every experiment simulates.
local M = {}

-- Llama-3.1-8B on H100 (TP 1) with the trained coefficients of model_configs/defaults.yaml.
M.model = { name = "meta-llama/llama-3.1-8b-instruct", gpu = "H100", tp = 1,
            vllm_version = "vllm/vllm-openai:v0.8.4" }
M.defaults_file = "model_configs/defaults.yaml"

return M
