// rspamd_url objects (lua/url.cpp) from task:get_urls().
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

constexpr const char* kMessage =
    "From: a@example.com\r\n"
    "Content-Type: multipart/alternative; boundary=\"B\"\r\n"
    "\r\n"
    "--B\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "See HTTPS://User@Shop.Example.CO.UK:8443/a/b?x=1&y=2#frag and www.example.org/p\r\n"
    "--B\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<a href=\"http://192.0.2.1/login\">www.bank.example</a>\r\n"
    "--B--\r\n";

constexpr const char* kPrelude = R"(
  local function url(task, host)
    for _, u in ipairs(task:get_urls()) do
      if u:get_host() == host then return u end
    end
  end
  local function describe(u)
    local t = u:to_table()
    return table.concat({ t.url, t.host, t.tld, t.path, t.scheme, t.origin,
                          tostring(t.display), tostring(t.numeric) }, '|')
  end
)";

TEST(LuaUrl, PartsOfAFullUrl) {
  LuaHarness h;
  auto got = h.eval(kPrelude,
                    {{"text", "url(task, 'shop.example.co.uk'):get_text()"},
                     {"raw", "url(task, 'shop.example.co.uk'):get_raw()"},
                     {"tostring", "tostring(url(task, 'shop.example.co.uk'))"},
                     {"scheme", "url(task, 'shop.example.co.uk'):get_scheme()"},
                     {"protocol", "url(task, 'shop.example.co.uk'):get_protocol()"},
                     {"user", "url(task, 'shop.example.co.uk'):get_user()"},
                     {"has_user", "url(task, 'shop.example.co.uk'):has_user()"},
                     {"port", "url(task, 'shop.example.co.uk'):get_port()"},
                     {"tld", "url(task, 'shop.example.co.uk'):get_tld()"},
                     {"path", "url(task, 'shop.example.co.uk'):get_path()"},
                     {"query", "url(task, 'shop.example.co.uk'):get_query()"},
                     {"fragment", "url(task, 'shop.example.co.uk'):get_fragment()"},
                     {"origin", "url(task, 'shop.example.co.uk'):get_origin()"},
                     {"part", "url(task, 'shop.example.co.uk'):get_part_index()"},
                     {"numeric", "url(task, 'shop.example.co.uk'):is_numeric()"},
                     {"schemeless", "url(task, 'shop.example.co.uk'):is_schemeless()"},
                     {"obfuscated", "url(task, 'shop.example.co.uk'):is_obfuscated()"},
                     {"displayed", "url(task, 'shop.example.co.uk'):is_html_displayed()"}},
                    kMessage);
  // The normalised form: scheme and host lower-cased, the user name left out.
  EXPECT_EQ(got["text"], "https://shop.example.co.uk:8443/a/b?x=1&y=2#frag");
  EXPECT_EQ(got["raw"], "HTTPS://User@Shop.Example.CO.UK:8443/a/b?x=1&y=2#frag");
  EXPECT_EQ(got["tostring"], got["text"]);
  EXPECT_EQ(got["scheme"], "https");
  EXPECT_EQ(got["protocol"], "https");
  EXPECT_EQ(got["user"], "User");
  EXPECT_EQ(got["has_user"], "true");
  EXPECT_EQ(got["port"], "8443");
  EXPECT_EQ(got["tld"], "example.co.uk");
  EXPECT_EQ(got["path"], "/a/b");
  EXPECT_EQ(got["query"], "x=1&y=2");
  EXPECT_EQ(got["fragment"], "frag");
  EXPECT_EQ(got["origin"], "text");
  EXPECT_EQ(got["part"], "1");  // index in task:get_parts() (0 is the multipart)
  EXPECT_EQ(got["numeric"], "false");
  EXPECT_EQ(got["schemeless"], "false");
  EXPECT_EQ(got["obfuscated"], "false");
  EXPECT_EQ(got["displayed"], "false");
}

TEST(LuaUrl, SchemelessAndHtmlLinks) {
  LuaHarness h;
  auto got = h.eval(kPrelude,
                    {{"schemeless", "url(task, 'www.example.org'):is_schemeless()"},
                     {"schemeless_port", "url(task, 'www.example.org'):get_port()"},
                     {"schemeless_user", "url(task, 'www.example.org'):get_user()"},
                     {"schemeless_query", "url(task, 'www.example.org'):get_query()"},
                     {"link", "describe(url(task, '192.0.2.1'))"},
                     {"link_displayed", "url(task, '192.0.2.1'):is_html_displayed()"},
                     {"link_display", "url(task, '192.0.2.1'):get_display()"},
                     {"link_part", "url(task, '192.0.2.1'):get_part_index()"},
                     {"link_tld", "url(task, '192.0.2.1'):get_tld()"}},
                    kMessage);
  EXPECT_EQ(got["schemeless"], "true");
  EXPECT_EQ(got["schemeless_port"], "nil");
  EXPECT_EQ(got["schemeless_user"], "nil");
  EXPECT_EQ(got["schemeless_query"], "nil");
  EXPECT_EQ(got["link"], "http://192.0.2.1/login|192.0.2.1|192.0.2.1|/login|http|html_href|"
                         "www.bank.example|true");
  EXPECT_EQ(got["link_displayed"], "true");
  EXPECT_EQ(got["link_display"], "www.bank.example");
  EXPECT_EQ(got["link_part"], "2");
  EXPECT_EQ(got["link_tld"], "192.0.2.1");
}

TEST(LuaUrl, AUrlObjectOutlivingItsTaskIsSafe) {
  LuaHarness h;
  h.rules(R"(
    kept = nil
    rspamd_config.KEEP = { callback = function(task)
      if kept then
        return true, 1.0, { 'old=' .. tostring(kept), 'err=' .. tostring(select(2, pcall(function() return kept:get_host() end))) }
      end
      kept = task:get_urls()[1]
      return false
    end }
  )");
  ASSERT_TRUE(h.build());
  h.run(kMessage);
  auto got = h.probe(*h.run(kMessage), "KEEP");
  EXPECT_EQ(got["old"], "url(gone)");
  EXPECT_NE(got["err"], "nil");  // using it raises a Lua error, no crash
}

}  // namespace
}  // namespace mw::lua
