// Logging: one JSON object per line on stderr in Mozilla's mozlog shape
// (PROTOCOL.md §13.3): Timestamp (ns), Logger, Type, Hostname, Severity,
// Pid, EnvVersion, Fields. Plain messages go out as Fields {"msg": ...}.
#pragma once

#include <string>

namespace ratchet {

// Installs the JSON logger as spdlog's default. `level` is a spdlog level name.
void init_logging(const std::string& project_name, const std::string& level);

// Whether events of type `type` (e.g. "request.summary") are logged.
bool event_logged(const std::string& type);
// Logs an event of type `type` whose Fields object is the JSON text
// `fields`, at info severity.
void log_event(const std::string& type, const std::string& fields);

}  // namespace ratchet
