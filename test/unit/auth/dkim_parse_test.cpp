// DKIM parsers: tag-lists (RFC 6376 3.2), base64 and dkim-quoted-printable, names,
// DKIM-Signature / ARC signature fields (3.5) and key records (3.6.1).
#include <gtest/gtest.h>

#include "auth/dkim/key_record.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/tag_list.h"
#include "auth/dkim/text.h"

namespace mw::auth::dkim {
namespace {

// A 1024-bit RSA key (RFC 6376 / RFC 8463 "football.example.com" test key, public part).
constexpr char kRsaP[] =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9Pzox"
    "ZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
// RFC 8463 Appendix A Ed25519 public key.
constexpr char kEdP[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

TEST(TagList, ParsesNamesValuesAndOffsets) {
  std::string text = " v=1;  a = rsa-sha256 ;\r\n\tb=abc\r\n def ; x= ;";
  auto tags = parse_tag_list(text);
  ASSERT_TRUE(tags.has_value()) << tags.error().message;
  ASSERT_EQ(tags->size(), 4u);
  EXPECT_EQ((*tags)[0].name, "v");
  EXPECT_EQ((*tags)[0].value, "1");
  EXPECT_EQ((*tags)[1].value, "rsa-sha256");
  EXPECT_EQ((*tags)[2].value, "abc\r\n def");
  EXPECT_EQ(text.substr((*tags)[2].raw_begin, (*tags)[2].raw_end - (*tags)[2].raw_begin),
            "abc\r\n def ");
  EXPECT_EQ((*tags)[3].value, "");
  EXPECT_EQ(find_tag(*tags, "x"), &(*tags)[3]);
  EXPECT_EQ(find_tag(*tags, "V"), nullptr);  // names are case-sensitive
}

TEST(TagList, EmptyAndTrailingSemicolon) {
  EXPECT_TRUE(parse_tag_list("").has_value());
  EXPECT_TRUE(parse_tag_list("  \r\n ").has_value());
  EXPECT_EQ(parse_tag_list("a=1;")->size(), 1u);
  EXPECT_EQ(parse_tag_list("a=1; \t")->size(), 1u);
}

TEST(TagList, RejectsMalformed) {
  EXPECT_FALSE(parse_tag_list(";").has_value());         // empty tag-spec
  EXPECT_FALSE(parse_tag_list("a=1;;b=2").has_value());  // empty tag-spec
  EXPECT_FALSE(parse_tag_list("a=1; ==").has_value());   // bad name
  EXPECT_FALSE(parse_tag_list("1a=1").has_value());      // names start with a letter
  EXPECT_FALSE(parse_tag_list("a-b=1").has_value());     // '-' not allowed in names
  EXPECT_FALSE(parse_tag_list("a=1; t").has_value());    // no '='
  EXPECT_FALSE(parse_tag_list("a=1; a=2").has_value());  // duplicate
  EXPECT_FALSE(parse_tag_list("a=x\x01y").has_value());  // control character
  EXPECT_TRUE(parse_tag_list("a_b9=1; A=2; a=3").has_value());
}

TEST(Text, Base64) {
  EXPECT_EQ(*base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(*base64_decode("aGVs\r\n bG8"), "hello");  // FWS and missing padding
  EXPECT_EQ(*base64_decode(""), "");
  EXPECT_FALSE(base64_decode("aGVsbG8=x").has_value());
  EXPECT_FALSE(base64_decode("a").has_value());
  EXPECT_FALSE(base64_decode("aGVs!G8=").has_value());
  EXPECT_FALSE(base64_decode("aGVsbA===").has_value());
  EXPECT_FALSE(base64_decode("aGVsbA=").has_value());
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(*base64_decode(base64_encode(s)), s);
  }
}

TEST(Text, QuotedPrintable) {
  EXPECT_EQ(*dkim_qp_decode("=6Along@messiah.edu"), "jlong@messiah.edu");
  EXPECT_EQ(*dkim_qp_decode("a=3b b"), "a;b");
  EXPECT_FALSE(dkim_qp_decode("abc=4").has_value());
  EXPECT_FALSE(dkim_qp_decode("abc=zz").has_value());
  EXPECT_FALSE(dkim_qp_decode("=").has_value());
}

TEST(Text, Names) {
  EXPECT_TRUE(is_valid_domain("example.com"));
  EXPECT_TRUE(is_valid_domain("a-b.example.com"));
  EXPECT_TRUE(
      is_valid_domain("b\xc3\xbc"
                      "cher.example"));  // U-label
  EXPECT_FALSE(is_valid_domain("com"));
  EXPECT_FALSE(is_valid_domain("legitimate.com(.attacker.com"));
  EXPECT_FALSE(is_valid_domain("example..com"));
  EXPECT_FALSE(is_valid_domain("-a.example.com"));
  EXPECT_FALSE(is_valid_domain("example.com."));
  EXPECT_FALSE(is_valid_domain(std::string(64, 'a') + ".com"));
  EXPECT_TRUE(is_valid_selector("s1"));
  EXPECT_TRUE(is_valid_selector("2023_01.mail"));
  EXPECT_FALSE(is_valid_selector("a b"));
  uint64_t v = 0;
  EXPECT_TRUE(parse_decimal("0123", 12, v));
  EXPECT_EQ(v, 123u);
  EXPECT_FALSE(parse_decimal("12 3", 12, v));
  EXPECT_FALSE(parse_decimal("1234567890123", 12, v));
}

constexpr char kGoodSig[] =
    " v=1; a=rsa-sha256; c=relaxed/simple; d=Example.COM; s=sel;\r\n"
    "\ti==40mail.example.com; l=100; q=dns/txt; t=1000; x=2000;\r\n"
    "\th=From : To:subject; bh=aGVsbG8=;\r\n"
    "\tb=YWJj\r\n ZGVm";

TEST(Signature, ParsesEveryTag) {
  Signature s = parse_signature(kGoodSig, SignatureKind::kDkim);
  ASSERT_TRUE(s.ok()) << s.problem_detail;
  EXPECT_EQ(s.algorithm, Algorithm::kRsaSha256);
  EXPECT_EQ(s.header_canon, Canon::kRelaxed);
  EXPECT_EQ(s.body_canon, Canon::kSimple);
  EXPECT_EQ(s.domain, "example.com");
  EXPECT_EQ(s.selector, "sel");
  EXPECT_EQ(s.identity, "@mail.example.com");
  EXPECT_EQ(*s.body_length, 100u);
  EXPECT_EQ(*s.timestamp, 1000u);
  EXPECT_EQ(*s.expiration, 2000u);
  EXPECT_EQ(s.signed_headers, (std::vector<std::string>{"from", "to", "subject"}));
  EXPECT_EQ(s.body_hash, "hello");
  EXPECT_EQ(s.signature, "abcdef");
  EXPECT_EQ(s.b_text, "YWJjZGVm");
  EXPECT_EQ(std::string_view(kGoodSig).substr(s.b_begin), "YWJj\r\n ZGVm");
  EXPECT_EQ(s.key_name(), "sel._domainkey.example.com");
}

TEST(Signature, Defaults) {
  Signature s = parse_signature(
      "v=1; a=ed25519-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", SignatureKind::kDkim);
  ASSERT_TRUE(s.ok()) << s.problem_detail;
  EXPECT_EQ(s.header_canon, Canon::kSimple);
  EXPECT_EQ(s.body_canon, Canon::kSimple);
  EXPECT_EQ(s.identity, "@example.com");
  EXPECT_FALSE(s.has_identity);
  EXPECT_FALSE(s.body_length.has_value());
  Signature r = parse_signature(
      "v=1; a=rsa-sha256; c=relaxed; d=example.com; s=s; h=from; "
      "bh=YQ==; b=YQ==",
      SignatureKind::kDkim);
  EXPECT_EQ(r.header_canon, Canon::kRelaxed);
  EXPECT_EQ(r.body_canon, Canon::kSimple);
}

struct BadCase {
  const char* sig;
  Reason reason;
};

TEST(Signature, Problems) {
  const std::string base = "a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==";
  const BadCase cases[] = {
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==; v=1", Reason::kSyntax},
      {"a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", Reason::kVersion},
      {"v=0.5; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", Reason::kVersion},
      {"v=1; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", Reason::kMissingTag},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; b=YQ==", Reason::kMissingTag},
      {"v=1; a=rsa-md5; d=example.com; s=s; h=from; bh=YQ==; b=YQ==", Reason::kAlgorithm},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=YQ==; b=", Reason::kBadBase64},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=Y!==; b=YQ==", Reason::kBadBase64},
      {"v=1; a=rsa-sha256; c=future; d=example.com; s=s; h=from; bh=YQ==; b=YQ==",
       Reason::kCanonicalization},
      {"v=1; a=rsa-sha256; c=; d=example.com; s=s; h=from; bh=YQ==; b=YQ==",
       Reason::kCanonicalization},
      {"v=1; a=rsa-sha256; d=example...; s=s; h=from; bh=YQ==; b=YQ==", Reason::kBadDomain},
      {"v=1; a=rsa-sha256; d=example.com; s=a b; h=from; bh=YQ==; b=YQ==", Reason::kBadDomain},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=to:subject; bh=YQ==; b=YQ==",
       Reason::kFromNotSigned},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from:b d; bh=YQ==; b=YQ==", Reason::kBadTag},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; i=a@example.org; bh=YQ==; b=YQ==",
       Reason::kIdentity},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; i=a@badexample.com; bh=YQ==; b=YQ==",
       Reason::kIdentity},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; i=nobody; bh=YQ==; b=YQ==",
       Reason::kIdentity},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; l=ten; bh=YQ==; b=YQ==", Reason::kBadTag},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; q=dns; bh=YQ==; b=YQ==",
       Reason::kQueryMethod},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; t=1 2; bh=YQ==; b=YQ==", Reason::kBadTag},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; t=9; x=9; bh=YQ==; b=YQ==",
       Reason::kTimestampOrder},
      {"v=1; a=rsa-sha256; d=example.com; s=s; h=from; x=1234567890123; bh=YQ==; b=YQ==",
       Reason::kBadTag},
  };
  for (const auto& c : cases) {
    Signature s = parse_signature(c.sig, SignatureKind::kDkim);
    EXPECT_EQ(s.problem, c.reason)
        << c.sig << " -> " << reason_name(s.problem) << ": " << s.problem_detail;
  }
  // Information survives problems.
  Signature s = parse_signature("v=2; a=RSA-SHA256; d=Example.com; s=sel; h=from; bh=YQ==; b=YQ==",
                                SignatureKind::kDkim);
  EXPECT_EQ(s.problem, Reason::kVersion);
  EXPECT_EQ(s.domain, "example.com");
  EXPECT_EQ(s.selector, "sel");
  EXPECT_EQ(s.algorithm_text, "rsa-sha256");
}

