#include "engine/workload/trace_v2.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/core/os_error.h"
#include "engine/workload/csv_records.h"

namespace blis::workload {

namespace {

using config::strict_yaml::SchemaReader;

constexpr std::array<const char*, 22> kColumns = {
    "request_id",   "client_id",    "tenant_id",      "slo_class",        "session_id",         "round_index",
    "prefix_group", "streaming",    "input_tokens",   "output_tokens",    "text_tokens",        "image_tokens",
    "audio_tokens", "video_tokens", "reason_ratio",   "arrival_time_us",  "send_time_us",       "first_chunk_time_us",
    "last_chunk_time_us", "num_chunks", "status",     "error_message"};
constexpr const char* kPrefixSourceColumn = "blis_prefix_source";
constexpr const char* kPrefixTokensColumn = "blis_prefix_tokens";

std::string read_file(const std::string& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("reading trace {}: open {}: {}", what, path, core::os_error_text(errno)));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

// strconv.Atoi: base 10, optional sign, nothing else (no '_', no prefixes, no spaces).
bool parse_decimal(const std::string& s, int64_t& out) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  if (first == last || (*first == '-' && first + 1 == last)) return false;
  const auto [end, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && end == last;
}

// ---- header YAML, as yaml.v3 Marshal writes it

bool plain_safe(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.' || c == '/' || c == ':' || c == '+';
    if (!ok) return false;
  }
  if (s.front() == '-' || s.front() == ':' || s.back() == ':' || s.find(": ") != std::string::npos) return false;
  // A plain scalar that would read back as something other than a string needs quotes.
  const YAML::Node node = YAML::Load(s);
  return config::strict_yaml::resolve(node).kind == config::strict_yaml::Scalar::Kind::String;
}

std::string yaml_string(const std::string& s) {
  if (plain_safe(s)) return s;
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
        else out += c;
    }
  }
  return out + "\"";
}

std::string yaml_float(double v) {
  std::string s = fmt::format("{}", v);  // shortest round trip
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// ---- data CSV, as encoding/csv writes it

bool needs_quotes(const std::string& f) {
  if (f.empty()) return false;
  if (f == "\\.") return true;
  if (f.find_first_of(",\"\r\n") != std::string::npos) return true;
  // A leading Unicode space: the ASCII ones, U+0085 and U+00A0 (UTF-8 C2 85 / C2 A0) and the
  // other Unicode spaces (U+1680, U+2000..U+200A, U+2028/9, U+202F, U+205F, U+3000).
  const auto b = [&](size_t i) { return i < f.size() ? static_cast<unsigned char>(f[i]) : 0u; };
  switch (b(0)) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': return true;
    case 0xC2: return b(1) == 0x85 || b(1) == 0xA0;
    case 0xE1: return b(1) == 0x9A && b(2) == 0x80;
    case 0xE2:
      return (b(1) == 0x80 && (b(2) <= 0x8A || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF)) ||
             (b(1) == 0x81 && b(2) == 0x9F);
    case 0xE3: return b(1) == 0x80 && b(2) == 0x80;
    default: return false;
  }
}

