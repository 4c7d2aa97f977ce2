#include "common/log/log.h"

#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace ccms::log {
namespace {

struct State {
  std::mutex mu;
  std::string service = "ccms";
  std::shared_ptr<spdlog::logger> logger;
};

State& GetState() {
  static State* state = [] {
    auto* s = new State();
    s->logger =
        std::make_shared<spdlog::logger>("ccms", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    s->logger->set_pattern("%v");
    s->logger->set_level(spdlog::level::info);
    s->logger->flush_on(spdlog::level::info);
    return s;
  }();
  return *state;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

bool Init(std::string_view service, std::string_view level) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  s.service = std::string(service);
  if (level == "debug") {
    s.logger->set_level(spdlog::level::debug);
  } else if (level == "info") {
    s.logger->set_level(spdlog::level::info);
  } else if (level == "warn") {
    s.logger->set_level(spdlog::level::warn);
  } else if (level == "error") {
    s.logger->set_level(spdlog::level::err);
  } else {
    return false;
  }
  return true;
}

void AddSink(std::shared_ptr<spdlog::sinks::sink> sink) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  sink->set_pattern("%v");
  s.logger->sinks().push_back(std::move(sink));
}

void RemoveSink(const std::shared_ptr<spdlog::sinks::sink>& sink) {
  State& s = GetState();
  std::lock_guard<std::mutex> lock(s.mu);
  auto& sinks = s.logger->sinks();
  std::erase(sinks, sink);
}

bool Enabled(Level level) { return GetState().logger->should_log(ToSpd(level)); }

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  State& s = GetState();
  if (!s.logger->should_log(ToSpd(level))) return;
  nlohmann::json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["service"] = s.service;
  line["event"] = event;
  for (const Field& f : fields) {
    std::visit([&](const auto& v) { line[std::string(f.key)] = v; }, f.value);
  }
  s.logger->log(ToSpd(level), "{}",
                line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace ccms::log
