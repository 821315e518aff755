// Lua task methods about the content and the text / MIME part classes (lua/task_content.cpp).
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::kRichMessage;
using testing::LuaHarness;

TEST(LuaTaskContent, TextParts) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      local o = {}
      local function add(k, v) o[#o + 1] = k .. '=' .. tostring(v) end
      local tp = task:get_text_parts()
      add('n', #tp)
      local plain, html = tp[1], tp[2]
      add('plain_html', plain:is_html())
      add('plain_text', plain:get_content():gsub('%s+$', ''))
      add('plain_oneline', plain:get_content('content_oneline'))
      add('plain_raw_starts', plain:get_content('raw'):sub(1, 8))
      add('plain_charset', plain:get_charset())
      add('plain_declared', plain:get_declared_charset())
      add('plain_non_ascii', plain:get_non_ascii_count())
      add('plain_lines', plain:get_lines_count())
      add('plain_len', plain:get_length() == #plain:get_content())
      add('plain_raw_len', plain:get_raw_length() == #plain:get_content('raw'))
      add('plain_empty', plain:is_empty())
      add('plain_html_info', plain:get_html())
      add('html_html', html:is_html())
      add('html_text', html:get_content():gsub('%s+$', ''))
      add('html_markup', html:get_content('html'):find('<a href', 1, true) ~= nil)
      local info = html:get_html()
      add('html_links', #info.links)
      add('html_link', info.links[1].href .. ' ' .. info.links[1].text)
      add('html_script', info.has_script)
      add('mimepart', plain:get_mimepart():get_type_full())
      return true, 1.0, o
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run(kRichMessage));
  EXPECT_EQ(got["n"], "2");
  EXPECT_EQ(got["plain_html"], "false");
  EXPECT_EQ(got["plain_text"],
            "Café at https://www.example.com/menu?day=1#top or user:pw@files.example.net\r\n"
            "Write to help@example.com.");
  EXPECT_EQ(got["plain_oneline"],
            "Café at https://www.example.com/menu?day=1#top or user:pw@files.example.net "
            "Write to help@example.com.");
  EXPECT_EQ(got["plain_raw_starts"], "Caf=E9 a");
  EXPECT_EQ(got["plain_charset"], "windows-1252");  // the WHATWG meaning of the label
  EXPECT_EQ(got["plain_declared"], "iso-8859-1");
  EXPECT_EQ(got["plain_non_ascii"], "1");
  EXPECT_EQ(got["plain_lines"], "2");
  EXPECT_EQ(got["plain_len"], "true");
  EXPECT_EQ(got["plain_raw_len"], "true");
  EXPECT_EQ(got["plain_empty"], "false");
  EXPECT_EQ(got["plain_html_info"], "nil");
  EXPECT_EQ(got["html_html"], "true");
  EXPECT_EQ(got["html_text"], "Café www.example.com");
  EXPECT_EQ(got["html_markup"], "true");
  EXPECT_EQ(got["html_links"], "1");
  EXPECT_EQ(got["html_link"], "http://198.51.100.9/x www.example.com");
  EXPECT_EQ(got["html_script"], "false");
  EXPECT_EQ(got["mimepart"], "text/plain");
}

TEST(LuaTaskContent, MimeParts) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      local o = {}
      local parts = task:get_parts()
      o[#o + 1] = 'n=' .. #parts
      for i, p in ipairs(parts) do
        local t, s = p:get_type()
        o[#o + 1] = string.format('%d=%s/%s d%d m:%s t:%s a:%s i:%s cte:%s file:%s det:%s',
          i, t, s, p:get_depth(), tostring(p:is_multipart()), tostring(p:is_text()),
          tostring(p:is_attachment()), tostring(p:is_image()), p:get_cte(),
          tostring(p:get_filename()), tostring(p:get_detected_type()))
      end
      local pdf = parts[#parts]
      o[#o + 1] = 'pdf_len=' .. pdf:get_length()
      o[#o + 1] = 'pdf_head=' .. pdf:get_content():sub(1, 8)
      o[#o + 1] = 'pdf_raw=' .. pdf:get_raw_content():sub(1, 8)
      o[#o + 1] = 'pdf_disp=' .. pdf:get_disposition()
      o[#o + 1] = 'pdf_ct=' .. tostring(pdf:get_header('content-type'))
      o[#o + 1] = 'pdf_nohdr=' .. tostring(pdf:get_header('X-None'))
      return true, 1.0, o
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run(kRichMessage));
  EXPECT_EQ(got["n"], "5");
  EXPECT_EQ(got["1"], "multipart/mixed d0 m:true t:false a:false i:false cte:7bit file:nil det:nil");
  EXPECT_EQ(got["2"],
            "multipart/alternative d1 m:true t:false a:false i:false cte:7bit file:nil det:nil");
  EXPECT_EQ(got["3"].substr(0, 49), "text/plain d2 m:false t:true a:false i:false cte:");
  EXPECT_NE(got["3"].find("cte:quoted-printable"), std::string::npos) << got["3"];
  EXPECT_EQ(got["5"],
            "application/pdf d1 m:false t:false a:true i:false cte:base64 file:menu.pdf "
            "det:application/pdf");
  EXPECT_EQ(got["pdf_head"], "%PDF-1.4");
  EXPECT_EQ(got["pdf_raw"], "JVBERi0x");
  EXPECT_EQ(got["pdf_len"], "18");
  EXPECT_EQ(got["pdf_disp"], "attachment");
  EXPECT_EQ(got["pdf_ct"], "application/pdf; name=\"menu.pdf\"");
  EXPECT_EQ(got["pdf_nohdr"], "nil");
}

TEST(LuaTaskContent, UrlsEmailsAndRawContent) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      local o = {}
      local hosts = {}
      for _, u in ipairs(task:get_urls()) do hosts[#hosts + 1] = u:get_host() end
      table.sort(hosts)
      o[#o + 1] = 'hosts=' .. table.concat(hosts, ',')
      local emails = {}
      for _, e in ipairs(task:get_emails()) do
        emails[#emails + 1] = e.user .. '|' .. e.domain .. '|' .. e.addr
      end
      table.sort(emails)
      o[#o + 1] = 'emails=' .. table.concat(emails, ',')
      o[#o + 1] = 'content_is_raw=' .. tostring(task:get_content() == task:get_message())
      o[#o + 1] = 'content_starts=' .. task:get_content():sub(1, 12)
      o[#o + 1] = 'rawbody_starts=' .. task:get_rawbody():sub(1, 7)
      return true, 1.0, o
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run(kRichMessage));
  // One entry per distinct normalised URL: https://www.example.com/menu... in the text and
  // http://www.example.com/ (the HTML link text) are two; "user:pw@files.example.net" has no
  // scheme and reads as an address.
  EXPECT_EQ(got["hosts"], "198.51.100.9,www.example.com,www.example.com");
  EXPECT_EQ(got["emails"],
            "help|example.com|help@example.com,pw|files.example.net|pw@files.example.net");
  EXPECT_EQ(got["content_is_raw"], "true");
  EXPECT_EQ(got["content_starts"], "Return-Path:");
  EXPECT_EQ(got["rawbody_starts"], "--OUT\r\n");
}

}  // namespace
}  // namespace mw::lua
