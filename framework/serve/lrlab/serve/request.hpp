#pragma once
// From the bytes a client sent to the bytes serve sends back, without a socket: the parser's
// limits (a header of 8 KiB at most, no body: GET and HEAD take none), what each parse failure is
// answered (431, 413, 400, or nothing for a client that went away), and the response's header
// (no caching, no sniffing, a content security policy that allows this server only). The server
// (http_server.cpp) reads a socket into such a parser; the request fuzzer (tests/fuzz) feeds it
// arbitrary bytes; both answer through answer().
#include <boost/beast/http.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "lrlab/serve/routes.hpp"

namespace lrlab::serve {

inline constexpr std::size_t max_header_bytes = 8 * 1024;

using RequestParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A parser with serve's limits.
void limit(RequestParser& parser);

// What answers a whole request: route() over a database, or the server's cached route.
using Router = std::function<Response(const std::string& method, const std::string& target)>;

// Whether `bind` is a loopback address (127.0.0.0/8, ::1): this machine only.
bool is_loopback(const std::string& bind);

// The answer to what `parser` read, `ec` being how reading ended; nullopt when there is no one to
// answer (the client closed the connection or timed out before a whole header). A server on a
// loopback address (`loopback_only`) answers only requests whose Host is a loopback name
// (127.0.0.1, localhost, [::1], with any port): a web page on another site that has its own name
// resolve to 127.0.0.1 (DNS rebinding) gets 421, and an HTTP/1.1 request without Host 400.
std::optional<HttpResponse> answer(const boost::beast::error_code& ec, const RequestParser& parser, const Router& router,
                                   bool loopback_only);

// The response to `r` with serve's header fields, for HTTP `version` (11 for 1.1), its body
// dropped for a HEAD (its length kept).
HttpResponse to_http(const Response& r, unsigned version, bool head);

// The whole exchange on a buffer: parse `raw` as one request and answer it with route() over `db`
// (the fuzzer's entry).
std::optional<HttpResponse> answer_bytes(std::string_view raw, const std::filesystem::path& db);

}  // namespace lrlab::serve
