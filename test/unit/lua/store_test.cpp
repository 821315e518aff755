// mailward_store (lua/store.cpp) over an LMDB store: every operation from a rule, the rule
// suspended until the store answers, errors as (nil, err), no store configured.
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

constexpr const char* kPrelude = R"(
  local store = require 'mailward_store'
  local function list(t, err)
    if not t then return 'err:' .. tostring(err) end
    return table.concat(t, ',')
  end
  local function two(a, b) return tostring(a) .. '|' .. tostring(b) end
  local function map(t)
    local keys = {}
    for k, v in pairs(t) do keys[#keys + 1] = k .. ':' .. v end
    table.sort(keys)
    return table.concat(keys, ',')
  end
)";

TEST(LuaStore, EveryOperationFromARule) {
  LuaHarness h;
  double now = 1'800'000'000;
  h.use_store([&] { return now; });
  h.scan().services().set_clock([&] { return now; });  // store.now(): the process's clock
  auto got = h.eval(kPrelude,
                    {{"available", "store.available(task)"},
                     {"set", "two(store.set(task, 'k', 'v1'))"},
                     {"get", "store.get(task, 'k')"},
                     {"get_missing", "two(store.get(task, 'missing'))"},
                     {"del", "two(store.del(task, 'k'))"},
                     {"get_deleted", "tostring(store.get(task, 'k'))"},
                     {"incr1", "store.incr(task, 'n')"},
                     {"incr5", "store.incr(task, 'n', 4)"},
                     {"window1", "store.window_add(task, 'w', 2.5, 60)"},
                     {"window2", "store.window_add(task, 'w', 1, 60)"},
                     {"distinct_new", "two(store.distinct_add(task, 'd', 'alice', 60))"},
                     {"distinct_again", "two(store.distinct_add(task, 'd', 'alice', 60))"},
                     {"distinct_bob", "two(store.distinct_add(task, 'd', 'bob', 60))"},
                     {"members", "list(store.distinct_members(task, 'd', 60))"},
                     {"push1", "two(store.list_push(task, 'l', 'a', 2))"},
                     {"push2", "two(store.list_push(task, 'l', 'b', 2))"},
                     {"push3", "two(store.list_push(task, 'l', 'c', 2))"},
                     {"range", "list(store.list_range(task, 'l', 0, 10))"},
                     {"map_set", "two(store.map_set(task, 'm', 'f1', 'x'))"},
                     {"map_set2", "two(store.map_set(task, 'm', 'f2', 'y'))"},
                     {"map_get", "store.map_get(task, 'm', 'f2')"},
                     {"map_del", "two(store.map_del(task, 'm', 'f1'))"},
                     {"map_all", "map(store.map_all(task, 'm'))"},
                     {"now", "string.format('%d', store.now(task))"}});
  EXPECT_EQ(got["available"], "true");
  EXPECT_EQ(got["set"], "true|nil");
  EXPECT_EQ(got["get"], "v1");
  EXPECT_EQ(got["get_missing"], "nil|nil");  // absent is not an error
  EXPECT_EQ(got["del"], "true|nil");
  EXPECT_EQ(got["get_deleted"], "nil");
  EXPECT_EQ(got["incr1"], "1");
  EXPECT_EQ(got["incr5"], "5");
  EXPECT_EQ(got["window1"], "2.5");
  EXPECT_EQ(got["window2"], "3.5");
  EXPECT_EQ(got["distinct_new"], "1|true");
  EXPECT_EQ(got["distinct_again"], "1|false");
  EXPECT_EQ(got["distinct_bob"], "2|true");
  EXPECT_EQ(got["members"], "bob,alice");  // newest first
  EXPECT_EQ(got["push3"], "true|nil");
  EXPECT_EQ(got["range"], "c,b");  // newest first, capped at 2
  EXPECT_EQ(got["map_get"], "y");
  EXPECT_EQ(got["map_all"], "f2:y");
  EXPECT_EQ(got["now"], "1800000000");
}

TEST(LuaStore, ValuesPersistAcrossTasks) {
  LuaHarness h;
  h.use_store([] { return 1'800'000'000.0; });
  h.rules(std::string(kPrelude) + R"(
    rspamd_config.PROBE = { callback = function(task)
      local n = store.incr(task, 'seen')
      return true, 1.0, { 'n=' .. n }
    end }
  )");
  ASSERT_TRUE(h.build());
  EXPECT_EQ(h.probe(*h.run("Subject: a\r\n\r\nx\r\n"))["n"], "1");
  EXPECT_EQ(h.probe(*h.run("Subject: b\r\n\r\nx\r\n"))["n"], "2");
}

TEST(LuaStore, StoreErrorsComeBackAsNilAndText) {
  LuaHarness h;
  h.use_store([] { return 1'800'000'000.0; });
  // A value over the store's size limit is refused by the store, not by Lua.
  auto got = h.eval(kPrelude, {{"big", "two(store.set(task, 'k', string.rep('x', 2000000)))"}});
  EXPECT_EQ(got["big"].substr(0, 4), "nil|") << got["big"];
  EXPECT_GT(got["big"].size(), 8u);
}

TEST(LuaStore, WithoutAStoreEveryCallSaysSo) {
  LuaHarness h;  // no use_store()
  auto got = h.eval(kPrelude, {{"available", "store.available(task)"},
                               {"get", "two(store.get(task, 'k'))"},
                               {"incr", "two(store.incr(task, 'k'))"}});
  EXPECT_EQ(got["available"], "false");
  EXPECT_EQ(got["get"], "nil|no store configured");
  EXPECT_EQ(got["incr"], "nil|no store configured");
}

TEST(LuaStore, CallsOutsideARuleAreErrors) {
  LuaHarness h;
  h.use_store([] { return 1'800'000'000.0; });
  h.rules(std::string(kPrelude) + R"(
    rspamd_config:register_symbol{ name = 'PROBE', type = 'postfilter', callback = function(task)
      -- A callback of another coroutine (pcall'd plain function) is not "inside a rule".
      local ok, err = pcall(coroutine.wrap(function() return store.get(task, 'k') end))
      return true, 1.0, { 'ok=' .. tostring(ok), 'err=' .. tostring(err) }
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run("Subject: a\r\n\r\nx\r\n"));
  EXPECT_EQ(got["ok"], "false");
  EXPECT_NE(got["err"].find("must run inside a rule"), std::string::npos) << got["err"];
}

}  // namespace
}  // namespace mw::lua
