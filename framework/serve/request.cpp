#include "lrlab/serve/request.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace lrlab::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

void limit(RequestParser& parser) {
  parser.header_limit(max_header_bytes);
  parser.body_limit(0);
}

HttpResponse to_http(const Response& r, unsigned version, bool head) {
  HttpResponse res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "lrlab serve");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
  res.keep_alive(false);
  res.body() = r.body;
  res.prepare_payload();
  if (head) res.body().clear();  // the length stays the GET's
  return res;
}

bool is_loopback(const std::string& bind) {
  beast::error_code ec;
  const auto a = asio::ip::make_address(bind, ec);
  return !ec && a.is_loopback();
}

namespace {

// "127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "[::1]", "localhost" -> "localhost".
std::string host_name(std::string_view host) {
  const auto colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) host = host.substr(0, colon);
  std::string out(host);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool loopback_name(const std::string& name) {
  if (name == "localhost" || name == "[::1]") return true;
  beast::error_code ec;
  const auto a = asio::ip::make_address_v4(name, ec);
  return !ec && a.is_loopback();
}

}  // namespace

std::optional<HttpResponse> answer(const beast::error_code& ec, const RequestParser& parser, const Router& router,
                                   bool loopback_only) {
  if (ec == http::error::header_limit) return to_http({431, "application/json", R"({"error":"headers over 8 KiB"})"}, 11, false);
  if (ec == http::error::body_limit) return to_http({413, "application/json", R"({"error":"serve takes no request body"})"}, 11, false);
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
      ec == asio::error::would_block || ec == asio::error::timed_out || ec == beast::error::timeout)
    return std::nullopt;
  if (ec || !parser.is_done()) return to_http({400, "application/json", R"({"error":"not an HTTP request"})"}, 11, false);
  const auto& req = parser.get();
  if (loopback_only) {
    const auto host = req.find(http::field::host);
    if (host == req.end() && req.version() >= 11)
      return to_http({400, "application/json", R"({"error":"an HTTP/1.1 request needs a Host header"})"}, req.version(), false);
    if (host != req.end() && !loopback_name(host_name(std::string_view(host->value().data(), host->value().size()))))
      return to_http({421, "application/json",
                      R"({"error":"this server answers for 127.0.0.1, localhost and [::1] only: it listens on a loopback address"})"},
                     req.version(), false);
  }
  const Response r = router(std::string(req.method_string()), std::string(req.target()));
  return to_http(r, req.version(), req.method() == http::verb::head);
}

std::optional<HttpResponse> answer_bytes(std::string_view raw, const std::filesystem::path& db) {
  RequestParser parser;
  limit(parser);
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  // put() takes what it can each call (a header only once it is whole); feed until done or stuck.
  while (!ec && !parser.is_done() && used < raw.size()) {
    const std::size_t n = parser.put(asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;  // an incomplete header: the client would still be sending
    }
    used += n;
  }
  if (!ec && !parser.is_done()) ec = http::error::partial_message;
  return answer(ec, parser, [&](const std::string& method, const std::string& target) { return route(method, target, db); }, true);
}

}  // namespace lrlab::serve
