// One self-contained HTML page of headings, notes, tables and plots (inline SVG, inline CSS, no
// script, nothing fetched): the run report (run_page.h), the experiment report
// (experiment_page.h), and any later page (a search's table, Pareto scatter and knee plot are
// add_table + add_scatter + add_line_plot). Every text goes through escape(); the page is
// built in the order of the calls and render() is deterministic.
#pragma once

#include <string>
#include <vector>

#include "engine/report/html/bar_plot.h"
#include "engine/report/html/xy_plot.h"

namespace blis::report::html {

class HtmlPage {
 public:
  explicit HtmlPage(std::string title) : title_(std::move(title)) {}

  void add_heading(const std::string& text, int level = 2);  // level 2 or 3
  void add_note(const std::string& text);                     // a paragraph
  // A table: the header row, then rows; `numeric_from`: columns from this index on align right.
  void add_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                 size_t numeric_from = 1, const std::string& caption = "");
  // A two-column table of names and values (the run's header: model, GPU, ...).
  void add_facts(const std::vector<std::pair<std::string, std::string>>& facts);
  void add_line_plot(const XyPlot& plot) { add_plot(render_xy_plot(plot)); }
  // An XyPlot whose series are all drawn as markers.
  void add_scatter(XyPlot plot);
  void add_bar_plot(const BarPlot& plot) { add_plot(render_bar_plot(plot)); }

  std::string render() const;

 private:
  void add_plot(const std::string& svg);
  void add_block(std::string html) { blocks_.push_back({false, std::move(html)}); }
  struct Block {
    bool plot = false;  // consecutive plots share one row that wraps
    std::string html;
  };
  std::string title_;
  std::vector<Block> blocks_;
};

}  // namespace blis::report::html
