-- The results of blis.search (docs/planning.md, docs/output.md "Search results"): a plain
-- structure (res.configs, res.best, res.pareto), a readable report (res:table()), JSON and CSV.
-- The JSON is the data an HTML writer would draw from.
local M = {}

local internal = require("blis.experiment")._internal
local num, exact, json_string, csv_field, render = internal.number_text, internal.exact, internal.json_string,
  internal.csv_field, internal.render
local ipairs, format, concat, type = ipairs, string.format, table.concat, type

local writer = require("blis.experiment")._hand_writer()

local Results = {}
Results.__index = Results

function M.new(plan, best, pareto, pareto_cost)
  for i, c in ipairs(best) do c.rank = i end
  return setmetatable({ plan = plan, name = plan.name, objective = plan.objective, rate = plan.rate,
                        configs = plan.configs, best = best, pareto = pareto, pareto_cost = pareto_cost }, Results)
end

local function money(v) return v and format("%.2f", v) or "-" end
local function rate_text(v) return v and format("%.4g", v) or "-" end

local function knee_text(k)
  if k == nil then return "-" end
  if k.status == "below_range" then return "< " .. rate_text(k.high) end
  if k.status == "above_range" then return ">= " .. rate_text(k.low) end
  return format("%s (< %s)", rate_text(k.low), rate_text(k.high))
end

local function stat_text(s)
  if s == nil then return "-" end
  return format("%s [%s, %s]", num(s.mean), num(s.low), num(s.high))
end

