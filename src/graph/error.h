// Errors that reach the user. Each kind maps to one documented exit code, so
// scripts can tell a bad model from a bad image from an unsupported op.
#pragma once
#include <stdexcept>
#include <string>

namespace octet {

enum class ErrorKind {
  Internal = 1,     // a bug in octet
  Usage = 2,        // bad command-line arguments
  BadFile = 3,      // unreadable, truncated or not a model / tensor file
  Unsupported = 4,  // the model uses ops or attributes octet does not handle
  BadShape = 5,     // shapes that cannot be resolved or do not fit
  BadInput = 6,     // an input image or tensor that cannot be used
};

inline int exit_code(ErrorKind kind) { return static_cast<int>(kind); }

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) {
  throw Error(kind, message);
}

}  // namespace octet
