#include "bindings/lua_workload.h"

#include <fmt/format.h>

#include <lua.hpp>
#include <map>
#include <queue>
#include <span>

#include "engine/core/error.h"
#include "engine/core/go_rand.h"
#include "engine/core/partitioned_rng.h"

namespace blis::bindings {

namespace {

constexpr int64_t kMaxTokenId = 128000;

// One follow-up round of a session, waiting for its arrival time.
struct FollowUp {
  Tick arrival;
  int64_t seq;
  workload::GeneratedRequest request;
};
struct Later {
  bool operator()(const FollowUp& a, const FollowUp& b) const {
    return a.arrival != b.arrival ? a.arrival > b.arrival : a.seq > b.seq;
  }
};

class LuaWorkloadSource final : public workload::RequestSource {
 public:
  LuaWorkloadSource(LuaVm& vm, int function_ref, int64_t seed, std::string where)
      : vm_(vm), rng_(core::PartitionedRng::subsystem_seed(seed, "workload-lua")), where_(std::move(where)) {
    lua_State* L = vm_.state();
    thread_ = lua_newthread(L);
    thread_ref_ = vm_.ref();  // keeps the coroutine alive
    // gen: methods are C closures with this source as their upvalue.
    lua_newtable(thread_);
    static const luaL_Reg kMethods[] = {{"emit", &LuaWorkloadSource::emit},       {"random", &LuaWorkloadSource::random},
                                        {"intn", &LuaWorkloadSource::intn},       {"exp", &LuaWorkloadSource::exponential},
                                        {"normal", &LuaWorkloadSource::normal}, {nullptr, nullptr}};
    for (const luaL_Reg* m = kMethods; m->name != nullptr; ++m) {
      lua_pushlightuserdata(thread_, this);
      lua_pushcclosure(thread_, m->func, 1);
      lua_setfield(thread_, -2, m->name);
    }
    gen_index_ = lua_gettop(thread_);
    lua_rawgeti(thread_, LUA_REGISTRYINDEX, function_ref);
    lua_pushvalue(thread_, gen_index_);
    lua_remove(thread_, gen_index_);
  }

  ~LuaWorkloadSource() override { vm_.unref(thread_ref_); }

  bool next(workload::GeneratedRequest& out) override {
    if (!has_lookahead_ && !finished_) pull();
    const bool take_follow_up = !follow_ups_.empty() && (!has_lookahead_ || follow_ups_.top().arrival < lookahead_.arrival);
    if (take_follow_up) {
      out = std::move(const_cast<FollowUp&>(follow_ups_.top()).request);
      follow_ups_.pop();
    } else if (has_lookahead_) {
      out = std::move(lookahead_);
      has_lookahead_ = false;
    } else {
      return false;
    }
    out.id = emitted_++;
    return true;
  }

 private:
  static LuaWorkloadSource& self(lua_State* L) {
    return *static_cast<LuaWorkloadSource*>(lua_touserdata(L, lua_upvalueindex(1)));
  }
  static int random(lua_State* L) {
    lua_pushnumber(L, self(L).rng_.float64());
    return 1;
  }
  static int exponential(lua_State* L) {
    lua_pushnumber(L, self(L).rng_.exp_float64());
    return 1;
  }
  static int normal(lua_State* L) {
    lua_pushnumber(L, self(L).rng_.norm_float64());
    return 1;
  }
  static int intn(lua_State* L) {
    const lua_Number n = luaL_checknumber(L, 2);
    if (!(n >= 1) || n > 9.2e18) return luaL_error(L, "gen:intn(n) needs n >= 1, got %f", n);
    lua_pushnumber(L, static_cast<lua_Number>(self(L).rng_.intn(static_cast<int64_t>(n))));
    return 1;
  }

