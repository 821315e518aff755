// Charset conversion and detection.
#include "mime/charset.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>
#include <vector>

#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::read_file;
using testing::testdata;

std::string filters(const std::string& name) {
  return read_file(testdata("corpus/gmime/data/filters/" + name));
}

// glibc iconv as an oracle independent of ICU.
std::string iconv_to_utf8(const std::string& in, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(in.size() * 4 + 16, '\0');
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  iconv(cd, &src, &src_left, &dst, &dst_left);
  iconv_close(cd);
  out.resize(out.size() - dst_left);
  return out;
}

std::vector<uint32_t> code_points(std::string_view s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    cps.push_back(cp);
    i += n;
  }
  return cps;
}

// GMime tests/data/filters: <name>.<charset>.txt converted to UTF-8 == <name>.utf-8.txt.
TEST(MimeCharset, GmimeFilterPairsConvertExactly) {
  CharsetConverter conv;
  core::Arena arena;
  struct Pair {
    const char* file;
    const char* charset;
    const char* utf8;
  };
  const Pair pairs[] = {
      {"cyrillic.cp1251.txt", "windows-1251", "cyrillic.utf-8.txt"},
      {"cyrillic.iso-8859-5.txt", "iso-8859-5", "cyrillic.utf-8.txt"},
      {"cyrillic.koi8-r.txt", "koi8-r", "cyrillic.utf-8.txt"},
      {"japanese.iso-2022-jp.txt", "iso-2022-jp", "japanese.utf-8.txt"},
      {"japanese.shift-jis.txt", "shift_jis", "japanese.utf-8.txt"},
  };
  for (const Pair& p : pairs) {
    Converted c = conv.to_utf8(arena, filters(p.file), p.charset);
    EXPECT_EQ(std::string(c.utf8), filters(p.utf8)) << p.file;
    EXPECT_FALSE(c.had_errors) << p.file;
    EXPECT_FALSE(c.detected) << p.file;
  }
}

// The Big5 file was made from the UTF-8 one by GMime's encoder, which drops what Big5 cannot
// encode (Japanese-only kanji such as 続): converting back must give the UTF-8 text minus
// those characters, and must agree with glibc's converter byte for byte.
TEST(MimeCharset, GmimeBig5Pair) {
  CharsetConverter conv;
  core::Arena arena;
  std::string big5 = filters("chinese.big5.txt");
  Converted c = conv.to_utf8(arena, big5, "big5");
  EXPECT_FALSE(c.had_errors);
  EXPECT_EQ(std::string(c.utf8), iconv_to_utf8(big5, "BIG5"));
  std::vector<uint32_t> got = code_points(c.utf8);
  std::vector<uint32_t> want = code_points(filters("chinese.utf-8.txt"));
  size_t j = 0, dropped = 0;
  for (uint32_t cp : got) {
    while (j < want.size() && want[j] != cp) {
      ++j;
      ++dropped;
    }
    ASSERT_LT(j, want.size()) << "character U+" << std::hex << cp << " not in the UTF-8 text";
    ++j;
  }
  dropped += want.size() - j;
  // The text is Japanese-flavoured: about one character in six has no Big5 code.
  EXPECT_LT(dropped * 4, want.size());
}

TEST(MimeCharset, Cp1252FrenchFable) {
  CharsetConverter conv;
  core::Arena arena;
  std::string in = filters("french-fable.cp1252.txt");
  Converted c = conv.to_utf8(arena, in, "windows-1252");
  EXPECT_FALSE(c.had_errors);
  EXPECT_EQ(std::string(c.utf8), iconv_to_utf8(in, "CP1252"));
  EXPECT_NE(c.utf8.find("Maître Renard, par l’odeur alléché,"), std::string_view::npos);
}

