#include "engine/fit/fit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "engine/fit/fit_parameters.h"

namespace blis::fit {

namespace {

std::string stage_text(int stage) { return stage == kWholeRun ? "all" : std::to_string(stage); }

std::string percent(double ape) { return std::isfinite(ape) ? fmt::format("{:.2f}%", 100.0 * ape) : "-"; }

std::string ms(double v) { return std::isfinite(v) ? fmt::format("{:.3f}", v) : "-"; }

// The metrics in order of first appearance.
std::vector<std::string> metric_order(const std::vector<ResidualRow>& rows) {
  std::vector<std::string> out;
  for (const ResidualRow& r : rows) {
    if (std::find(out.begin(), out.end(), r.metric) == out.end()) out.push_back(r.metric);
  }
  return out;
}

double mean_ape(const std::vector<ResidualRow>& rows, const std::string& metric) {
  double sum = 0;
  size_t n = 0;
  for (const ResidualRow& r : rows) {
    if (r.metric != metric) continue;
    sum += r.ape;
    ++n;
  }
  return n > 0 ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

struct Table {
  size_t name_columns = 2;  // left-aligned; the rest are numbers, right-aligned
  std::vector<std::vector<std::string>> rows;
  std::string text() const {
    std::vector<size_t> width;
    for (const auto& row : rows) {
      width.resize(std::max(width.size(), row.size()), 0);
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows) {
      std::string line = " ";
      for (size_t i = 0; i < row.size(); ++i) {
        line += i < name_columns ? fmt::format(" {:<{}}", row[i], width[i]) : fmt::format(" {:>{}}", row[i], width[i]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }
};

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

}  // namespace

double median_of(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

std::string fit_report_text(const FitReportInput& in) {
  const FitProblem& p = *in.problem;
  std::vector<ResidualRow> start_rows, fitted_rows;
  for (size_t e = 0; e < p.experiments.size(); ++e) {
    for (const ResidualRow& r : residual_rows(p, e, in.start_predictions[e])) start_rows.push_back(r);
    for (const ResidualRow& r : residual_rows(p, e, in.fitted_predictions[e])) fitted_rows.push_back(r);
  }
  std::string out;
  std::vector<std::string> fitted_names;
  for (const int i : p.fit_indices) fitted_names.push_back(fittable_names()[static_cast<size_t>(i)]);
  out += fmt::format("blis fit {}: {} experiment{}, {} compared figure{}, fitting {}\n", in.list_name,
                     p.experiments.size(), p.experiments.size() == 1 ? "" : "s", fitted_rows.size(),
                     fitted_rows.size() == 1 ? "" : "s", fmt::join(fitted_names, ", "));
  out += fmt::format("search: {} evaluation{}, {} restart{}, {}\n", in.outcome.search.evals,
                     in.outcome.search.evals == 1 ? "" : "s", in.outcome.search.restarts,
                     in.outcome.search.restarts == 1 ? "" : "s",
                     in.outcome.search.converged ? "converged" : "stopped at --max-evals");
  out += fmt::format("objective ({}): start {:.6g}, fitted {:.6g}\n\n", loss_description(p.loss),
                     in.outcome.start_objective, in.outcome.fitted_objective);

  Table coefficients;
  coefficients.rows.push_back({"coefficient", "", "start", "fitted"});
  for (const int i : p.fit_indices) {
    coefficients.rows.push_back({fittable_names()[static_cast<size_t>(i)], "", fmt::format("{:.6g}", get_coefficient(p.start, i)),
                                 fmt::format("{:.6g}", get_coefficient(in.outcome.fitted, i))});
  }
  out += coefficients.text() + "\n";

  Table residuals;
  residuals.rows.push_back({"experiment", "metric", "stage", "observed", "start", "fitted", "APE"});
  for (size_t k = 0; k < fitted_rows.size(); ++k) {
    const ResidualRow& r = fitted_rows[k];
    residuals.rows.push_back({p.experiments[r.experiment].name, r.metric, stage_text(r.stage), ms(r.observed),
                              ms(start_rows[k].predicted), ms(r.predicted), percent(r.ape)});
  }
  out += "residuals (ms; request_* rows: means over the matched requests, APE their mean APE)\n";
  out += residuals.text() + "\n";

  Table mape;
  mape.rows.push_back({"metric", "", "start", "fitted"});
  for (const std::string& metric : metric_order(fitted_rows)) {
    mape.rows.push_back({metric, "", percent(mean_ape(start_rows, metric)), percent(mean_ape(fitted_rows, metric))});
  }
  out += "MAPE per metric\n" + mape.text();

  if (in.cross_validation != nullptr) {
    Table held;
    held.name_columns = 3;
    held.rows.push_back({"held-out group", "experiment", "metric", "stage", "observed", "predicted", "APE"});
    std::map<std::string, std::vector<double>> apes;  // per metric, one APE per held-out figure
    std::vector<ResidualRow> all;
    for (const HeldOutGroup& g : *in.cross_validation) {
      for (size_t i = 0; i < g.experiments.size(); ++i) {
        for (const ResidualRow& r : residual_rows(p, g.experiments[i], g.predictions[i])) {
          held.rows.push_back({g.group, p.experiments[r.experiment].name, r.metric, stage_text(r.stage),
                               ms(r.observed), ms(r.predicted), percent(r.ape)});
          apes[r.metric].push_back(r.ape);
          all.push_back(r);
        }
      }
    }
    out += "\nleave-one-group-out cross-validation: each group predicted by coefficients fitted on the others\n";
    out += held.text() + "\n";
    Table summary;
    summary.rows.push_back({"metric", "", "median APE", "mean APE"});
    for (const std::string& metric : metric_order(all)) {
      summary.rows.push_back({metric, "", percent(median_of(apes[metric])), percent(mean_ape(all, metric))});
    }
    out += "held-out error per metric\n" + summary.text();
  }
  return out;
}

std::string fit_report_csv(const FitReportInput& in) {
  const FitProblem& p = *in.problem;
  std::string out = "kind,group,experiment,stage,metric,observed_ms,start_ms,predicted_ms,ape,count\n";
  const auto line = [&](const char* kind, const std::string& group, const ResidualRow& r, double start) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", kind, csv_field(group),
                       csv_field(p.experiments[r.experiment].name), stage_text(r.stage), r.metric,
                       csv_number(r.observed), csv_number(start), csv_number(r.predicted), csv_number(r.ape), r.count);
  };
  for (size_t e = 0; e < p.experiments.size(); ++e) {
    const std::vector<ResidualRow> start = residual_rows(p, e, in.start_predictions[e]);
    const std::vector<ResidualRow> fitted = residual_rows(p, e, in.fitted_predictions[e]);
    for (size_t k = 0; k < fitted.size(); ++k) line("fit", p.experiments[e].group, fitted[k], start[k].predicted);
  }
  if (in.cross_validation != nullptr) {
    for (const HeldOutGroup& g : *in.cross_validation) {
      for (size_t i = 0; i < g.experiments.size(); ++i) {
        const std::vector<ResidualRow> start = residual_rows(p, g.experiments[i], in.start_predictions[g.experiments[i]]);
        const std::vector<ResidualRow> held = residual_rows(p, g.experiments[i], g.predictions[i]);
        for (size_t k = 0; k < held.size(); ++k) line("held_out", g.group, held[k], start[k].predicted);
      }
    }
  }
  return out;
}

}  // namespace blis::fit
