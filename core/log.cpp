#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "ratchet/json.h"

namespace ratchet {
namespace {

int syslog_severity(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical: return 0;
    case spdlog::level::err: return 2;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

// Formats every record as one mozlog line. The logger name is the Type; a
// message that is a JSON object becomes Fields as is.
class MozlogFormatter : public spdlog::formatter {
 public:
  explicit MozlogFormatter(std::string project) : project_(std::move(project)) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    prefix_ = ",\"Logger\":" + quote(project_) + ",\"Hostname\":" + quote(host) +
              ",\"Pid\":" + std::to_string(getpid()) + ",\"EnvVersion\":\"2.0\"";
  }

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(msg.time.time_since_epoch());
    std::string_view payload(msg.payload.data(), msg.payload.size());
    std::string line = "{\"Timestamp\":" + std::to_string(ns.count()) + prefix_ +
                       ",\"Type\":" + quote(std::string_view(msg.logger_name.data(), msg.logger_name.size())) +
                       ",\"Severity\":" + std::to_string(syslog_severity(msg.level)) + ",\"Fields\":";
    if (!payload.empty() && payload.front() == '{') {
      line.append(payload);
    } else {
      line += "{\"msg\":" + quote(payload) + "}";
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<MozlogFormatter>(project_);
  }

 private:
  std::string project_;
  std::string prefix_;
};

std::shared_ptr<spdlog::logger> make_logger(const std::string& name,
                                            const spdlog::sink_ptr& sink) {
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  spdlog::drop(name);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace

void init_logging(const std::string& project_name, const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(std::make_unique<MozlogFormatter>(project_name));
  auto lvl = spdlog::level::from_str(level == "warning" ? "warn" : level);
  auto main = make_logger(project_name, sink);
  main->set_level(lvl);
  spdlog::set_default_logger(main);
  for (const char* type : {"request.summary", "subrequest.summary"}) {
    make_logger(type, sink)->set_level(lvl);
  }
}

bool event_logged(const std::string& type) {
  auto logger = spdlog::get(type);
  return logger && logger->should_log(spdlog::level::info);
}

void log_event(const std::string& type, const std::string& fields) {
  auto logger = spdlog::get(type);
  if (logger) logger->info(fields);
}

}  // namespace ratchet
