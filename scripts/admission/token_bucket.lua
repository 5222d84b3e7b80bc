-- Lua version of the built-in "token-bucket" admission policy (§B.1): a bucket of `capacity`
-- tokens, refilled at `refill_per_s` tokens per second of simulated time (never above capacity);
-- a request costs its prompt length; a rejection costs nothing. The arithmetic is the
-- reference's, in the same order, so decisions match the built-in one exactly.
--   admission = require("scripts.admission.token_bucket"){ capacity = 3000, refill_per_s = 2000 }
return function(options)
  local capacity, refill = options.capacity, options.refill_per_s
  assert(type(capacity) == "number" and capacity > 0, "token_bucket: capacity must be a number > 0")
  assert(type(refill) == "number" and refill > 0, "token_bucket: refill_per_s must be a number > 0")
  local tokens, last_refill = capacity, 0
  return function(req, cluster)
    local clock = cluster.clock_us
    local elapsed = clock - last_refill
    if elapsed > 0 then
      tokens = math.min(capacity, tokens + elapsed * refill / 1e6)
      last_refill = clock
    end
    local cost = req.input_tokens
    if tokens >= cost then
      tokens = tokens - cost
      return true
    end
    return false, "insufficient tokens"
  end
end