  // gen:emit{ at_us, input_tokens | input, output_tokens | output, prefix_group, prefix_length,
  //           slo_class, tenant, follow_ups = { {after_us, input_tokens | input, output_tokens | output}, ... },
  //           accumulate = true }
  static int emit(lua_State* L) {
    LuaWorkloadSource& s = self(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    bool failed = false;
    try {
      s.read_request(L, 2);
    } catch (const Error& e) {
      s.error_ = e.what();
      failed = true;
    }
    if (failed) return luaL_error(L, "gen:emit: %s", s.error_.c_str());  // raised outside the handler
    return lua_yield(L, 0);
  }

  static double number_field(lua_State* L, int t, const char* key, bool required, double fallback = 0) {
    lua_getfield(L, t, key);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      if (required) throw Error(fmt::format("'{}' is required", key));
      return fallback;
    }
    if (lua_type(L, -1) != LUA_TNUMBER) throw Error(fmt::format("'{}' must be a number, got {}", key, luaL_typename(L, -1)));
    const double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
  }
  static std::string string_field(lua_State* L, int t, const char* key) {
    lua_getfield(L, t, key);
    std::string v;
    if (lua_type(L, -1) == LUA_TSTRING) v = lua_tostring(L, -1);
    else if (!lua_isnil(L, -1)) throw Error(fmt::format("'{}' must be a string, got {}", key, luaL_typename(L, -1)));
    lua_pop(L, 1);
    return v;
  }
  static int64_t count_of(double v, const char* key) {
    if (!(v >= 0) || v != std::floor(v) || v > 1e12) throw Error(fmt::format("'{}' must be a whole number >= 0", key));
    return static_cast<int64_t>(v);
  }

  // Tokens from `list_key` (explicit ids: marks the request literal) or `count_key` (that many
  // drawn ids).
  void read_tokens(lua_State* L, int t, const char* list_key, const char* count_key, workload::GeneratedRequest& r,
                   std::vector<kv::Token>& out) {
    lua_getfield(L, t, list_key);
    if (lua_type(L, -1) == LUA_TTABLE) {
      const size_t n = lua_objlen(L, -1);
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, -1, static_cast<int>(i));
        if (lua_type(L, -1) != LUA_TNUMBER) throw Error(fmt::format("'{}[{}]' must be a token id (number)", list_key, i));
        out.push_back(static_cast<kv::Token>(lua_tonumber(L, -1)));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      r.sharing.literal = true;
      return;
    }
    if (!lua_isnil(L, -1)) throw Error(fmt::format("'{}' must be a list of token ids", list_key));
    lua_pop(L, 1);
    const int64_t count = count_of(number_field(L, t, count_key, true), count_key);
    const size_t old = out.size();
    out.resize(old + static_cast<size_t>(count));
    rng_.fill_intn(kMaxTokenId, std::span<int64_t>(out).subspan(old));
  }

