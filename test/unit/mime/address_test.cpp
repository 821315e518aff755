// Address lists and Message-ID lists.
#include "mime/address.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "mime/charset.h"
#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::field_of;
using testing::str;
using Flat = std::vector<std::string>;

class AddressTest : public ::testing::Test {
 protected:
  // Parses the body of a To: field and flattens the result to
  // "G:<group>|N:<display name>|A:<address>" lines ("G:<group>|empty" for empty groups).
  Flat parse(std::string_view value, Vec<Address>* keep = nullptr) {
    std::string storage;
    Header h = field_of(arena_, "To", value, &storage);
    Vec<Address> out(&arena_);
    Vec<AddressGroup> groups(&arena_);
    TextFlags f;
    parse_address_list(arena_, dec_, h.raw_value, {}, out, &groups, &f);
    Flat flat;
    for (const AddressGroup& g : groups) {
      if (g.count == 0) flat.push_back("G:" + str(g.name) + "|empty");
      for (uint32_t i = g.first; i < g.first + g.count; ++i) {
        EXPECT_TRUE(is_valid_utf8(out[i].display_name));
        flat.push_back("G:" + str(g.name) + "|N:" + str(out[i].display_name) +
                       "|A:" + str(out[i].addr));
      }
    }
    if (keep != nullptr) *keep = out;
    return flat;
  }

  core::Arena arena_;
  CharsetConverter conv_;
  HeaderDecoder dec_{conv_};
};

std::string opt(const json::Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : "";
}

// Flattens mail-parser's expected value the same way.
Flat expected_flat(const json::Value& e) {
  Flat flat;
  if (const json::Value* list = e.find("List")) {
    for (const json::Value& a : list->items()) {
      flat.push_back("G:|N:" + opt(a.find("name")) + "|A:" + opt(a.find("address")));
    }
  }
  if (const json::Value* groups = e.find("Group")) {
    for (const json::Value& g : groups->items()) {
      std::string gname = opt(g.find("name"));
      const json::Value* addrs = g.find("addresses");
      if (addrs == nullptr || addrs->items().empty()) flat.push_back("G:" + gname + "|empty");
      if (addrs == nullptr) continue;
      for (const json::Value& a : addrs->items()) {
        flat.push_back("G:" + gname + "|N:" + opt(a.find("name")) + "|A:" + opt(a.find("address")));
      }
    }
  }
  return flat;
}

TEST_F(AddressTest, MailParserAddressVectors) {
  // Where mail-parser makes a choice of its own we assert ours, and say why:
  //  - it appends comments to display names ("Pete (A nice ) chap his account..."); we use
  //    the phrase only and fall back to a comment when there is no phrase;
  //  - it turns a comment after a group into an extra address without address;
  //  - it keeps obsolete routes and CFWS inside addresses as written; we drop the route
  //    (RFC 5322 4.4 says to ignore it) and the CFWS, so addr is usable as is.
  const std::map<std::string, Flat> ours = {
      {"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>\n",
       {"G:|N:Pete|A:pete@silly.test"}},
      // RFC 5322 unfolding keeps the blank after the line break, so the backslash quotes
      // that blank and the next ')' ends the comment: " chap)" is a word of the phrase.
      {"Pete(A nice \n \\\n ) chap) <pete(his\n account)@silly\n .test(his host)>\n",
       {"G:|N:Pete chap)|A:pete@silly.test"}},
      {"A Group(Some people)\n        :Chris Jones <c@(Chris's host.)public.example>,\n"
       "            joe@example.org,\n     John <jdoe@one.test> (my dear friend); (the end of "
       "the group)\n",
       {"G:A Group|N:Chris Jones|A:c@public.example", "G:A Group|N:|A:joe@example.org",
        "G:A Group|N:John|A:jdoe@one.test"}},
      {"(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;\n",
       {"G:Hidden recipients|empty"}},
      {"Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example\n",
       {"G:|N:Mary Smith|A:mary@example.net", "G:|N:|A:jdoe@test.example"}},
      {"John Doe <jdoe@machine(comment).  example>\n", {"G:|N:John Doe|A:jdoe@machine.example"}},
      {"Nathaniel Borenstein <nsb@thumper.bellcore.com>\n    "
       "(=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)\n",
       {"G:|N:Nathaniel Borenstein|A:nsb@thumper.bellcore.com"}},
      {"Name (comment) =?utf-8?q?Doe?= <a@b.com>\n", {"G:|N:Name Doe|A:a@b.com"}},
  };
  json::Value vectors = testing::read_json(testing::testdata("corpus/mail-parser/address.json"));
  ASSERT_TRUE(vectors.is_array());
  size_t overridden = 0;
  for (const json::Value& v : vectors.items()) {
    std::string header = v.find("header")->as_string();
    auto it = ours.find(header);
    if (it != ours.end()) {
      ++overridden;
      EXPECT_EQ(parse(header), it->second) << header;
      continue;
    }
    EXPECT_EQ(parse(header), expected_flat(*v.find("expected"))) << header;
  }
  EXPECT_EQ(overridden, ours.size());
  EXPECT_EQ(vectors.size(), 60u);
}

