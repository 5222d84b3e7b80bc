#include "bindings/lua_workload.h"

#include <fmt/format.h>

#include <lua.hpp>
#include <map>
#include <new>
#include <stdexcept>
#include <queue>
#include <span>

#include "engine/core/error.h"
#include "engine/core/go_rand.h"
#include "bindings/gen_emit_fields.h"
#include "engine/core/partitioned_rng.h"

namespace blis::bindings {

namespace {

using namespace gen_emit;

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
      : vm_(vm),
        vm_alive_(vm.alive()),
        rng_(core::PartitionedRng::subsystem_seed(seed, "workload-lua")),
        where_(std::move(where)) {
    lua_State* L = vm_.state();
    thread_ = lua_newthread(L);
    thread_ref_ = vm_.ref();  // keeps the coroutine alive
    // gen: methods are C closures sharing one Lua-owned link to this source. The script may keep
    // `gen` past the run; the destructor then clears the link, so a late call is an error
    // instead of a use of this freed object.
    link_ = static_cast<Link*>(lua_newuserdata(L, sizeof(Link)));
    link_->source = this;
    link_ref_ = vm_.ref();
    lua_newtable(thread_);
    static const luaL_Reg kMethods[] = {{"emit", &LuaWorkloadSource::emit},       {"random", &LuaWorkloadSource::random},
                                        {"intn", &LuaWorkloadSource::intn},       {"exp", &LuaWorkloadSource::exponential},
                                        {"normal", &LuaWorkloadSource::normal}, {nullptr, nullptr}};
    for (const luaL_Reg* m = kMethods; m->name != nullptr; ++m) {
      vm_.push_ref(link_ref_);
      lua_xmove(L, thread_, 1);
      lua_pushstring(thread_, m->name);
      lua_pushcclosure(thread_, m->func, 2);
      lua_setfield(thread_, -2, m->name);
    }
    gen_index_ = lua_gettop(thread_);
    lua_rawgeti(thread_, LUA_REGISTRYINDEX, function_ref);
    lua_pushvalue(thread_, gen_index_);
    lua_remove(thread_, gen_index_);
  }

  ~LuaWorkloadSource() override {
    if (!*vm_alive_) return;  // the VM, and every gen object with it, is gone
    link_->source = nullptr;
    vm_.unref(link_ref_);
    vm_.unref(thread_ref_);
  }

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
  struct Link {
    LuaWorkloadSource* source;  // null once the run that opened the source is over
  };

  static LuaWorkloadSource& self(lua_State* L) {
    const Link* link = static_cast<const Link*>(lua_touserdata(L, lua_upvalueindex(1)));
    if (link->source == nullptr) {
      luaL_error(L, "gen:%s used after the run ended: the gen object is valid only while its generator runs",
                 lua_tostring(L, lua_upvalueindex(2)));
    }
    return *link->source;
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
    if (L != s.thread_) {
      return luaL_error(L, "gen:emit called outside the workload generator (from a policy, a report hook or a "
                           "coroutine the generator created): only the generator function itself may emit");
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    bool failed = false;
    try {
      s.read_request(L, 2);
    } catch (const Error& e) {
      s.error_ = e.what();
      failed = true;
    } catch (const std::bad_alloc&) {
      s.error_ = "out of memory reading " + s.reading_;
      failed = true;
    } catch (const std::length_error&) {
      s.error_ = "out of memory reading " + s.reading_;
      failed = true;
    }
    if (failed) return luaL_error(L, "gen:emit: %s", s.error_.c_str());  // raised outside the handler
    return lua_yield(L, 0);
  }

  // Tokens from `list_key` (explicit ids: marks the request literal) or `count_key` (that many
  // drawn ids), appended to `out`; `where` prefixes key names in messages ("follow_ups[2].").
  void read_tokens(lua_State* L, int t, const char* list_key, const char* count_key, const std::string& where,
                   workload::GeneratedRequest& r, std::vector<kv::Token>& out) {
    lua_getfield(L, t, list_key);
    if (lua_type(L, -1) == LUA_TTABLE) {
      const size_t n = lua_objlen(L, -1);
      check_tokens(static_cast<int64_t>(n), where + list_key, "has");
      reading_ = fmt::format("'{}{}' ({} tokens)", where, list_key, n);
      out.reserve(out.size() + n);
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, -1, static_cast<int>(i));
        if (lua_type(L, -1) != LUA_TNUMBER) {
          throw Error(fmt::format("'{}{}[{}]' must be a token id (number)", where, list_key, i));
        }
        out.push_back(static_cast<kv::Token>(lua_tonumber(L, -1)));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      r.sharing.literal = true;
    } else {
      if (!lua_isnil(L, -1)) throw Error(fmt::format("'{}{}' must be a list of token ids", where, list_key));
      lua_pop(L, 1);
      const int64_t count = token_count_of(number_field(L, t, count_key, true), where + count_key);
      reading_ = fmt::format("'{}{}' ({} tokens)", where, count_key, count);
      const size_t old = out.size();
      out.resize(old + static_cast<size_t>(count));
      rng_.fill_intn(kMaxTokenId, std::span<int64_t>(out).subspan(old));
    }
    if (static_cast<int64_t>(out.size()) > kMaxTokensPerRequest) {  // a prefix group or accumulated context came first
      throw Error(fmt::format("the prompt of {} would be {} tokens with its prefix and accumulated context; the limit "
                              "is {} tokens per request (docs/safety.md)",
                              where.empty() ? "the request" : where.substr(0, where.size() - 1), out.size(),
                              kMaxTokensPerRequest));
    }
  }

