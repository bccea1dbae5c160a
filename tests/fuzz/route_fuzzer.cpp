// libFuzzer target: any bytes as what a client sends `lrlab serve`, parsed with the server's limits
// and answered by its routes over a real results database (LRLAB_FUZZ_DB, made by
// scripts/sanitize.sh fuzz and by the corpus test's fixture). The bytes reach exactly the code a
// socket's would (lrlab/serve/request.hpp). Whatever they are, the answer must be one the contract
// allows: 200 or a 4xx (a 503 says the database could not be read: it can), never a crash or a
// sanitizer report; a 200 never for a path with "..", a JSON body that parses, and a body bounded
// by the paging (16 MiB is far above any page of this database).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "lrlab/serve/request.hpp"

namespace {

std::string db;

[[noreturn]] void bug(const char* what, const std::string& detail) {
  std::fprintf(stderr, "route_fuzzer: %s: %s\n", what, detail.substr(0, 400).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* path = std::getenv("LRLAB_FUZZ_DB");
  if (path == nullptr || *path == '\0') {
    std::fprintf(stderr, "route_fuzzer: set LRLAB_FUZZ_DB to a results database (scripts/sanitize.sh fuzz makes one)\n");
    std::exit(2);
  }
  db = path;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const auto res = lrlab::serve::answer_bytes(raw, db);
  if (!res) return 0;  // an unfinished request: nobody to answer yet
  const int status = static_cast<int>(res->result_int());
  if (status != 200 && (status < 400 || status >= 500)) bug("a status outside 200 and 4xx", std::to_string(status) + " " + res->body());
  if (res->body().size() > (16u << 20)) bug("a body over 16 MiB", raw);
  const std::string type(res->at(boost::beast::http::field::content_type));
  if (status == 200) {
    const std::size_t line = raw.find('\n');
    const std::string first = raw.substr(0, line);
    const std::string path = first.substr(0, first.find('?'));
    if (path.find("..") != std::string::npos) bug("200 for a path with ..", first);
  }
  if (type == "application/json" && !res->body().empty() && !nlohmann::json::accept(res->body()))
    bug("a JSON answer that does not parse", res->body());
  return 0;
}
