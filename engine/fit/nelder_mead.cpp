#include "engine/fit/nelder_mead.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/core/partitioned_rng.h"

namespace blis::fit {

namespace {

using Point = std::vector<double>;

class Search {
 public:
  Search(const ObjectiveFunction& f, const Point& lower, const Point& upper, const NelderMeadOptions& options,
         const ProgressFunction& progress)
      : f_(f), lower_(lower), upper_(upper), options_(options), progress_(progress) {}

  bool budget_left() const { return evals_ < options_.max_evals; }
  int evals() const { return evals_; }
  const Point& best_x() const { return best_x_; }
  double best_f() const { return best_f_; }

  Point clamp(Point x) const {
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i], lower_[i], upper_[i]);
    return x;
  }

  double evaluate(const Point& x) {
    double value = f_(x);
    if (!std::isfinite(value)) value = std::numeric_limits<double>::infinity();
    ++evals_;
    // Ties keep the earlier point, so the result does not depend on evaluation timing.
    if (evals_ == 1 || value < best_f_) {
      best_f_ = value;
      best_x_ = x;
    }
    if (progress_) progress_(evals_, best_f_);
    return value;
  }

  // One simplex search from `vertices` (n + 1 points); returns whether it converged.
  bool run(std::vector<Point> vertices) {
    const size_t n = vertices.front().size();
    std::vector<double> values;
    for (const Point& v : vertices) {
      if (!budget_left()) return false;
      values.push_back(evaluate(v));
    }
    std::vector<size_t> order(vertices.size());
    while (true) {
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
      {
        std::vector<Point> v2;
        std::vector<double> f2;
        for (const size_t i : order) {
          v2.push_back(vertices[i]);
          f2.push_back(values[i]);
        }
        vertices.swap(v2);
        values.swap(f2);
      }
      if (converged(vertices, values)) return true;
      if (!budget_left()) return false;

      Point centroid(n, 0.0);
      for (size_t k = 0; k < n; ++k) {
        for (size_t i = 0; i < n; ++i) centroid[i] += vertices[k][i] / static_cast<double>(n);
      }
      const auto along = [&](double t) {
        Point p(n);
        for (size_t i = 0; i < n; ++i) p[i] = centroid[i] + t * (vertices[n][i] - centroid[i]);
        return clamp(p);
      };
      const Point reflected = along(-1.0);
      const double f_reflected = evaluate(reflected);
      if (f_reflected < values[0]) {
        if (!budget_left()) {
          vertices[n] = reflected, values[n] = f_reflected;
          continue;
        }
        const Point expanded = along(-2.0);
        const double f_expanded = evaluate(expanded);
        if (f_expanded < f_reflected) {
          vertices[n] = expanded, values[n] = f_expanded;
        } else {
          vertices[n] = reflected, values[n] = f_reflected;
        }
        continue;
      }
      if (f_reflected < values[n - 1]) {
        vertices[n] = reflected, values[n] = f_reflected;
        continue;
      }
      if (!budget_left()) return false;
      // Contract towards the better of the worst vertex and its reflection.
      const bool outside = f_reflected < values[n];
      const Point contracted = along(outside ? -0.5 : 0.5);
      const double f_contracted = evaluate(contracted);
      if (f_contracted < (outside ? f_reflected : values[n])) {
        vertices[n] = contracted, values[n] = f_contracted;
        continue;
      }
      // Shrink every vertex towards the best one.
      for (size_t k = 1; k <= n; ++k) {
        if (!budget_left()) return false;
        for (size_t i = 0; i < n; ++i) vertices[k][i] = vertices[0][i] + 0.5 * (vertices[k][i] - vertices[0][i]);
        vertices[k] = clamp(vertices[k]);
        values[k] = evaluate(vertices[k]);
      }
    }
  }

 private:
  bool converged(const std::vector<Point>& vertices, const std::vector<double>& values) const {
    const double spread = values.back() - values.front();
    if (!(spread <= options_.f_tolerance * std::abs(values.front()) + options_.f_tolerance)) return false;
    for (size_t k = 1; k < vertices.size(); ++k) {
      for (size_t i = 0; i < vertices[k].size(); ++i) {
        if (std::abs(vertices[k][i] - vertices[0][i]) > options_.x_tolerance) return false;
      }
    }
    return true;
  }

  const ObjectiveFunction& f_;
  const Point& lower_;
  const Point& upper_;
  const NelderMeadOptions& options_;
  const ProgressFunction& progress_;
  int evals_ = 0;
  Point best_x_;
  double best_f_ = std::numeric_limits<double>::infinity();
};

// The simplex around `x`: x and one vertex per coordinate, moved by `steps[i]`; a step that
// would leave the box goes the other way.
std::vector<Point> simplex_around(const Point& x, const std::vector<double>& steps, const Point& lower,
                                  const Point& upper) {
  std::vector<Point> vertices{x};
  for (size_t i = 0; i < x.size(); ++i) {
    Point v = x;
    v[i] += steps[i];
    if (v[i] > upper[i] || v[i] < lower[i]) v[i] = x[i] - steps[i];
    v[i] = std::clamp(v[i], lower[i], upper[i]);
    vertices.push_back(std::move(v));
  }
  return vertices;
}

}  // namespace

NelderMeadResult minimize_nelder_mead(const ObjectiveFunction& f, std::vector<double> x0,
                                      const std::vector<double>& lower, const std::vector<double>& upper,
                                      const NelderMeadOptions& options, const ProgressFunction& progress) {
  Search search(f, lower, upper, options, progress);
  NelderMeadResult result;
  x0 = search.clamp(std::move(x0));
  if (x0.empty()) {
    result.f = search.evaluate(x0);
    result.evals = 1;
    result.converged = true;
    return result;
  }
  result.converged =
      search.run(simplex_around(x0, std::vector<double>(x0.size(), options.initial_step), lower, upper));
  core::PartitionedRng rng(options.seed);
  core::GoRand& draw = rng.for_subsystem("fit_restart");
  while (result.converged && result.restarts < options.max_restarts && search.budget_left()) {
    const double before = search.best_f();
    std::vector<double> steps;
    for (size_t i = 0; i < x0.size(); ++i) {
      const double size = options.initial_step * (0.5 + draw.float64());
      steps.push_back(draw.float64() < 0.5 ? -size : size);
    }
    ++result.restarts;
    result.converged = search.run(simplex_around(search.best_x(), steps, lower, upper));
    const double gain = before - search.best_f();
    if (!(gain > options.f_tolerance * std::abs(before) + options.f_tolerance)) break;
  }
  result.x = search.best_x();
  result.f = search.best_f();
  result.evals = search.evals();
  return result;
}

}  // namespace blis::fit
