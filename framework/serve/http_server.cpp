#include "lrlab/serve/http_server.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "lrlab/serve/request.hpp"
#include "lrlab/serve/response_cache.hpp"

namespace lrlab::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Kept answers (response_cache.hpp): 64 MiB of them, each fresh for a second.
constexpr std::size_t cache_bytes = 64u << 20;
constexpr std::chrono::milliseconds fresh_for{1000};

void send(tcp::socket& s, HttpResponse res) {
  beast::error_code ec;
  http::write(s, res, ec);
  s.shutdown(tcp::socket::shutdown_both, ec);
}

// One connection, on its own thread and io_context: read one request and write its answer, each
// with a deadline (Beast's tcp_stream timeouts: a client that stalls is dropped when it passes;
// socket options would not do, since Asio's blocking reads wait out EAGAIN).
void handle(std::unique_ptr<asio::io_context> io, tcp::socket s, const ServeOptions& o, ResponseCache& cache) {
  beast::tcp_stream stream(std::move(s));
  beast::flat_buffer buffer(16 * 1024);
  RequestParser parser;
  limit(parser);
  beast::error_code read_ec;
  stream.expires_after(std::chrono::seconds(o.timeout_seconds));
  http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { read_ec = ec; });
  io->run();
  const Router router = [&](const std::string& method, const std::string& target) {
    // Only answers from the database are kept; the page and its assets are in memory already.
    if ((method == "GET" || method == "HEAD") && target.rfind("/api/", 0) == 0)
      return cache.answer(target, [&] { return route("GET", target, o.db); });
    return route(method, target, o.db);
  };
  if (auto res = answer(read_ec, parser, router, is_loopback(o.bind))) {
    io->restart();
    stream.expires_after(std::chrono::seconds(o.timeout_seconds));
    http::async_write(stream, *res, [](beast::error_code, std::size_t) {});
    io->run();
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
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
  ResponseCache cache(o.db, cache_bytes, fresh_for);
  listening(acceptor.local_endpoint().port());
  std::atomic<int> open{0};
  while (!stop.load()) {
    // Wait for a connection a fifth of a second at most, then look at `stop` again.
    pollfd ready{acceptor.native_handle(), POLLIN, 0};
    if (::poll(&ready, 1, 200) <= 0) continue;
    auto conn_io = std::make_unique<asio::io_context>(1);
    tcp::socket s(*conn_io);
    acceptor.accept(s, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
    if (ec) continue;
    s.non_blocking(false);
    if (open.load() >= o.max_connections) {
      send(s, to_http({503, "application/json", R"({"error":"too many connections"})"}, 11, false));  // fits the socket buffer
      continue;
    }
    ++open;
    std::thread([conn_io = std::move(conn_io), s = std::move(s), &o, &open, &cache]() mutable {
      handle(std::move(conn_io), std::move(s), o, cache);
      --open;
    }).detach();
  }
  // Let the connections in flight end (each is bounded by the timeouts).
  while (open.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace lrlab::serve
