#include "app/inputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mw::app {
namespace {

namespace fs = std::filesystem;

class ExpandPaths : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mw-inputs-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root = tmpl;
    for (const char* f : {"b.lua", "a.lua", "a_test.lua", "_test.lua", ".hidden.lua", "x.eml",
                          "sub/c_test.lua", "sub/d.lua", ".git/e_test.lua"}) {
      fs::create_directories((root / f).parent_path());
      std::ofstream(root / f) << "x";
    }
  }
  void TearDown() override { fs::remove_all(root); }
  std::vector<std::string> rel(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(fs::relative(p, root).string());
    return out;
  }
  fs::path root;
};

TEST_F(ExpandPaths, MessagesAreEveryFileBelowInNameOrder) {
  auto got = rel(expand_message_paths({root.string()}));
  EXPECT_EQ(got, (std::vector<std::string>{"_test.lua", "a.lua", "a_test.lua", "b.lua",
                                           "sub/c_test.lua", "sub/d.lua", "x.eml"}));
}

TEST_F(ExpandPaths, SuffixAndDepth) {
  EXPECT_EQ(rel(expand_paths({root.string()}, ".lua", false)),
            (std::vector<std::string>{"_test.lua", "a.lua", "a_test.lua", "b.lua"}));
  // "_test.lua" alone is not a test: a name must be longer than the suffix.
  EXPECT_EQ(rel(expand_paths({root.string()}, "_test.lua")),
            (std::vector<std::string>{"a_test.lua", "sub/c_test.lua"}));
}

TEST_F(ExpandPaths, FilesAndStdinStandForThemselves) {
  std::string file = (root / "x.eml").string();
  EXPECT_EQ(expand_paths({"-", file, "/no/such/file"}, ".lua"),
            (std::vector<std::string>{"-", file, "/no/such/file"}));
}

}  // namespace
}  // namespace mw::app
