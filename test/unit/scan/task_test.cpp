// Task: scheduling, scoring, actions, composites and settings, through the real pipeline
// (MIME parser included) with symbols defined by the test.
#include "scan/task.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/watchdog.h"
#include "engine_fixture.h"
#include "scan/received_chain.h"
#include "scan/reply.h"

namespace mw::scan {
namespace {

using test::kMessage;

class TaskTest : public test::EngineFixture {};

// Extension slots are told apart by the key object, not its name; set() replaces and
// destroys what the slot held.
TEST(ExtensionSlots, OneSlotPerKeyObject) {
  struct Probe final : TaskExtension {
    explicit Probe(int* d) : destroyed(d) {}
    ~Probe() override { ++*destroyed; }
    int* destroyed;
  };
  static constexpr ExtensionKey kA{"same"};
  static constexpr ExtensionKey kB{"same"};
  int destroyed = 0;
  ExtensionSlots<TaskExtension> slots;
  EXPECT_EQ(slots.get(kA), nullptr);
  auto a = std::make_unique<Probe>(&destroyed);
  TaskExtension* a_ptr = a.get();
  slots.set(kA, std::move(a));
  EXPECT_EQ(slots.get(kA), a_ptr);
  EXPECT_EQ(slots.get(kB), nullptr);
  slots.set(kB, std::make_unique<Probe>(&destroyed));
  EXPECT_NE(slots.get(kB), a_ptr);
  slots.set(kA, std::make_unique<Probe>(&destroyed));
  EXPECT_EQ(destroyed, 1);
  EXPECT_NE(slots.get(kA), a_ptr);
  slots.clear();
  EXPECT_EQ(destroyed, 3);
}

TEST_F(TaskTest, ScoresMapToActionsByThreshold) {
  build("[actions]\nreject = 10\nadd_header = 5\ngreylist = 2\n"
        "[symbols.A]\nscore = 3.0\n[symbols.B]\nscore = 4.0\n",
        [](Engine& e) {
          add(e, "A", inserts("A"));
          add(e, "B", inserts("B"));
        });
  auto t = run();
  EXPECT_DOUBLE_EQ(t->outcome().score(), 7.0);
  EXPECT_EQ(t->outcome().action(), Action::kAddHeader);
  json::Value r = checkv2_reply(make_verdict(*t));
  EXPECT_EQ(r.find("action")->as_string(), "add header");
  EXPECT_DOUBLE_EQ(r.find("required_score")->as_double(), 10);
  EXPECT_DOUBLE_EQ(r.find("symbols")->find("B")->find("metric_score")->as_double(), 4.0);
  EXPECT_EQ(r.find("message-id")->as_string(), "m1@example.com");
}

TEST_F(TaskTest, MultiplierOptionsAndOneShot) {
  build("[symbols.A]\nscore = 2.0\n[symbols.B]\nscore = 1.0\none_shot = true\n",
        [](Engine& e) {
          add(e, "A", [](Task& t, SymbolId) {
            t.insert_result("A", 0.5, {"x"});
            t.insert_result("A", 0.5, {"x", "y"});
            return RunState::kDone;
          });
          add(e, "B", [](Task& t, SymbolId) {
            t.insert_result("B", 1.0);
            t.insert_result("B", 3.0);
            t.insert_result("B", 2.0);
            return RunState::kDone;
          });
        });
  auto t = run();
  const SymbolResult* a = t->outcome().find_result("A");
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(a->score, 2.0);  // two inserts of 2 x 0.5
  ASSERT_EQ(a->options.size(), 2u);
  EXPECT_EQ(a->options[1], "y");
  EXPECT_DOUBLE_EQ(t->outcome().find_result("B")->score, 3.0);  // one_shot keeps the highest
}

TEST_F(TaskTest, GroupMaxScoreCapsTheGroup) {
  build("[groups.g]\nmax_score = 5.0\n"
        "[symbols.A]\nscore = 4.0\ngroup = \"g\"\n[symbols.B]\nscore = 4.0\ngroup = \"g\"\n",
        [](Engine& e) {
          add(e, "A", inserts("A"));
          add(e, "B", inserts("B"));
        });
  auto t = run();
  EXPECT_DOUBLE_EQ(t->outcome().score(), 5.0);
}

TEST_F(TaskTest, DependenciesOrderCallbacks) {
  std::string order;
  build("", [&](Engine& e) {
    add(e, "SECOND", [&](Task& t, SymbolId) {
      order += t.outcome().has_symbol("FIRST") ? "2(saw1)" : "2";
      return RunState::kDone;
    }, SymbolType::kNormal, {"FIRST"});
    add(e, "FIRST", [&](Task& t, SymbolId) {
      order += "1";
      t.insert_result("FIRST");
      return RunState::kDone;
    });
  });
  run();
  EXPECT_EQ(order, "12(saw1)");
}

TEST_F(TaskTest, PendingSymbolsResumeAndDependentsWait) {
  core::TimerPtr timer;
  std::string order;
  build("[symbols.SLOW]\nscore = 1.0\n", [&](Engine& e) {
    add(e, "SLOW", [&](Task& t, SymbolId self) {
      timer = dispatcher_.create_timer([&t, self, &order] {
        order += "slow-done ";
        t.insert_result("SLOW");
        t.finish_symbol(self);
      });
      timer->enable(0.01);
      return RunState::kPending;
    });
    add(e, "AFTER", [&](Task& t, SymbolId) {
      order += t.outcome().has_symbol("SLOW") ? "after-saw-slow" : "after-early";
      return RunState::kDone;
    }, SymbolType::kNormal, {"SLOW"});
    add(e, "INDEPENDENT", [&](Task&, SymbolId) {
      order += "independent ";
      return RunState::kDone;
    });
  });
  auto t = run();
  EXPECT_EQ(order, "independent slow-done after-saw-slow");
  EXPECT_TRUE(t->outcome().has_symbol("SLOW"));
}

TEST_F(TaskTest, TimeoutAnswersWithWhatFinished) {
  build("[options]\ntask_timeout = \"50ms\"\n[symbols.QUICK]\nscore = 1.0\n", [&](Engine& e) {
    add(e, "NEVER", [](Task&, SymbolId) { return RunState::kPending; });
    add(e, "QUICK", inserts("QUICK"));
  });
  auto t = run();
  EXPECT_TRUE(t->timed_out());
  EXPECT_TRUE(t->outcome().has_symbol("QUICK"));
  EXPECT_EQ(t->symbol_state(engine_->registry.find("NEVER")), SymbolState::kFailed);
}

TEST_F(TaskTest, RejectStopsRemainingFiltersUnlessPassAll) {
  int late_runs = 0;
  build("[actions]\nreject = 10\n[symbols.BIG]\nscore = 20.0\n", [&](Engine& e) {
    add(e, "BIG", inserts("BIG"), SymbolType::kNormal, {}, 10);
    add(e, "LATE", [&](Task&, SymbolId) {
      ++late_runs;
      return RunState::kDone;
    });
  });
  auto t = run();
  EXPECT_EQ(t->outcome().action(), Action::kReject);
  EXPECT_EQ(late_runs, 0);
  Envelope env;
  env.flags = kTaskPassAll;
  run(env);
  EXPECT_EQ(late_runs, 1);
}

TEST_F(TaskTest, PreResultForcesActionAndSkipsFilters) {
  int filter_runs = 0;
  build("", [&](Engine& e) {
    add(e, "HOLD", [](Task& t, SymbolId) {
      t.outcome().set_pre_result({Action::kSoftReject, "Account on hold", "outbound", 0, false});
      return RunState::kDone;
    }, SymbolType::kPrefilter);
    add(e, "F", [&](Task&, SymbolId) {
      ++filter_runs;
      return RunState::kDone;
    });
  });
  auto t = run();
  EXPECT_EQ(t->outcome().action(), Action::kSoftReject);
  EXPECT_EQ(filter_runs, 0);
  json::Value r = checkv2_reply(make_verdict(*t));
  EXPECT_EQ(r.find("messages")->find("smtp_message")->as_string(), "Account on hold");
  EXPECT_EQ(r.find("passthrough_module")->as_string(), "outbound");
}

TEST_F(TaskTest, CompositesReplaceTheirAtoms) {
  build("[symbols.A]\nscore = 1.0\n[symbols.B]\nscore = 2.0\n[symbols.C]\nscore = 3.0\n"
        "[composites.AB]\nexpression = \"A & B & !D\"\nscore = 10.0\n"
        "[composites.KEEP]\nexpression = \"-C & A\"\nscore = 1.0\n"
        "[composites.OPTS]\nexpression = \"C[x,y]\"\nscore = 0.5\n"
        "[composites.NOPE]\nexpression = \"C[z]\"\nscore = 5\n",
        [](Engine& e) {
          add(e, "A", inserts("A"));
          add(e, "B", inserts("B"));
          add(e, "C", inserts("C", 1.0, {"x", "y"}));
        });
  auto t = run();
  EXPECT_FALSE(t->outcome().has_symbol("A"));  // removed by AB
  EXPECT_FALSE(t->outcome().has_symbol("B"));
  EXPECT_TRUE(t->outcome().has_symbol("AB"));
  EXPECT_TRUE(t->outcome().has_symbol("KEEP"));  // saw A before removal (same pass)
  EXPECT_TRUE(t->outcome().has_symbol("OPTS"));
  EXPECT_FALSE(t->outcome().has_symbol("NOPE"));
  // C kept (prefix '-' in KEEP) but OPTS removes it with the default policy: removal needs
  // every matching composite to agree, so C stays.
  EXPECT_TRUE(t->outcome().has_symbol("C"));
  EXPECT_DOUBLE_EQ(t->outcome().score(), 10.0 + 1.0 + 0.5 + 3.0);
}

TEST_F(TaskTest, SettingsProfilesChangeScoresThresholdsAndSymbols) {
  build("[symbols.A]\nscore = 1.0\n[symbols.B]\nscore = 2.0\n"
        "[settings.outbound]\nauthenticated = true\n"
        "[settings.outbound.apply]\nA = 7.0\nsymbols_disabled = [\"B\"]\n"
        "[settings.outbound.apply.actions]\nreject = 5\nadd_header = false\n",
        [](Engine& e) {
          add(e, "A", inserts("A"));
          add(e, "B", inserts("B"));
        });
  auto in = run();
  EXPECT_DOUBLE_EQ(in->outcome().score(), 3.0);
  Envelope env;
  env.user = "taro";
  auto out = run(env);
  EXPECT_DOUBLE_EQ(out->outcome().score(), 7.0);
  EXPECT_FALSE(out->outcome().has_symbol("B"));
  EXPECT_EQ(out->outcome().action(), Action::kReject);
}

TEST_F(TaskTest, SettingsIdAndInlineSettings) {
  build("[symbols.A]\nscore = 1.0\n[settings.quiet.apply]\ngroups_disabled = [\"g\"]\n"
        "[symbols.B]\nscore = 2.0\ngroup = \"g\"\n",
        [](Engine& e) {
          add(e, "A", inserts("A"));
          add(e, "B", inserts("B"));
        });
  Envelope env;
  env.settings_id = "quiet";
  auto t = run(env);
  EXPECT_FALSE(t->outcome().has_symbol("B"));
  EXPECT_TRUE(t->outcome().has_symbol("A"));
  Envelope env2;
  env2.settings_json = R"({"symbols_enabled": ["B"], "actions": {"reject": 1}})";
  auto t2 = run(env2);
  EXPECT_FALSE(t2->outcome().has_symbol("A"));
  EXPECT_TRUE(t2->outcome().has_symbol("B"));
  EXPECT_EQ(t2->outcome().action(), Action::kReject);
}

TEST_F(TaskTest, RuleErrorsFailTheSymbolNotTheTask) {
  build("[symbols.OK]\nscore = 1.0\n", [](Engine& e) {
    add(e, "BROKEN", [](Task&, SymbolId) -> RunState { throw std::runtime_error("boom"); });
    add(e, "OK", inserts("OK"));
  });
  auto t = run();
  EXPECT_TRUE(t->outcome().has_symbol("OK"));
  EXPECT_EQ(t->symbol_state(engine_->registry.find("BROKEN")), SymbolState::kFailed);
}

TEST_F(TaskTest, ArenaCapGivesATaskError) {
  build("[options]\nmax_task_memory = \"64k\"\n", [](Engine&) {});
  std::string big;
  for (int i = 0; i < 5000; ++i) big += "X-Filler-" + std::to_string(i) + ": =?utf-8?B?aGVsbG8=?=\r\n";
  big += std::string(kMessage);
  auto t = run({}, big);
  ASSERT_TRUE(t->error().has_value());
  EXPECT_EQ(t->error()->code, ErrorCode::kLimit);
}

TEST_F(TaskTest, UnknownSymbolsAreShownWithZeroScore) {
  build("", [](Engine& e) { add(e, "X", inserts("DYNAMIC", 1.0, {"o"})); });
  auto t = run();
  const SymbolResult* r = t->outcome().find_result("DYNAMIC");
  ASSERT_NE(r, nullptr);
  EXPECT_DOUBLE_EQ(r->score, 0);
}

// A secret registered with the task (Task::add_secret) is masked in the options inserted
// before and after, in the reply built from them, and by redact(); short ones are ignored.
TEST_F(TaskTest, SecretsAreMaskedInOptionsAndRedact) {
  build("", [](Engine& e) {
    add(e, "EARLY", inserts("EARLY", 1.0, {"subject: taro;Passw0rd;smtp"}));
    add(e, "FINDER", [](Task& t, SymbolId) {
      t.add_secret("Passw0rd", "Pa******");
      t.add_secret("ab", "**");  // too short to mask
      return RunState::kDone;
    }, SymbolType::kNormal, {"EARLY"});
    add(e, "LATE", inserts("LATE", 1.0, {"again Passw0rd", "ab"}), SymbolType::kNormal,
        {"FINDER"});
  });
  auto t = run();
  ASSERT_TRUE(t->has_secrets());
  EXPECT_EQ(t->outcome().find_result("EARLY")->options[0], "subject: taro;Pa******;smtp");
  EXPECT_EQ(t->outcome().find_result("LATE")->options[0], "again Pa******");
  EXPECT_EQ(t->outcome().find_result("LATE")->options[1], "ab");
  EXPECT_EQ(t->redact("x Passw0rd y Passw0rd"), "x Pa****** y Pa******");
  std::string reply = json::write(checkv2_reply(make_verdict(*t)));
  EXPECT_EQ(reply.find("Passw0rd"), std::string::npos) << reply;
}

// The watchdog sees "task <id> symbol <name>" while a symbol runs, cut to the slot's size
// for long names, and nothing once the task is done.
TEST_F(TaskTest, MarkRunningWritesTheSymbolIntoTheHeartbeat) {
  auto board = core::WorkerBoard::create(1);
  ASSERT_TRUE(board);
  int slot = (*board)->claim();
  ASSERT_GE(slot, 0);
  services().set_heartbeat((*board)->heartbeat(slot));
  std::string long_name(200, 'L');
  std::vector<std::string> seen;
  core::WorkerBoard* b = board->get();
  build("", [&](Engine& e) {
    add(e, "SHORT", [&seen, b, slot](Task&, SymbolId) {
      seen.push_back(b->activity(slot));
      return RunState::kDone;
    });
    add(e, long_name, [&seen, b, slot](Task&, SymbolId) {
      seen.push_back(b->activity(slot));
      return RunState::kDone;
    });
  });
  Envelope env;
  env.log_tag = "t1";
  auto t = run(std::move(env));
  ASSERT_EQ(seen.size(), 2u);
  std::vector<std::string> want = {"task t1 symbol SHORT",
                                   ("task t1 symbol " + long_name).substr(0, 111)};
  std::sort(seen.begin(), seen.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(seen, want);
  EXPECT_EQ(b->activity(slot), "");
  services().set_heartbeat(core::Heartbeat());
}

// relays() is built once per task, from the envelope and the message, as RelayChain::build.
TEST_F(TaskTest, RelaysAreBuiltOnceFromEnvelopeAndMessage) {
  const RelayChain* first = nullptr;
  size_t hops = 0;
  build("", [&](Engine& e) {
    add(e, "A", [&](Task& t, SymbolId) {
      first = &t.relays();
      hops = t.relays().relays().size();
      EXPECT_EQ(&t.relays(), first);
      return RunState::kDone;
    });
  });
  Envelope env;
  env.ip = "192.0.2.7";
  std::string msg = std::string("Received: from a.example (a.example [198.51.100.2]) by mx "
                                "with ESMTP id 1; Mon, 7 Dec 2026 01:00:00 +0000\r\n") +
                    kMessage;
  auto t = run(env, msg);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(&t->relays(), first);
  RelayChain want = RelayChain::build(t->envelope(), &t->message(),
                                      t->engine().options.trusted_relays);
  ASSERT_EQ(hops, want.relays().size());
  EXPECT_EQ(hops, 2u);  // the envelope hop and the Received field
  for (size_t i = 0; i < hops; ++i) {
    EXPECT_EQ(t->relays().relays()[i].ip, want.relays()[i].ip);
    EXPECT_EQ(t->relays().relays()[i].artificial, want.relays()[i].artificial);
  }
  ASSERT_NE(t->relays().first_untrusted(), nullptr);
  EXPECT_EQ(t->relays().first_untrusted()->ip, "192.0.2.7");
}

}  // namespace
}  // namespace mw::scan
