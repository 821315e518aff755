// Maps: every kind, the file format, errors with file:line, reload on change (a broken or
// vanished file keeps the old contents), and the registry's reload timer.
#include "maps/map.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/loop.h"
#include "maps/registry.h"
#include "match/scratch.h"

namespace mw::maps {
namespace {

namespace fs = std::filesystem;

class MapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mw-maps-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = match::Scratch::create(limits_.match);
    ASSERT_TRUE(s.has_value());
    scratch_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
  }
  // Make sure the next stat() sees a different mtime even within one clock tick.
  void touch_later(const std::string& path, int seconds) {
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = time(nullptr) + seconds;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), ts, 0), 0);
  }
  MapPtr load(MapKind kind, std::vector<std::string> files, std::vector<std::string> entries = {}) {
    MapSpec spec;
    spec.name = "test";
    spec.kind = kind;
    spec.files = std::move(files);
    spec.entries = std::move(entries);
    auto m = Map::load(std::move(spec), limits_, logger_);
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message);
    return m ? std::move(*m) : nullptr;
  }
  std::string get(const Map& m, std::string_view key) {
    auto v = m.find(key, scratch_.get());
    return v ? "=" + std::string(*v) : "-";
  }

  std::string dir_;
  MapLimits limits_;
  core::Logger logger_{core::LogLevel::kSilent};
  std::unique_ptr<match::Scratch> scratch_;
};

TEST_F(MapTest, KindNames) {
  bool multi = false;
  EXPECT_EQ(*parse_map_kind("radix"), MapKind::kIp);
  EXPECT_EQ(*parse_map_kind("set"), MapKind::kHash);
  EXPECT_EQ(*parse_map_kind("regexp_multi", &multi), MapKind::kRegexp);
  EXPECT_TRUE(multi);
  EXPECT_FALSE(parse_map_kind("cdb").has_value());
}

TEST_F(MapTest, IpNetworks) {
  auto m = load(MapKind::kIp, {write("ips", "# our list\n"
                                            "192.0.2.0/24 net\n"
                                            "192.0.2.7 host   # the longest prefix wins\n"
                                            "10.0.0.0/8\n"
                                            "2001:db8::/32 v6\n"
                                            "::1\n")});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->size(), 5u);
  EXPECT_EQ(get(*m, "192.0.2.1"), "=net");
  EXPECT_EQ(get(*m, "192.0.2.7"), "=host");
  EXPECT_EQ(get(*m, "::ffff:192.0.2.9"), "=net");
  EXPECT_EQ(get(*m, "10.1.0.10"), "=");
  EXPECT_EQ(get(*m, "11.1.0.10"), "-");
  EXPECT_EQ(get(*m, "2001:db8:1::5"), "=v6");
  EXPECT_EQ(get(*m, "[2001:db8:1::5]"), "=v6");
  EXPECT_EQ(get(*m, "[192.0.2.7]"), "=host");
  EXPECT_EQ(get(*m, std::string_view("192.0.2.7\0x", 11)), "-");  // no embedded NUL
  EXPECT_EQ(get(*m, "2001:db9::5"), "-");
  EXPECT_EQ(get(*m, "::1"), "=");
  EXPECT_EQ(get(*m, "fe80::1"), "-");
  EXPECT_EQ(get(*m, "not an address"), "-");
}

TEST_F(MapTest, BadEntriesNameTheLine) {
  MapSpec spec;
  spec.name = "bad";
  spec.kind = MapKind::kIp;
  spec.files = {write("bad-ips", "192.0.2.1\n\n300.1.2.3\n")};
  auto m = Map::load(spec, limits_, logger_);
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().message.find("bad-ips:3"), std::string::npos) << m.error().message;
  spec.kind = MapKind::kIp;
  spec.files = {write("bad-prefix", "192.0.2.0/33\n")};
  EXPECT_FALSE(Map::load(spec, limits_, logger_).has_value());
  spec.kind = MapKind::kRegexp;
  spec.files = {write("bad-re", "/ok/\n/(unclosed/ v\n")};
  m = Map::load(spec, limits_, logger_);
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().message.find("bad-re:2"), std::string::npos) << m.error().message;
}

TEST_F(MapTest, Domains) {
  auto m = load(MapKind::kDomain, {}, {"example.com listed", "*.wild.example", ".dot.example x",
                                       "EXAMPLE.NET"});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(get(*m, "example.com"), "=listed");
  EXPECT_EQ(get(*m, "mail.Example.COM."), "=listed");
  EXPECT_EQ(get(*m, "notexample.com"), "-");
  EXPECT_EQ(get(*m, "example.com.evil.org"), "-");
  EXPECT_EQ(get(*m, "a.b.wild.example"), "=");
  EXPECT_EQ(get(*m, "wild.example"), "=");
  EXPECT_EQ(get(*m, "x.dot.example"), "=x");
  EXPECT_EQ(get(*m, "example.net"), "=");
  EXPECT_EQ(get(*m, "com"), "-");
}

TEST_F(MapTest, EmailsAndStrings) {
  auto e = load(MapKind::kEmail, {}, {"Boss@Example.com vip", "@spam.example", "bare.example"});
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(get(*e, "boss@example.com"), "=vip");
  EXPECT_EQ(get(*e, "BOSS@EXAMPLE.COM"), "=vip");
  EXPECT_EQ(get(*e, "other@example.com"), "-");
  EXPECT_EQ(get(*e, "anyone@spam.example"), "=");
  EXPECT_EQ(get(*e, "anyone@sub.spam.example"), "-");
  EXPECT_EQ(get(*e, "x@bare.example"), "=");
  auto h = load(MapKind::kHash, {}, {"\"Microsoft Outlook 16.0\" outlook", "plain value with spaces",
                                     "# comment", "hash#notcomment v #comment"});
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->size(), 3u);
  EXPECT_EQ(get(*h, "microsoft outlook 16.0"), "=outlook");
  EXPECT_EQ(get(*h, "plain"), "=value with spaces");
  EXPECT_EQ(get(*h, "hash#notcomment"), "=v");
  EXPECT_EQ(get(*h, "Microsoft"), "-");
}

