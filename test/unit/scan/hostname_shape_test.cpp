// Host name and address shapes (scan/hostname_shape.h) used by the HELO and Received rules.
#include "scan/hostname_shape.h"

#include <gtest/gtest.h>

namespace mw::scan {
namespace {

TEST(HostnameShape, Literals) {
  EXPECT_EQ(ip_literal_of("[192.0.2.1]"), "192.0.2.1");
  EXPECT_EQ(ip_literal_of("[IPv6:2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(ip_literal_of("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(ip_literal_of("[mail.example.com]"), "");
  EXPECT_EQ(ip_literal_of("300.1.1.1"), "");
}

TEST(HostnameShape, FullyQualified) {
  for (const char* ok : {"mail.example.com", "mx1.example.co.uk.", "a-b_c.example.xn--p1ai"}) {
    EXPECT_TRUE(is_fqdn(ok)) << ok;
  }
  for (const char* bad : {"WIN-7QXAMPLE", "localhost", "mail..example.com", ".example.com",
                          "mail.example.c0m", "192.0.2.1", "[192.0.2.1]", "mail.example.c",
                          "bad name.example.com", ""}) {
    EXPECT_FALSE(is_fqdn(bad)) << bad;
  }
}

TEST(HostnameShape, AddressInTheName) {
  EXPECT_TRUE(embeds_ip("dsl-203-0-113-7.pool.example.net", "203.0.113.7"));
  EXPECT_TRUE(embeds_ip("7.113.0.203.dyn.example.net", "203.0.113.7"));
  EXPECT_TRUE(embeds_ip("dsl092-072-213.bos1.dsl.speakeasy.net", "66.92.72.213"));
  EXPECT_TRUE(embeds_ip("79.sub-174-252-72.myvzw.com", "174.252.72.79"));
  EXPECT_TRUE(embeds_ip("host-cb007107.example.net", "203.0.113.7"));  // hex
  EXPECT_FALSE(embeds_ip("mail-sor-f41.google.com", "209.85.220.41"));
  EXPECT_FALSE(embeds_ip("mx1.example.com", "203.0.113.7"));
  EXPECT_FALSE(embeds_ip("dsl-203-0-113-7.example.net", "2001:db8::1"));
}

TEST(HostnameShape, DynamicNames) {
  EXPECT_EQ(dynamic_reason("c-203-0-113-9.hsd1.isp.example", "203.0.113.9"), "ip-in-name");
  EXPECT_EQ(dynamic_reason("pool-7.dyn.isp.example", "198.51.100.1"), "keyword:pool");
  EXPECT_EQ(dynamic_reason("ppp12.dialup.isp.example", ""), "keyword:ppp");
  EXPECT_EQ(dynamic_reason("mail2.pool.example", "198.51.100.1"), "");   // a domain named pool
  EXPECT_EQ(dynamic_reason("pool.dsl.example.net", "198.51.100.1"), "");  // no digits
  EXPECT_EQ(dynamic_reason("mail-qw0-f46.google.com", "209.85.216.46"), "");
  EXPECT_EQ(dynamic_reason("o1.ptr1234.sender.example", "198.51.100.1"), "");  // SendGrid's naming
  EXPECT_EQ(dynamic_reason("[192.0.2.1]", "192.0.2.1"), "");
}

TEST(HostnameShape, Addresses) {
  for (const char* ip : {"0.1.2.3", "224.0.0.1", "240.1.1.1", "255.255.255.255", "::", "ff02::1"}) {
    EXPECT_TRUE(is_bogus_ip(ip)) << ip;
  }
  for (const char* ip : {"192.0.2.1", "10.0.0.1", "::1", "2001:db8::1", "nonsense"}) {
    EXPECT_FALSE(is_bogus_ip(ip)) << ip;
  }
  for (const char* ip : {"10.0.0.1", "127.0.0.1", "172.16.5.5", "192.168.1.1", "169.254.1.1",
                         "100.64.1.2", "::1", "fe80::1", "fd00::1"}) {
    EXPECT_TRUE(is_nonpublic_ip(ip)) << ip;
  }
  for (const char* ip : {"192.0.2.1", "8.8.8.8", "2001:db8::1", "0.1.2.3", "bogus"}) {
    EXPECT_FALSE(is_nonpublic_ip(ip)) << ip;
  }
}

}  // namespace
}  // namespace mw::scan
