// Composites (scan/composites.h): policies, atom prefixes, group and option atoms, composites
// of composites, loading errors. Through the real task pipeline.
#include "scan/composites.h"

#include <gtest/gtest.h>

#include <string>

#include "scan_test_util.h"

namespace mw::scan {
namespace {

using testing::add_symbol;
using testing::has_symbol;
using testing::inserts;
using testing::ScanHarness;
using testing::symbol_names;
using testing::symbol_score;
using testing::total_score;

constexpr const char* kMessage = "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n";

// Scores: A 1, B 2, C 3 (options x, y), N -4 (group "neg"), P 5 (group "pos"). All fire.
constexpr const char* kSymbols =
    "[symbols.A]\nscore = 1.0\n[symbols.B]\nscore = 2.0\n[symbols.C]\nscore = 3.0\n"
    "[symbols.N]\nscore = -4.0\ngroup = \"mixed\"\n[symbols.P]\nscore = 5.0\ngroup = \"mixed\"\n"
    "[symbols.Q]\nscore = 6.0\ngroup = \"quiet\"\n";

Status fire_all(Engine& e) {
  MW_TRY(add_symbol(e, "A", inserts("A")));
  MW_TRY(add_symbol(e, "B", inserts("B")));
  MW_TRY(add_symbol(e, "C", inserts("C", {"x", "y"})));
  MW_TRY(add_symbol(e, "N", inserts("N")));
  MW_TRY(add_symbol(e, "P", inserts("P")));
  // Q is registered (group "quiet") but never fires.
  return add_symbol(e, "Q", [](Task&, SymbolId) { return RunState::kDone; });
}

class CompositesTest : public ::testing::Test {
 protected:
  std::unique_ptr<Task> run(const std::string& composites) {
    Status st = h_.build(std::string(kSymbols) + composites, fire_all);
    EXPECT_TRUE(st) << st.error().message;
    if (!st) return nullptr;
    return h_.run(kMessage);
  }
  ScanHarness h_;
};

TEST_F(CompositesTest, DefaultPolicyRemovesSymbolAndWeight) {
  auto t = run("[composites.AB]\nexpression = \"A & B\"\nscore = 10.0\n");
  EXPECT_TRUE(has_symbol(*t, "AB"));
  EXPECT_FALSE(has_symbol(*t, "A"));
  EXPECT_FALSE(has_symbol(*t, "B"));
  EXPECT_DOUBLE_EQ(total_score(*t), 10 + 3 - 4 + 5);
}

TEST_F(CompositesTest, RemoveWeightKeepsTheSymbolShown) {
  auto t = run("[composites.AB]\nexpression = \"A & B\"\nscore = 10.0\npolicy = \"remove_weight\"\n");
  EXPECT_TRUE(has_symbol(*t, "A"));
  EXPECT_DOUBLE_EQ(symbol_score(*t, "A"), 0);
  EXPECT_DOUBLE_EQ(symbol_score(*t, "B"), 0);
  EXPECT_DOUBLE_EQ(total_score(*t), 10 + 3 - 4 + 5);
}

TEST_F(CompositesTest, RemoveSymbolKeepsTheWeight) {
  auto t = run("[composites.AB]\nexpression = \"A & B\"\nscore = 10.0\npolicy = \"remove_symbol\"\n");
  EXPECT_FALSE(has_symbol(*t, "A"));
  EXPECT_FALSE(has_symbol(*t, "B"));
  EXPECT_DOUBLE_EQ(total_score(*t), 10 + 1 + 2 + 3 - 4 + 5);
}

TEST_F(CompositesTest, LeaveKeepsBoth) {
  auto t = run("[composites.AB]\nexpression = \"A & B\"\nscore = 10.0\npolicy = \"leave\"\n");
  EXPECT_DOUBLE_EQ(symbol_score(*t, "A"), 1);
  EXPECT_DOUBLE_EQ(symbol_score(*t, "B"), 2);
  EXPECT_DOUBLE_EQ(total_score(*t), 10 + 1 + 2 + 3 - 4 + 5);
}

TEST_F(CompositesTest, PrefixesOverrideThePolicyPerAtom) {
  // ~A: weight kept, symbol hidden; -B: both kept; C: default (both removed).
  auto t = run("[composites.X]\nexpression = \"~A & -B & C\"\nscore = 1.0\n");
  EXPECT_TRUE(has_symbol(*t, "X"));
  EXPECT_FALSE(has_symbol(*t, "A"));
  EXPECT_DOUBLE_EQ(symbol_score(*t, "B"), 2);
  EXPECT_FALSE(has_symbol(*t, "C"));
  EXPECT_DOUBLE_EQ(total_score(*t), 1 + 1 + 2 - 4 + 5);
}

TEST_F(CompositesTest, RemovalNeedsEveryMatchingCompositeUnlessForced) {
  auto kept = run("[composites.X]\nexpression = \"A & B\"\nscore = 1.0\n"
                  "[composites.Y]\nexpression = \"-A & C\"\nscore = 1.0\n");
  EXPECT_TRUE(has_symbol(*kept, "X"));
  EXPECT_TRUE(has_symbol(*kept, "Y"));
  EXPECT_TRUE(has_symbol(*kept, "A"));  // Y keeps it
  ScanHarness h2;
  ASSERT_TRUE(h2.build(std::string(kSymbols) +
                           "[composites.X]\nexpression = \"^A & B\"\nscore = 1.0\n"
                           "[composites.Y]\nexpression = \"-A & C\"\nscore = 1.0\n",
                       fire_all));
  auto forced = h2.run(kMessage);
  EXPECT_FALSE(has_symbol(*forced, "A"));  // '^' forces it out
}

TEST_F(CompositesTest, NegationAndAbsentSymbols) {
  auto t = run("[composites.NOT_D]\nexpression = \"A & !D\"\nscore = 1.0\n"
               "[composites.NEEDS_D]\nexpression = \"A & D\"\nscore = 1.0\n");
  EXPECT_TRUE(has_symbol(*t, "NOT_D"));
  EXPECT_FALSE(has_symbol(*t, "NEEDS_D"));
}

TEST_F(CompositesTest, GroupAtoms) {
  auto t = run("[composites.ANY]\nexpression = \"g:mixed\"\nscore = 1.0\npolicy = \"leave\"\n"
               "[composites.POS]\nexpression = \"g+:mixed\"\nscore = 1.0\npolicy = \"leave\"\n"
               "[composites.NEG]\nexpression = \"g-:mixed\"\nscore = 1.0\npolicy = \"leave\"\n"
               "[composites.QUIET]\nexpression = \"g:quiet\"\nscore = 1.0\n"
               "[composites.NOGROUP]\nexpression = \"g:nonexistent\"\nscore = 1.0\n");
  EXPECT_TRUE(has_symbol(*t, "ANY"));
  EXPECT_TRUE(has_symbol(*t, "POS"));
  EXPECT_TRUE(has_symbol(*t, "NEG"));
  EXPECT_FALSE(has_symbol(*t, "QUIET"));    // the group's only symbol did not fire
  EXPECT_FALSE(has_symbol(*t, "NOGROUP"));  // an unknown group matches nothing
  EXPECT_TRUE(has_symbol(*t, "N"));         // group atoms remove nothing
  EXPECT_TRUE(has_symbol(*t, "P"));
}

TEST_F(CompositesTest, OptionAtoms) {
  auto t = run("[composites.BOTH]\nexpression = \"C[x, y]\"\nscore = 1.0\npolicy = \"leave\"\n"
               "[composites.MISSING]\nexpression = \"C[x,z]\"\nscore = 1.0\n"
               "[composites.RE]\nexpression = \"C[/^Y$/i]\"\nscore = 1.0\npolicy = \"leave\"\n"
               "[composites.RE_NO]\nexpression = \"C[/^z/]\"\nscore = 1.0\n");
  EXPECT_TRUE(has_symbol(*t, "BOTH"));
  EXPECT_FALSE(has_symbol(*t, "MISSING"));
  EXPECT_TRUE(has_symbol(*t, "RE"));
  EXPECT_FALSE(has_symbol(*t, "RE_NO"));
}

TEST_F(CompositesTest, CompositesOfComposites) {
  // OUTER names INNER, which sorts after it: INNER is evaluated first on demand.
  auto t = run("[composites.A_OUTER]\nexpression = \"Z_INNER & C\"\nscore = 2.0\n"
               "[composites.Z_INNER]\nexpression = \"A & B\"\nscore = 1.0\n");
  EXPECT_TRUE(has_symbol(*t, "A_OUTER"));
  EXPECT_FALSE(has_symbol(*t, "Z_INNER"));  // an atom of A_OUTER: removed like any other
  EXPECT_FALSE(has_symbol(*t, "A"));
}

TEST_F(CompositesTest, CyclesDoNotMatchAndDoNotHang) {
  auto t = run("[composites.X]\nexpression = \"Y & A\"\nscore = 1.0\n"
               "[composites.Y]\nexpression = \"X & B\"\nscore = 1.0\n");
  EXPECT_FALSE(has_symbol(*t, "X"));
  EXPECT_FALSE(has_symbol(*t, "Y"));
  EXPECT_TRUE(has_symbol(*t, "A"));
}

TEST_F(CompositesTest, DisabledCompositeIsNotRegistered) {
  auto t = run("[composites.OFF]\nexpression = \"A\"\nscore = 1.0\nenabled = false\n");
  EXPECT_FALSE(has_symbol(*t, "OFF"));
  EXPECT_TRUE(has_symbol(*t, "A"));
  EXPECT_EQ(h_.engine().registry.find("OFF"), kNoSymbol);
}

TEST_F(CompositesTest, ScoreGroupAndDescriptionFromTheConfiguration) {
  auto t = run("[composites.AB]\nexpression = \"A & B\"\nscore = 7.5\ngroup = \"combo\"\n"
               "description = \"A with B\"\n");
  EXPECT_DOUBLE_EQ(symbol_score(*t, "AB"), 7.5);
  const SymbolRegistry& reg = h_.engine().registry;
  SymbolId id = reg.find("AB");
  ASSERT_NE(id, kNoSymbol);
  EXPECT_EQ(reg.get(id).description, "A with B");
  const GroupDef* g = reg.find_group("combo");
  ASSERT_NE(g, nullptr);
  EXPECT_NE(std::find(g->symbols.begin(), g->symbols.end(), id), g->symbols.end());
}

TEST_F(CompositesTest, AddedThroughTheApi) {
  ASSERT_TRUE(h_.build(kSymbols, [](Engine& e) -> Status {
    MW_TRY(fire_all(e));
    return e.composites.add("API_AB", "A & B", e.registry, "remove_weight");
  }));
  auto t = h_.run(kMessage);
  EXPECT_TRUE(has_symbol(*t, "API_AB"));
  EXPECT_DOUBLE_EQ(symbol_score(*t, "A"), 0);  // remove_weight
  EXPECT_EQ(symbol_names(*t), (std::vector<std::string>{"A", "API_AB", "B", "C", "N", "P"}));
}

TEST(CompositesLoad, ErrorsNameTheComposite) {
  {
    ScanHarness h;
    Status st = h.build("[composites.BROKEN]\nscore = 1.0\n");
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("BROKEN has no expression"), std::string::npos);
  }
  {
    ScanHarness h;
    Status st = h.build("[composites.PARENS]\nexpression = \"(A & B\"\n");
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("PARENS"), std::string::npos);
  }
  {
    ScanHarness h;
    Status st = h.build("[composites.RE]\nexpression = \"A[/(/]\"\n");
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("bad option regexp"), std::string::npos);
  }
}

}  // namespace
}  // namespace mw::scan
