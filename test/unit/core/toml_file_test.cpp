#include "core/toml_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace mw::core {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "mw-toml-XXXXXX").string();
  EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

TEST(TomlFile, ParsesTablesArraysAndScalars) {
  auto v = parse_toml("top = 1\n[actions]\nreject = 15.5\ngreylist = false\n"
                      "[symbols.A]\nscore = -2\nnames = [\"x\", \"y\"]\nwhen = 1979-05-27\n",
                      "t.toml");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->find("top")->as_int(), 1);
  EXPECT_TRUE(v->find("top")->is_int());
  EXPECT_DOUBLE_EQ(v->find("actions")->find("reject")->as_double(), 15.5);
  EXPECT_TRUE(v->find("actions")->find("greylist")->is_bool());
  const json::Value* a = v->find("symbols")->find("A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->find("score")->as_int(), -2);
  ASSERT_EQ(a->find("names")->size(), 2u);
  EXPECT_EQ(a->find("names")->items()[1].as_string(), "y");
  EXPECT_TRUE(a->find("when")->is_null());  // dates have no JSON type
}

TEST(TomlFile, ParseErrorsNameTheSourceAndLine) {
  auto v = parse_toml("a = 1\nb = = 2\n", "broken.toml");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(v.error().message.rfind("broken.toml:2:", 0), 0u) << v.error().message;
}

TEST(TomlFile, RoundTripsThroughAFile) {
  fs::path dir = temp_dir();
  std::string path = (dir / "sub" / "saved.toml").string();  // parents are created
  json::Value t = json::Value::object();
  t["actions"].set("reject", 15.0);
  t["actions"].set("greylist", false);
  t["symbols"]["R_SPF_SOFTFAIL"].set("score", 3.25);
  t.set("count", int64_t{7});
  json::Value list = json::Value::array();
  list.push("a");
  list.push("b");
  t.set("list", list);
  ASSERT_TRUE(write_toml_file(path, t, "# header\n"));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "# header");
  auto back = read_toml_file(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_DOUBLE_EQ(back->find("actions")->find("reject")->as_double(), 15.0);
  EXPECT_FALSE(back->find("actions")->find("greylist")->as_bool(true));
  EXPECT_DOUBLE_EQ(back->find("symbols")->find("R_SPF_SOFTFAIL")->find("score")->as_double(),
                   3.25);
  EXPECT_TRUE(back->find("count")->is_int());
  EXPECT_EQ(back->find("list")->items()[1].as_string(), "b");
  fs::remove_all(dir);
}

TEST(TomlFile, RefusesWhatTomlCannotHold) {
  json::Value t = json::Value::object();
  t["a"].set("b", json::Value());
  auto text = to_toml(t);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(text.error().message.find("a.b"), std::string::npos);
  EXPECT_FALSE(to_toml(json::Value::array()));
}

TEST(TomlFile, MissingFileIsNotFound) {
  auto v = read_toml_file("/nonexistent/mw/none.toml");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kNotFound);
}

TEST(TomlFile, LibraryVersionIsDotted) {
  std::string v = toml_library_version();
  EXPECT_EQ(std::count(v.begin(), v.end(), '.'), 2) << v;
}

}  // namespace
}  // namespace mw::core
