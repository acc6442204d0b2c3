// Error values and Result<T>: how expected failures travel through Vitalis (DESIGN.md §3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace vitalis {

// The error codes a client can see. Each maps to exactly one HTTP status (http_status()).
enum class ErrorCode : std::uint8_t {
  kMalformed,             // 400: the request could not be parsed
  kUnauthenticated,       // 401
  kForbidden,             // 403
  kNotFound,              // 404
  kMethodNotAllowed,      // 405
  kConflict,              // 409
  kPayloadTooLarge,       // 413
  kUnsupportedMediaType,  // 415
  kValidationFailed,      // 422: parsed, but a value is not acceptable
  kConfirmationRequired,  // 422: a possible but unlikely value; resend confirmed to keep it
  kRateLimited,           // 429
  kInternal,              // 500: a bug or a broken dependency; never leaks details
  kUnavailable,           // 503: a dependency (e.g. the database) is not reachable
};

// Stable snake_case name of a code, as sent in the JSON error body.
std::string_view error_code_name(ErrorCode code);
int http_status(ErrorCode code);

// An expected failure: a code, a message safe to show a client, and the field it concerns.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;            // empty when the error concerns no single field
  int retry_after_seconds = 0;  // with kRateLimited: sent as Retry-After
  // "Did you mean": values the client may offer instead (sent as `suggestions` when not empty).
  std::vector<std::string> suggestions{};

  static Error malformed(std::string message, std::string field = {}) {
    return {ErrorCode::kMalformed, std::move(message), std::move(field)};
  }
  static Error validation(std::string field, std::string message) {
    return {ErrorCode::kValidationFailed, std::move(message), std::move(field)};
  }
  static Error not_found(std::string message) {
    return {ErrorCode::kNotFound, std::move(message), {}};
  }
  static Error conflict(std::string message) {
    return {ErrorCode::kConflict, std::move(message), {}};
  }
  static Error internal() { return {ErrorCode::kInternal, "internal error", {}}; }
  static Error rate_limited(std::string message, int retry_after_seconds) {
    Error error{ErrorCode::kRateLimited, std::move(message), {}};
    error.retry_after_seconds = retry_after_seconds < 1 ? 1 : retry_after_seconds;
    return error;
  }
  static Error unauthenticated(std::string message) {
    return {ErrorCode::kUnauthenticated, std::move(message), {}};
  }
  static Error forbidden(std::string message) {
    return {ErrorCode::kForbidden, std::move(message), {}};
  }
  static Error unavailable(std::string message) {
    return {ErrorCode::kUnavailable, std::move(message), {}};
  }
};

// Either a value or an Error. Cheap when fine, explicit when not. Not thread-safe (a value type).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

// Result of an operation that returns nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace vitalis