TEST(MimeCharset, AliasesAndCanonicalNames) {
  CharsetConverter conv;
  for (const char* name : {"x-sjis",
                           "cp932",
                           "ks_c_5601-1987",
                           "utf8",
                           "UTF-8",
                           "unicode-1-1-utf-7",
                           "gb2312",
                           "GBK",
                           "Big5",
                           "KOI8-R",
                           "windows-1251",
                           "windows-1250",
                           "UTF-16",
                           "utf-16le",
                           "ISO-2022-JP",
                           "EUC-JP",
                           " \"iso-8859-2\" ",
                           "latin1",
                           "us-ascii",
                           "tis-620"}) {
    EXPECT_TRUE(conv.is_known(name)) << name;
  }
  for (const char* name : {"x-unknown", "unknown-8bit", "", "no such charset", "utf-8\x01"}) {
    EXPECT_FALSE(conv.is_known(name)) << name;
  }
  core::Arena arena;
  EXPECT_EQ(conv.to_utf8(arena, "\x93\xfa\x96{\x8c\xea", "x-sjis").utf8, "日本語");
  EXPECT_EQ(conv.to_utf8(arena, "\x93\xfa\x96{\x8c\xea", "x-sjis").charset_used, "Shift_JIS");
  EXPECT_EQ(conv.to_utf8(arena, "+ZeVnLIqe-", "unicode-1-1-utf-7").utf8, "日本語");
  EXPECT_EQ(conv.to_utf8(arena, "\xC7\xD1\xB1\xB9\xBE\xEE", "ks_c_5601-1987").utf8, "한국어");
  EXPECT_EQ(conv.to_utf8(arena, "\xA4\xA4\xA4\xE5", "big5").utf8, "中文");
  EXPECT_EQ(conv.to_utf8(arena, "\xD6\xD0\xCE\xC4", "gb2312").utf8, "中文");
  EXPECT_EQ(conv.to_utf8(arena, "\xC6\xFC\xCB\xDC", "euc-jp").utf8, "日本");
  EXPECT_EQ(conv.to_utf8(arena, "\x80 \xE9", "iso-8859-1").utf8, "€ é");  // widened to 1252
  EXPECT_EQ(conv.to_utf8(arena, "\xC0\xE1", "windows-1251").utf8, "Аб");
}

TEST(MimeCharset, FastPathsDoNotCopy) {
  CharsetConverter conv;
  core::Arena arena;
  std::string ascii = "plain ascii text";
  Converted c = conv.to_utf8(arena, ascii, "iso-8859-1");
  EXPECT_EQ(c.utf8.data(), ascii.data());
  std::string utf8 = "d\xC3\xA9j\xC3\xA0 vu";
  c = conv.to_utf8(arena, utf8, "utf-8");
  EXPECT_EQ(c.utf8.data(), utf8.data());
  EXPECT_FALSE(c.detected);
  c = conv.to_utf8(arena, utf8, "");
  EXPECT_EQ(c.utf8.data(), utf8.data());
  EXPECT_TRUE(c.detected);
  std::string bom = "\xEF\xBB\xBFhi";
  EXPECT_EQ(conv.to_utf8(arena, bom, "utf-8").utf8, "hi");
}

