#include "scan/expression.h"

#include <gtest/gtest.h>

#include <map>

namespace mw::scan {
namespace {

double eval(const std::string& text, const std::map<std::string, double>& values) {
  auto e = Expression::parse(text);
  EXPECT_TRUE(e) << text << ": " << (e ? "" : e.error().message);
  if (!e) return -1;
  return e->eval([&](int i) {
    auto it = values.find(e->atoms()[static_cast<size_t>(i)]);
    return it == values.end() ? 0.0 : it->second;
  });
}

TEST(Expression, BooleanOperatorsAndPrecedence) {
  std::map<std::string, double> v = {{"A", 1}, {"C", 1}, {"D", 1}};
  EXPECT_EQ(eval("A & !B | (C & D)", v), 1);
  EXPECT_EQ(eval("A & B | C & !D", v), 0);
  EXPECT_EQ(eval("A and not B", v), 1);
  EXPECT_EQ(eval("A && B || D", v), 1);
  EXPECT_EQ(eval("!(A | B)", v), 0);
}

TEST(Expression, SumsAndComparisons) {
  std::map<std::string, double> v = {{"A", 1}, {"B", 1}, {"C", 0}};
  EXPECT_EQ(eval("A + B + C >= 2", v), 1);
  EXPECT_EQ(eval("A + B + C >= 3", v), 0);
  EXPECT_EQ(eval("A + C > 1", v), 0);
  EXPECT_EQ(eval("(A + B == 2) & !C", v), 1);
}

TEST(Expression, RegexpAtomsKeepOperatorCharacters) {
  auto e = Expression::parse("Subject=/a & b|c (x)/i{header} & !From=/x\\/y/{header}");
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_EQ(e->atoms().size(), 2u);
  EXPECT_EQ(e->atoms()[0], "Subject=/a & b|c (x)/i{header}");
  EXPECT_EQ(e->atoms()[1], "From=/x\\/y/{header}");
}

TEST(Expression, CompositeAtomForms) {
  auto e = Expression::parse("~SYM1 & -SYM2[opt a,b] | ^g:group & g+:hdr & SYM3[/re (x)/i] & f(a, b)");
  ASSERT_TRUE(e) << e.error().message;
  std::vector<std::string> want = {"~SYM1", "-SYM2[opt a,b]", "^g:group", "g+:hdr",
                                   "SYM3[/re (x)/i]", "f(a, b)"};
  EXPECT_EQ(e->atoms(), want);
}

TEST(Expression, RepeatedAtomsShareAnIndex) {
  auto e = Expression::parse("A & B | A");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->atoms().size(), 2u);
}

TEST(Expression, ShortCircuits) {
  auto e = Expression::parse("A | B");
  ASSERT_TRUE(e);
  int calls = 0;
  e->eval([&](int i) {
    ++calls;
    return i == 0 ? 1.0 : 0.0;
  });
  EXPECT_EQ(calls, 1);
}

TEST(Expression, ErrorsCarryOffsets) {
  for (const char* bad : {"", "A &", "(A | B", "A B", "Subject=/unterminated", "A >= x", ")"}) {
    auto e = Expression::parse(bad);
    EXPECT_FALSE(e) << bad;
  }
  auto e = Expression::parse("A & (B");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("offset"), std::string::npos);
}

}  // namespace
}  // namespace mw::scan