TEST_F(MapTest, HostsMixAddressesAndNames) {
  auto m = load(MapKind::kHost, {}, {"192.0.2.0/24 net", "2001:db8::1", "example.com name"});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->size(), 3u);
  EXPECT_EQ(get(*m, "192.0.2.9"), "=net");
  EXPECT_EQ(get(*m, "2001:db8::1"), "=");
  EXPECT_EQ(get(*m, "www.example.com"), "=name");
  EXPECT_EQ(get(*m, "198.51.100.1"), "-");
  EXPECT_EQ(get(*m, "example.org"), "-");
}

TEST_F(MapTest, RegexpsAndGlobs) {
  auto r = load(MapKind::kRegexp, {}, {"/^user\\d+@/i numbered", "/@example\\.com$/ example",
                                        "/a b/ spaced value"});
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(get(*r, "USER123@test.com"), "=numbered");
  EXPECT_EQ(get(*r, "somebody@example.com"), "=example");
  EXPECT_EQ(get(*r, "user@other.org"), "-");
  EXPECT_EQ(get(*r, "xa by"), "=spaced value");
  std::vector<std::string_view> all;
  r->find_all("user1@example.com", scratch_.get(), all);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], "numbered");
  EXPECT_EQ(all[1], "example");
  EXPECT_EQ(r->find("user1@example.com", nullptr), std::nullopt);  // no scratch: no match

  auto g = load(MapKind::kGlob, {}, {"t.co", "*.bit.ly short", "user?@*.example"});
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(get(*g, "t.co"), "=");
  EXPECT_EQ(get(*g, "walmart.com"), "-");
  EXPECT_EQ(get(*g, "tXco"), "-");
  EXPECT_EQ(get(*g, "foo.bit.ly"), "=short");
  EXPECT_EQ(get(*g, "FOO.BIT.LY"), "=short");
  EXPECT_EQ(get(*g, "foo.bit.ly.evil.com"), "-");
  EXPECT_EQ(get(*g, "user7@a.example"), "=");
  EXPECT_EQ(get(*g, "user77@a.example"), "-");
}

TEST_F(MapTest, ReloadOnChangeKeepsOldContentsOnErrors) {
  std::string path = write("reload", "192.0.2.1 first\n");
  auto m = load(MapKind::kIp, {path});
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->reload_if_changed());  // nothing changed
  EXPECT_EQ(get(*m, "192.0.2.1"), "=first");

  write("reload", "192.0.2.2 second\n");
  touch_later(path, 10);
  EXPECT_TRUE(m->reload_if_changed());
  EXPECT_EQ(m->generation(), 2u);
  EXPECT_EQ(get(*m, "192.0.2.1"), "-");
  EXPECT_EQ(get(*m, "192.0.2.2"), "=second");

  // A broken edit: the previous contents stay, and it is not read again until it changes.
  write("reload", "192.0.2.3\nthis is not an address\n");
  touch_later(path, 20);
  EXPECT_FALSE(m->reload_if_changed());
  EXPECT_EQ(get(*m, "192.0.2.2"), "=second");
  EXPECT_EQ(get(*m, "192.0.2.3"), "-");
  EXPECT_FALSE(m->reload_if_changed());

  // The file vanishes: the previous contents stay.
  fs::remove(path);
  EXPECT_FALSE(m->reload_if_changed());
  EXPECT_EQ(get(*m, "192.0.2.2"), "=second");

  // It comes back, fixed.
  write("reload", "192.0.2.4 fourth\n");
  EXPECT_TRUE(m->reload_if_changed());
  EXPECT_EQ(get(*m, "192.0.2.4"), "=fourth");
  EXPECT_EQ(m->generation(), 3u);
}

TEST_F(MapTest, MissingFileAtStartIsEmptyThenLoads) {
  std::string path = dir_ + "/later";
  auto m = load(MapKind::kDomain, {path});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->size(), 0u);
  write("later", "example.com\n");
  EXPECT_TRUE(m->reload_if_changed());
  EXPECT_EQ(get(*m, "www.example.com"), "=");
}

TEST_F(MapTest, RegistryTimerReloadsWithoutAnyCall) {
  RegistryOptions opts;
  opts.check_interval = 0.02;
  auto reg = std::make_shared<MapRegistry>(opts, logger_);
  std::string path = write("watched", "example.com old\n");
  MapSpec spec;
  spec.name = "watched";
  spec.kind = MapKind::kDomain;
  spec.files = {path};
  auto added = reg->add(spec);
  ASSERT_TRUE(added.has_value());
  Map* m = *added;
  core::Dispatcher d;
  auto handle = reg->watch(d);
  ASSERT_NE(handle, nullptr);
  EXPECT_TRUE(reg->watching(d));
  EXPECT_EQ(reg->watch(d), nullptr);  // already watching from this loop
  write("watched", "example.com new\n");
  touch_later(path, 30);
  auto stop = d.create_timer([&d] { d.exit(); });
  for (int i = 0; i < 250 && m->generation() < 2; ++i) {
    stop->enable(0.02);
    d.run();
  }
  EXPECT_EQ(m->generation(), 2u);
  EXPECT_EQ(get(*m, "example.com"), "=new");
  handle.reset();
  EXPECT_FALSE(reg->watching(d));
}

}  // namespace
}  // namespace mw::maps
