// rspamd_logger / mailward_logger (lua/logger.cpp): formatting, levels, task ids, file:line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

TEST(LuaLogger, SlogFormats) {
  LuaHarness h;
  auto got = h.eval("local logger = require 'rspamd_logger'",
                    {{"s", "logger.slog('%s and %s', 'a', 42)"},
                     {"numbered", "logger.slog('%2-%1', 'x', 'y')"},
                     {"percent", "logger.slog('100%% of %s', 'it')"},
                     {"missing", "logger.slog('%s %s', 'only')"},
                     {"table", "logger.slog('t=%s', {k = 'v'})"},
                     {"trailing", "logger.slog('ends with %')"},
                     {"alias", "require('mailward_logger').slog('%s', 'ok')"}});
  EXPECT_EQ(got["s"], "a and 42");
  EXPECT_EQ(got["numbered"], "y-x");
  EXPECT_EQ(got["percent"], "100% of it");
  EXPECT_EQ(got["missing"], "only <nil>");
  EXPECT_EQ(got["table"], R"(t={"k":"v"})");
  EXPECT_EQ(got["trailing"], "ends with %");
  EXPECT_EQ(got["alias"], "ok");
}

TEST(LuaLogger, LinesCarryLevelTaskIdAndSourceLine) {
  LuaHarness h;
  std::string log_path = (h.dir() / "mailward.log").string();
  core::Logger& logger = h.scan().logger();
  ASSERT_TRUE(logger.open_file(log_path));
  logger.set_level(core::LogLevel::kInfo);
  h.rules(R"(
    local logger = require 'rspamd_logger'
    rspamd_config.LOGS = { callback = function(task)
      logger.errx(task, 'error %s', 'one')
      logger.warnx('warning without task')
      logger.infox(task, 'info %1', 'two')
      logger.debugm('quiet_module', task, 'not shown at info level')
      logger.info('plain info')
      logger.debug('plain debug, not shown')
      return true
    end }
  )");
  ASSERT_TRUE(h.build());
  auto t = h.run("Subject: x\r\n\r\nbody\r\n");
  std::ifstream in(log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::string id(t->id());
  ASSERT_FALSE(id.empty());
  EXPECT_NE(text.find("error pid="), std::string::npos) << text;
  EXPECT_NE(text.find("task=" + id + ": test.lua:4: error one"), std::string::npos) << text;
  EXPECT_NE(text.find("test.lua:5: warning without task"), std::string::npos) << text;
  EXPECT_NE(text.find("task=" + id + ": test.lua:6: info two"), std::string::npos) << text;
  EXPECT_NE(text.find("plain info"), std::string::npos) << text;
  EXPECT_EQ(text.find("not shown"), std::string::npos) << text;
  // Error lines are counted for /stat.
  EXPECT_EQ(logger.error_count(), 1u);
}

TEST(LuaLogger, DebugmFollowsTheDebugModules) {
  LuaHarness h;
  std::string log_path = (h.dir() / "mailward.log").string();
  core::Logger& logger = h.scan().logger();
  ASSERT_TRUE(logger.open_file(log_path));
  logger.set_level(core::LogLevel::kWarn);
  logger.set_debug_modules({"chatty"});
  h.rules(R"(
    local logger = require 'rspamd_logger'
    rspamd_config.LOGS = { callback = function(task)
      logger.debugm('chatty', task, 'visible %s', 'debug')
      logger.debugm('other', task, 'hidden debug')
      logger.debugm('chatty', 'string object: %s', 'fmt is the second argument')
      return true
    end }
  )");
  ASSERT_TRUE(h.build());
  h.run("Subject: x\r\n\r\nbody\r\n");
  std::ifstream in(log_path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  EXPECT_NE(text.find("module=chatty"), std::string::npos) << text;
  EXPECT_NE(text.find("visible debug"), std::string::npos) << text;
  EXPECT_EQ(text.find("hidden debug"), std::string::npos) << text;
  EXPECT_NE(text.find("string object: fmt is the second argument"), std::string::npos) << text;
}

}  // namespace
}  // namespace mw::lua
