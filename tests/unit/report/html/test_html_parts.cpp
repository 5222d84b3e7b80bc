// The HTML report's parts: escaping, nice ticks, CDF points, the bounded time series, plots
// and pages whose text cannot become markup.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/report/html/cdf.h"
#include "engine/report/html/experiment_page.h"
#include "engine/report/html/html_page.h"
#include "engine/report/html/markup_text.h"
#include "engine/report/html/nice_ticks.h"
#include "engine/report/html/run_series.h"

using namespace blis::report::html;

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("html: escape turns markup characters into references") {
  CHECK(escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(escape("a\"b&c") == "a&quot;b&amp;c");
  CHECK(escape("µs ✓") == "µs ✓");                  // UTF-8 passes through
  CHECK(escape(std::string("a\x01" "b")) == "a\xEF\xBF\xBD" "b");  // a control byte cannot reach XML
}

TEST_CASE("html: numbers have one form") {
  CHECK(coord(-0.001) == "0.00");
  CHECK(coord(12.345) == "12.35");
  CHECK(coord(std::nan("")) == "0.00");
  CHECK(short_number(0) == "0");
  CHECK(short_number(1234.6) == "1235");
  CHECK(short_number(2.5) == "2.5");
  CHECK(short_number(0.0125) == "0.0125");
  CHECK(short_number(150) == "150");
  CHECK(short_number(2.5e6) == "2.5M");
  CHECK(short_number(250000) == "250k");
  CHECK(short_number(-12345) == "-12345");
  CHECK(short_number(3e13) == "3e+13");
}

TEST_CASE("html: nice ticks cover the range at round steps") {
  const AxisScale a = nice_scale(0, 97, 6);
  CHECK(a.lo == 0);
  CHECK(a.hi == 100);
  CHECK(a.ticks == std::vector<double>{0, 20, 40, 60, 80, 100});
  const AxisScale b = nice_scale(3.2, 4.1, 6);
  CHECK(b.lo <= 3.2);
  CHECK(b.hi >= 4.1);
  CHECK(b.ticks.size() >= 3);
  CHECK(b.ticks.size() <= 12);
  const AxisScale one = nice_scale(5, 5);  // a single value gets a range around it
  CHECK(one.lo < 5);
  CHECK(one.hi > 5);
  const AxisScale bad = nice_scale(std::nan(""), 1);
  CHECK(bad.lo == 0);
  CHECK(bad.hi == 1);
}

TEST_CASE("html: a CDF keeps the ends and at most the points asked for") {
  std::vector<double> values;
  for (int i = 1; i <= 100000; ++i) values.push_back(i);
  const std::vector<XyPoint> cdf = cdf_of_sorted(values, 1e-3, 500);
  CHECK(cdf.size() <= 501);
  CHECK(cdf.size() >= 490);
  CHECK(cdf.front().x == doctest::Approx(0.001));
  CHECK(cdf.back().x == doctest::Approx(100));
  CHECK(cdf.back().y == doctest::Approx(1.0));
  for (size_t i = 1; i < cdf.size(); ++i) {
    CHECK(cdf[i].x > cdf[i - 1].x);
    CHECK(cdf[i].y > cdf[i - 1].y);
  }
  // Equal values make one step; a larger total ends below 1.
  const std::vector<XyPoint> ties = cdf_of_sorted({1, 1, 1, 2}, 1.0, 500, 8);
  REQUIRE(ties.size() == 2);
  CHECK(ties[0].y == doctest::Approx(3.0 / 8));
  CHECK(ties[1].y == doctest::Approx(0.5));
  // From counted runs: the same curve.
  const std::vector<XyPoint> runs = cdf_of_runs({{1, 3}, {2, 1}}, 1.0);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].y == doctest::Approx(0.75));
  CHECK(cdf_of_sorted({}, 1.0).empty());
}

TEST_CASE("html: the time series stays bounded and evenly spaced") {
  int64_t gauge = 0;
  RunSeries series(2, [&gauge](std::vector<blis::output::InstanceSample>& out) {
    for (auto& s : out) s.queue_depth = gauge;
  });
  for (blis::Tick t = 1; t < 100'000'000; t += 7'777) {
    gauge = t / 1000;
    series.before_event(t);
  }
  series.on_run_end(100'000'000);
  const auto& samples = series.samples();
  CHECK(samples.size() <= RunSeries::kMaxSamples);
  CHECK(samples.size() >= RunSeries::kMaxSamples / 2);
  CHECK(samples.front().time == 0);
  CHECK(samples.back().time == 100'000'000);
  for (size_t k = 1; k + 1 < samples.size(); ++k) {
    CHECK(samples[k].time - samples[k - 1].time == series.interval());
    CHECK(samples[k].time % series.interval() == 0);
  }
}

TEST_CASE("html: hostile labels stay text in plots and tables") {
  HtmlPage page("run <b>\"x\" & 'y'</b>");
  XyPlot plot;
  plot.id = "p1";
  plot.title = "<script>alert(1)</script>";
  plot.x_label = "x & y";
  plot.y_label = "\"quoted\"";
  plot.series.push_back({"</svg><script>", {{0, 1}, {1, 2}}, {}, {}, XySeries::Style::Line});
  page.add_line_plot(plot);
  page.add_bar_plot({"b1", "bars", "class", "share", {"<i>", "a&b"}, {{"s'1", {0.5, 0.7}, {0.4, 0.6}, {0.6, 0.8}}}});
  page.add_table({"<th>"}, {{"</table>"}});
  const std::string html = page.render();
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("<i>") == std::string::npos);
  CHECK(html.find("</table></table>") == std::string::npos);
  CHECK(count_of(html, "<svg ") == 2);
  CHECK(count_of(html, "</svg>") == 2);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("http") == html.find("http://www.w3.org/2000/svg"));  // nothing to fetch
}

TEST_CASE("html: an experiment page draws a band per line on a numeric axis and bars otherwise") {
  ExperimentChart ex;
  ex.name = "demo";
  ex.axes = {{"rate", {"10", "20"}, {10, 20}}, {"routing", {"rr", "<pa>"}, {}}};
  ex.metrics = {"ttft_ms.mean"};
  for (size_t r = 0; r < 2; ++r) {
    for (size_t p = 0; p < 2; ++p) {
      ex.groups.push_back({{r, p}, {{3, 10.0 * (r + 1) + p, 9.0 * (r + 1) + p, 11.0 * (r + 1) + p}}});
    }
  }
  const std::string page = render_experiment_page("x.lua", {ex});
  CHECK(page == render_experiment_page("x.lua", {ex}));  // deterministic
  CHECK(page.find("id=\"ex1-m1-a1\"") != std::string::npos);
  CHECK(page.find("id=\"ex1-m1-a2\"") != std::string::npos);
  CHECK(count_of(page, "class=\"band\"") == 2);   // one per routing line along rate
  CHECK(count_of(page, "class=\"bar\"") == 4);    // 2 routings x 2 rate series
  CHECK(count_of(page, "class=\"whisker\"") == 4);
  CHECK(page.find("<pa>") == std::string::npos);
}