TEST(Signature, ArcVariants) {
  Signature ams = parse_signature("i=2; a=rsa-sha256; d=example.org; s=s; h=; bh=YQ==; b=YQ==",
                                  SignatureKind::kArcMessage);
  ASSERT_TRUE(ams.ok()) << ams.problem_detail;
  EXPECT_EQ(ams.instance, 2u);
  EXPECT_EQ(ams.header_canon, Canon::kRelaxed);  // c= absent on an AMS
  EXPECT_TRUE(ams.signed_headers.empty());
  EXPECT_EQ(parse_signature("i=1; a=rsa-sha256; d=example.org; s=s; h=from:arc-seal; bh=YQ==; "
                            "b=YQ==",
                            SignatureKind::kArcMessage)
                .problem,
            Reason::kBadTag);
  EXPECT_EQ(parse_signature("a=rsa-sha256; d=example.org; s=s; h=from; bh=YQ==; b=YQ==",
                            SignatureKind::kArcMessage)
                .problem,
            Reason::kMissingTag);
  Signature seal = parse_signature("i=1; a=rsa-sha256; cv=None; d=example.org; s=s; t=5; b=YQ==",
                                   SignatureKind::kArcSeal);
  ASSERT_TRUE(seal.ok()) << seal.problem_detail;
  EXPECT_EQ(seal.chain_validation, "none");
  EXPECT_EQ(seal.header_canon, Canon::kRelaxed);
  EXPECT_EQ(parse_signature("i=1; a=rsa-sha256; cv=maybe; d=example.org; s=s; b=YQ==",
                            SignatureKind::kArcSeal)
                .problem,
            Reason::kBadTag);
  EXPECT_EQ(parse_signature("i=1; a=rsa-sha256; cv=none; d=example.org; s=s; h=from; b=YQ==",
                            SignatureKind::kArcSeal)
                .problem,
            Reason::kBadTag);
  EXPECT_EQ(parse_signature("i=0; a=rsa-sha256; cv=none; d=example.org; s=s; b=YQ==",
                            SignatureKind::kArcSeal)
                .problem,
            Reason::kBadTag);
}

