// rspamd_logger / mailward_logger: errx, warnx, infox, debugm (format with %s for the next
// argument, %1..%9 for a given one, %% for a percent sign; a task or config object as the
// first argument tags the line with the task id) and err, warn, info, debug (plain text).
#include <string>

#include "lua/bind.h"
#include "lua/convert.h"
#include "lua/state.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

std::string arg_text(lua_State* L, int idx) {
  if (lua_istable(L, idx)) return json::write(to_json(L, idx));
  return to_display(L, idx);
}

// Format from argument `fmt_idx`; values follow it.
std::string format(lua_State* L, int fmt_idx) {
  size_t len;
  const char* f = luaL_checklstring(L, fmt_idx, &len);
  std::string_view fmt(f, len);
  int top = lua_gettop(L);
  int next = fmt_idx + 1;
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%' || i + 1 >= fmt.size()) {
      out += c;
      continue;
    }
    char d = fmt[i + 1];
    if (d == '%') {
      out += '%';
      ++i;
    } else if (d == 's') {
      out += next <= top ? arg_text(L, next) : std::string("<nil>");
      ++next;
      ++i;
    } else if (d >= '1' && d <= '9') {
      int n = fmt_idx + (d - '0');
      out += n <= top ? arg_text(L, n) : std::string("<nil>");
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

// (first arg may be a task/config/other object) -> task id and the format argument index.
int split_args(lua_State* L, std::string& task_id) {
  if (lua_type(L, 1) == LUA_TUSERDATA) {
    if (luaL_testudata(L, 1, kTaskClass) != nullptr) {
      try {
        task_id = std::string(check_task(L, 1).id());
      } catch (...) {
      }
    }
    return 2;
  }
  return 1;
}

int log_x(lua_State* L, core::LogLevel level) {
  std::string task_id;
  int fmt = split_args(L, task_id);
  std::string msg = format(L, fmt);
  lua_Debug ar;
  std::string where = "lua";
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
    std::string src = ar.short_src;
    auto slash = src.rfind('/');
    if (slash != std::string::npos) src = src.substr(slash + 1);
    msg = src + ":" + std::to_string(ar.currentline) + ": " + msg;
  }
  state_of(L).logger().log(level, where, task_id, msg);
  return 0;
}

int errx(lua_State* L) { return log_x(L, core::LogLevel::kError); }
int warnx(lua_State* L) { return log_x(L, core::LogLevel::kWarn); }
int infox(lua_State* L) { return log_x(L, core::LogLevel::kInfo); }

// debugm(module, obj, fmt, ...)
int debugm(lua_State* L) {
  std::string module(check_sv(L, 1));
  core::Logger& logger = state_of(L).logger();
  if (!logger.enabled(core::LogLevel::kDebug, module)) return 0;
  std::string task_id;
  int fmt = 3;
  if (lua_type(L, 2) == LUA_TUSERDATA && luaL_testudata(L, 2, kTaskClass) != nullptr) {
    task_id = std::string(check_task(L, 2).id());
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    fmt = 2;
  }
  logger.log(core::LogLevel::kDebug, module, task_id, format(L, fmt));
  return 0;
}

int plain(lua_State* L, core::LogLevel level) {
  state_of(L).logger().log(level, "lua", {}, to_display(L, 1));
  return 0;
}
int err(lua_State* L) { return plain(L, core::LogLevel::kError); }
int warn(lua_State* L) { return plain(L, core::LogLevel::kWarn); }
int info(lua_State* L) { return plain(L, core::LogLevel::kInfo); }
int debug(lua_State* L) { return plain(L, core::LogLevel::kDebug); }

// slog(fmt, ...) -> the formatted string (no logging).
int slog(lua_State* L) {
  push(L, format(L, 1));
  return 1;
}

const luaL_Reg kFuncs[] = {{"errx", errx},   {"warnx", warnx}, {"infox", infox},
                           {"debugm", debugm}, {"err", err},    {"warn", warn},
                           {"info", info},   {"debug", debug}, {"slog", slog},
                           {"messagex", infox}, {nullptr, nullptr}};

}  // namespace

void open_logger(lua_State* L) {
  state_of(L).preload_functions({"rspamd_logger", "mailward_logger"}, kFuncs);
}

}  // namespace mw::lua