TEST_F(AddressTest, CommonMalformations) {
  EXPECT_EQ(parse(" Doe, John <john@example.com>"), Flat{"G:|N:Doe, John|A:john@example.com"});
  EXPECT_EQ(parse(" Smith Jr., John <j@x.com>, b@y.com"),
            (Flat{"G:|N:Smith Jr., John|A:j@x.com", "G:|N:|A:b@y.com"}));
  EXPECT_EQ(parse(" John Doe john@example.com"), Flat{"G:|N:John Doe|A:john@example.com"});
  EXPECT_EQ(parse(" <a@b.com> John"), Flat{"G:|N:John|A:a@b.com"});
  EXPECT_EQ(parse(" a@b.com (John Q)"), Flat{"G:|N:John Q|A:a@b.com"});
  EXPECT_EQ(parse(" user @ host . com"), Flat{"G:|N:|A:user@host.com"});
  EXPECT_EQ(parse(" undisclosed-recipients"), Flat{"G:|N:|A:undisclosed-recipients"});
  EXPECT_EQ(parse(" =?utf-8?q?Only_a_name?="), Flat{"G:|N:Only a name|A:"});
  EXPECT_EQ(parse(" a@b.com,,, ,c@d.com"), (Flat{"G:|N:|A:a@b.com", "G:|N:|A:c@d.com"}));
  // A group that is never closed.
  EXPECT_EQ(parse(" team: a@b.com, c@d.com"), (Flat{"G:team|N:|A:a@b.com", "G:team|N:|A:c@d.com"}));
  // Trailing garbage after the address.
  EXPECT_EQ(parse(" <a@b.com> >>>"), Flat{"G:|N:>>>|A:a@b.com"});
  // Broken nesting: the first angle address that is not empty (OpenDMARC's case 6).
  EXPECT_EQ(parse(" <<<><joe@joe.com>>>"), Flat{"G:|N:>>|A:joe@joe.com"});
  EXPECT_EQ(parse(" <a@b.com><c@d.com>"), Flat{"G:|N:|A:a@b.com"});  // the first is kept
}

TEST_F(AddressTest, BrokenNestingIsNotValid) {
  Vec<Address> out(&arena_);
  parse(" <<<><joe@joe.com>>>", &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].domain, "joe.com");
  EXPECT_FALSE(out[0].valid);
}

TEST_F(AddressTest, ValidityAndSplitting) {
  Vec<Address> out(&arena_);
  parse(" Foo <Bar@EXAMPLE.Com>, \"a@b\"@c.org, John <john@example.com, x", &out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].addr, "Bar@EXAMPLE.Com");
  EXPECT_EQ(out[0].local, "Bar");
  EXPECT_EQ(out[0].domain, "example.com");
  EXPECT_TRUE(out[0].valid);
  EXPECT_EQ(out[1].local, "\"a@b\"");
  EXPECT_EQ(out[1].domain, "c.org");
  EXPECT_TRUE(out[1].valid);
  EXPECT_EQ(out[2].addr, "john@example.com");  // unclosed '<': runs to the comma
  EXPECT_FALSE(out[2].valid);
  EXPECT_EQ(out[3].addr, "x");
  EXPECT_FALSE(out[3].valid);

  parse(" John Doe john@example.com", &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].valid);  // the brackets had to be guessed
  parse(" nobody", &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].valid);
}

TEST_F(AddressTest, GroupsAreMarked) {
  Vec<Address> out(&arena_);
  parse(" a@b.com, Friends: c@d.com;, e@f.com", &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out[0].in_group);
  EXPECT_TRUE(out[1].in_group);
  EXPECT_FALSE(out[2].in_group);
}

TEST_F(AddressTest, EightBitDisplayNames) {
  // Raw UTF-8 kept, raw Latin-1 converted from the fallback charset.
  EXPECT_EQ(parse(" J\xC3\xBCrgen <j@x.de>"), Flat{"G:|N:Jürgen|A:j@x.de"});
  std::string storage;
  Header h = field_of(arena_, "From", " J\xFCrgen M\xFCller <j@x.de>", &storage);
  Vec<Address> out(&arena_);
  TextFlags f;
  parse_address_list(arena_, dec_, h.raw_value, "iso-8859-1", out, nullptr, &f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].display_name, "Jürgen Müller");
  EXPECT_TRUE(f.eight_bit);
}

TEST_F(AddressTest, LargeListIsLinear) {
  std::string v = " ";
  for (int i = 0; i < 20000; ++i)
    v += "\"Name, " + std::to_string(i) + "\" <u" + std::to_string(i) + "@x.org>, ";
  Vec<Address> out(&arena_);
  parse(v, &out);
  ASSERT_EQ(out.size(), 20000u);
  EXPECT_EQ(out[19999].display_name, "Name, 19999");
  // Deeply nested comments and unclosed constructs.
  std::string nasty = " " + std::string(100000, '(') + " <a@b>";
  EXPECT_TRUE(parse(nasty).empty());
  std::string quotes = " " + std::string(100001, '"');
  parse(quotes);
  // Unclosed angle brackets must not rescan the rest of the value each time.
  std::string angles = " " + std::string(200000, '<');
  EXPECT_TRUE(parse(angles).empty());  // nothing but empty angle addresses
  std::string open_items;
  for (int i = 0; i < 50000; ++i) open_items += "<a,";
  EXPECT_EQ(parse(" " + open_items).size(), 50000u);
}

TEST_F(AddressTest, MailParserMessageIdVectors) {
  json::Value vectors = testing::read_json(testing::testdata("corpus/mail-parser/id.json"));
  ASSERT_TRUE(vectors.is_array());
  for (const json::Value& v : vectors.items()) {
    std::string header = v.find("header")->as_string();
    std::string storage;
    Header h = field_of(arena_, "References", header, &storage);
    Vec<std::string_view> ids(&arena_);
    parse_message_ids(arena_, h.raw_value, ids);
    std::vector<std::string> got(ids.begin(), ids.end());
    std::vector<std::string> want;
    if (const json::Value* e = v.find("expected"); e != nullptr && e->is_array()) {
      for (const json::Value& s : e->items()) want.push_back(s.as_string());
    }
    EXPECT_EQ(got, want) << header;
  }
}

}  // namespace
}  // namespace mw::mime
