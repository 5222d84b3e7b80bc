#include "engine/report/html/html_page.h"

#include <fmt/format.h>

#include "engine/report/html/markup_text.h"

namespace blis::report::html {

namespace {

// The page's whole style: readable on screen and printed, plots at their own size.
constexpr const char* kStyle = R"(body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1560px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}p.note{color:#555;font-size:13px;max-width:1000px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 12px}th,td{padding:3px 10px;border-bottom:1px solid #e4e4e4}
th{background:#f3f3f3;text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.facts th{background:none;font-weight:600;padding-right:18px}caption{caption-side:bottom;color:#666;font-size:12px;text-align:left}
.plots{display:flex;flex-wrap:wrap;gap:12px}figure.plot{margin:0;border:1px solid #ddd;background:#fff}
svg.blis-plot{display:block;font-size:12px}svg .plot-title{font-size:15px;font-weight:600}
svg .grid line,svg line.grid{stroke:#e6e6e6;stroke-width:1}svg .axis-line{stroke:#444;stroke-width:1}
svg .tick-label{fill:#333;font-size:11px}svg .axis-label{fill:#222;font-size:13px}svg .legend text{fill:#222;font-size:12px}
)";

}  // namespace

void HtmlPage::add_heading(const std::string& text, int level) {
  const int h = level <= 2 ? 2 : 3;
  add_block(fmt::format("<h{}>{}</h{}>\n", h, escape(text), h));
}

void HtmlPage::add_note(const std::string& text) { add_block("<p class=\"note\">" + escape(text) + "</p>\n"); }

void HtmlPage::add_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                         size_t numeric_from, const std::string& caption) {
  const auto cls = [numeric_from](size_t column) { return column >= numeric_from ? " class=\"num\"" : ""; };
  std::string table = "<table class=\"data\">\n";
  if (!caption.empty()) table += "<caption>" + escape(caption) + "</caption>\n";
  table += "<tr>";
  for (size_t c = 0; c < header.size(); ++c) table += fmt::format("<th{}>{}</th>", cls(c), escape(header[c]));
  table += "</tr>\n";
  for (const auto& row : rows) {
    table += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) table += fmt::format("<td{}>{}</td>", cls(c), escape(row[c]));
    table += "</tr>\n";
  }
  table += "</table>\n";
  add_block(std::move(table));
}

void HtmlPage::add_facts(const std::vector<std::pair<std::string, std::string>>& facts) {
  std::string table = "<table class=\"facts\">\n";
  for (const auto& [name, value] : facts) {
    table += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape(name), escape(value));
  }
  table += "</table>\n";
  add_block(std::move(table));
}

void HtmlPage::add_scatter(XyPlot plot) {
  for (XySeries& s : plot.series) s.style = XySeries::Style::Markers;
  add_line_plot(plot);
}

void HtmlPage::add_plot(const std::string& svg) { blocks_.push_back({true, "<figure class=\"plot\">\n" + svg + "</figure>\n"}); }

std::string HtmlPage::render() const {
  std::string body;
  for (size_t k = 0; k < blocks_.size(); ++k) {
    const bool first_plot = blocks_[k].plot && (k == 0 || !blocks_[k - 1].plot);
    const bool last_plot = blocks_[k].plot && (k + 1 == blocks_.size() || !blocks_[k + 1].plot);
    if (first_plot) body += "<div class=\"plots\">\n";
    body += blocks_[k].html;
    if (last_plot) body += "</div>\n";
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}</style>\n"
      "</head>\n<body>\n<h1>{}</h1>\n{}</body>\n</html>\n",
      escape(title_), kStyle, escape(title_), body);
}

}  // namespace blis::report::html