TEST(MimeCharset, WrongOrMissingCharset) {
  CharsetConverter conv;
  core::Arena arena;
  // Declared single-byte charset but the bytes are UTF-8: UTF-8 wins.
  Converted c = conv.to_utf8(arena, "caf\xC3\xA9", "iso-8859-1");
  EXPECT_EQ(c.utf8, "café");
  EXPECT_TRUE(c.detected);
  // Declared UTF-8, bytes are mostly UTF-8 with a stray byte: repaired.
  c = conv.to_utf8(arena, "caf\xC3\xA9 \xFF ok", "utf-8");
  EXPECT_EQ(c.utf8, "café \xEF\xBF\xBD ok");
  EXPECT_TRUE(c.claimed_utf8_invalid);
  EXPECT_TRUE(c.had_errors);
  // Declared UTF-8 but really Latin-1: detection.
  c = conv.to_utf8(arena,
                   "Une phrase fran\xE7"
                   "aise avec des accents \xE9t\xE9 \xE0 la plage.",
                   "utf-8");
  EXPECT_TRUE(c.detected);
  EXPECT_NE(c.utf8.find("française"), std::string_view::npos);
  // Unknown name.
  c = conv.to_utf8(arena, "abc", "x-no-such-charset");
  EXPECT_TRUE(c.declared_unknown);
  EXPECT_EQ(c.utf8, "abc");
  // Missing charset, KOI8-R text long enough for detection.
  std::string koi8 = filters("cyrillic.koi8-r.txt");
  c = conv.to_utf8(arena, koi8, "");
  EXPECT_TRUE(c.detected);
  EXPECT_EQ(std::string(c.utf8), filters("cyrillic.utf-8.txt"));
  // Missing charset, Shift_JIS and ISO-2022-JP.
  c = conv.to_utf8(arena, filters("japanese.shift-jis.txt"), "");
  EXPECT_EQ(std::string(c.utf8), filters("japanese.utf-8.txt"));
  c = conv.to_utf8(arena, filters("japanese.iso-2022-jp.txt"), "");
  EXPECT_EQ(std::string(c.utf8), filters("japanese.utf-8.txt"));
  // A multi-byte charset that does not fit: detection does better.
  c = conv.to_utf8(arena, filters("japanese.shift-jis.txt"), "euc-kr");
  EXPECT_TRUE(c.detected);
  EXPECT_EQ(std::string(c.utf8), filters("japanese.utf-8.txt"));
}

TEST(MimeCharset, Utf16WithAndWithoutBom) {
  CharsetConverter conv;
  core::Arena arena;
  std::string le("H\0i\0 \0\xe9\0", 8);
  std::string be("\0H\0i\0 \0\xe9", 8);
  EXPECT_EQ(conv.to_utf8(arena, le, "utf-16le").utf8, "Hi é");
  EXPECT_EQ(conv.to_utf8(arena, be, "utf-16be").utf8, "Hi é");
  EXPECT_EQ(conv.to_utf8(arena, "\xFF\xFE" + le, "utf-16").utf8, "Hi é");
  EXPECT_EQ(conv.to_utf8(arena, "\xFE\xFF" + be, "utf-16").utf8, "Hi é");
  EXPECT_EQ(conv.to_utf8(arena, le, "utf-16").utf8, "Hi é");  // no BOM: NUL positions say LE
  EXPECT_EQ(conv.to_utf8(arena, be, "utf-16").utf8, "Hi é");
  std::string longer_le;
  for (char ch : std::string("Hello world, this is UTF-16 text without a BOM.")) {
    longer_le.push_back(ch);
    longer_le.push_back('\0');
  }
  Converted c = conv.to_utf8(arena, longer_le, "");
  EXPECT_EQ(c.utf8, "Hello world, this is UTF-16 text without a BOM.");
  EXPECT_TRUE(c.detected);
  // Odd length and a lone surrogate: replaced, still valid.
  c = conv.to_utf8(arena, std::string("\x00\xD8H\0x", 5), "utf-16le");
  EXPECT_TRUE(is_valid_utf8(c.utf8));
  EXPECT_TRUE(c.had_errors);
}

TEST(MimeCharset, OutputAlwaysValidUtf8) {
  CharsetConverter conv;
  core::Arena arena;
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xFF));
  for (const char* cs : {"", "utf-8", "shift_jis", "big5", "iso-2022-jp", "utf-16", "utf-7",
                         "gb18030", "euc-jp", "koi8-r", "x-bogus", "hz-gb-2312", "utf-32"}) {
    Converted c = conv.to_utf8(arena, junk, cs);
    EXPECT_TRUE(is_valid_utf8(c.utf8)) << cs;
    c = conv.convert(arena, junk.substr(0, 37), cs);
    EXPECT_TRUE(is_valid_utf8(c.utf8)) << cs;
  }
}

TEST(MimeCharset, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii only, long enough to take the 16-byte path"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));
  std::string out;
  EXPECT_EQ(append_repaired_utf8(out,
                                 "a\xE2\x82"
                                 "b\xFF"),
            2u);
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

}  // namespace
}  // namespace mw::mime
