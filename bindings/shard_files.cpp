#include "bindings/shard_files.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/json_value.h"

namespace blis::bindings {

std::optional<std::string> script_fingerprint(const std::string& script, const std::vector<std::string>& params) {
  // Only a regular file of a script's size: a shard naming /dev/zero or a FIFO must not hang merge.
  constexpr std::uintmax_t kMaxScriptBytes = 64u << 20;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(script, ec) || std::filesystem::file_size(script, ec) > kMaxScriptBytes || ec) {
    return std::nullopt;
  }
  std::ifstream stream(script, std::ios::binary);
  if (!stream) return std::nullopt;
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  if (stream.bad()) return std::nullopt;
  std::string text = buffer.str();
  for (const std::string& p : params) {
    text.push_back('\0');
    text += p;
  }
  return fmt::format("{:016x}", XXH64(text.data(), text.size(), 0));
}

namespace {

using core::JsonValue;

// One shard file, checked member by member; every message names the file and the key.
class ShardReader {
 public:
  ShardReader(const std::string& file, const JsonValue& doc) : file_(file), doc_(doc) {}

  const JsonValue& member(const char* key, JsonValue::Kind kind, const char* what) const {
    for (const auto& [k, v] : doc_.members) {
      if (k != key) continue;
      if (v.kind != kind) fail(key, fmt::format("must be {}", what));
      return v;
    }
    fail(key, "is missing");
  }

  // An integer in [low, high], written as a number (3e8 and 2.0 are numbers too, but must be whole).
  int64_t integer(const char* key, int64_t low, int64_t high) const {
    const JsonValue& v = member(key, JsonValue::Kind::Number, "a whole number");
    return checked_integer(key, v, low, high);
  }

  int64_t checked_integer(const std::string& key, const JsonValue& v, int64_t low, int64_t high) const {
    if (v.kind != JsonValue::Kind::Number || !std::isfinite(v.number) || v.number != std::floor(v.number) ||
        v.number < static_cast<double>(low) || v.number > static_cast<double>(high)) {
      fail(key, fmt::format("must be a whole number from {} to {}, got {}", low, high,
                            v.kind == JsonValue::Kind::Number ? v.text : std::string("a non-number")));
    }
    return static_cast<int64_t>(v.number);
  }

  std::string string(const char* key) const { return member(key, JsonValue::Kind::String, "a string").text; }

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw Error(fmt::format("{}: \"{}\" {} (a shard file written by blis --shard I/N)", file_, key, message));
  }

 private:
  const std::string& file_;
  const JsonValue& doc_;
};

// `numbered`: an experiment's result carries its point number; a search's is named by description.
PointResult read_result(const ShardReader& r, const JsonValue& item, size_t index, int64_t& point, int64_t points,
                        bool numbered = true) {
  const std::string at = fmt::format("results[{}]", index);
  if (item.kind != JsonValue::Kind::Object) r.fail(at, "must be an object");
  PointResult p;
  p.ran = true;
  bool has_point = false;
  for (const auto& [key, v] : item.members) {
    if (key == "point") {
      point = r.checked_integer(at + ".point", v, 0, points - 1);
      has_point = true;
    } else if (key == "error") {
      if (v.kind == JsonValue::Kind::String) p.error = v.text;
      else if (v.kind != JsonValue::Kind::Null) r.fail(at + ".error", "must be a string or null");
    } else if (key == "warnings") {
      if (v.kind != JsonValue::Kind::Array) r.fail(at + ".warnings", "must be a list of strings");
      for (const JsonValue& w : v.items) {
        if (w.kind != JsonValue::Kind::String) r.fail(at + ".warnings", "must be a list of strings");
        p.warnings.push_back(w.text);
      }
    } else if (key == "metrics") {
      if (v.kind != JsonValue::Kind::Array) r.fail(at + ".metrics", "must be a list of [name, value] pairs");
      for (const JsonValue& pair : v.items) {
        if (pair.kind != JsonValue::Kind::Array || pair.items.size() != 2 ||
            pair.items[0].kind != JsonValue::Kind::String) {
          r.fail(at + ".metrics", "must be a list of [name, value] pairs");
        }
        const JsonValue& value = pair.items[1];
        double x = value.number;
        if (value.kind == JsonValue::Kind::String && (value.text == "nan" || value.text == "inf" || value.text == "-inf")) {
          x = value.text == "nan" ? NAN : value.text == "inf" ? INFINITY : -INFINITY;
        } else if (value.kind != JsonValue::Kind::Number) {
          r.fail(at + ".metrics", "values must be numbers (or \"nan\", \"inf\", \"-inf\")");
        }
        p.metrics.emplace_back(pair.items[0].text, x);
      }
    }
  }
  if (numbered && !has_point) r.fail(at + ".point", "is missing");
  return p;
}

