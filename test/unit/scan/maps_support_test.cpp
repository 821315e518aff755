// The path variables of map files: replace_var and expand_confdir (scan/maps_support.h).
#include "scan/maps_support.h"

#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace mw::scan {
namespace {

TEST(MapsSupport, ReplaceVarReplacesEveryOccurrenceOnce) {
  EXPECT_EQ(replace_var("$A/x/$A", "$A", "/etc"), "/etc/x//etc");
  EXPECT_EQ(replace_var("none here", "$A", "v"), "none here");
  // A value holding the variable is not expanded again (no endless loop).
  EXPECT_EQ(replace_var("$A-$A", "$A", "[$A]"), "[$A]-[$A]");
  EXPECT_EQ(replace_var("$A", "", "v"), "$A");
}

class MapsSupportTest : public test::EngineFixture {};

TEST_F(MapsSupportTest, ConfdirIsTheConfigurationsDirectory) {
  Engine bare;
  EXPECT_EQ(expand_confdir("$CONFDIR/maps.d/ips.map", bare), "./maps.d/ips.map");
  build("", [](Engine&) {});
  ASSERT_NE(engine().config, nullptr);
  std::string dir = engine().config->dir();
  EXPECT_EQ(expand_confdir("$CONFDIR/a.map", engine()), dir + "/a.map");
  EXPECT_EQ(expand_confdir("/abs/b.map", engine()), "/abs/b.map");
}

}  // namespace
}  // namespace mw::scan
