#pragma once
// The HTTP side of `lrlab serve` (Boost.Beast, blocking sockets): one request per connection, each
// on a thread of its own, at most `max_connections` at once (more are answered 503 at once). A
// request's header may hold 8 KiB, its body nothing (GET and HEAD only); a client that sends or
// reads slower than `timeout_seconds` is dropped. So a slow or hostile client holds one thread for
// seconds at most, and the sweep writing the database (another process) never waits for it.
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

namespace lrlab::serve {

struct ServeOptions {
  std::filesystem::path db;
  std::string bind = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (listening() says which)
  int max_connections = 32;
  int timeout_seconds = 5;
};

// Serve until `stop` is set. `listening(port)` is called once the socket accepts. Throws
// std::runtime_error when the address cannot be bound.
void run_server(const ServeOptions& options, const std::atomic<bool>& stop,
                const std::function<void(unsigned short)>& listening);

}  // namespace lrlab::serve
