#include "lrlab/analysis/interval_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "lrlab/analysis/html.hpp"

namespace lrlab::analysis {
namespace {

double number(const Cell& c) {
  if (const auto* d = std::get_if<double>(&c)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&c)) return static_cast<double>(*i);
  return std::numeric_limits<double>::quiet_NaN();
}

std::string text(const Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (std::holds_alternative<std::monostate>(c)) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", number(c));
  return b;
}

std::string fixed(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// About five round ticks over [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  const double raw = (hi - lo) / 5, mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

}  // namespace

std::string interval_svg(const Table& summary, const std::string& metric) {
  const auto column = [&](const std::string& name) -> std::ptrdiff_t {
    const auto it = std::find(summary.columns.begin(), summary.columns.end(), name);
    return it == summary.columns.end() ? -1 : it - summary.columns.begin();
  };
  const std::ptrdiff_t first_label = column("rank") + 1, n = column("n"), mean = column("mean"), lo = column("ci95_low"),
                       hi = column("ci95_high");
  if (n < 0 || mean < 0 || lo < 0 || hi < 0) return "";
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  for (const auto& row : summary.rows)
    for (const std::ptrdiff_t k : {mean, lo, hi})
      if (const double v = number(row[k]); std::isfinite(v)) x_lo = std::min(x_lo, v), x_hi = std::max(x_hi, v);
  if (!std::isfinite(x_lo)) return "";
  if (x_hi == x_lo) x_lo -= std::max(std::abs(x_lo) * 0.05, 1e-12), x_hi += std::max(std::abs(x_hi) * 0.05, 1e-12);
  const double pad = (x_hi - x_lo) * 0.05;
  x_lo -= pad, x_hi += pad;

  const int label_width = 420, plot_width = 520, row_height = 24, top = 34, width = label_width + plot_width + 30;
  const int height = top + row_height * static_cast<int>(summary.rows.size()) + 40;
  const auto x_of = [&](double v) { return label_width + (v - x_lo) / (x_hi - x_lo) * plot_width; };
  std::ostringstream s;
  s << "<svg class=\"intervals\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s << "<text x=\"" << label_width << "\" y=\"18\" font-size=\"13\">" << html_escape(metric)
    << ": mean and 95% interval over repeats, best first</text>\n";
  const int axis_y = top + row_height * static_cast<int>(summary.rows.size()) + 4;
  for (double t : ticks(x_lo, x_hi)) {
    const std::string x = fixed(x_of(t));
    s << "<line x1=\"" << x << "\" y1=\"" << top - 6 << "\" x2=\"" << x << "\" y2=\"" << axis_y << "\" stroke=\"#e4e4e4\"/>"
      << "<text x=\"" << x << "\" y=\"" << axis_y + 16 << "\" text-anchor=\"middle\">" << html_escape(text(Cell{t})) << "</text>\n";
  }
  for (std::size_t r = 0; r < summary.rows.size(); ++r) {
    const auto& row = summary.rows[r];
    std::string label;
    for (std::ptrdiff_t k = first_label; k < n; ++k) {
      const std::string v = text(row[k]);
      if (!v.empty() && v != "-") label += (label.empty() ? "" : ", ") + summary.columns[k] + "=" + v;
    }
    const std::string shown = label.size() > 62 ? label.substr(0, 59) + "..." : label;
    const int y = top + row_height * static_cast<int>(r) + row_height / 2;
    s << "<g><title>" << html_escape(label) << ": mean " << html_escape(text(row[mean])) << ", 95% interval "
      << html_escape(text(row[lo])) << " to " << html_escape(text(row[hi])) << "</title>";
    s << "<text x=\"" << label_width - 10 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << html_escape(shown) << "</text>";
    const double m = number(row[mean]), a = number(row[lo]), b = number(row[hi]);
    if (std::isfinite(a) && std::isfinite(b))
      s << "<line x1=\"" << fixed(x_of(a)) << "\" y1=\"" << y << "\" x2=\"" << fixed(x_of(b)) << "\" y2=\"" << y
        << "\" stroke=\"#4477AA\" stroke-width=\"2.5\"/>";
    if (std::isfinite(m))
      s << "<circle cx=\"" << fixed(x_of(m)) << "\" cy=\"" << y << "\" r=\"4.5\" fill=\"" << (r == 0 ? "#228833" : "#222222") << "\"/>";
    s << "</g>\n";
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace lrlab::analysis
