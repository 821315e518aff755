#include "core/log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "core/json.h"

namespace mw::core {

namespace {
constexpr size_t kRecentMax = 256;
}

Result<LogLevel> parse_log_level(std::string_view s) {
  if (s == "error") return LogLevel::kError;
  if (s == "warn" || s == "warning") return LogLevel::kWarn;
  if (s == "info" || s == "notice") return LogLevel::kInfo;
  if (s == "debug") return LogLevel::kDebug;
  if (s == "silent" || s == "none") return LogLevel::kSilent;
  return fail(ErrorCode::kInvalidInput,
              "unknown log level '" + std::string(s) + "' (error, warn, info, debug, silent)");
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
    case LogLevel::kSilent: return "silent";
  }
  return "?";
}

Logger::Logger(LogLevel level) : level_(level) {}

Logger::~Logger() {
  if (own_fd_) ::close(fd_);
}

Status Logger::open_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return fail(ErrorCode::kIo, "cannot open log file " + path);
  if (own_fd_) ::close(fd_);
  fd_ = fd;
  own_fd_ = true;
  return {};
}

void Logger::use_stderr() {
  if (own_fd_) ::close(fd_);
  fd_ = 2;
  own_fd_ = false;
}

bool Logger::enabled(LogLevel level, std::string_view module) const {
  if (level_ == LogLevel::kSilent) return false;
  if (static_cast<int>(level) <= static_cast<int>(level_)) return true;
  if (level == LogLevel::kDebug) {
    for (const auto& m : debug_modules_) {
      if (m == module) return true;
    }
  }
  return false;
}

void Logger::log(LogLevel level, std::string_view module, std::string_view task_id,
                 std::string_view message) {
  if (level == LogLevel::kError) ++errors_;
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  if (level == LogLevel::kError || level == LogLevel::kWarn) {
    Entry e{static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6, std::string(log_level_name(level)),
            std::string(module), std::string(task_id), std::string(message)};
    if (recent_.size() < kRecentMax) {
      recent_.push_back(std::move(e));
    } else {
      recent_[recent_next_] = std::move(e);
      recent_next_ = (recent_next_ + 1) % kRecentMax;
    }
  }
  if (!enabled(level, module)) return;
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(tv.tv_usec / 1000));
  std::string line;
  if (json_) {
    json::Value v = json::Value::object();
    v.set("ts", ts);
    v.set("level", log_level_name(level));
    v.set("pid", static_cast<int64_t>(::getpid()));
    v.set("role", role_);
    v.set("module", module);
    if (!task_id.empty()) v.set("task", task_id);
    v.set("msg", message);
    line = json::write(v);
  } else {
    line.reserve(96 + message.size());
    line += ts;
    line += ' ';
    auto lvl = log_level_name(level);
    line += lvl;
    line.append(lvl.size() < 5 ? 5 - lvl.size() + 1 : 1, ' ');
    line += "pid=" + std::to_string(::getpid());
    line += " role=" + role_;
    line += " module=";
    line += module;
    if (!task_id.empty()) {
      line += " task=";
      line += task_id;
    }
    line += ": ";
    line += message;
  }
  line += '\n';
  ssize_t w = ::write(fd_, line.data(), line.size());
  (void)w;
}

}  // namespace mw::core
