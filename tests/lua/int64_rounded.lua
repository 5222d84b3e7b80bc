-- 2^63 - 1 written as a plain number rounds to 2^63, outside int64: an error with advice
return blis.scenario{
  horizon_us = 9223372036854775807,
}
