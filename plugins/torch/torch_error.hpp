#pragma once
// LibTorch's errors are long: a c10::Error's what() carries a C++ backtrace, and an error inside
// TorchScript code quotes every frame of the model's source. A user reads the message alone: the
// error's own words (for TorchScript, its last line, "RuntimeError: Expected 4D input ..."),
// without the backtrace.
#include <exception>
#include <string>

#include <c10/util/Exception.h>

namespace lrlab::torch_task {

inline std::string torch_message(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string m = c10 ? c10->what_without_backtrace() : e.what();
  const auto raised = m.find("Exception raised from");
  if (raised != std::string::npos) m.erase(raised);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  if (m.find("Traceback of TorchScript") != std::string::npos) m = m.substr(m.rfind('\n') + 1);
  constexpr std::size_t most = 600;
  if (m.size() > most) m = m.substr(0, most) + " ...";
  return m;
}

}  // namespace lrlab::torch_task