  void read_request(lua_State* L, int t) {
    check_keys(L, t, kEmitKeys, "");
    workload::GeneratedRequest r;
    const double at = number_field(L, t, "at_us", true);
    if (!(at >= 0) || at != std::floor(at) || at > 9.2e18) throw Error("'at_us' must be a whole number of µs >= 0");
    r.arrival = static_cast<Tick>(at);
    if (r.arrival < last_arrival_) {
      throw Error(fmt::format("arrival times must not decrease (at_us {} after {})", r.arrival, last_arrival_));
    }
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
        const int64_t length = token_count_of(number_field(L, t, "prefix_length", false, 50), "prefix_length");
        reading_ = fmt::format("'prefix_length' ({} tokens)", length);
        std::vector<kv::Token> prefix(static_cast<size_t>(length));
        rng_.fill_intn(kMaxTokenId, prefix);
        it = prefixes_.emplace(group, std::move(prefix)).first;
      }
      r.input = it->second;
      r.labels.prefix_group = group;
      r.sharing.group = group;
      r.sharing.group_tokens = static_cast<int64_t>(it->second.size());
    }
    read_tokens(L, t, "input", "input_tokens", "", r, r.input);
    read_tokens(L, t, "output", "output_tokens", "", r, r.output);
    lua_getfield(L, t, "accumulate");
    const bool accumulate = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    lua_getfield(L, t, "follow_ups");
    if (lua_type(L, -1) == LUA_TTABLE) {
      const int list = lua_gettop(L);
      const size_t n = lua_objlen(L, list);
      if (static_cast<int64_t>(n) > kMaxFollowUps) {
        throw Error(fmt::format("'follow_ups' has {} rounds; the limit is {} per session (docs/safety.md)", n,
                                kMaxFollowUps));
      }
      std::vector<kv::Token> context = r.input;
      context.insert(context.end(), r.output.begin(), r.output.end());
      Tick when = r.arrival;
      const int64_t session = sessions_;
      r.labels.session_id = string_field(L, t, "session");
      if (r.labels.session_id.empty()) r.labels.session_id = fmt::format("session_{}", session);
      r.sharing.session = session;
      std::vector<workload::GeneratedRequest> rounds;
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, list, static_cast<int>(i));
        const std::string where = fmt::format("follow_ups[{}].", i);
        if (lua_type(L, -1) != LUA_TTABLE) throw Error(fmt::format("'follow_ups[{}]' must be a table", i));
        const int item = lua_gettop(L);
        check_keys(L, item, kFollowUpKeys, where);
        workload::GeneratedRequest f;
        when += count_of(number_field(L, item, "after_us", true), where + "after_us");
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
        read_tokens(L, item, "input", "input_tokens", where, f, f.input);
        read_tokens(L, item, "output", "output_tokens", where, f, f.output);
        if (accumulate) {
          context = f.input;
          context.insert(context.end(), f.output.begin(), f.output.end());
        }
        rounds.push_back(std::move(f));
        lua_pop(L, 1);
      }
      // Only a request read without error changes the source's state.
      ++sessions_;
      for (auto& f : rounds) follow_ups_.push(FollowUp{f.arrival, seq_++, std::move(f)});
    } else if (!lua_isnil(L, -1)) {
      throw Error("'follow_ups' must be a list of tables");
    }
    lua_pop(L, 1);
    last_arrival_ = r.arrival;
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
    if (status == LUA_YIELD && has_lookahead_) {  // gen:emit handed over a request
      lua_settop(thread_, 0);
      return;
    }
    if (status == LUA_YIELD) {  // a coroutine.yield() of the script's own reached the engine
      finished_ = true;
      throw Error(fmt::format("workload generator ({}) failed after {} request(s): {}coroutine.yield() in a workload "
                              "generator: requests are handed to the engine only by gen:emit{{...}}, and a bare yield "
                              "would silently end the workload here",
                              where_, emitted_, yield_location()));
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

  // "file:line: " of the Lua code the suspended generator stopped in ("" when unknown).
  std::string yield_location() const {
    lua_Debug ar;
    for (int level = 0; lua_getstack(thread_, level, &ar) != 0; ++level) {
      lua_getinfo(thread_, "Sl", &ar);
      if (ar.currentline > 0) return fmt::format("{}:{}: ", ar.short_src, ar.currentline);
    }
    return "";
  }

  LuaVm& vm_;
  std::shared_ptr<const bool> vm_alive_;
  core::GoRand rng_;
  std::string where_;
  lua_State* thread_ = nullptr;
  int thread_ref_ = -1;
  Link* link_ = nullptr;  // Lua-owned (a userdata held by link_ref_ and the gen methods)
  int link_ref_ = -1;
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
  std::string reading_;  // the key whose tokens are being allocated, for an out-of-memory message
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