void append_field(std::string& out, const std::string& f) {
  if (!needs_quotes(f)) {
    out += f;
    return;
  }
  out += '"';
  for (const char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// strconv.FormatFloat(x, 'f', -1, 64): the shortest digits that round-trip, never an exponent.
std::string format_ratio(double x) {
  char buffer[400];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

// ---- reading rows

class RowReader {
 public:
  RowReader(const std::vector<std::string>& fields, const std::string& origin, int line)
      : fields_(fields), origin_(origin), line_(line) {}

  [[noreturn]] void fail(size_t column, const std::string& what) const {
    throw Error(fmt::format("{}: line {}: column {} ({}): {}", origin_, line_, column + 1, kColumns[column], what));
  }
  const std::string& text(size_t column) const { return fields_[column]; }
  int64_t integer(size_t column, bool non_negative = true) const {
    int64_t v = 0;
    if (!parse_decimal(fields_[column], v)) {
      fail(column, fmt::format("{} is not an integer", core::go::quote(fields_[column])));
    }
    if (non_negative && v < 0) fail(column, fmt::format("{} is negative", v));
    return v;
  }
  bool boolean(size_t column) const {
    bool v = false;
    if (core::go::parse_bool(fields_[column], v) != core::go::NumError::kNone) {
      fail(column, fmt::format("{} is not a boolean (true or false)", core::go::quote(fields_[column])));
    }
    return v;
  }
  double ratio(size_t column) const {
    double v = 0;
    if (core::go::parse_float(fields_[column], v) != core::go::NumError::kNone) {
      fail(column, fmt::format("{} is not a number", core::go::quote(fields_[column])));
    }
    if (!(v >= 0 && v <= 1)) fail(column, fmt::format("{} is outside [0, 1]", fields_[column]));
    return v;
  }

 private:
  const std::vector<std::string>& fields_;
  const std::string& origin_;
  int line_;
};

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n\v\f");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(a, b - a + 1);
}

}  // namespace

std::string trace_data_path_for(const std::string& header_path) {
  for (const char* ext : {".yaml", ".yml"}) {
    const size_t n = std::strlen(ext);
    if (header_path.size() > n && header_path.compare(header_path.size() - n, n, ext) == 0) {
      return header_path.substr(0, header_path.size() - n) + ".csv";
    }
  }
  return header_path + ".csv";
}

TraceHeader parse_trace_header(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("parsing trace header: {}: line {}: {}", origin, e.mark.line + 1, e.msg));
  }
  if (root.IsNull() && !config::strict_yaml::has_document(text)) {
    throw Error(fmt::format("parsing trace header: EOF ({} holds no YAML document)", origin));
  }
  TraceHeader h;
  h.time_unit.clear();
  h.trace_version = 0;
  SchemaReader r;
  if (r.expect_mapping(root, "workload.TraceHeader", "top level")) {
    r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      if (key == "trace_version") h.trace_version = r.read_int(v, p);
      else if (key == "time_unit") h.time_unit = r.read_string(v, p);
      else if (key == "created_at") h.created_at = r.read_string(v, p);
      else if (key == "mode") h.mode = r.read_string(v, p);
      else if (key == "warm_up_requests") h.warm_up_requests = r.read_int(v, p);
      else if (key == "workload_spec") h.workload_spec = r.read_string(v, p);
      else if (key == "server") {
        if (r.expect_mapping(v, "workload.TraceServerConfig", p)) {
          TraceServerConfig s;
          r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
            if (k == "type") s.type = r.read_string(x, xp);
            else if (k == "model") s.model = r.read_string(x, xp);
            else if (k == "tensor_parallel") s.tensor_parallel = r.read_int(x, xp);
            else if (k == "max_num_seqs") s.max_num_seqs = r.read_int(x, xp);
            else if (k == "block_size") s.block_size = r.read_int(x, xp);
            else if (k == "gpu_memory_utilization") s.gpu_memory_utilization = r.read_float(x, xp);
            else if (k == "max_model_len") s.max_model_len = r.read_int(x, xp);
            else return false;
            return true;
          });
          h.server = s;
        }
      } else if (key == "network") {
        if (r.expect_mapping(v, "workload.TraceNetworkConfig", p)) {
          double rtt = 0;
          r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
            if (k != "measured_rtt_ms") return false;
            rtt = r.read_float(x, xp);
            return true;
          });
          h.network_rtt_ms = rtt;
        }
      } else {
        return false;
      }
      return true;
    });
  }
  if (!r.problems().empty()) {
    std::string message = fmt::format("parsing trace header: {}:", origin);
    for (const std::string& problem : r.problems()) message += (r.problems().size() > 1 ? "\n  " : " ") + problem;
    throw Error(message);
  }
  if (h.warm_up_requests < 0) {
    throw Error(fmt::format("parsing trace header: {}: warm_up_requests must be >= 0, got {}", origin,
                            h.warm_up_requests));
  }
  if (h.network_rtt_ms && !(*h.network_rtt_ms >= 0 && std::isfinite(*h.network_rtt_ms))) {
    throw Error(fmt::format("parsing trace header: {}: network.measured_rtt_ms must be a finite number >= 0", origin));
  }
  return h;
}