  void read_request(lua_State* L, int t) {
    workload::GeneratedRequest r;
    const double at = number_field(L, t, "at_us", true);
    if (!(at >= 0) || at != std::floor(at) || at > 9.2e18) throw Error("'at_us' must be a whole number of µs >= 0");
    r.arrival = static_cast<Tick>(at);
    if (r.arrival < last_arrival_) {
      throw Error(fmt::format("arrival times must not decrease (at_us {} after {})", r.arrival, last_arrival_));
    }
    last_arrival_ = r.arrival;
    r.slo_class = string_field(L, t, "slo_class");
    r.tenant_id = string_field(L, t, "tenant");
    r.labels.client_id = string_field(L, t, "client");
    lua_getfield(L, t, "streaming");
    if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) throw Error("'streaming' must be a boolean");
    r.labels.streaming = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    const std::string group = string_field(L, t, "prefix_group");
    if (!group.empty()) {
      auto it = prefixes_.find(group);
      if (it == prefixes_.end()) {
        const int64_t length = count_of(number_field(L, t, "prefix_length", false, 50), "prefix_length");
        std::vector<kv::Token> prefix(static_cast<size_t>(length));
        rng_.fill_intn(kMaxTokenId, prefix);
        it = prefixes_.emplace(group, std::move(prefix)).first;
      }
      r.input = it->second;
      r.labels.prefix_group = group;
      r.sharing.group = group;
      r.sharing.group_tokens = static_cast<int64_t>(it->second.size());
    }
    read_tokens(L, t, "input", "input_tokens", r, r.input);
    read_tokens(L, t, "output", "output_tokens", r, r.output);
    lua_getfield(L, t, "accumulate");
    const bool accumulate = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    lua_getfield(L, t, "follow_ups");
    if (lua_type(L, -1) == LUA_TTABLE) {
      const int list = lua_gettop(L);
      const size_t n = lua_objlen(L, list);
      std::vector<kv::Token> context = r.input;
      context.insert(context.end(), r.output.begin(), r.output.end());
      Tick when = r.arrival;
      const int64_t session = sessions_++;
      r.labels.session_id = string_field(L, t, "session");
      if (r.labels.session_id.empty()) r.labels.session_id = fmt::format("session_{}", session);
      r.sharing.session = session;
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, list, static_cast<int>(i));
        if (lua_type(L, -1) != LUA_TTABLE) throw Error(fmt::format("'follow_ups[{}]' must be a table", i));
        const int item = lua_gettop(L);
        workload::GeneratedRequest f;
        when += count_of(number_field(L, item, "after_us", true), "after_us");
        f.arrival = when;
        f.slo_class = r.slo_class;
        f.tenant_id = r.tenant_id;
        f.labels.client_id = r.labels.client_id;
        f.labels.streaming = r.labels.streaming;
        f.labels.session_id = r.labels.session_id;
        f.labels.round_index = static_cast<int64_t>(i);
        f.sharing.session = session;
        f.sharing.literal = r.sharing.literal;
        if (accumulate) {
          f.input = context;
          f.sharing.session_tokens = static_cast<int64_t>(context.size());
        }
        read_tokens(L, item, "input", "input_tokens", f, f.input);
        read_tokens(L, item, "output", "output_tokens", f, f.output);
        if (accumulate) {
          context = f.input;
          context.insert(context.end(), f.output.begin(), f.output.end());
        }
        follow_ups_.push(FollowUp{f.arrival, seq_++, std::move(f)});
        lua_pop(L, 1);
      }
    } else if (!lua_isnil(L, -1)) {
      throw Error("'follow_ups' must be a list of tables");
    }
    lua_pop(L, 1);
    lookahead_ = std::move(r);
    has_lookahead_ = true;
  }

  // Resumes the generator until it emits (yields) or returns.
  void pull() {
    const int nargs = started_ ? 0 : 1;
    started_ = true;
    int status = 0;
    {
      LuaVm::UserCall call(vm_, "workload generator", where_);  // the budget and the watchdog cover each resume
      status = lua_resume(thread_, nargs);
    }
    if (status == LUA_YIELD) {
      lua_settop(thread_, 0);
      return;
    }
    if (status == 0) {
      finished_ = true;
      return;
    }
    const std::string memory = status == LUA_ERRMEM ? vm_.failure_text(status) : "";
    const char* message = status == LUA_ERRMEM ? memory.c_str() : lua_tostring(thread_, -1);
    luaL_traceback(vm_.state(), thread_, message != nullptr ? message : "(error object is not a string)", 0);
    std::string text = lua_tostring(vm_.state(), -1);
    lua_pop(vm_.state(), 1);
    finished_ = true;
    throw Error(fmt::format("workload generator ({}) failed after {} request(s): {}", where_, emitted_, text));
  }

  LuaVm& vm_;
  core::GoRand rng_;
  std::string where_;
  lua_State* thread_ = nullptr;
  int thread_ref_ = -1;
  int gen_index_ = 0;
  bool started_ = false, finished_ = false;
  bool has_lookahead_ = false;
  workload::GeneratedRequest lookahead_;
  Tick last_arrival_ = 0;
  int64_t emitted_ = 0;
  int64_t seq_ = 0;
  int64_t sessions_ = 0;
  std::map<std::string, std::vector<kv::Token>> prefixes_;
  std::string error_;  // the message of a rejected emit, kept while Lua raises it
  std::priority_queue<FollowUp, std::vector<FollowUp>, Later> follow_ups_;
};

}  // namespace

LuaWorkload::LuaWorkload(LuaVm& vm, std::string where) : vm_(vm), vm_alive_(vm.alive()), where_(std::move(where)) {
  function_ref_ = vm_.ref();
}

LuaWorkload::~LuaWorkload() {
  if (*vm_alive_ && function_ref_ >= 0) vm_.unref(function_ref_);
}

std::unique_ptr<workload::RequestSource> LuaWorkload::open(int64_t seed) {
  return std::make_unique<LuaWorkloadSource>(vm_, function_ref_, seed, where_);
}

}  // namespace blis::bindings