TEST(KeyRecord, Rsa) {
  KeyRecord k = parse_key_record(std::string("v=DKIM1; k=rsa; t=y:s:x; n=notes; p=") + kRsaP);
  ASSERT_TRUE(k.ok()) << k.problem_detail;
  EXPECT_EQ(k.type, KeyType::kRsa);
  EXPECT_EQ(k.key->bits(), 1024);
  EXPECT_TRUE(k.testing);
  EXPECT_TRUE(k.strict);
  EXPECT_TRUE(k.allows_sha1);
  EXPECT_TRUE(k.allows_sha256);
  EXPECT_EQ(k.notes, "notes");
  // No v=, no k=, key h= restricting, service list, folded p=.
  std::string folded = std::string(kRsaP);
  folded.insert(40, "\r\n ");
  KeyRecord h = parse_key_record("h=sha1:md5; s=web:email; p=" + folded);
  ASSERT_TRUE(h.ok()) << h.problem_detail;
  EXPECT_TRUE(h.allows_sha1);
  EXPECT_FALSE(h.allows_sha256);
}

TEST(KeyRecord, Ed25519) {
  KeyRecord k = parse_key_record(std::string("v=DKIM1; k=ed25519; p=") + kEdP);
  ASSERT_TRUE(k.ok()) << k.problem_detail;
  EXPECT_EQ(k.type, KeyType::kEd25519);
  // An SPKI-wrapped Ed25519 key is not the raw 32 bytes RFC 8463 specifies.
  KeyRecord spki = parse_key_record(
      "v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=");
  EXPECT_EQ(spki.problem, Reason::kKeyInvalid);
}

