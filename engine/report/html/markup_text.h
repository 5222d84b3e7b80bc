// Text for the HTML report's markup: escaping and number forms. Every piece of text that reaches
// the page (scenario names, Lua labels, model names, file paths) goes through escape(), so a
// label such as `<script>` or `a"b&c` shows as written and never becomes markup. Numbers are
// printed with a fixed number of decimals (no locale, no shortest-form search), so the same run
// writes the same bytes.
#pragma once

#include <string>
#include <string_view>

namespace blis::report::html {

// & < > " ' as character references; other bytes unchanged (the page is UTF-8). Control
// characters other than tab and newline become U+FFFD, which XML/SVG would reject otherwise.
std::string escape(std::string_view text);

// A coordinate: two decimals, "-0.00" written "0.00" (the same bytes whatever the rounding side).
std::string coord(double v);

// A value for people: 4 significant digits at most, thousands not grouped, a k / M / G suffix
// from 100,000 on ("1234", "0.0123", "250k", "1.5M"): tick labels and tooltips.
std::string short_number(double v);

}  // namespace blis::report::html
