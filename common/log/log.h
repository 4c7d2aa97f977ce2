#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/string_view.h"

namespace spdlog::sinks {
class sink;
}

namespace ccms::log {

// Structured JSON logs, one line per event: {"ts":…,"level":…,"service":…,"event":…,…fields}.
// Callers pass identifiers and codes only: never a person's name, identity number, phone or
// address (the integration tests scan captured logs for a known identity number).

enum class Level { kDebug, kInfo, kWarn, kError };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
  // Debian's Abseil has its own string_view type (status messages are of it).
  Field(std::string_view k, absl::string_view v) : key(k), value(std::string(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(std::string_view k, int64_t v) : key(k), value(v) {}
  Field(std::string_view k, uint64_t v) : key(k), value(static_cast<int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}

  std::string_view key;
  std::variant<std::string, int64_t, double, bool> value;
};

// Sets the service name and the minimum level ("debug", "info", "warn", "error"); returns false
// for an unknown level. Safe to call again (tests do).
bool Init(std::string_view service, std::string_view level);
// Adds a sink beside stdout (tests capture lines with it).
void AddSink(std::shared_ptr<spdlog::sinks::sink> sink);
void RemoveSink(const std::shared_ptr<spdlog::sinks::sink>& sink);

void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, e, f);
}
inline void Info(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, e, f);
}
inline void Warn(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, e, f);
}
inline void Error(std::string_view e, std::initializer_list<Field> f = {}) {
  Write(Level::kError, e, f);
}
bool Enabled(Level level);

}  // namespace ccms::log
