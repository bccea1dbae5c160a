#include "lrlab/analysis/gnuplot.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <algorithm>
#include <limits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lrlab/analysis/table.hpp"
#include "lrlab/errors.hpp"

extern char** environ;

namespace lrlab::analysis {
namespace fs = std::filesystem;
namespace {

// gnuplot from LRLAB_GNUPLOT, else the first `gnuplot` on PATH.
fs::path find_gnuplot() {
  if (const char* env = std::getenv("LRLAB_GNUPLOT"); env && *env) {
    if (access(env, X_OK) == 0) return env;
    throw std::runtime_error(std::string("LRLAB_GNUPLOT is ") + env + ", which is not an executable file");
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "gnuplot";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("plots need gnuplot, which is not installed (not on PATH): install Debian's package "
                           "gnuplot-nox (sudo apt-get install gnuplot-nox), or run scripts/deps.sh");
}

// A gnuplot string literal: single quotes, a quote doubled.
std::string quoted(const std::string& s) {
  std::string q = "'";
  // A line break would end the gnuplot command (a --where written over two lines): a space instead.
  for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch);
  return q + "'";
}

// A private temporary folder, removed when it goes out of scope.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lrlab-plot-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary folder in " + fs::temp_directory_path().string());
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Colours that stay apart for up to 12 lines (Paul Tol's "muted" and "bright" sets); past 12 the
// colours come round again with another dash pattern (solid, dashed, dotted, dash-dot): 48 lines
// that can be told apart.
const char* const palette[] = {"#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377",
                               "#332288", "#117733", "#999933", "#882255", "#44AA99", "#DDCC77"};
constexpr std::size_t dash_patterns = 4;

std::string line_style(std::size_t k) {
  return "lc rgb " + quoted(palette[k % std::size(palette)]) + " dt " + std::to_string(k / std::size(palette) % dash_patterns + 1);
}

std::string script(const std::vector<Panel>& panels, const std::string& title, const fs::path& out, bool svg,
                   const fs::path& dir) {
  std::size_t lines = 0, longest_label = 0;
  for (const auto& p : panels) {
    lines = std::max(lines, p.curves.size());
    for (const auto& c : p.curves) longest_label = std::max(longest_label, c.label.size());
  }
  // Wide enough for the key's longest label (about 8 pixels a character at these fonts) and the
  // title (about 9.5, in its larger font).
  const int width = std::max({960, 120 + 8 * static_cast<int>(longest_label), 40 + 19 * static_cast<int>(title.size()) / 2});
  const int panel_height = 300, key_height = 16 * static_cast<int>(lines) + 30;
  const int height = panel_height * static_cast<int>(panels.size()) + key_height + 40;
  std::ostringstream g;
  // fixed: drawn at its own size (a dynamic SVG is stretched to its container, its text with it).
  if (svg) g << "set terminal svg size " << width << "," << height << " fixed noenhanced font 'sans,11' background rgb 'white'\n";
  else g << "set terminal pngcairo size " << width << "," << height << " noenhanced font 'sans,11' background rgb 'white'\n";
  // The data files by their names, from the private folder: gnuplot writes each plot command into
  // the SVG, and a temporary path there would make every drawing of the same rows differ.
  g << "set output " << quoted(out.string()) << "\ncd " << quoted(dir.string()) << "\n"
    << "set grid lc rgb '#dddddd'\nset border lc rgb '#555555'\nset style fill transparent solid 0.18 noborder\n"
    << "set autoscale xfix\nset autoscale yfix\nset offsets 0, 0, graph 0.04, graph 0.04\n";  // lines at the extremes stay off the border
  // Panels share the top of the canvas; the key of the last one lists every line under it.
  const double key_share = static_cast<double>(key_height) / height;
  const double title_share = title.empty() ? 0.0 : 40.0 / height;
  const double panel_share = (1.0 - key_share - title_share) / static_cast<double>(panels.size());
  if (!title.empty()) g << "set label 1000 " << quoted(title) << " at screen 0.5, screen " << 1.0 - title_share / 2 << " center font ',13'\n";
  // Panels over the same x axis share its range, so that a step lines up from panel to panel (an
  // evaluation panel would otherwise start at the first evaluation, the rate panel at step 0).
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  bool shared_x = true;
  for (const auto& p : panels) {
    shared_x = shared_x && p.x_label == panels.front().x_label && p.log_x == panels.front().log_x;
    for (const auto& c : p.curves)
      for (double x : c.x)
        if (std::isfinite(x) && (!p.log_x || x > 0)) x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x);
  }
  if (shared_x && panels.size() > 1 && x_hi > x_lo) g << "set xrange [" << exact(x_lo) << ":" << exact(x_hi) << "]\n";
  g << "set multiplot\n";
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const Panel& p = panels[i];
    const bool last = i + 1 == panels.size();
    const double top = 1.0 - title_share - panel_share * static_cast<double>(i);
    g << "set origin 0, " << (last ? 0.0 : top - panel_share) << "\nset size 1, " << (last ? panel_share + key_share : panel_share) << "\n"
      << "set tmargin 2\nset bmargin " << (last ? std::to_string(5 + static_cast<int>(lines)) : std::string("3")) << "\n"
      << "set lmargin 12\nset rmargin 3\n"
      << "set title " << quoted(p.title) << "\nset xlabel " << quoted(p.x_label) << "\nset ylabel " << quoted(p.y_label) << "\n"
      << (p.log_y ? "set logscale y\nset format y '%.0e'\n" : "unset logscale y\nset format y '% g'\n")
      << (p.log_x ? "set logscale x\nset format x '%.0e'\n" : "unset logscale x\nset format x '% h'\n")
      << (last ? "set key below left Left reverse vertical maxcols 1 samplen 4\n" : "unset key\n");
    if (p.y_range) g << "set yrange [" << exact(p.y_range->first) << ":" << exact(p.y_range->second) << "]\n";
    else g << "set autoscale y\nset autoscale yfix\n";  // `yfix` alone keeps the last panel's range (gnuplot 5.4)
    const fs::path data = dir / ("panel" + std::to_string(i) + ".dat");
    std::ofstream d(data);
    for (const auto& c : p.curves) {
      for (std::size_t k = 0; k < c.x.size(); ++k)
        d << exact(c.x[k]) << ' ' << exact(c.mean[k]) << ' ' << exact(c.low[k]) << ' ' << exact(c.high[k]) << '\n';
      d << "\n\n";  // the next gnuplot `index`
    }
    g << "plot ";
    for (std::size_t k = 0; k < p.curves.size(); ++k) {
      const std::string colour = quoted(palette[k % std::size(palette)]);
      const std::string src = (k ? "''" : quoted(data.filename().string())) + " index " + std::to_string(k);
      if (p.curves[k].points) {
        const Curve& m = p.curves[k];
        g << (k ? ", \\\n     " : "") << src << " using 1:2 with points "
          << (m.crosses   ? std::string("pt 2 ps 1.6 lw 2 lc rgb '#000000'")
              : m.events  ? std::string("pt 8 ps 1.2 lw 1.2 lc rgb '#000000'")
                          : "pt 7 ps 1.3 lc rgb " + colour)
          << " title " << quoted(m.label);
        continue;
      }
      g << (k ? ", \\\n     " : "") << src << " using 1:3:4 with filledcurves lc rgb " << colour << " notitle, \\\n     "
        << "'' index " << k << " using 1:2 with lines lw 1.6 " << line_style(k) << " title " << quoted(p.curves[k].label);
    }
    g << "\n";
    if (i == 0 && !title.empty()) g << "unset label 1000\n";  // drawn once, not under every panel
  }
  g << "unset multiplot\nset output\n";
  return g.str();
}

void run_gnuplot(const fs::path& gnuplot, const fs::path& script_file, const fs::path& err_file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string exe = gnuplot.string(), arg = script_file.string();
  char* argv[] = {const_cast<char*>(exe.c_str()), const_cast<char*>(arg.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(err_file);
    std::ostringstream e;
    e << in.rdbuf();
    throw std::runtime_error("gnuplot failed: " + e.str());
  }
}

}  // namespace

std::string gnuplot_quoted(const std::string& s) { return quoted(s); }

std::string title_with_where(std::string title, const std::string& where) {
  if (where.empty()) return title;
  title += ", trials where ";
  const std::size_t room = std::max<std::size_t>(60, 110 - std::min<std::size_t>(110, title.size()));
  return title + (where.size() > room ? where.substr(0, room - 3) + "..." : where);
}

void render_with_gnuplot(const fs::path& out, const GnuplotScript& script_for) {
  const std::string ext = out.extension().string();
  if (ext != ".svg" && ext != ".png")
    throw SpecError("", "the output file must end in .svg or .png; received \"" + out.string() + "\"");
  std::error_code ec;
  const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(folder, ec))
    throw SpecError("", "cannot write " + out.string() + ": the folder " + folder.string() + " does not exist");
  if (fs::is_directory(out, ec)) throw SpecError("", "cannot write " + out.string() + ": it is a folder");
  const fs::path gnuplot = find_gnuplot();
  TempDir dir;
  // Draw into the temporary folder, then move: a failed run leaves no half-written file behind.
  const fs::path drawn = dir.path / ("chart" + ext);
  std::ofstream(dir.path / "chart.gp") << script_for(drawn, ext == ".svg", dir.path);
  run_gnuplot(gnuplot, dir.path / "chart.gp", dir.path / "gnuplot.err");
  fs::rename(drawn, out, ec);
  if (ec) {  // another file system
    fs::copy_file(drawn, out, fs::copy_options::overwrite_existing, ec);
    if (ec) throw StoreError("cannot write " + out.string() + ": " + ec.message());
  }
}

void draw_chart(const std::vector<Panel>& panels, const std::string& title, const fs::path& out) {
  if (panels.empty()) throw SpecError("", "nothing to draw");
  render_with_gnuplot(out, [&](const fs::path& drawn, bool svg, const fs::path& dir) {
    return script(panels, title, drawn, svg, dir);
  });
}

std::string chart_svg(const std::vector<Panel>& panels, const std::string& title) {
  TempDir dir;
  const fs::path file = dir.path / "inline.svg";
  draw_chart(panels, title, file);
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace lrlab::analysis
