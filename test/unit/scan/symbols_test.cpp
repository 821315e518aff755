#include "scan/symbols.h"

#include "scan/callback_symbols.h"
#include "scan/module.h"

#include <gtest/gtest.h>

namespace mw::scan {
namespace {

SymbolDef normal(const std::string& name, int prio = 0, std::vector<std::string> deps = {}) {
  SymbolDef d;
  d.name = name;
  d.priority = prio;
  d.deps = std::move(deps);
  d.callback = [](Task&, SymbolId) { return RunState::kDone; };
  return d;
}

std::vector<std::string> names(const SymbolRegistry& r, const std::vector<SymbolId>& ids) {
  std::vector<std::string> out;
  for (SymbolId id : ids) out.push_back(r.get(id).name);
  return out;
}

TEST(SymbolRegistry, FiltersRunInDependencyOrderThenPriority) {
  SymbolRegistry r;
  ASSERT_TRUE(r.add(normal("C", 0, {"B"})));
  ASSERT_TRUE(r.add(normal("A", 0)));
  ASSERT_TRUE(r.add(normal("B", 0, {"A"})));
  ASSERT_TRUE(r.add(normal("HIGH", 10)));
  ASSERT_TRUE(r.finalize());
  EXPECT_EQ(names(r, r.filters()), (std::vector<std::string>{"HIGH", "A", "B", "C"}));
}

TEST(SymbolRegistry, DependencyOnVirtualMeansItsParent) {
  SymbolRegistry r;
  ASSERT_TRUE(r.add(normal("USER", 5, {"CHILD"})));
  ASSERT_TRUE(r.add(normal("PARENT", 0)));
  SymbolDef v;
  v.name = "CHILD";
  v.type = SymbolType::kVirtual;
  v.parent_name = "PARENT";
  ASSERT_TRUE(r.add(std::move(v)));
  ASSERT_TRUE(r.finalize());
  EXPECT_EQ(names(r, r.filters()), (std::vector<std::string>{"PARENT", "USER"}));
  EXPECT_EQ(r.get(r.find("CHILD")).parent, r.find("PARENT"));
}

TEST(SymbolRegistry, VirtualOfTakesTheParentsGroupsAndOrigin) {
  SymbolRegistry r;
  SymbolDef p = normal("CHECK");
  p.groups = {"g1", "g2"};
  p.origin = "module:test";
  auto pid = r.add(std::move(p));
  ASSERT_TRUE(pid);
  SymbolDef scored = r.virtual_of(*pid, "HIT", "a hit", 2.5);
  EXPECT_EQ(scored.type, SymbolType::kVirtual);
  EXPECT_EQ(scored.parent, *pid);
  EXPECT_EQ(scored.parent_name, "CHECK");
  EXPECT_EQ(scored.groups, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(scored.origin, "module:test");
  EXPECT_EQ(scored.description, "a hit");
  EXPECT_TRUE(scored.score_set);
  EXPECT_DOUBLE_EQ(scored.score, 2.5);
  SymbolDef unscored = r.virtual_of(*pid, "OTHER", "");
  EXPECT_FALSE(unscored.score_set);  // the configuration gives its score
  ASSERT_TRUE(r.add(std::move(scored)));
  ASSERT_TRUE(r.add(std::move(unscored)));
  ASSERT_TRUE(r.finalize());
  EXPECT_EQ(r.get(r.find("HIT")).parent, *pid);
}

TEST(SymbolRegistry, CyclesAreRefused) {
  SymbolRegistry r;
  ASSERT_TRUE(r.add(normal("A", 0, {"B"})));
  ASSERT_TRUE(r.add(normal("B", 0, {"A"})));
  auto st = r.finalize();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("cycle"), std::string::npos);
}

TEST(SymbolRegistry, DuplicateRegistrationIsAnError) {
  SymbolRegistry r;
  ASSERT_TRUE(r.add(normal("A")));
  EXPECT_FALSE(r.add(normal("A")));
}

TEST(SymbolRegistry, ConfigurationScoresWinOverRegistration) {
  SymbolRegistry r;
  r.set_score("A", 3.5);
  r.add_to_group("A", "headers");
  SymbolDef d = normal("A");
  d.score = 1.0;
  d.score_set = true;
  d.groups = {"misc"};
  ASSERT_TRUE(r.add(std::move(d)));
  ASSERT_TRUE(r.finalize());
  const SymbolDef& a = r.get(r.find("A"));
  EXPECT_DOUBLE_EQ(a.score, 3.5);
  EXPECT_EQ(a.groups.size(), 2u);
  ASSERT_NE(r.find_group("headers"), nullptr);
  EXPECT_EQ(r.find_group("headers")->symbols.size(), 1u);
}

TEST(SymbolRegistry, PrefiltersByPriorityHighFirstPostfiltersLowFirst) {
  SymbolRegistry r;
  for (auto [n, p, t] : std::vector<std::tuple<std::string, int, SymbolType>>{
           {"P1", 1, SymbolType::kPrefilter}, {"P9", 9, SymbolType::kPrefilter},
           {"Q1", 1, SymbolType::kPostfilter}, {"Q9", 9, SymbolType::kPostfilter}}) {
    SymbolDef d = normal(n, p);
    d.type = t;
    ASSERT_TRUE(r.add(std::move(d)));
  }
  ASSERT_TRUE(r.finalize());
  EXPECT_EQ(names(r, r.prefilters()), (std::vector<std::string>{"P9", "P1"}));
  EXPECT_EQ(names(r, r.postfilters()), (std::vector<std::string>{"Q1", "Q9"}));
}

// module_callback + add_callback_symbols: the module's parent symbol and its virtual
// symbols with the parent's group and origin.
TEST(CallbackSymbols, ModuleCallbackAndItsVirtuals) {
  SymbolRegistry r;
  static constexpr VirtualSymbol kVirtuals[] = {{"MOD_HIT", 1.5, "a hit"}, {"MOD_MISS", 0, ""}};
  SymbolDef d = module_callback("mod", "MOD_CHECK", "modgroup", "checks",
                                [](Task&, SymbolId) { return RunState::kDone; });
  EXPECT_EQ(d.type, SymbolType::kCallback);
  EXPECT_EQ(d.origin, "module:mod");
  EXPECT_EQ(d.groups, (std::vector<std::string>{"modgroup"}));
  EXPECT_EQ(d.description, "checks");
  EXPECT_TRUE(d.callback);
  ASSERT_TRUE(add_callback_symbols(r, std::move(d), kVirtuals));
  const SymbolDef& hit = r.get(r.find("MOD_HIT"));
  EXPECT_EQ(hit.type, SymbolType::kVirtual);
  EXPECT_EQ(hit.parent, r.find("MOD_CHECK"));
  EXPECT_EQ(hit.groups, (std::vector<std::string>{"modgroup"}));
  EXPECT_EQ(hit.origin, "module:mod");
  EXPECT_DOUBLE_EQ(hit.score, 1.5);
  EXPECT_EQ(module_callback("m", "X", "", "", {}).groups.size(), 0u);
  // A name registered twice is the registry's error.
  EXPECT_FALSE(add_callback_symbols(
      r, module_callback("mod", "MOD_CHECK", "", "", [](Task&, SymbolId) {
        return RunState::kDone;
      }), {}));
}

// Module::disabled_by: off with "<key> is false" when the switch is false, else untouched.
TEST(CallbackSymbols, DisabledByTheEnabledSwitch) {
  struct Probe final : Module {
    std::string_view name() const override { return "probe"; }
    void declare_options(core::Schema&) const override {}
    Status configure(Engine&, core::Logger&) override { return {}; }
    bool check(const core::Config& c) { return disabled_by(c, "probe.enabled"); }
  };
  core::Schema schema;
  schema.section("probe", "test");
  schema.add({"probe.enabled", core::OptType::kBool, "true", "switch"});
  std::vector<core::ConfigIssue> issues;
  auto on = core::Config::from_string(schema, "", issues, ".");
  auto off = core::Config::from_string(schema, "[probe]\nenabled = false\n", issues, ".");
  ASSERT_TRUE(on && off);
  Probe p;
  EXPECT_FALSE(p.check(**on));
  EXPECT_EQ(p.disabled_reason(), "");
  EXPECT_TRUE(p.check(**off));
  EXPECT_EQ(p.disabled_reason(), "probe.enabled is false");
}

}  // namespace
}  // namespace mw::scan
