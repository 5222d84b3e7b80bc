#include "engine/compare/compare_report.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "engine/compare/compare_metrics.h"
#include "engine/compare/paired_stats.h"
#include "engine/metrics/go_json.h"
#include "engine/report/human_report.h"
#include "engine/report/json_numbers.h"
#include "engine/report/text_table.h"

namespace blis::compare {

namespace {

using report::fixed;

// Metric m's value in each seed's run of one side.
std::vector<double> column(const CompareSide& side, size_t m) {
  std::vector<double> values;
  values.reserve(side.runs.size());
  for (const std::vector<double>& run : side.runs) values.push_back(run[m]);
  return values;
}

bool all_finite(const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return !values.empty();
}

std::string interval_text(double low, double high, int decimals) {
  return "[" + fixed(low, decimals) + ", " + fixed(high, decimals) + "]";
}

std::string seeds_text(const std::vector<int64_t>& seeds) {
  std::string out;
  for (size_t i = 0; i < seeds.size(); ++i) out += (i > 0 ? ", " : "") + std::to_string(seeds[i]);
  return out;
}

// What each side runs: a line where both agree, an A: and a B: line where they differ.
std::string headers_section(const CompareInput& in) {
  report::TextTable t({"scenario", "A: " + in.a.file}, report::TextTable::Align::AllLeft);
  t.add_row({"", "B: " + in.b.file});
  const std::vector<report::HeaderField> a = report::header_fields(in.a.header, false);
  const std::vector<report::HeaderField> b = report::header_fields(in.b.header, false);
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].value == b[i].value) {
      t.add_row({a[i].name, a[i].value});
    } else {
      t.add_row({a[i].name, "A: " + a[i].value});
      t.add_row({"", "B: " + b[i].value});
    }
  }
  return t.render(0);
}

// "latency model" -> "latency_model", "KV cache" -> "kv_cache": the header's names as JSON keys.
std::string json_key(const std::string& name) {
  std::string key;
  for (char c : name) key += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

std::string verdict_of(const std::vector<double>& a, const std::vector<double>& b) {
  if (!all_finite(a) || !all_finite(b)) return "";
  if (a == b) return "same";
  const RatioInterval r = paired_ratio(a, b);
  if (a.size() < 2) return "";  // one seed: no interval to judge by
  if (!r.defined) return "no clear difference";
  if (r.high < 1) return "lower";
  if (r.low > 1) return "higher";
  return "no clear difference";
}

std::string render_compare_human(const CompareInput& in) {
  const size_t n = in.seeds.size();
  std::string out = fmt::format("blis compare: A against B over {} seed{} ({}), the same seeds on both sides\n\n",
                                n, n == 1 ? "" : "s", seeds_text(in.seeds));
  out += headers_section(in) + "\n";
  report::TextTable t({"metric", "A", "95% CI", "B", "95% CI", "B/A", "95% CI", "B is"});
  const std::vector<CompareMetric>& metrics = compare_metrics();
  for (size_t m = 0; m < metrics.size(); ++m) {
    const std::vector<double> a = column(in.a, m), b = column(in.b, m);
    const int d = metrics[m].decimals;
    std::vector<std::string> row{metrics[m].title};
    for (const std::vector<double>* side : {&a, &b}) {
      if (!all_finite(*side)) {
        row.insert(row.end(), {"-", "-"});
        continue;
      }
      const MeanInterval mi = mean_interval(*side);
      row.push_back(fixed(mi.mean, d));
      row.push_back(n > 1 ? interval_text(mi.low, mi.high, d) : "-");
    }
    const RatioInterval r = paired_ratio(a, b);
    if (all_finite(a) && all_finite(b) && r.defined) {
      row.push_back(fixed(r.ratio, 3));
      row.push_back(n > 1 ? interval_text(r.low, r.high, 3) : "-");
    } else {
      row.insert(row.end(), {"-", "-"});
    }
    const std::string verdict = verdict_of(a, b);
    row.push_back(verdict.empty() ? "-" : verdict);
    t.add_row(std::move(row));
  }
  out += t.render(0);
  out += "\nB/A is the ratio of the means; its interval is the paired ratio estimator's (the residuals b - (B/A) a\n"
         "seed by seed). \"lower\" / \"higher\": that interval excludes 1.";
  out += n > 1 ? "\n" : " With one seed there are no intervals: use --seeds N.\n";
  return out;
}

std::string render_compare_json(const CompareInput& in) {
  metrics::JsonWriter w;
  w.begin_object();
  w.key("schema");
  w.value_string(kCompareSchema);
  w.key("seeds");
  w.begin_array();
  for (int64_t seed : in.seeds) w.value_int(seed);
  w.end_array();
  for (const auto& [name, side] : {std::pair<const char*, const CompareSide*>{"a", &in.a}, {"b", &in.b}}) {
    w.key(name);
    w.begin_object();
    w.key("file");
    w.value_string(side->file);
    for (const report::HeaderField& f : report::header_fields(side->header, false)) {
      w.key(json_key(f.name));
      w.value_string(f.value);
    }
    w.end_object();
  }
  w.key("metrics");
  w.begin_array();
  const std::vector<CompareMetric>& metrics = compare_metrics();
  for (size_t m = 0; m < metrics.size(); ++m) {
    const std::vector<double> a = column(in.a, m), b = column(in.b, m);
    w.begin_object();
    w.key("name");
    w.value_string(metrics[m].key);
    for (const auto& [name, values] : {std::pair<const char*, const std::vector<double>*>{"a", &a}, {"b", &b}}) {
      const bool ok = all_finite(*values);
      const MeanInterval mi = mean_interval(*values);
      const double none = std::nan("");
      w.key(name);
      w.begin_object();
      report::write_rounded(w, "mean", ok ? mi.mean : none, 6);
      report::write_rounded(w, "ci95_low", ok ? mi.low : none, 6);
      report::write_rounded(w, "ci95_high", ok ? mi.high : none, 6);
      w.key("per_seed");
      w.begin_array();
      for (double v : *values) {
        if (std::isfinite(v)) {
          const double rounded = std::round(v * 1e6) / 1e6;
          w.value_float(rounded == 0 ? 0.0 : rounded);  // never "-0"
        } else {
          w.value_null();
        }
      }
      w.end_array();
      w.end_object();
    }
    const RatioInterval r = paired_ratio(a, b);
    const bool ratio_ok = r.defined && all_finite(a) && all_finite(b);
    const double none = std::nan("");
    w.key("ratio_b_over_a");
    w.begin_object();
    report::write_rounded(w, "value", ratio_ok ? r.ratio : none, 6);
    report::write_rounded(w, "ci95_low", ratio_ok ? r.low : none, 6);
    report::write_rounded(w, "ci95_high", ratio_ok ? r.high : none, 6);
    w.end_object();
    const std::string verdict = verdict_of(a, b);
    w.key("b_is");
    if (verdict.empty()) {
      w.value_null();
    } else {
      w.value_string(verdict);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.text() + "\n";
}

}  // namespace blis::compare
