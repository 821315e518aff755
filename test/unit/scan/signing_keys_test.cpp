// The negative cache of signing-key templates (scan/signing_keys.h): the template directory's
// names, listed again only when the directory changes.
#include "scan/signing_keys.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mw::scan {
namespace {

namespace fs = std::filesystem;

TEST(SigningKeyTemplates, DirectoryOfATemplate) {
  EXPECT_EQ(template_directory("/var/lib/mailward/dkim/$domain.$selector.key"),
            "/var/lib/mailward/dkim");
  EXPECT_EQ(template_directory("$DBDIR/dkim/$domain.key"), "$DBDIR/dkim");
  EXPECT_EQ(template_directory("/keys/$domain/$selector.key"), "");  // per-domain folders
  EXPECT_EQ(template_directory("$domain.key"), "");
}

TEST(SigningKeyTemplates, NamesAreListedOnceAndAgainWhenTheDirectoryChanges) {
  char tmpl[] = "/tmp/mw-keys-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::ofstream(dir + "/example.org.dkim.key") << "x";
  DirectoryNames names(dir, 0.0);  // recheck the mtime on every call
  EXPECT_TRUE(names.contains("example.org.dkim.key"));
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(names.contains("nokey" + std::to_string(i) + ".example.dkim.key"));
  }
  EXPECT_EQ(names.listings(), 1u);  // 101 look-ups, one directory read
  // A key added later is seen (the directory's mtime changes).
  ::usleep(20000);
  std::ofstream(dir + "/new.example.dkim.key") << "x";
  EXPECT_TRUE(names.contains("new.example.dkim.key"));
  EXPECT_EQ(names.listings(), 2u);
  DirectoryNames missing(dir + "/absent", 0.0);
  EXPECT_FALSE(missing.contains("example.org.dkim.key"));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace mw::scan
