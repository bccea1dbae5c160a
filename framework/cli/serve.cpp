// lrlab serve DB [--port 8080] [--bind 127.0.0.1]: the live dashboard over a results database
// (framework/serve/). Read-only; Ctrl-C stops it (exit 0).
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/serve/http_server.hpp"
#include "lrlab/serve/request.hpp"
#include "run_report.hpp"

namespace lrlab::cli {
namespace {

int serve(const serve::ServeOptions& o) {
  analysis::open_results_read_only(o.db.string());  // an lrlab database, readable, or a clear error now
  boost::system::error_code bad;
  boost::asio::ip::make_address(o.bind, bad);
  if (bad) throw SpecError("", "--bind " + o.bind + " is not an IP address (127.0.0.1, ::1, 0.0.0.0, 192.168.1.5, ...)");
  if (!serve::is_loopback(o.bind))
    std::fprintf(stderr, "lrlab: warning: --bind %s: anyone who can reach this address can read every experiment "
                         "in %s (serve has no login and no TLS)\n", o.bind.c_str(), o.db.c_str());
  install_stop_signals();
  // The sweep first: serve lowers its priority (nice +10, inherited by its threads), so on a
  // machine busy with a sweep its answers come later rather than the sweep's trials
  // (bench/serve_polling.py measures both).
  errno = 0;
  if (nice(10) == -1 && errno != 0)
    std::fprintf(stderr, "lrlab: warning: cannot lower serve's priority: %s\n", std::strerror(errno));
  try {
    serve::run_server(o, stop_requested(), [&](unsigned short port) {
      std::fprintf(stderr, "lrlab: serving %s at http://%s:%u/ (Ctrl-C stops)\n", o.db.c_str(),
                   o.bind.find(':') == std::string::npos ? o.bind.c_str() : ("[" + o.bind + "]").c_str(), port);
    });
  } catch (const std::runtime_error& e) {
    throw SpecError("", e.what());
  }
  return exit_ok;
}

}  // namespace

void add_serve(CLI::App& app, Action& action) {
  auto o = std::make_shared<serve::ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "a live web view of a results database (read-only), while a sweep runs or after");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("--port", o->port, "TCP port (default 8080; 0: any free one)");
  cmd->add_option("--bind", o->bind, "address to listen on (default 127.0.0.1: this machine only)");
  cmd->callback([&action, o] { action = [o] { return serve(*o); }; });
}

}  // namespace lrlab::cli