std::vector<TraceRecord> parse_trace_data(const std::string& text, const std::string& origin,
                                          bool& has_sharing_columns) {
  CsvReader reader(text);
  std::vector<std::string> fields;
  std::vector<TraceRecord> records;
  has_sharing_columns = false;
  size_t source_column = 0, tokens_column = 0;
  try {
    if (!reader.read_record(fields)) throw Error(fmt::format("{}: reading CSV header: EOF (the file is empty)", origin));
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i] == kPrefixSourceColumn) source_column = i;
      if (fields[i] == kPrefixTokensColumn) tokens_column = i;
    }
    has_sharing_columns = source_column >= kColumns.size() && tokens_column >= kColumns.size();
    while (reader.read_record(fields)) {
      const int line = reader.record_line();
      if (fields.size() < kColumns.size()) {
        throw Error(fmt::format("{}: line {}: the row has {} columns, a trace v2 row needs at least {}", origin, line,
                                fields.size(), kColumns.size()));
      }
      const RowReader row(fields, origin, line);
      TraceRecord r;
      r.line = line;
      r.request_id = row.integer(0, false);
      r.client_id = row.text(1);
      r.tenant_id = row.text(2);
      r.slo_class = row.text(3);
      r.session_id = row.text(4);
      r.round_index = row.integer(5, false);
      r.prefix_group = row.text(6);
      r.streaming = row.boolean(7);
      r.input_tokens = row.integer(8);
      r.output_tokens = row.integer(9);
      r.text_tokens = row.integer(10);
      r.image_tokens = row.integer(11);
      r.audio_tokens = row.integer(12);
      r.video_tokens = row.integer(13);
      r.reason_ratio = row.ratio(14);
      r.arrival_time_us = row.integer(15, false);
      r.send_time_us = row.integer(16, false);
      r.first_chunk_time_us = row.integer(17, false);
      r.last_chunk_time_us = row.integer(18, false);
      r.num_chunks = row.integer(19, false);
      r.status = row.text(20);
      r.error_message = trim(row.text(21));
      if (r.request_id < 0) row.fail(0, fmt::format("{} is negative", r.request_id));
      if (r.arrival_time_us < 0) row.fail(15, fmt::format("{} is negative", r.arrival_time_us));
      if (has_sharing_columns) {
        const auto extension = [&](size_t column, const char* name) {
          if (column >= fields.size() || fields[column].empty()) return int64_t{-1};
          int64_t v = 0;
          if (!parse_decimal(fields[column], v) || v < 0) {
            throw Error(fmt::format("{}: line {}: column {} ({}): {} is not an integer >= 0", origin, line, column + 1,
                                    name, core::go::quote(fields[column])));
          }
          return v;
        };
        r.prefix_source = extension(source_column, kPrefixSourceColumn);
        r.prefix_tokens = std::max<int64_t>(0, extension(tokens_column, kPrefixTokensColumn));
      }
      records.push_back(std::move(r));
    }
  } catch (const Error& e) {
    const std::string message = e.what();
    if (message.rfind(origin, 0) == 0) throw;
    throw Error(fmt::format("{}: {}", origin, message));  // a CSV syntax error from the reader
  }
  return records;
}

TraceV2 load_trace_v2(const std::string& header_path, const std::string& data_path) {
  TraceV2 t;
  t.header_path = header_path;
  t.data_path = data_path;
  t.header = parse_trace_header(read_file(header_path, "header"), header_path);
  t.records = parse_trace_data(read_file(data_path, "data"), data_path, t.has_sharing_columns);
  return t;
}

