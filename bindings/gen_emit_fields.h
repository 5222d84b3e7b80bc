// Reading the table given to gen:emit{...} (bindings/lua_workload.cpp): typed fields, unknown
// keys with a did-you-mean, and the caps on what one request may ask for. Every function throws
// blis::Error with a message naming the key; emit prefixes it with "gen:emit: ".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/input_limits.h"

struct lua_State;

namespace blis::bindings::gen_emit {

// Tokens in one request's prompt or output, and rounds of one session's follow_ups: the same
// caps as every other workload source (docs/safety.md). Far above any real model's context, low
// enough that what they admit fits in memory: a request over them is an error naming the key,
// never a multi-gigabyte allocation.
inline constexpr int64_t kMaxTokensPerRequest = core::limits::kMaxTokensPerRequest;
inline constexpr int64_t kMaxFollowUps = core::limits::kMaxSessionRounds;

// The keys gen:emit{...} and its follow_ups items read; anything else is a mistake.
extern const std::vector<std::string> kEmitKeys;
extern const std::vector<std::string> kFollowUpKeys;

// t[key] as a number; `fallback` when nil and not required.
double number_field(lua_State* L, int t, const char* key, bool required, double fallback = 0);
// t[key] as a string; "" when nil.
std::string string_field(lua_State* L, int t, const char* key);
// A whole number >= 0, at most 1e12 (`key` names it in messages).
int64_t count_of(double v, const std::string& key);
// A whole number of tokens >= 0, at most kMaxTokensPerRequest.
int64_t token_count_of(double v, const std::string& key);
// Rejects n > kMaxTokensPerRequest: "'<key>' <verb> <n> tokens; the limit is ...".
void check_tokens(int64_t n, const std::string& key, const char* verb);
// Rejects keys of table `t` not in `known`, naming the closest known one (blis.util.closest);
// `where` prefixes keys in messages ("follow_ups[2]."). Sorted, so the message does not depend
// on the table's iteration order.
void check_keys(lua_State* L, int t, const std::vector<std::string>& known, const std::string& where);

}  // namespace blis::bindings::gen_emit