TEST(KeyRecord, Problems) {
  const std::string p = std::string("p=") + kRsaP;
  EXPECT_EQ(parse_key_record("").problem, Reason::kKeySyntax);
  EXPECT_EQ(parse_key_record("v=DKIM1; k=rsa; t; " + p).problem, Reason::kKeySyntax);
  EXPECT_EQ(parse_key_record("v=DKIM1: k=rsa; " + p).problem, Reason::kKeySyntax);
  EXPECT_EQ(parse_key_record("k=rsa; v=DKIM1; " + p).problem, Reason::kKeySyntax);  // v= first
  EXPECT_EQ(parse_key_record("v=DKIM3; " + p).problem, Reason::kKeySyntax);
  EXPECT_EQ(parse_key_record("v=DKIM1; k=rsa").problem, Reason::kKeySyntax);
  EXPECT_EQ(parse_key_record("v=DKIM1; k=rsa; p=").problem, Reason::kKeyRevoked);
  EXPECT_EQ(parse_key_record("v=DKIM1; k=foobar; " + p).problem, Reason::kKeyType);
  EXPECT_EQ(parse_key_record("v=DKIM1; s=tlsrpt; " + p).problem, Reason::kKeyService);
  EXPECT_EQ(parse_key_record("v=DKIM1; p=MFwwDQYJKoZIhvNAQEBBQADSwAwSAJBANmBe10IgY").problem,
            Reason::kKeyInvalid);
  EXPECT_EQ(parse_key_record("v=DKIM1; p=!!!!").problem, Reason::kKeyInvalid);
  EXPECT_EQ(parse_key_record(std::string("v=DKIM1; k=rsa; p=") + kEdP).problem,
            Reason::kKeyInvalid);
  EXPECT_EQ(parse_key_record(std::string("v=DKIM1; k=ed25519; p=") + kRsaP).problem,
            Reason::kKeyInvalid);
  // g= (removed by RFC 6376) and unknown tags are ignored.
  EXPECT_TRUE(parse_key_record("v=DKIM1; g=jl*g; x1=y; " + p).ok());
}

}  // namespace
}  // namespace mw::auth::dkim
