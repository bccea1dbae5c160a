#pragma once
// The typed exceptions of lrlab. The CLI turns each into its exit code in one place:
// SpecError, PluginLoadError and StoreError exit 2 ("bad usage or bad spec, nothing written");
// an error inside a trial (any exception) makes that trial `failed` and the run exit 1.
#include <stdexcept>
#include <string>

#include "version.hpp"

namespace lrlab {

// A problem with the experiment spec or a command-line argument. `pointer` is the JSON pointer of
// the offending value ("/schedule/decay_steps"), empty when the problem is not inside a document.
class LRLAB_API SpecError : public std::runtime_error {
 public:
  SpecError(std::string pointer, const std::string& message)
      : std::runtime_error(pointer.empty() ? message : pointer + ": " + message),
        pointer_(std::move(pointer)),
        message_(message) {}
  const std::string& pointer() const noexcept { return pointer_; }
  const std::string& problem() const noexcept { return message_; }

 private:
  std::string pointer_;
  std::string message_;
};

// Thrown by a component's factory when its parameters are individually valid but wrong together
// (max_lr < base_lr, boundaries and values of different lengths). `param` names the parameter the
// message is about; the core adds the JSON pointer of the component.
class LRLAB_API ParamError : public std::runtime_error {
 public:
  ParamError(std::string param, const std::string& message)
      : std::runtime_error(message), param_(std::move(param)) {}
  const std::string& param() const noexcept { return param_; }

 private:
  std::string param_;
};

// A plugin library that cannot be used: missing, no entry point, another SDK version, duplicates.
class LRLAB_API PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The results database cannot be opened, is not an lrlab database, or refused a statement.
class LRLAB_API StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A task that cannot be built or run: unreadable data, malformed rows (messages carry file:line).
class LRLAB_API TaskError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lrlab
