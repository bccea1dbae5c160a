#include "lrlab/serve/http_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "lrlab/serve/routes.hpp"

namespace lrlab::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

void set_timeouts(tcp::socket& s, int seconds) {
  timeval tv{seconds, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void answer(tcp::socket& s, unsigned version, const Response& r, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "lrlab serve");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
  res.keep_alive(false);
  res.body() = r.body;
  res.prepare_payload();
  if (head) res.body().clear();  // the length stays the GET's
  beast::error_code ec;
  http::write(s, res, ec);
  s.shutdown(tcp::socket::shutdown_both, ec);
}

void handle(tcp::socket s, const ServeOptions& o) {
  set_timeouts(s, o.timeout_seconds);
  beast::flat_buffer buffer(16 * 1024);
  http::request_parser<http::empty_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(0);
  beast::error_code ec;
  http::read(s, buffer, parser, ec);
  if (ec == http::error::header_limit) return answer(s, 11, {431, "application/json", R"({"error":"headers over 8 KiB"})"}, false);
  if (ec == http::error::body_limit) return answer(s, 11, {413, "application/json", R"({"error":"serve takes no request body"})"}, false);
  if (ec) {
    if (ec != http::error::end_of_stream && ec != asio::error::eof && ec != asio::error::would_block && ec != asio::error::timed_out)
      answer(s, 11, {400, "application/json", R"({"error":"not an HTTP request"})"}, false);
    return;
  }
  const auto& req = parser.get();
  const Response r = route(std::string(req.method_string()), std::string(req.target()), o.db);
  answer(s, req.version(), r, req.method() == http::verb::head);
}

}  // namespace

void run_server(const ServeOptions& o, const std::atomic<bool>& stop, const std::function<void(unsigned short)>& listening) {
  asio::io_context io;
  beast::error_code ec;
  const auto address = asio::ip::make_address(o.bind, ec);
  if (ec) throw std::runtime_error("--bind " + o.bind + " is not an IP address");
  tcp::acceptor acceptor(io);
  const tcp::endpoint at(address, o.port);
  acceptor.open(at.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(at, ec);
  if (ec) throw std::runtime_error("cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections);
  acceptor.non_blocking(true);  // accept polls, so that `stop` is seen
  listening(acceptor.local_endpoint().port());
  std::atomic<int> open{0};
  while (!stop.load()) {
    tcp::socket s(io);
    acceptor.accept(s, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) continue;
    s.non_blocking(false);
    if (open.load() >= o.max_connections) {
      set_timeouts(s, 1);
      answer(s, 11, {503, "application/json", R"({"error":"too many connections"})"}, false);
      continue;
    }
    ++open;
    std::thread([s = std::move(s), &o, &open]() mutable {
      handle(std::move(s), o);
      --open;
    }).detach();
  }
  // Let the connections in flight end (each is bounded by the timeouts).
  while (open.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace lrlab::serve
