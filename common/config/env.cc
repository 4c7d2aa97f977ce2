#include "common/config/env.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace ccms::config {

namespace {
const char* SystemGetenv(const char* name) { return std::getenv(name); }
}  // namespace

Env::Env(Lookup lookup) : lookup_(lookup ? lookup : &SystemGetenv) {}

const char* Env::Get(std::string_view name) const {
  const char* value = lookup_(std::string(name).c_str());
  return (value != nullptr && *value != '\0') ? value : nullptr;
}

void Env::Problem(std::string_view name, std::string_view what) {
  problems_.push_back(absl::StrCat(std::string(name), ": ", std::string(what)));
}

std::string Env::RequiredString(std::string_view name) {
  const char* value = Get(name);
  if (value == nullptr) {
    Problem(name, "is required");
    return "";
  }
  return value;
}

std::string Env::String(std::string_view name, std::string_view fallback) {
  const char* value = Get(name);
  return value != nullptr ? std::string(value) : std::string(fallback);
}

std::string Env::RequiredSecret(std::string_view name) {
  std::optional<std::string> secret = OptionalSecret(name);
  if (secret.has_value()) return *std::move(secret);
  const std::string file_name = std::string(name) + "_FILE";
  if (Get(name) == nullptr && Get(file_name) == nullptr) {
    Problem(name, "is required (or " + file_name + ")");
  }
  return "";
}

std::optional<std::string> Env::OptionalSecret(std::string_view name) {
  const std::string file_name = std::string(name) + "_FILE";
  const char* inline_value = Get(name);
  const char* path = Get(file_name);
  if (inline_value != nullptr && path != nullptr) {
    Problem(name, absl::StrCat("set either ", std::string(name), " or ", file_name, ", not both"));
    return std::nullopt;
  }
  if (inline_value != nullptr) return std::string(inline_value);
  if (path == nullptr) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Problem(file_name, "file cannot be read");
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string secret = buffer.str();
  // Files written by `echo` end in a newline that is not part of the secret.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) {
    Problem(file_name, "file is empty");
    return std::nullopt;
  }
  return secret;
}

int64_t Env::Int(std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  const char* value = Get(name);
  if (value == nullptr) return fallback;
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed)) {
    Problem(name, "must be a whole number");
    return fallback;
  }
  if (parsed < min || parsed > max) {
    Problem(name, absl::StrCat("must be between ", min, " and ", max));
    return fallback;
  }
  return parsed;
}

absl::Duration Env::Millis(std::string_view name, int64_t fallback_ms, int64_t min_ms,
                           int64_t max_ms) {
  return absl::Milliseconds(Int(name, fallback_ms, min_ms, max_ms));
}

bool Env::Bool(std::string_view name, bool fallback) {
  const char* value = Get(name);
  if (value == nullptr) return fallback;
  const std::string v = absl::AsciiStrToLower(value);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  Problem(name, "must be true or false");
  return fallback;
}

std::string Env::Address(std::string_view name, std::string_view fallback) {
  std::string value = String(name, fallback);
  const size_t colon = value.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
    Problem(name, "must be host:port");
  }
  return value;
}

std::optional<absl::Time> Env::Instant(std::string_view name) {
  const char* value = Get(name);
  if (value == nullptr) return std::nullopt;
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
    Problem(name, "must be an RFC 3339 time with an offset, e.g. 2027-02-28T09:00:00+08:00");
    return std::nullopt;
  }
  return t;
}

absl::Status Env::Finish() const {
  if (problems_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("bad configuration: ", absl::StrJoin(problems_, "; ")));
}

}  // namespace ccms::config