std::string format_trace_header(const TraceHeader& h) {
  std::string out;
  out += fmt::format("trace_version: {}\n", h.trace_version);
  out += fmt::format("time_unit: {}\n", yaml_string(h.time_unit));
  if (!h.created_at.empty()) out += fmt::format("created_at: {}\n", yaml_string(h.created_at));
  out += fmt::format("mode: {}\n", yaml_string(h.mode));
  out += fmt::format("warm_up_requests: {}\n", h.warm_up_requests);
  if (!h.workload_spec.empty()) out += fmt::format("workload_spec: {}\n", yaml_string(h.workload_spec));
  if (h.server) {
    const TraceServerConfig& s = *h.server;
    out += "server:";
    std::string body;
    if (!s.type.empty()) body += fmt::format("    type: {}\n", yaml_string(s.type));
    if (!s.model.empty()) body += fmt::format("    model: {}\n", yaml_string(s.model));
    if (s.tensor_parallel != 0) body += fmt::format("    tensor_parallel: {}\n", s.tensor_parallel);
    if (s.max_num_seqs != 0) body += fmt::format("    max_num_seqs: {}\n", s.max_num_seqs);
    if (s.block_size != 0) body += fmt::format("    block_size: {}\n", s.block_size);
    if (s.gpu_memory_utilization != 0) body += fmt::format("    gpu_memory_utilization: {}\n", yaml_float(s.gpu_memory_utilization));
    if (s.max_model_len != 0) body += fmt::format("    max_model_len: {}\n", s.max_model_len);
    out += body.empty() ? " {}\n" : "\n" + body;
  }
  if (h.network_rtt_ms) {
    out += *h.network_rtt_ms != 0 ? fmt::format("network:\n    measured_rtt_ms: {}\n", yaml_float(*h.network_rtt_ms))
                                  : std::string("network: {}\n");
  }
  return out;
}

void append_trace_row(std::string& out, const TraceRecord& r, bool sharing_columns) {
  const auto num = [&](int64_t v) { out += fmt::format("{}", v); };
  num(r.request_id); out += ',';
  append_field(out, r.client_id); out += ',';
  append_field(out, r.tenant_id); out += ',';
  append_field(out, r.slo_class); out += ',';
  append_field(out, r.session_id); out += ',';
  num(r.round_index); out += ',';
  append_field(out, r.prefix_group); out += ',';
  out += r.streaming ? "true," : "false,";
  num(r.input_tokens); out += ',';
  num(r.output_tokens); out += ',';
  num(r.text_tokens); out += ',';
  num(r.image_tokens); out += ',';
  num(r.audio_tokens); out += ',';
  num(r.video_tokens); out += ',';
  out += format_ratio(r.reason_ratio); out += ',';
  num(r.arrival_time_us); out += ',';
  num(r.send_time_us); out += ',';
  num(r.first_chunk_time_us); out += ',';
  num(r.last_chunk_time_us); out += ',';
  num(r.num_chunks); out += ',';
  append_field(out, r.status); out += ',';
  append_field(out, r.error_message);
  if (sharing_columns) {
    out += ',';
    if (r.prefix_source >= 0) {
      num(r.prefix_source);
      out += ',';
      num(r.prefix_tokens);
    } else {
      out += ',';
    }
  }
  out += '\n';
}

std::string format_trace_data(const std::vector<TraceRecord>& records, bool sharing_columns) {
  std::string out;
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (i > 0) out += ',';
    out += kColumns[i];
  }
  if (sharing_columns) out += fmt::format(",{},{}", kPrefixSourceColumn, kPrefixTokensColumn);
  out += '\n';
  for (const TraceRecord& r : records) append_trace_row(out, r, sharing_columns);
  return out;
}

}  // namespace blis::workload
