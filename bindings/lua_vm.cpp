#include "bindings/lua_vm.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <lua.hpp>
#include <string>
#include <vector>

#include "bindings/blis_ffi.h"
#include "bindings/embedded_stdlib.h"
#include "bindings/safety_options.h"
#include "engine/catalog/data_dir.h"
#include "engine/catalog/gpu_catalog.h"
#include "engine/core/atomic_file.h"
#include "engine/core/corrections.h"
#include "engine/core/error.h"
#include "engine/core/os_error.h"

namespace blis::bindings {

// Where user code was last seen executing. Written by the line hook, read by blis.host.
struct LuaVm::LineTracker {
  bool active = false;
  std::string source;     // chunk name, "@path" for files
  std::string short_src;  // Lua's display form of it, as used in its own error messages
  int line = 0;
};

namespace {

// Registry keys (their addresses) under which the VM keeps a pointer to its LineTracker and to
// itself.
const char kTrackerKey = 0;
const char kVmKey = 0;

bool is_stdlib(const char* source) {
  return source != nullptr &&
         std::strncmp(source, LuaVm::kStdlibChunkPrefix.data(), LuaVm::kStdlibChunkPrefix.size()) == 0;
}

LuaVm::LineTracker* tracker_of(lua_State* L) {
  lua_pushlightuserdata(L, const_cast<char*>(&kTrackerKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* tracker = static_cast<LuaVm::LineTracker*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return tracker;
}

// "file:line: " of the innermost user frame (not the stdlib's), or "".
std::string user_position(lua_State* L, int first_level) {
  lua_Debug ar;
  for (int level = first_level; lua_getstack(L, level, &ar) != 0; ++level) {
    if (lua_getinfo(L, "Sl", &ar) != 0 && ar.currentline > 0 && !is_stdlib(ar.source)) {
      return fmt::format("{}:{}: ", ar.short_src, ar.currentline);
    }
  }
  return "";
}

// The VM's one hook. The count event (always armed, every kHookInterval instructions) enforces
// the instruction budget and cancellation (lua_guard.h); the line event, armed only while user
// code runs (call_user_code), records the last user line. Lines of the stdlib are skipped, so
// when the stdlib rejects a value, the last line seen is the user's call into it.
void vm_hook(lua_State* L, lua_Debug* ar) {
  if (ar->event == LUA_HOOKCOUNT) {
    {
      std::string message = LuaGuard::of(L).hook_check(L);
      if (message.empty()) return;
      message = user_position(L, 0) + message;
      lua_pushlstring(L, message.data(), message.size());
    }
    lua_error(L);
    return;
  }
  if (ar->event != LUA_HOOKLINE || lua_getinfo(L, "S", ar) == 0 || is_stdlib(ar->source)) return;
  LuaVm::LineTracker* tracker = tracker_of(L);
  if (tracker == nullptr) return;
  try {
    if (tracker->source != ar->source) {  // copy only when the chunk changes: this runs per line
      tracker->source = ar->source;
      tracker->short_src = ar->short_src;
    }
  } catch (...) {  // out of memory: keep the old location rather than unwind through Lua
    return;
  }
  tracker->line = ar->currentline;
}

// Brackets one call from blis into Lua for the budget and the watchdog.
struct GuardedCall {
  explicit GuardedCall(LuaGuard& g, const CallLabel* label = nullptr) : guard(g), previous(guard.enter(label)) {}
  ~GuardedCall() { guard.leave(previous); }
  LuaGuard& guard;
  const CallLabel* previous;
};

// blis.host.source_line(chunkname, line) -> the text of that line of a chunk the VM loaded, or nil.
int host_source_line(lua_State* L) {
  const std::string text = LuaVm::of(L).source_line(luaL_checkstring(L, 1), static_cast<int>(luaL_checkinteger(L, 2)));
  if (text.empty()) return 0;
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// blis.host.last_user_line() -> source, short_src, line (nothing when no user code is running).
int host_last_user_line(lua_State* L) {
  const LuaVm::LineTracker* tracker = tracker_of(L);
  if (tracker == nullptr || !tracker->active || tracker->line <= 0) return 0;
  lua_pushlstring(L, tracker->source.data(), tracker->source.size());
  lua_pushlstring(L, tracker->short_src.data(), tracker->short_src.size());
  lua_pushinteger(L, tracker->line);
  return 3;
}

// blis.host.gpu_price(name) -> the catalog's canonical name and its usd_per_hour (nil when the
// catalog has no price); nothing when the catalog has no such GPU (the scenario reports that).
// For blis.search's costs (stdlib_lua/blis.search_spec.lua).
int host_gpu_price(lua_State* L) {
  const std::string name = luaL_checkstring(L, 1);
  std::string message;
  try {
    const catalog::GpuCatalog gpus = catalog::GpuCatalog::load(catalog::data_path("gpus.yaml", "the GPU catalog"));
    const catalog::GpuSpec* gpu = gpus.find(name);
    if (gpu == nullptr) return 0;
    lua_pushlstring(L, gpu->name.data(), gpu->name.size());
    if (gpu->usd_per_hour > 0) lua_pushnumber(L, gpu->usd_per_hour);
    else lua_pushnil(L);
    return 2;
  } catch (const std::exception& e) {
    message = e.what();  // raised below, outside the C++ handler
  }
  lua_pushlstring(L, message.data(), message.size());
  return lua_error(L);
}

// blis.host.write_file(path, text, what) -> true, or nil and "cannot write <what> <path>: <reason>".
// The stdlib's one way to write a file (experiment tables): through core::write_file_atomically,
// so it gets the same temp-and-rename, symlink and device handling as every other file blis writes.
// blis.experiment takes it out of blis.host when it loads, so user code never holds it.
int host_write_file(lua_State* L) {
  const std::string path = luaL_checkstring(L, 1);
  size_t length = 0;
  const char* text = luaL_checklstring(L, 2, &length);
  const std::string what = luaL_optstring(L, 3, "file");
  std::string message;
  try {
    core::write_file_atomically(path, std::string_view(text, length), what);
    lua_pushboolean(L, 1);
    return 1;
  } catch (const std::exception& e) {
    message = e.what();  // raised below, outside the C++ handler
  }
  lua_pushnil(L);
  lua_pushlstring(L, message.data(), message.size());
  return 2;
}

// The error value as text: strings and numbers as they are, objects through __tostring.
std::string error_text(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TSTRING || lua_type(L, index) == LUA_TNUMBER) {
    size_t length = 0;
    const char* text = lua_tolstring(L, index, &length);
    return std::string(text, length);
  }
  if (luaL_callmeta(L, index, "__tostring") != 0) {
    std::string text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(error object's __tostring failed)";
    lua_pop(L, 1);
    return text;
  }
  return fmt::format("(error object is a {} value)", luaL_typename(L, index));
}

std::string describe_frame(const lua_Debug& ar) {
  if (ar.name != nullptr) return fmt::format("{}:{}: in function '{}'", ar.short_src, ar.currentline, ar.name);
  if (std::strcmp(ar.what, "main") == 0) return fmt::format("{}:{}: in main chunk", ar.short_src, ar.currentline);
  return fmt::format("{}:{}: in function <{}:{}>", ar.short_src, ar.currentline, ar.short_src, ar.linedefined);
}

// Message handler of every protected call. The first line stays the plain "file:line: message";
// a traceback follows only when the error came from inside a user function (two or more user
// frames on the stack). Frames of C functions and of the stdlib are left out: users cannot act
// on them, and a config error the stdlib raises on the user's behalf already names the line.
int message_handler(lua_State* L) {
  std::string message = error_text(L, 1);
  std::vector<std::string> frames;
  lua_Debug ar;
  for (int level = 1; frames.size() < 24 && lua_getstack(L, level, &ar) != 0; ++level) {
    if (lua_getinfo(L, "Sln", &ar) == 0 || ar.currentline <= 0 || is_stdlib(ar.source)) continue;
    frames.push_back(describe_frame(ar));
  }
  if (frames.size() >= 2) {
    message += "\nstack traceback:";
    for (const std::string& frame : frames) message += "\n\t" + frame;
  }
  lua_pushlstring(L, message.data(), message.size());
  return 1;
}

// math.random / math.randomseed in a scenario would make results depend on something other
// than the scenario's seed (and LuaJIT's generator differs between builds).
int disabled_random(lua_State* L) {
  // Blame the nearest user frame (a tail call may have left only the stdlib's loop above us).
  const std::string where = user_position(L, 1);
  lua_pushfstring(L, "%smath.random is disabled in blis scenarios: results must follow from the scenario's seed "
                     "alone; policies must be deterministic", where.c_str());
  return lua_error(L);
}

}  // namespace

LuaVm::LuaVm() : guard_(std::make_unique<LuaGuard>()), tracker_(std::make_unique<LineTracker>()) {
  const SafetyOptions& options = safety_options();
  sandboxed_ = !options.unsafe;
  guard_->heap_cap = static_cast<size_t>(options.lua_memory_mb.value_or(kDefaultLuaMemoryMb)) << 20;
  guard_->heap_cap_source = options.lua_memory_mb ? "--lua-memory-limit MB"
                                                  : "--lua-memory-limit MB or limits = { lua_memory_mb = MB }";
  guard_->instruction_limit = options.lua_instructions.value_or(kDefaultLuaInstructions);
  guard_->instruction_limit_source = options.lua_instructions
                                         ? "--lua-instruction-limit N"
                                         : "--lua-instruction-limit N or limits = { lua_instructions = N }";
  L_ = lua_newstate(LuaGuard::allocate, guard_.get());
  if (L_ == nullptr) throw Error("cannot create a Lua state (out of memory)");
  luaL_openlibs(L_);
  lua_sethook(L_, vm_hook, LUA_MASKCOUNT, kHookInterval);
  lua_getglobal(L_, "math");
  lua_pushcfunction(L_, disabled_random);
  lua_setfield(L_, -2, "random");
  lua_pushcfunction(L_, disabled_random);
  lua_setfield(L_, -2, "randomseed");
  lua_pop(L_, 1);

  lua_pushlightuserdata(L_, const_cast<char*>(&kTrackerKey));
  lua_pushlightuserdata(L_, tracker_.get());
  lua_rawset(L_, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L_, const_cast<char*>(&kVmKey));
  lua_pushlightuserdata(L_, this);
  lua_rawset(L_, LUA_REGISTRYINDEX);

  lua_getglobal(L_, "package");
  // The stdlib modules are compiled once here and run on first require().
  lua_getfield(L_, -1, "preload");
  for (std::size_t i = 0; i < kEmbeddedStdlibCount; ++i) {
    const EmbeddedLua& module = kEmbeddedStdlib[i];
    if (luaL_loadbuffer(L_, reinterpret_cast<const char*>(module.bytes), module.size, module.chunkname) != 0) {
      const std::string message = error_text(L_, -1);
      lua_close(L_);
      throw Error("embedded Lua library failed to compile: " + message);
    }
    lua_setfield(L_, -2, module.module);
  }
  lua_pop(L_, 1);
  // blis.host: the few C functions the stdlib needs from the VM itself.
  lua_getfield(L_, -1, "loaded");
  lua_newtable(L_);
  lua_pushcfunction(L_, host_last_user_line);
  lua_setfield(L_, -2, "last_user_line");
  lua_pushcfunction(L_, host_source_line);
  lua_setfield(L_, -2, "source_line");
  lua_pushcfunction(L_, host_write_file);
  lua_setfield(L_, -2, "write_file");
  lua_pushcfunction(L_, host_gpu_price);
  lua_setfield(L_, -2, "gpu_price");
  // The names of the reference-defect corrections (engine/core/corrections.h), for the schema.
  lua_newtable(L_);
  int correction_index = 0;
  for (const core::CorrectionInfo& c : core::correction_catalogue()) {
    lua_pushstring(L_, c.name);
    lua_rawseti(L_, -2, ++correction_index);
  }
  lua_setfield(L_, -2, "corrections");
  lua_setfield(L_, -2, "blis.host");
  // blis.ffi: the cdef text and the layout C++ compiled (bindings/blis_ffi.h), for blis.policy.
  lua_newtable(L_);
  lua_pushstring(L_, kFfiCdef);
  lua_setfield(L_, -2, "cdef");
  lua_newtable(L_);
  int n = 0;
  for (const FfiLayoutEntry& e : kFfiLayout) {
    lua_newtable(L_);
    lua_pushstring(L_, e.type);
    lua_setfield(L_, -2, "type");
    if (e.field != nullptr) {
      lua_pushstring(L_, e.field);
      lua_setfield(L_, -2, "field");
    }
    lua_pushnumber(L_, static_cast<lua_Number>(e.value));
    lua_setfield(L_, -2, "value");
    lua_rawseti(L_, -2, ++n);
  }
  lua_setfield(L_, -2, "layout");
  lua_setfield(L_, -2, "blis.ffi");
  lua_pop(L_, 2);
  lua_pushcfunction(L_, message_handler);
  handler_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
  Watchdog::get().watch_guard(guard_.get());
}

LuaVm& LuaVm::of(lua_State* L) {
  lua_pushlightuserdata(L, const_cast<char*>(&kVmKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* vm = static_cast<LuaVm*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (vm == nullptr) throw Error("internal error: a Lua state without its LuaVm");
  return *vm;
}

int LuaVm::ref() { return luaL_ref(L_, LUA_REGISTRYINDEX); }

void LuaVm::unref(int reference) {
  if (reference >= 0 && static_cast<size_t>(reference) < ref_label_index_.size()) {
    ref_label_index_[static_cast<size_t>(reference)] = nullptr;
    ref_labels_.erase(reference);
  }
  luaL_unref(L_, LUA_REGISTRYINDEX, reference);
}

void LuaVm::label_ref(int reference, std::string kind, std::string where) {
  if (reference < 0) return;
  CallLabel& label = ref_labels_[reference];
  label = CallLabel{std::move(kind), std::move(where)};
  if (ref_label_index_.size() <= static_cast<size_t>(reference)) ref_label_index_.resize(static_cast<size_t>(reference) + 1);
  ref_label_index_[static_cast<size_t>(reference)] = &label;
}

void LuaVm::push_ref(int reference) const { lua_rawgeti(L_, LUA_REGISTRYINDEX, reference); }

void LuaVm::set_scenario_limits(std::optional<int64_t> instructions, std::optional<int64_t> memory_mb,
                                std::optional<double> timeout_s) {
  const SafetyOptions& options = safety_options();
  if (timeout_s) scenario_timeout_ = timeout_s;
  if (instructions && !options.lua_instructions) {
    guard_->instruction_limit = *instructions;
    guard_->instruction_limit_source = "limits.lua_instructions (or --lua-instruction-limit N)";
  }
  if (memory_mb && !options.lua_memory_mb) {
    guard_->heap_cap = static_cast<size_t>(*memory_mb) << 20;
    guard_->heap_cap_source = "limits.lua_memory_mb (or --lua-memory-limit MB)";
  }
}

std::string LuaVm::failure_text(int status) {
  if (status == LUA_ERRMEM) return guard_->memory_message();
  return error_text(L_, -1);
}

void LuaVm::call_ref(int reference, int nresults) {
  const int base = lua_gettop(L_) + 1;
  lua_rawgeti(L_, LUA_REGISTRYINDEX, handler_ref_);
  lua_rawgeti(L_, LUA_REGISTRYINDEX, reference);
  int status = 0;
  {
    const bool labelled = reference >= 0 && static_cast<size_t>(reference) < ref_label_index_.size();
    GuardedCall guarded(*guard_, labelled ? ref_label_index_[static_cast<size_t>(reference)] : nullptr);
    status = lua_pcall(L_, 0, nresults, base);
  }
  if (status != 0) {
    std::string message = failure_text(status);
    lua_settop(L_, base - 1);
    throw Error(message);
  }
  lua_remove(L_, base);  // the handler, below the results
}

LuaVm::~LuaVm() {
  *alive_ = false;
  Watchdog::get().forget_guard(guard_.get());
  lua_close(L_);
}

std::string LuaVm::source_line(const std::string& chunkname, int line) const {
  const auto it = sources_.find(chunkname);
  if (it == sources_.end() || line < 1) return "";
  size_t start = 0;
  for (int n = 1; n < line; ++n) {
    start = it->second.find('\n', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  const size_t end = it->second.find('\n', start);
  return it->second.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

void LuaVm::load_string(std::string_view source, const std::string& chunkname) {
  if (!is_stdlib(chunkname.c_str())) sources_[chunkname] = std::string(source);
  if (luaL_loadbuffer(L_, source.data(), source.size(), chunkname.c_str()) != 0) {
    std::string message = error_text(L_, -1);
    lua_pop(L_, 1);
    throw Error(message);
  }
}

void LuaVm::load_file(const std::string& path, std::string_view what) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(fmt::format("cannot read {} {}: {}", what, path, core::os_error_text(errno)));
  std::string source;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) source.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) throw Error(fmt::format("cannot read {} {}: {}", what, path, core::os_error_text(error)));
  // LuaJIT's lexer skips a UTF-8 BOM and a "#!" first line itself.
  load_string(source, "@" + path);
}

void LuaVm::call(int nargs, int nresults) {
  const int function_index = lua_gettop(L_) - nargs;
  if (function_index < 1) throw Error("internal error: LuaVm::call without a function on the stack");
  lua_pushcfunction(L_, message_handler);
  lua_insert(L_, function_index);
  int status = 0;
  {
    GuardedCall guarded(*guard_);
    status = lua_pcall(L_, nargs, nresults, function_index);
  }
  lua_remove(L_, function_index);
  if (status != 0) {
    std::string message = failure_text(status);
    lua_pop(L_, 1);
    throw Error(message);
  }
}

void LuaVm::call_user_code(int nargs, int nresults, const std::string& what) {
  // Restores the previous state on every exit path, so nested user calls stay tracked.
  struct Tracking {
    lua_State* L;
    LineTracker& tracker;
    bool was_active;
    Tracking(lua_State* state, LineTracker& t) : L(state), tracker(t), was_active(t.active) {
      tracker.active = true;
      lua_sethook(L, vm_hook, LUA_MASKLINE | LUA_MASKCOUNT, kHookInterval);
    }
    ~Tracking() {
      tracker.active = was_active;
      if (!was_active) {
        lua_sethook(L, vm_hook, LUA_MASKCOUNT, kHookInterval);
        tracker.line = 0;
      }
    }
  } tracking(L_, *tracker_);
  const CallLabel label{what, ""};
  const GuardedCall labelled(*guard_, what.empty() ? nullptr : &label);
  call(nargs, nresults);
}

LuaVm::UntrackedSection::UntrackedSection(LuaVm& vm)
    : vm_(vm), was_active_(vm.tracker_->active), depth_(vm.guard_->depth.load(std::memory_order_relaxed)) {
  vm_.guard_->depth.store(0, std::memory_order_relaxed);
  if (was_active_) {
    vm_.tracker_->active = false;
    lua_sethook(vm_.L_, vm_hook, LUA_MASKCOUNT, kHookInterval);
  }
}

LuaVm::UntrackedSection::~UntrackedSection() {
  vm_.guard_->depth.store(depth_, std::memory_order_relaxed);
  if (was_active_) {
    vm_.tracker_->active = true;
    lua_sethook(vm_.L_, vm_hook, LUA_MASKLINE | LUA_MASKCOUNT, kHookInterval);
  }
}

void LuaVm::require(const char* module) {
  lua_getglobal(L_, "require");
  lua_pushstring(L_, module);
  call(1, 1);
}

}  // namespace blis::bindings
