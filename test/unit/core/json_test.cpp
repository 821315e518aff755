#include "core/json.h"

#include <gtest/gtest.h>

namespace mw::json {
namespace {

TEST(Json, ParsesAndWritesRoundTrip) {
  auto v = parse(R"({"a":1,"b":[true,false,null],"c":"x\ny","d":-2.5,"e":{}})");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(v->find("a")->as_int(), 1);
  EXPECT_EQ(v->find("b")->size(), 3u);
  EXPECT_EQ(v->find("c")->as_string(), "x\ny");
  EXPECT_DOUBLE_EQ(v->find("d")->as_double(), -2.5);
  EXPECT_EQ(write(*v), R"({"a":1,"b":[true,false,null],"c":"x\ny","d":-2.5,"e":{}})");
}

TEST(Json, KeepsInsertionOrder) {
  Value v = Value::object();
  v.set("z", 1);
  v.set("a", 2);
  v.set("z", 3);
  EXPECT_EQ(write(v), R"({"z":3,"a":2})");
}

TEST(Json, DecodesUnicodeEscapesAndSurrogates) {
  auto v = parse(R"("\u00e9\ud83d\ude00\u3042")");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as_string(), "\xC3\xA9\xF0\x9F\x98\x80\xE3\x81\x82");
}

TEST(Json, RejectsMalformedInputWithOffset) {
  for (const char* bad : {"{", "[1,]", R"({"a" 1})", "tru", "\"abc", "01x", "{\"a\":1}}", ""}) {
    auto v = parse(bad);
    EXPECT_FALSE(v) << bad;
    if (!v) {
      EXPECT_NE(v.error().message.find("offset"), std::string::npos);
    }
  }
}

TEST(Json, RefusesDeepNesting) {
  std::string deep(kMaxDepth + 10, '[');
  deep += std::string(kMaxDepth + 10, ']');
  EXPECT_FALSE(parse(deep));
}

TEST(Json, WriterRepairsInvalidUtf8AndEscapesControls) {
  std::string s = "ok\x01\xff\xC3\xA9";
  EXPECT_EQ(write(Value(s)), "\"ok\\u0001\xEF\xBF\xBD\xC3\xA9\"");
}

TEST(Json, ShortEscapesBothWays) {
  auto v = parse(R"("\"\\\/\b\f\n\r\t")");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as_string(), "\"\\/\b\f\n\r\t");
  // The writer uses the same escapes, except for '/' which it leaves alone.
  EXPECT_EQ(write(*v), R"("\"\\/\b\f\n\r\t")");
  EXPECT_FALSE(parse(R"("\x")"));
  EXPECT_FALSE(parse(R"("\a")"));
}

TEST(Json, NumbersAreWrittenReadably) {
  EXPECT_EQ(write(Value(5.0)), "5.0");
  EXPECT_EQ(write(Value(0.1)), "0.1");
  EXPECT_EQ(write(Value(int64_t{-7})), "-7");
}

}  // namespace
}  // namespace mw::json
