#pragma once
// A minimal HTTP client for the tests of `lrlab serve`: one raw request on a fresh connection to
// 127.0.0.1 (what curl would send, without depending on curl), and a server started on a free port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>

#include "support/cli.hpp"
#include "support/process.hpp"

namespace lrlab::test {

struct HttpReply {
  int status = 0;
  std::string head;  // the status line and header fields
  std::string body;
};

// A connection to 127.0.0.1:port that has sent `raw` (the caller closes it).
inline int connect_and_send(int port, const std::string& raw) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(static_cast<std::uint16_t>(port));
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(s, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
  REQUIRE(send(s, raw.data(), raw.size(), 0) == static_cast<ssize_t>(raw.size()));
  return s;
}

// Sends `raw` as it is and reads the reply until the server closes the connection.
inline HttpReply http_raw(int port, const std::string& raw) {
  const int s = connect_and_send(port, raw);
  std::string reply;
  char buf[65536];
  for (ssize_t n; (n = recv(s, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  close(s);
  const auto space = reply.find(' ');
  const auto end = reply.find("\r\n\r\n");
  REQUIRE(space != std::string::npos);
  return {std::stoi(reply.substr(space + 1, 3)), reply.substr(0, end), end == std::string::npos ? "" : reply.substr(end + 4)};
}

inline HttpReply http_get(int port, const std::string& target) {
  return http_raw(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

// `lrlab serve DB --port 0` started in `dir`; its stderr in serve.err there.
struct Served {
  pid_t pid;
  int port;
};

inline Served start_serve(const std::filesystem::path& dir, const std::string& db) {
  write_file(dir / "serve.err", "");
  const pid_t pid = spawn_lrlab(dir, {"serve", db, "--port", "0"}, "/dev/null", "serve.err");
  for (int i = 0; i < 400; ++i) {
    const std::string text = read_file(dir / "serve.err");
    if (const auto at = text.find("http://127.0.0.1:"); at != std::string::npos) return {pid, std::stoi(text.substr(at + 17))};
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL("serve never said where it listens: " << read_file(dir / "serve.err"));
  return {pid, 0};
}

}  // namespace lrlab::test