// A search shard's results: each names its point by description ("config 3 (...) rate=8 seed=42"),
// whose configuration must be in this shard, once.
void read_search_results(const ShardReader& r, const JsonValue& results, int64_t index, int64_t shards,
                         int64_t configs, MergedSearch& out) {
  for (size_t i = 0; i < results.items.size(); ++i) {
    const JsonValue& item = results.items[i];
    const std::string at = fmt::format("results[{}]", i);
    if (item.kind != JsonValue::Kind::Object) r.fail(at, "must be an object");
    std::string description;
    for (const auto& [key, v] : item.members) {
      if (key == "description" && v.kind == JsonValue::Kind::String) description = v.text;
    }
    long long config = -1;
    if (std::sscanf(description.c_str(), "config %lld ", &config) != 1 || config < 0 || config >= configs) {
      r.fail(at + ".description", fmt::format("must name a configuration from 0 to {} (\"config N (...) rate=R seed=S\")",
                                              configs - 1));
    }
    if (config % shards != index) {
      r.fail(at + ".description", fmt::format("names configuration {}, which is not in shard {}/{}", config, index, shards));
    }
    int64_t unused = 0;
    PointResult p = read_result(r, item, i, unused, 1, false);
    if (!out.results.emplace(description, std::move(p)).second) {
      r.fail(at + ".description", fmt::format("repeats point {}", description));
    }
  }
}

}  // namespace

