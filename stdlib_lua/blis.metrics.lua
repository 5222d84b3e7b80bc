-- Metrics a report hook can compute from the run's results (cluster-workload-trace §E.5),
-- with the reference's definitions: Jain's fairness index and SLO attainment.
local M = {}

local util = require "blis.util"
local type, ipairs, error = type, ipairs, error


-- Jain's fairness index of { key = value }: 0 for none, 1 when all values are 0, else
-- (sum x)^2 / (n * sum x^2). Keys are visited in sorted order, so the sums are reproducible.
function M.jain_fairness(values)
  if type(values) ~= "table" then error("blis.jain_fairness expects a table of numbers", 2) end
  local n, sum, squares = 0, 0, 0
  for _, key in ipairs(util.sorted_keys(values)) do
    local x = values[key]
    if type(x) ~= "number" then error("blis.jain_fairness: value of '" .. tostring(key) .. "' is not a number", 2) end
    n, sum, squares = n + 1, sum + x, squares + x * x
  end
  if n == 0 then return 0 end
  if squares == 0 then return 1.0 end
  return (sum * sum) / (n * squares)
end


-- The share of completed requests whose E2E (ms) meets its SLO class's target; a class without
-- a target always meets it; 0 when nothing completed. `requests` is results.requests.
function M.slo_attainment(requests, e2e_target_ms)
  if type(requests) ~= "table" or type(e2e_target_ms) ~= "table" then
    error("blis.slo_attainment expects (results.requests, { class = target_ms })", 2)
  end
  local total, met = 0, 0
  for _, r in ipairs(requests) do
    if r.completed then
      total = total + 1
      local target = e2e_target_ms[r.slo_class]
      if target == nil or r.e2e_ms <= target then met = met + 1 end
    end
  end
  if total == 0 then return 0 end
  return met / total
end


-- Per-tenant completed output tokens per simulated second: the usual input to jain_fairness.
function M.tenant_throughput(results)
  local tokens = {}
  for _, r in ipairs(results.requests) do
    if r.completed then
      local tenant = r.tenant ~= "" and r.tenant or "default"
      tokens[tenant] = (tokens[tenant] or 0) + r.output_tokens
    end
  end
  local seconds = results.cluster.duration_s
  for tenant, count in pairs(tokens) do tokens[tenant] = seconds > 0 and count / seconds or 0 end
  return tokens
end


return M
