-- Finds the line of a key inside a call's table constructor in a Lua source file, so a config
-- error can point at `kv_blokcs = 100` rather than at the last line of a 40-line
-- `blis.scenario{...}`. Only used on the error path. It reads the file again and looks for the
-- literal key path; whenever the answer is not certain (computed keys, an aliased function, two
-- candidate calls) it returns nil and the caller blames the call's line instead.
local M = {}

local type, ipairs, jit = type, ipairs, jit
local byte, sub, find, match = string.byte, string.sub, string.find, string.match
local open = io.open

local OPENERS = { ["("] = ")", ["["] = "]", ["{"] = "}" }


-- Lua tokens: { kind = "name" | "string" | "number" | "op", text = ..., line = ... }. Strings
-- keep their raw contents (no escape processing): enough to compare plain keys.
local function tokenize(src)
  local tokens, n = {}, 0
  local i, line, len = 1, 1, #src

  local function push(kind, text)
    n = n + 1
    tokens[n] = { kind = kind, text = text, line = line }
  end

  local function count_lines(from, to)
    for k = from, to do
      if byte(src, k) == 10 then line = line + 1 end
    end
  end

  -- Long bracket at i ("[[", "[==["): returns the index after its end, or nil.
  local function long_bracket_end(at)
    local level = match(src, "^%[(=*)%[", at)
    if level == nil then return nil end
    local _, stop = find(src, "]" .. level .. "]", at, true)
    return (stop or len) + 1, #level
  end

  if sub(src, 1, 1) == "#" then  -- "#!" first line, skipped by LuaJIT as well
    i = find(src, "\n", 1, true) or len + 1
  end
  while i <= len do
    local c = sub(src, i, i)
    if c == "\n" then
      line = line + 1
      i = i + 1
    elseif find(c, "^%s") then
      i = i + 1
    elseif sub(src, i, i + 1) == "--" then
      local stop = long_bracket_end(i + 2)
      if stop then
        count_lines(i, stop - 1)
        i = stop
      else
        i = find(src, "\n", i, true) or len + 1
      end
    elseif find(c, "^[%a_]") then
      local name = match(src, "^[%w_]+", i)
      push("name", name)
      i = i + #name
    elseif find(c, "^%d") or (c == "." and find(sub(src, i + 1, i + 1), "^%d")) then
      local stop = i
      while stop <= len do
        local d = sub(src, stop, stop)
        if find(d, "^[%w_%.]") then
          stop = stop + 1
          if find(d, "^[eEpP]") and find(sub(src, stop, stop), "^[+-]") then stop = stop + 1 end
        else
          break
        end
      end
      push("number", sub(src, i, stop - 1))
      i = stop
    elseif c == '"' or c == "'" then
      local start, k = line, i + 1
      while k <= len do
        local d = sub(src, k, k)
        if d == "\\" then
          if sub(src, k + 1, k + 1) == "\n" then line = line + 1 end
          k = k + 2
        elseif d == c then
          break
        else
          if d == "\n" then line = line + 1 end
          k = k + 1
        end
      end
      n = n + 1
      tokens[n] = { kind = "string", text = sub(src, i + 1, k - 1), line = start }
      i = k + 1
    elseif c == "[" and long_bracket_end(i) then
      local stop = long_bracket_end(i)
      local start = line
      count_lines(i, stop - 1)
      n = n + 1
      tokens[n] = { kind = "string", text = "", line = start }
      i = stop
    else
      local three, two = sub(src, i, i + 2), sub(src, i, i + 1)
      if three == "..." then
        push("op", three)
        i = i + 3
      elseif two == "==" or two == "~=" or two == "<=" or two == ">=" or two == ".." or two == "::" then
        push("op", two)
        i = i + 2
      else
        push("op", c)
        i = i + 1
      end
    end
  end
  return tokens, n
end


-- For every opening bracket token, the index of its closing one.
local function match_brackets(tokens, n)
  local closing, stack, depth = {}, {}, 0
  for i = 1, n do
    local t = tokens[i]
    if t.kind == "op" then
      if OPENERS[t.text] then
        depth = depth + 1
        stack[depth] = i
      elseif t.text == ")" or t.text == "]" or t.text == "}" then
        if depth == 0 or OPENERS[tokens[stack[depth]].text] ~= t.text then return nil end
        closing[stack[depth]] = i
        depth = depth - 1
      end
    end
  end
  return closing
end


local function is_op(t, text)
  return t ~= nil and t.kind == "op" and t.text == text
end


