#include "core/daemon.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mw::core {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mw-pid-XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

TEST(PidFile, WritesThisProcessAndRemoves) {
  TempDir dir;
  std::string path = (dir.path / "mw.pid").string();
  {
    std::ofstream old(path);
    old << "999999999 stale and longer than a pid\n";
  }
  auto pf = PidFile::open(path);
  ASSERT_TRUE(pf) << pf.error().message;
  ASSERT_TRUE(pf->write_pid());
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, std::to_string(::getpid()) + "\n");  // truncated, not overwritten in place
  EXPECT_FALSE(pf->write_pid());  // written once: the descriptor is closed
  pf->remove();
  EXPECT_FALSE(fs::exists(path));
}

TEST(PidFile, RefusesASymbolicLink) {
  TempDir dir;
  fs::path target = dir.path / "target";
  { std::ofstream(target) << "keep\n"; }
  fs::create_symlink(target, dir.path / "mw.pid");
  auto pf = PidFile::open((dir.path / "mw.pid").string());
  ASSERT_FALSE(pf);
  EXPECT_EQ(pf.error().code, ErrorCode::kIo);
  std::ifstream in(target);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "keep");
}

}  // namespace
}  // namespace mw::core
