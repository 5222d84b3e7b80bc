-- A block size beyond any real cache (the reference loops forever on 2^63 - 1): rejected,
-- naming the key and the limit.
return blis.scenario{
  model = { name = "foo", alpha = { 100, 1, 50 }, beta = { 1000, 10, 5 } },
  engine = { block_size_tokens = "9223372036854775807" },
  workload = blis.workload.distribution{ rate = 10, requests = 1 },
}
