#include "lrlab/serve/http_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "lrlab/serve/request.hpp"

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

void send(tcp::socket& s, HttpResponse res) {
  beast::error_code ec;
  http::write(s, res, ec);
  s.shutdown(tcp::socket::shutdown_both, ec);
}

void handle(tcp::socket s, const ServeOptions& o) {
  set_timeouts(s, o.timeout_seconds);
  beast::flat_buffer buffer(16 * 1024);
  RequestParser parser;
  limit(parser);
  beast::error_code ec;
  http::read(s, buffer, parser, ec);
  if (auto res = answer(ec, parser, o.db)) send(s, std::move(*res));
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
      send(s, to_http({503, "application/json", R"({"error":"too many connections"})"}, 11, false));
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
