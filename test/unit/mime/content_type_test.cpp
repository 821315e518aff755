// Content-Type / Content-Disposition parameters, RFC 2231 and RFC 2047 in values.
#include "mime/content_type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mime/charset.h"
#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::field_of;
using testing::str;
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Parsed {
  bool ok = false;
  std::string type, subtype;
  Pairs params;  // sorted by name
};

class ContentTypeTest : public ::testing::Test {
 protected:
  Parsed parse(std::string_view value, std::string_view fallback = {}) {
    std::string storage;
    Header h = field_of(arena_, "Content-Type", value, &storage);
    std::string_view type, subtype;
    Vec<Param> params(&arena_);
    TextFlags f;
    Parsed p;
    p.ok = parse_mime_value(arena_, dec_, h.raw_value, fallback, &type, &subtype, params, &f);
    p.type = str(type);
    p.subtype = str(subtype);
    for (const auto& kv : params) {
      EXPECT_TRUE(is_valid_utf8(kv.second));
      p.params.emplace_back(str(kv.first), str(kv.second));
    }
    std::stable_sort(p.params.begin(), p.params.end());
    return p;
  }

  core::Arena arena_;
  CharsetConverter conv_;
  HeaderDecoder dec_{conv_};
};

TEST_F(ContentTypeTest, MailParserContentTypeVectors) {
  json::Value vectors =
      testing::read_json(testing::testdata("corpus/mail-parser/content_type.json"));
  ASSERT_TRUE(vectors.is_array());
  int checked = 0;
  for (const json::Value& v : vectors.items()) {
    std::string header = v.find("header")->as_string();
    const json::Value* e = v.find("expected");
    if (header.starts_with("malicious/attempt")) {
      // mail-parser's reading of deliberately malformed RFC 2231 names is its own invention
      // (e.g. "1 * 999999999999999999 *= h" -> ("1", "ha")); we only require a sane parse.
      Parsed p = parse(header);
      EXPECT_TRUE(p.ok);
      EXPECT_EQ(p.type, "malicious");
      continue;
    }
    if (header.starts_with("image/jpeg;\n   name=\"=?iso-8859-1?B?4Q==?= =?utf-8")) {
      // Inside quotes mail-parser keeps the blanks between adjacent encoded words; we apply
      // RFC 2047 6.2 (they are dropped) everywhere, as MUAs do for quoted file names.
      EXPECT_EQ(parse(header).params, (Pairs{{"name", "áéí.jpeg"}}));
      continue;
    }
    Parsed p = parse(header);
    ++checked;
    if (e == nullptr || e->is_null()) {
      EXPECT_FALSE(p.ok) << header;
      continue;
    }
    EXPECT_TRUE(p.ok) << header;
    EXPECT_EQ(p.type, e->find("c_type")->as_string()) << header;
    const json::Value* sub = e->find("c_subtype");
    EXPECT_EQ(p.subtype, sub != nullptr && sub->is_string() ? sub->as_string() : "") << header;
    Pairs want;
    if (const json::Value* attrs = e->find("attributes"); attrs != nullptr && attrs->is_array()) {
      for (const json::Value& kv : attrs->items()) {
        std::string name = kv.items()[0].as_string();
        // mail-parser reports the RFC 2231 language as an extra "<name>-language" attribute;
        // we drop the language (ContentType has no place for it).
        if (name.ends_with("-language")) continue;
        want.emplace_back(name, kv.items()[1].as_string());
      }
    }
    std::stable_sort(want.begin(), want.end());
    EXPECT_EQ(p.params, want) << header;
  }
  EXPECT_EQ(checked, 101);  // 103 vectors, 2 asserted differently above
}

TEST_F(ContentTypeTest, Rfc2231) {
  EXPECT_EQ(parse(" application/pdf; filename*=UTF-8''%E2%82%AC%20rates.pdf").params,
            (Pairs{{"filename", "€ rates.pdf"}}));
  // Continuations out of order, mixed extended/plain sections.
  EXPECT_EQ(parse(" a/b; n*2=c; n*0*=utf-8''%C3%A9; n*1=b").params, (Pairs{{"n", "ébc"}}));
  // The RFC 2231 form wins over a plain parameter of the same name.
  EXPECT_EQ(parse(" a/b; filename=\"old.txt\"; filename*=utf-8''new.txt").params,
            (Pairs{{"filename", "new.txt"}}));
  // Charset we do not know: bytes still end up as valid UTF-8.
  Parsed p = parse(" a/b; n*=x-unknown-cs''%FF%FEabc");
  ASSERT_EQ(p.params.size(), 1u);
  EXPECT_TRUE(is_valid_utf8(p.params[0].second));
}

TEST_F(ContentTypeTest, EncodedWordsAndEightBit) {
  EXPECT_EQ(parse(" text/plain; name=\"=?UTF-8?B?0J/RgNC40LLQtdGC?=.txt\"").params,
            (Pairs{{"name", "Привет.txt"}}));
  // boundary values are never decoded.
  EXPECT_EQ(parse(" multipart/mixed; boundary=\"=?x?q?y?=\"").params,
            (Pairs{{"boundary", "=?x?q?y?="}}));
  // An empty quoted boundary is still a boundary.
  EXPECT_EQ(parse(" multipart/mixed; boundary=\"\"").params, (Pairs{{"boundary", ""}}));
  // Raw Latin-1 file name with the part's charset as fallback.
  EXPECT_EQ(parse(" a/b; name=\"r\xE9sum\xE9.doc\"", "iso-8859-1").params,
            (Pairs{{"name", "résumé.doc"}}));
}

TEST_F(ContentTypeTest, ManyParametersAreBounded) {
  std::string v = " a/b";
  for (int i = 0; i < 20000; ++i) v += "; p" + std::to_string(i) + "*" + std::to_string(i) + "=x";
  Parsed p = parse(v);
  EXPECT_TRUE(p.ok);
  EXPECT_LE(p.params.size(), 128u);
}

}  // namespace
}  // namespace mw::mime
