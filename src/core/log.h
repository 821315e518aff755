// Structured logging: level, module, task id, message.
//
// A Logger is created by the app and passed down by reference (no global logger). Lines look
// like:  2026-11-28T15:20:47.123Z info  pid=1234 worker=normal module=dns task=6f2a1c: text
// or, with format = "json", one JSON object per line with the same fields.
//
// Ownership: the Logger owns its file descriptor. Loop affinity: none; writes are single
// write(2) calls so that lines from several processes sharing a file do not interleave.
// Failure modes: a failed write is dropped silently (logging must never stop a scan).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::core {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kSilent = -1 };

Result<LogLevel> parse_log_level(std::string_view s);
std::string_view log_level_name(LogLevel level);

class Logger {
 public:
  // Logs to stderr at `level` until configured otherwise.
  explicit Logger(LogLevel level = LogLevel::kWarn);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Send lines to a file (opened in append mode). Returns kIo if it cannot be opened.
  Status open_file(const std::string& path);
  void use_stderr();
  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  void set_json(bool json) { json_ = json; }
  // Modules whose debug lines are shown even when the level is above debug.
  void set_debug_modules(std::vector<std::string> modules) { debug_modules_ = std::move(modules); }
  // Process role shown on every line ("main", "normal", "controller", "proxy", "scan").
  void set_role(std::string role) { role_ = std::move(role); }

  bool enabled(LogLevel level, std::string_view module) const;
  void log(LogLevel level, std::string_view module, std::string_view task_id,
           std::string_view message);

  void error(std::string_view module, std::string_view msg) { log(LogLevel::kError, module, {}, msg); }
  void warn(std::string_view module, std::string_view msg) { log(LogLevel::kWarn, module, {}, msg); }
  void info(std::string_view module, std::string_view msg) { log(LogLevel::kInfo, module, {}, msg); }
  void debug(std::string_view module, std::string_view msg) { log(LogLevel::kDebug, module, {}, msg); }

  // Lines written at error level since start (for /errors and /stat).
  uint64_t error_count() const { return errors_; }

  // A small ring of the latest error/warning lines, for the controller's /errors.
  struct Entry {
    double ts;
    std::string level, module, task_id, message;
  };
  const std::vector<Entry>& recent() const { return recent_; }

 private:
  LogLevel level_;
  int fd_ = 2;
  bool own_fd_ = false;
  bool json_ = false;
  std::string role_ = "main";
  std::vector<std::string> debug_modules_;
  uint64_t errors_ = 0;
  std::vector<Entry> recent_;
  size_t recent_next_ = 0;
};

// A logger bound to a module and (optionally) a task id, for convenient call sites.
class ModuleLog {
 public:
  ModuleLog(Logger& logger, std::string_view module, std::string_view task_id = {})
      : logger_(&logger), module_(module), task_id_(task_id) {}
  bool enabled(LogLevel l) const { return logger_->enabled(l, module_); }
  void error(std::string_view m) const { logger_->log(LogLevel::kError, module_, task_id_, m); }
  void warn(std::string_view m) const { logger_->log(LogLevel::kWarn, module_, task_id_, m); }
  void info(std::string_view m) const { logger_->log(LogLevel::kInfo, module_, task_id_, m); }
  void debug(std::string_view m) const {
    if (enabled(LogLevel::kDebug)) logger_->log(LogLevel::kDebug, module_, task_id_, m);
  }
  Logger& logger() const { return *logger_; }

 private:
  Logger* logger_;
  std::string_view module_;
  std::string_view task_id_;
};

}  // namespace mw::core