MergeInput read_shards(const std::vector<std::string>& files) {
  if (files.empty()) throw Error("blis merge needs the shard files (SHARD.json ...); see blis merge --help");
  MergeInput in;
  int64_t count = -1;
  std::string script_hash;
  std::map<int64_t, std::string> seen;  // shard index -> file
  for (const std::string& file : files) {
    if (file.size() > 1 && file[0] == '-') {
      throw Error(fmt::format("blis merge: unknown option '{}'; see blis merge --help", file));
    }
    std::ifstream stream(file, std::ios::binary);
    if (!stream) throw Error(fmt::format("cannot read shard file {}", file));
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    JsonValue doc;
    try {
      doc = core::parse_json(buffer.str());
    } catch (const Error& e) {
      throw Error(fmt::format("{}: not a shard file: {}", file, e.what()));
    }
    if (doc.kind != JsonValue::Kind::Object) throw Error(fmt::format("{}: not a shard file (not a JSON object)", file));
    const ShardReader r(file, doc);
    bool marked = false, search = false;
    for (const auto& [k, v] : doc.members) {
      marked = marked || k == "blis_experiment_shard" || k == "blis_search_shard";
      search = search || k == "blis_search_shard";
    }
    if (!marked) {
      throw Error(fmt::format("{}: not a shard file (no \"blis_experiment_shard\" or \"blis_search_shard\")", file));
    }
    if (count >= 0 && search != in.search.has_value()) {
      throw Error(fmt::format("{} and {} are shards of different kinds (a search's and an experiment's)", files.front(),
                              file));
    }
    const char* marker = search ? "blis_search_shard" : "blis_experiment_shard";
    if (r.integer(marker, 1, 1) != 1) r.fail(marker, "must be 1");
    const std::string script = r.string("script");
    if (script.empty()) r.fail("script", "must name the experiment script");
    std::vector<std::string> params;
    for (const JsonValue& p : r.member("params", JsonValue::Kind::Array, "a list of strings").items) {
      if (p.kind != JsonValue::Kind::String) r.fail("params", "must be a list of strings");
      params.push_back(p.text);
    }
    const auto run = static_cast<int>(r.integer("run", 1, 1'000'000));
    const int64_t shards = r.integer("shards", 1, kMaxShards);
    const int64_t index = r.integer("shard", 0, shards - 1);
    // A search's shard holds its configurations' points ("configs" of them in the search).
    const int64_t points = r.integer(search ? "configs" : "points", 1, kMaxSweepPoints);
    const std::string fingerprint = r.string("fingerprint");
    bool has_hash = false;
    for (const auto& [k, v] : doc.members) has_hash = has_hash || k == "script_hash";
    if (!has_hash) {
      r.fail("script_hash", "is missing: the file was written by an older blis or by hand, and merge runs the "
                            "script it names only when the script is the one the shards ran; run the shards again");
    }
    const std::string hash = r.string("script_hash");
    if (count < 0) {
      in.script = script;
      in.param_args = params;
      in.sweep.run = run;
      in.sweep.fingerprint = fingerprint;
      in.sweep.points = points;
      count = shards;
      script_hash = hash;
      if (search) in.search = MergedSearch{run, fingerprint, points, {}};
    } else if (script != in.script || params != in.param_args || run != in.sweep.run || hash != script_hash ||
               fingerprint != in.sweep.fingerprint || shards != count || points != in.sweep.points) {
      throw Error(fmt::format("{} belongs to a different sweep than {} (script, parameters, shard count or points "
                              "differ)",
                              file, files.front()));
    }
    if (const auto [it, fresh] = seen.emplace(index, file); !fresh) {
      throw Error(fmt::format("{} and {} are both shard {}/{}", it->second, file, index, count));
    }
    const JsonValue& results = r.member("results", JsonValue::Kind::Array, "a list of point results");
    if (search) {
      read_search_results(r, results, index, shards, points, *in.search);
      continue;
    }
    if (static_cast<int64_t>(results.items.size()) > (points - index + shards - 1) / shards) {
      r.fail("results", fmt::format("has {} points, more than shard {}/{} of {} points holds", results.items.size(),
                                    index, shards, points));
    }
    for (size_t i = 0; i < results.items.size(); ++i) {
      int64_t k = -1;
      PointResult p = read_result(r, results.items[i], i, k, points);
      if (k % shards != index) {
        r.fail(fmt::format("results[{}].point", i), fmt::format("is {}, which is not in shard {}/{}", k, index, shards));
      }
      if (!in.sweep.results.emplace(k, std::move(p)).second) {
        r.fail(fmt::format("results[{}].point", i), fmt::format("repeats point {}", k));
      }
    }
  }
  for (int64_t i = 0; i < count; ++i) {
    if (!seen.count(i)) throw Error(fmt::format("shard {}/{} is missing (merge needs all {} shard files)", i, count, count));
  }
  // Last, and before anything runs: the script must be the one the shards ran.
  const std::optional<std::string> actual = script_fingerprint(in.script, in.param_args);
  if (!actual) throw Error(fmt::format("{}: cannot read the script it names, {} (a readable regular file of at most 64 MiB)",
                                        files.front(), in.script));
  if (*actual != script_hash) {
    throw Error(fmt::format("{}: the script {} is not the one the shards ran (its content or parameters differ from "
                            "the fingerprint in \"script_hash\"); nothing was run. Merge next to the unchanged script, "
                            "or run the shards again",
                            files.front(), in.script));
  }
  return in;
}

}  // namespace blis::bindings