-- The header lines: what was searched and how it is judged.
function Results:header()
  local p = self.plan
  local lines = {}
  local goal = p.objective == "highest_rate" and "highest_rate (the highest knee)"
               or format("%s at %s req/s", p.objective, rate_text(p.rate))
  lines[1] = format("search%s: %s; %d configuration%s x %d seed%s", p.name and (" \"" .. p.name .. "\"") or "", goal,
                    #p.configs, #p.configs == 1 and "" or "s", #p.seeds, #p.seeds == 1 and "" or "s")
  local slo = {}
  for _, l in ipairs(p.slo.limits) do slo[#slo + 1] = format("%s <= %.6g", l.metric, l.max) end
  if p.slo.attainment then
    local t = {}
    for _, x in ipairs(p.slo.attainment.targets) do t[#t + 1] = format("%s <= %.6g", x.metric, x.max) end
    slo[#slo + 1] = format("at least %.6g of requests completing with %s", p.slo.attainment.fraction, concat(t, " and "))
  end
  lines[2] = format("SLO: %s; judged on the %s across seeds", concat(slo, ", "),
                    p.judge == "upper_ci" and "95% confidence bound" or "mean")
  if p.knee then
    lines[3] = format("knee: the highest rate meeting the SLO, by bisection in [%s, %s] req/s to %s",
                      rate_text(p.knee.low), rate_text(p.knee.high),
                      p.knee.step and (rate_text(p.knee.step) .. " req/s") or format("%.6g%%", p.knee.tolerance * 100))
  end
  return concat(lines, "\n") .. "\n"
end

-- One row per configuration: ranked feasible ones first, then the others in their order.
function Results:rows()
  local p = self.plan
  local header = { "rank" }
  for _, k in ipairs(p.knobs) do header[#header + 1] = k.name end
  local first_number = #header + 1
  -- The catalog's name of the GPU, unless a knob already names it.
  local gpu_column = true
  for _, k in ipairs(p.knobs) do gpu_column = gpu_column and k.name ~= "gpu" end
  if gpu_column then header[#header + 1] = "gpu" end
  header[#header + 1] = "GPUs"
  header[#header + 1] = "$/hour"
  if p.rate then
    header[#header + 1] = format("at %s req/s", rate_text(p.rate))
    header[#header + 1] = "seeds ok"
    header[#header + 1] = p.pareto_metric .. " mean [95% CI]"
  end
  if p.knee then header[#header + 1] = "knee req/s" end
  local rows = { header }
  local ordered = {}
  for i, c in ipairs(self.best) do
    if p.top == nil or i <= p.top then ordered[#ordered + 1] = c end
  end
  for _, c in ipairs(p.configs) do
    if not c.feasible then ordered[#ordered + 1] = c end
  end
  for _, c in ipairs(ordered) do
    local row = { c.rank and format("%d", c.rank) or "-" }
    for _, k in ipairs(p.knobs) do row[#row + 1] = c.labels[k.name] end
    if gpu_column then row[#row + 1] = c.resources.gpu or "-" end
    row[#row + 1] = format("%d", c.resources.gpus)
    row[#row + 1] = money(c.resources.usd_per_hour)
    if p.rate then
      row[#row + 1] = c.target.meets and "meets" or "fails"
      row[#row + 1] = format("%d/%d", c.target.seeds_meeting, c.target.seeds)
      row[#row + 1] = stat_text(c.target.metrics[p.pareto_metric])
    end
    if p.knee then row[#row + 1] = knee_text(c.knee) end
    rows[#rows + 1] = row
  end
  return rows, first_number
end

-- The report: header, the table, the best configuration, the Pareto front, what failed and why,
-- and any evidence that meeting the SLO is not monotone in the rate.
function Results:table()
  local out = { self:header(), "\n" }
  out[#out + 1] = render(self:rows())
  local hidden = self.plan.top and #self.best - self.plan.top or 0
  if hidden > 0 then
    out[#out + 1] = format("(%d more feasible configuration%s below the top %d: res.best, --json)\n", hidden,
                           hidden == 1 and "" or "s", self.plan.top)
  end
  local best = self.best[1]
  if best then
    out[#out + 1] = format("best: %s (%d GPU%s%s%s)\n", best.text, best.resources.gpus,
                           best.resources.gpus == 1 and "" or "s",
                           best.resources.usd_per_hour and format(", $%s/hour", money(best.resources.usd_per_hour)) or "",
                           best.knee_rate and format(", holds %s req/s", rate_text(best.knee_rate)) or "")
  else
    out[#out + 1] = "best: no configuration meets the SLO\n"
  end
  if #self.pareto > 0 then
    local by_knee = self.objective == "highest_rate"
    local parts = {}
    for _, c in ipairs(self.pareto) do
      parts[#parts + 1] = format("%s (%s, %s)", c.text, self.pareto_cost == "gpus" and format("%d GPUs", c.resources.gpus)
                                 or "$" .. money(c.resources.usd_per_hour),
                                 by_knee and (rate_text(c.knee_rate) .. " req/s") or num(c.latency))
    end
    out[#out + 1] = format("Pareto front (%s vs %s): %s\n", self.pareto_cost == "gpus" and "GPUs" or "$/hour",
                           by_knee and "knee" or (self.plan.pareto_metric .. " mean at the target rate"),
                           concat(parts, "; "))
  end
  for _, c in ipairs(self.configs) do
    if not c.feasible then out[#out + 1] = format("fails: %s: %s\n", c.text, c.why or "-") end
  end
  for _, c in ipairs(self.configs) do
    if c.non_monotone then
      out[#out + 1] = format("warning: %s fails at %s req/s but meets at %s req/s: the SLO is not monotone in the "
                             .. "rate here, so its knee is only a bracket the bisection found\n", c.text,
                             rate_text(c.non_monotone.fails_at), rate_text(c.non_monotone.meets_at))
    end
  end
  return concat(out) .. "\n"
end

function Results:print()
  io.write(self:table())
end

local function jnum(v)
  if v == nil then return "null" end
  if v ~= v or v == math.huge or v == -math.huge then return json_string(exact(v)) end
  return exact(v)
end

local function judgement_json(j)
  local metrics = {}
  for _, name in ipairs(require("blis.util").sorted_keys(j.metrics)) do
    local s = j.metrics[name]
    metrics[#metrics + 1] = format("%s: {\"mean\": %s, \"ci_low\": %s, \"ci_high\": %s}", json_string(name),
                                   jnum(s.mean), jnum(s.low), jnum(s.high))
  end
  return format("{\"rate_per_s\": %s, \"meets\": %s, \"seeds_meeting\": %d, \"seeds\": %d, \"metrics\": {%s}, \"why\": %s}",
                jnum(j.rate), tostring(j.meets), j.seeds_meeting, j.seeds, concat(metrics, ", "),
                j.why and json_string(j.why) or "null")
end

-- JSON (schema blis-search/1, docs/output.md): the plan, every configuration with every rate it
-- was judged at, the ranking and the Pareto front (by configuration index).
function Results:json()
  local p = self.plan
  local configs = {}
  for _, c in ipairs(p.configs) do
    local knobs = {}
    for _, k in ipairs(p.knobs) do knobs[#knobs + 1] = json_string(k.name) .. ": " .. json_string(c.labels[k.name]) end
    local judged = {}
    for _, j in ipairs(c.judged) do judged[#judged + 1] = "        " .. judgement_json(j) end
    local knee = "null"
    if c.knee then
      knee = format("{\"status\": %s, \"rate_per_s\": %s, \"fails_at_rate_per_s\": %s}", json_string(c.knee.status),
                    jnum(c.knee.low), jnum(c.knee.high))
    end
    configs[#configs + 1] = format(
      "    {\"index\": %d, \"knobs\": {%s}, \"gpu\": %s, \"gpus\": %d, \"usd_per_hour\": %s, \"feasible\": %s, "
      .. "\"rank\": %s, \"why\": %s, \"knee\": %s, \"non_monotone\": %s,\n      \"judged\": [\n%s\n      ]}",
      c.index, concat(knobs, ", "), c.resources.gpu and json_string(c.resources.gpu) or "null", c.resources.gpus,
      jnum(c.resources.usd_per_hour), tostring(c.feasible), c.rank and format("%d", c.rank) or "null",
      c.why and json_string(c.why) or "null", knee,
      c.non_monotone and format("{\"fails_at_rate_per_s\": %s, \"meets_at_rate_per_s\": %s}",
                                jnum(c.non_monotone.fails_at), jnum(c.non_monotone.meets_at)) or "null",
      concat(judged, ",\n"))
  end
  local function indices(list)
    local out = {}
    for i, c in ipairs(list) do out[i] = format("%d", c.index) end
    return "[" .. concat(out, ", ") .. "]"
  end
  local slo = {}
  for _, l in ipairs(p.slo.limits) do slo[#slo + 1] = format("%s: %s", json_string(l.metric), jnum(l.max)) end
  if p.slo.attainment then
    local t = {}
    for _, x in ipairs(p.slo.attainment.targets) do t[#t + 1] = format("%s: %s", json_string(x.metric), jnum(x.max)) end
    slo[#slo + 1] = format("\"attainment\": {%s, \"fraction\": %s}", concat(t, ", "), jnum(p.slo.attainment.fraction))
  end
  local seeds = {}
  for i, s in ipairs(p.seeds) do seeds[i] = format("%d", s) end
  local knee = p.knee and format("{\"low_rate_per_s\": %s, \"high_rate_per_s\": %s, \"tolerance\": %s, \"step_rate_per_s\": %s}",
                                 jnum(p.knee.low), jnum(p.knee.high), jnum(p.knee.tolerance), jnum(p.knee.step)) or "null"
  return format("{\n  \"schema\": \"blis-search/1\",\n  \"search\": %s,\n  \"objective\": %s,\n  \"target_rate_per_s\": %s,\n"
                .. "  \"judge\": %s,\n  \"seeds\": [%s],\n  \"slo\": {%s},\n  \"knee\": %s,\n  \"pareto_metric\": %s,\n"
                .. "  \"pareto_cost\": %s,\n  \"best\": %s,\n  \"pareto\": %s,\n  \"configs\": [\n%s\n  ]\n}\n",
                p.name and json_string(p.name) or "null", json_string(p.objective), jnum(p.rate), json_string(p.judge),
                concat(seeds, ", "), concat(slo, ", "), knee, json_string(p.pareto_metric), json_string(self.pareto_cost),
                indices(self.best), indices(self.pareto), concat(configs, ",\n"))
end

-- CSV: one row per configuration (knobs, resources, verdict at the target rate, knee).
function Results:csv()
  local p = self.plan
  local header = { "config" }
  for _, k in ipairs(p.knobs) do header[#header + 1] = csv_field(k.name) end
  for _, h in ipairs({ "gpu", "gpus", "usd_per_hour", "feasible", "rank", "target_rate_per_s", "meets_at_target",
                       "seeds_meeting", p.pareto_metric .. "_mean", "knee_status", "knee_rate_per_s",
                       "knee_fails_at_rate_per_s", "why" }) do
    header[#header + 1] = csv_field(h)
  end
  local lines = { concat(header, ",") }
  local function cell(v) return v == nil and "" or exact(v) end
  for _, c in ipairs(p.configs) do
    local row = { format("%d", c.index) }
    for _, k in ipairs(p.knobs) do row[#row + 1] = csv_field(c.labels[k.name]) end
    local t, s = c.target, c.target and c.target.metrics[p.pareto_metric]
    for _, v in ipairs({ csv_field(c.resources.gpu or ""), format("%d", c.resources.gpus), cell(c.resources.usd_per_hour),
                         tostring(c.feasible), c.rank and format("%d", c.rank) or "", cell(p.rate),
                         t and tostring(t.meets) or "", t and format("%d", t.seeds_meeting) or "", cell(s and s.mean),
                         c.knee and c.knee.status or "", cell(c.knee and c.knee.low), cell(c.knee and c.knee.high),
                         csv_field(c.why or "") }) do
      row[#row + 1] = v
    end
    lines[#lines + 1] = concat(row, ",")
  end
  return concat(lines, "\n") .. "\n"
end

function Results:write_json(path) internal.write_through(writer, path, self:json(), "the search JSON file") end
function Results:write_csv(path) internal.write_through(writer, path, self:csv(), "the search CSV file") end

return M
