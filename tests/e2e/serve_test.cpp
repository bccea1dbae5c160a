// lrlab serve (issue 23, begun): the routes answer from the database as SQL counts it, bad
// requests get a 4xx and never reach the filesystem, and the server stops on SIGINT with exit 0.
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/cli.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// One raw request to 127.0.0.1:port: the status code and the body.
std::pair<int, std::string> http(int port, const std::string& raw) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(static_cast<std::uint16_t>(port));
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(s, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
  REQUIRE(send(s, raw.data(), raw.size(), 0) == static_cast<ssize_t>(raw.size()));
  std::string reply;
  char buf[65536];
  for (ssize_t n; (n = recv(s, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  close(s);
  const auto space = reply.find(' ');
  const auto body = reply.find("\r\n\r\n");
  REQUIRE(space != std::string::npos);
  return {std::stoi(reply.substr(space + 1, 3)), body == std::string::npos ? "" : reply.substr(body + 4)};
}

std::pair<int, std::string> get(int port, const std::string& target) {
  return http(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

// The port the server says it listens on, from its stderr.
int port_of(const fs::path& err) {
  for (int i = 0; i < 200; ++i) {
    const std::string text = read_file(err);
    if (const auto at = text.find("http://127.0.0.1:"); at != std::string::npos) return std::stoi(text.substr(at + 17));
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL("serve never said where it listens: " << read_file(err));
  return 0;
}

}  // namespace

TEST_CASE("serve: the routes answer as SQL counts, bad requests get 4xx, SIGINT stops it", "[e2e][serve]") {
  const fs::path dir = temp_dir("serve");
  write_file(dir / "spec.json", R"({"name": "served", "seed": 2, "repeats": 2,
    "task": {"type": "quadratic", "dimension": 4, "condition_number": 10},
    "budget": {"steps": 30}, "grid": {"optimizer.learning_rate": [0.01, 0.1, 10.0]}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "s.db", "-q"}, dir).rc != 2);
  write_file(dir / "serve.err", "");
  const pid_t pid = spawn_lrlab(dir, {"serve", "s.db", "--port", "0"}, "/dev/null", "serve.err");
  const int port = port_of(dir / "serve.err");

  auto [status, body] = get(port, "/");
  CHECK(status == 200);
  CHECK_THAT(body, Contains("/assets/app.js") && Contains("/assets/uPlot.iife.min.js"));
  CHECK(get(port, "/assets/uPlot.iife.min.js").second.size() == fs::file_size(fs::path(LRLAB_SOURCE_DIR) / "framework/serve/assets/vendor/uplot/uPlot.iife.min.js"));

  std::tie(status, body) = get(port, "/api/experiments");
  REQUIRE(status == 200);
  const auto list = nlohmann::json::parse(body);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["name"] == "served");
  CHECK(list[0]["trials"] == 6);

  std::tie(status, body) = get(port, "/api/experiments/" + std::to_string(list[0]["id"].get<int>()) + "/progress");
  REQUIRE(status == 200);
  const auto p = nlohmann::json::parse(body);
  for (const auto& [st, n] : p["by_status"].items())
    CHECK(std::to_string(n.get<int>()) == sql1(dir / "s.db", "SELECT count(*) FROM trials WHERE status = '" + st + "'"));
  CHECK(p["finished"] == 6);

  // Bad paths, ids and methods: a 4xx each, and the server still answers after them.
  for (const std::string t : {"/../../etc/passwd", "/assets/../../CMakeLists.txt", "/assets/%2e%2e/x", "/api/experiments/abc/progress",
                              "/api/experiments/0/progress", "/api/experiments/999/progress", "/api/experiments/-1/progress",
                              "/api/experiments/99999999999999999999999/progress", "//api/experiments", "/assets/", "relative",
                              "/api/experiments/1/progress/extra"}) {
    INFO(t);
    const int code = get(port, t).first;
    CHECK((code >= 400 && code < 500));
  }
  CHECK(get(port, "/" + std::string(3000, 'a')).first == 414);
  CHECK(http(port, "DELETE /api/experiments HTTP/1.1\r\nHost: x\r\n\r\n").first == 405);
  CHECK(http(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n").first == 431);
  CHECK(http(port, "not http at all\r\n\r\n").first == 400);
  CHECK(get(port, "/api/experiments").first == 200);

  kill(pid, SIGINT);
  CHECK(wait_lrlab(pid).rc == 0);
}

TEST_CASE("serve: a missing or foreign database, and a bad address, are errors before listening", "[e2e][serve]") {
  const fs::path dir = temp_dir("serve-bad");
  auto r = run_lrlab({"serve", "missing.db"}, dir);
  CHECK(r.rc == 2);
  write_file(dir / "empty.db", "");
  r = run_lrlab({"serve", "empty.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("not an lrlab results database"));
}
