#include "core/ip_address.h"

#include <gtest/gtest.h>

#include <string>

namespace mw::core {
namespace {

IpAddress ip(std::string_view text) {
  auto a = IpAddress::parse(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(IpAddress{});
}

TEST(IpAddress, ParseAndPrint) {
  EXPECT_EQ(ip("192.0.2.1").to_string(), "192.0.2.1");
  EXPECT_EQ(ip("2001:DB8:0:0::1").to_string(), "2001:db8::1");
  EXPECT_EQ(ip("192.0.2.1").family, 4);
  EXPECT_EQ(ip("::1").family, 6);
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("192.0.2"));
  EXPECT_FALSE(IpAddress::parse("example.com"));
  EXPECT_FALSE(IpAddress::parse(std::string("192.0.2.1\0", 10)));  // embedded NUL
  EXPECT_FALSE(IpAddress::parse(std::string(64, '1')));
  EXPECT_FALSE(IpAddress::parse("[2001:db8::1]"));
  ASSERT_TRUE(IpAddress::parse("[2001:db8::1]", /*brackets=*/true));
  EXPECT_EQ(IpAddress::parse("[2001:db8::1]", true)->to_string(), "2001:db8::1");
  EXPECT_EQ(IpAddress{}.to_string(), "");
  EXPECT_FALSE(IpAddress{}.valid());
}

TEST(IpAddress, MappedAddresses) {
  IpAddress m = ip("::ffff:192.0.2.9");
  EXPECT_TRUE(m.is_v6());
  EXPECT_TRUE(m.is_v4_mapped());
  EXPECT_EQ(m.unmapped(), ip("192.0.2.9"));
  EXPECT_EQ(ip("2001:db8::1").unmapped(), ip("2001:db8::1"));
}

TEST(IpAddress, MasksAndNetworks) {
  EXPECT_EQ(ip("192.0.2.77").masked(24).to_string(), "192.0.2.0");
  EXPECT_EQ(ip("10.255.255.255").masked(9).to_string(), "10.128.0.0");
  EXPECT_EQ(ip("192.0.2.77").masked(0).to_string(), "0.0.0.0");
  EXPECT_EQ(ip("192.0.2.77").masked(99).to_string(), "192.0.2.77");  // clamped
  EXPECT_EQ(ip("2001:db8:1234::1").masked(32).to_string(), "2001:db8::");
  EXPECT_TRUE(ip("192.0.2.100").in_network(ip("192.0.2.0"), 25));
  EXPECT_FALSE(ip("192.0.2.200").in_network(ip("192.0.2.0"), 25));
  EXPECT_TRUE(ip("192.0.2.200").in_network(ip("192.0.2.128"), 25));
  EXPECT_FALSE(ip("192.0.2.1").in_network(ip("::"), 0));  // families differ
  EXPECT_TRUE(ip("2001:db8::5").in_network(ip("2001:db8::"), 64));
  EXPECT_FALSE(IpAddress{}.in_network(IpAddress{}, 0));
}

TEST(IpAddress, ReverseNames) {
  EXPECT_EQ(ip("192.0.2.1").reversed_labels(), "1.2.0.192");
  EXPECT_EQ(ip("192.0.2.1").reverse_name(), "1.2.0.192.in-addr.arpa");
  EXPECT_EQ(ip("2001:db8::1").reverse_name(),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  EXPECT_EQ(IpAddress{}.reverse_name(), "");
  uint8_t raw[4] = {198, 51, 100, 7};
  EXPECT_EQ(IpAddress::from_bytes(4, raw).to_string(), "198.51.100.7");
}

}  // namespace
}  // namespace mw::core
