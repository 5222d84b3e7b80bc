// `blis script.lua`'s own flags (experiment_runner.h), taken out of the script's parameters.
#include <fmt/format.h>

#include <optional>

#include "bindings/experiment_runner.h"
#include "bindings/flag_value.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"

namespace blis::bindings {

ExperimentOptions take_experiment_flags(std::vector<std::string>& args) {
  ExperimentOptions o;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto v = flag_value(args, i, "jobs")) {
      int64_t jobs = 0;
      if (core::go::parse_int(*v, jobs) != core::go::NumError::kNone || jobs < 1 || jobs > 1024) {
        throw Error(fmt::format("--jobs needs a number of worker threads from 1 to 1024, got {}", core::go::quote(*v)));
      }
      o.jobs = static_cast<int>(jobs);
    } else if (auto v = flag_value(args, i, "shard")) {
      const size_t slash = v->find('/');
      int64_t index = -1, count = 0;
      if (slash == std::string::npos ||
          core::go::parse_int(v->substr(0, slash), index) != core::go::NumError::kNone ||
          core::go::parse_int(v->substr(slash + 1), count) != core::go::NumError::kNone || count < 1 ||
          count > 1000000 || index < 0 || index >= count) {
        throw Error(fmt::format("--shard needs I/N with 0 <= I < N (e.g. --shard 0/4), got {}", core::go::quote(*v)));
      }
      o.shard_index = static_cast<int>(index);
      o.shard_count = static_cast<int>(count);
    } else if (auto v = flag_value(args, i, "shard-out")) {
      o.shard_out = *v;
    } else if (auto v = flag_value(args, i, "csv")) {
      o.results_csv = *v;
    } else if (auto v = flag_value(args, i, "json")) {
      o.results_json = *v;
    } else if (auto v = flag_value(args, i, "html")) {
      o.html = *v;
    } else if (arg == "--strict") {
      o.strict = true;
    } else {
      rest.push_back(arg);
    }
  }
  if (!o.shard_out.empty() && o.shard_index < 0) throw Error("--shard-out needs --shard I/N");
  if (!o.html.empty() && o.shard_index >= 0) {
    throw Error("--html needs the whole sweep: a --shard run writes only its shard file; pass --html to blis merge");
  }
  args = std::move(rest);
  return o;
}

}  // namespace blis::bindings