-- Index of the "{" that opens the table argument of `name{...}` / `name({...})` when exactly
-- one such call in the file spans `line`.
local function find_call(tokens, n, closing, name, line)
  local found
  for i = 1, n - 1 do
    local t = tokens[i]
    if t.kind == "name" and t.text == name then
      local brace, last = nil, nil
      if is_op(tokens[i + 1], "{") then
        brace = i + 1
        last = closing[brace]
      elseif is_op(tokens[i + 1], "(") and is_op(tokens[i + 2], "{") then
        brace = i + 2
        last = closing[i + 1]
      end
      if brace and last and t.line <= line and line <= tokens[last].line then
        if found then return nil end  -- ambiguous
        found = brace
      end
    end
  end
  return found
end


-- The line of key_path[depth..] inside the constructor opening at `brace`. Nested values are
-- followed when they are literal constructors, possibly behind a call (`blis.workload.preset{`).
local function key_in_constructor(tokens, closing, brace, key_path, depth)
  local key = key_path[depth]
  local stop = closing[brace]
  local key_token, value_at
  local j = brace + 1
  while j < stop do
    local t, field_key, field_token, value = tokens[j], nil, nil, j
    if t.kind == "name" and is_op(tokens[j + 1], "=") then
      field_key, field_token, value = t.text, t, j + 2
    elseif is_op(t, "[") and closing[j] then
      local inner = tokens[j + 1]
      if inner.kind == "string" and closing[j] == j + 2 then field_key, field_token = inner.text, inner end
      value = closing[j] + 2
    end
    -- the value runs to the next "," or ";" at this level
    local e = value
    while e < stop and not (is_op(tokens[e], ",") or is_op(tokens[e], ";")) do
      e = (closing[e] or e) + 1
    end
    if field_key == key then key_token, value_at = field_token, value end  -- the last one wins
    j = e + 1
  end
  if key_token == nil then return nil end
  if depth < #key_path then
    local v = value_at
    if tokens[v] and tokens[v].kind == "name" then
      while is_op(tokens[v + 1], ".") and tokens[v + 2] and tokens[v + 2].kind == "name" do v = v + 2 end
      v = v + 1
      if is_op(tokens[v], "(") then v = v + 1 end
    end
    if is_op(tokens[v], "{") and closing[v] then
      local deeper = key_in_constructor(tokens, closing, v, key_path, depth + 1)
      if deeper then return deeper end
    end
  end
  return key_token.line
end


-- The line of `key_path` (a list of keys; only its leading string keys are used) in the table
-- passed to the call of `function_name` that spans line `call_line` of file `path`, or nil.
function M.key_line(path, call_line, function_name, key_path)
  local names = {}
  for i = 1, #key_path do
    if type(key_path[i]) ~= "string" then break end
    names[i] = key_path[i]
  end
  if #names == 0 or function_name == nil then return nil end
  local file = open(path, "rb")
  if file == nil then return nil end
  local src = file:read("*a")
  file:close()
  if src == nil then return nil end
  local tokens, n = tokenize(src)
  local closing = match_brackets(tokens, n)
  if closing == nil then return nil end
  local brace = find_call(tokens, n, closing, function_name, call_line)
  if brace == nil then return nil end
  return key_in_constructor(tokens, closing, brace, names, 1)
end


-- Scenario files are small and scanned once: compiling these loops to machine code costs far
-- more than interpreting them (measured: 5.5M instructions for a 300-byte file, most of them
-- trace compilation).
if jit ~= nil then
  for _, f in ipairs({ tokenize, match_brackets, find_call, key_in_constructor }) do jit.off(f) end
end

-- Tokenized files by path, for key_lines: an experiment loads the same scenario for every point.
local parsed = {}

-- The lines of several key paths (each a list of keys) in one call's table constructor, reading
-- and tokenizing each file once per run: { [i] = line or nil }.
function M.key_lines(path, call_line, function_name, key_paths)
  local out = {}
  if function_name == nil then return out end
  local p = parsed[path]
  if p == nil then
    p = false
    local file = open(path, "rb")
    local src = file and file:read("*a")
    if file then file:close() end
    if src ~= nil then
      local tokens, n = tokenize(src)
      local closing = match_brackets(tokens, n)
      if closing ~= nil then p = { tokens = tokens, n = n, closing = closing } end
    end
    parsed[path] = p
  end
  if not p then return out end
  local tokens, n, closing = p.tokens, p.n, p.closing
  local brace = find_call(tokens, n, closing, function_name, call_line)
  if brace == nil then return out end
  for i = 1, #key_paths do
    local names = {}
    for j = 1, #key_paths[i] do
      if type(key_paths[i][j]) ~= "string" then break end
      names[j] = key_paths[i][j]
    end
    if #names > 0 then out[i] = key_in_constructor(tokens, closing, brace, names, 1) end
  end
  return out
end


M._tokenize = tokenize  -- for tests

return M
