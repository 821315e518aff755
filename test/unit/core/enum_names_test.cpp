#include "core/enum_names.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace mw::core {
namespace {

enum class Color : uint8_t { kRed, kGreen, kBlue };
constexpr EnumNames<Color, Color::kBlue> kColors{"red", "green", "blue"};

enum class Code : uint16_t { kOne = 1, kTen = 10, kTwenty = 20 };
constexpr SparseEnumNames<Code, 3> kCodes{
    {{Code::kOne, "ONE"}, {Code::kTen, "TEN"}, {Code::kTwenty, "TWENTY"}}, "?"};

static_assert(kColors.name(Color::kGreen) == "green");
static_assert(kColors.parse("blue") == Color::kBlue);
static_assert(kCodes.name(Code::kTen) == "TEN");

TEST(EnumNames, NamesEachValue) {
  EXPECT_EQ(kColors.name(Color::kRed), "red");
  EXPECT_EQ(kColors.name(Color::kBlue), "blue");
  EXPECT_EQ(kColors.names().size(), 3u);
}

TEST(EnumNames, OutOfRangeValueGetsTheFallback) {
  EXPECT_EQ(kColors.name(static_cast<Color>(7)), "unknown");
  constexpr auto kOther = kColors.with_fallback("red");
  EXPECT_EQ(kOther.name(static_cast<Color>(200)), "red");
  EXPECT_EQ(kOther.name(Color::kGreen), "green");
}

TEST(EnumNames, ParsesExactlyOrIgnoringCase) {
  EXPECT_EQ(kColors.parse("green"), Color::kGreen);
  EXPECT_EQ(kColors.parse("Green"), std::nullopt);
  EXPECT_EQ(kColors.parse_ci("GREEN"), Color::kGreen);
  EXPECT_EQ(kColors.parse_ci("gree"), std::nullopt);
  EXPECT_EQ(kColors.parse(""), std::nullopt);
}

TEST(SparseEnumNames, NamesAndParsesWireCodes) {
  EXPECT_EQ(kCodes.name(Code::kTwenty), "TWENTY");
  EXPECT_EQ(kCodes.name(static_cast<Code>(11)), "?");
  EXPECT_EQ(kCodes.parse("TEN"), Code::kTen);
  EXPECT_EQ(kCodes.parse("ten"), std::nullopt);
}

TEST(EnumNames, IsOneOfTellsMembership) {
  static_assert(is_one_of(Color::kGreen, {Color::kRed, Color::kGreen}));
  EXPECT_TRUE(is_one_of(Code::kTwenty, {Code::kTen, Code::kTwenty}));
  EXPECT_FALSE(is_one_of(Color::kBlue, {Color::kRed, Color::kGreen}));
  EXPECT_FALSE(is_one_of(Color::kRed, {}));
}

}  // namespace
}  // namespace mw::core
