// Interoperability with dkimpy (Debian python3-dkim), in both directions:
//   - messages signed by dkimpy at build time (dkimpy_sign.py: RSA-2048 and Ed25519 test
//     keys, the four canonicalisation pairs, with and without l=) verify with our verifier;
//     the same messages tampered (body, header), under a wrong key, with the key missing
//     (NXDOMAIN) or its lookup timing out give fail / fail / permerror / temperror;
//   - messages signed by our signer verify with dkim.verify() (dkim_dkimpy_verify.py), and
//     tampered body / header, wrong key, missing key, DNS timeout and expired x= do not.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "auth/dkim/signer.h"
#include "auth/dkim/verifier.h"
#include "dkim_test_util.h"
#include "need_tool.h"

namespace mw::auth::dkim {
namespace {

using testutil::read_file;
using testutil::srcdir;
using testutil::to_crlf;

struct Keys {
  std::optional<PrivateKey> rsa, ed, other, other_ed;
};

Keys load_keys() {
  Keys k;
  k.rsa.emplace(PrivateKey::from_file(srcdir("dkim_data/rsa2048.pem")).value());
  k.ed.emplace(PrivateKey::from_file(srcdir("dkim_data/ed25519.pem")).value());
  k.other.emplace(PrivateKey::generate(KeyType::kRsa, 2048).value());
  k.other_ed.emplace(PrivateKey::generate(KeyType::kEd25519, 0).value());
  return k;
}

std::string record_for(const PrivateKey& key) {
  return "v=DKIM1; k=" + std::string(key_type_name(key.type())) + "; p=" + key.public_key_base64();
}

class DkimInterop : public ::testing::Test {
 protected:
  SignatureVerdict verify(const std::string& msg, dns::FakeResolver& resolver) {
    Verifier v(dispatcher_, resolver, Options{});  // system clock: dkimpy stamps t=now
    MessageView view = split_message(msg);
    Verdict verdict = testutil::run_dkim(dispatcher_, v, view);
    EXPECT_EQ(verdict.signatures.size(), 1u);
    return verdict.signatures.empty() ? SignatureVerdict{} : verdict.signatures[0];
  }

  core::Dispatcher dispatcher_;
  Keys keys_ = load_keys();
};

TEST_F(DkimInterop, DkimpySignedVerifyHere) {
  std::string dir = MW_DKIMPY_SIGNED_DIR;
  std::string manifest = read_file(dir + "/manifest.tsv");
  MW_NEED_TOOL(manifest.rfind("# skipped", 0) != 0, manifest);
  dns::FakeResolver good(dispatcher_);
  good.add_txt("rsa._domainkey.example.com", record_for(*keys_.rsa));
  good.add_txt("ed._domainkey.example.com", record_for(*keys_.ed));
  dns::FakeResolver wrong(dispatcher_);
  wrong.add_txt("rsa._domainkey.example.com", record_for(*keys_.other));
  wrong.add_txt("ed._domainkey.example.com",
                record_for(PrivateKey::generate(KeyType::kEd25519, 0).value()));
  dns::FakeResolver missing(dispatcher_);
  missing.set_rcode("rsa._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kNxDomain);
  missing.set_rcode("ed._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kNxDomain);
  dns::FakeResolver slow(dispatcher_);
  slow.set_rcode("rsa._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kTimeout);
  slow.set_rcode("ed._domainkey.example.com", dns::RrType::kTxt, dns::Rcode::kTimeout);

  int files = 0, passed = 0;
  std::istringstream in(manifest);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string file = line.substr(0, line.find('\t'));
    bool with_l = line.back() == '1';
    std::string msg = read_file(dir + "/" + file);
    ASSERT_FALSE(msg.empty()) << file;
    ++files;
    SignatureVerdict v = verify(msg, good);
    EXPECT_EQ(v.status, DkimResult::kPass) << file << ": " << v.detail;
    if (v.status == DkimResult::kPass) ++passed;
    EXPECT_EQ(v.body_length.has_value(), with_l) << file;

    SignatureVerdict body = verify(msg + "appended\r\n", good);
    // l= only protects content appended after whole lines: a body without a final line
    // break (msg_whitespace) or an empty simple body ("\r\n") changes its signed prefix.
    bool appendable = file.rfind("msg_plain", 0) == 0 || file.rfind("msg_multipart", 0) == 0;
    if (with_l && !appendable) {
      EXPECT_NE(body.status, DkimResult::kTempError) << file;
    } else if (with_l) {
      EXPECT_EQ(body.status, DkimResult::kPass) << file;
      EXPECT_TRUE(body.body_beyond_length) << file;
    } else {
      EXPECT_EQ(body.reason, Reason::kBodyHashMismatch) << file;
    }
    std::string header = msg;
    size_t from = header.find("\r\nFrom:");
    ASSERT_NE(from, std::string::npos) << file;
    header.insert(from + 7, "x");
    EXPECT_EQ(verify(header, good).reason, Reason::kBadSignature) << file;
    EXPECT_EQ(verify(msg, wrong).reason, Reason::kBadSignature) << file;
    SignatureVerdict nx = verify(msg, missing);
    EXPECT_EQ(nx.status, DkimResult::kPermError) << file;
    EXPECT_EQ(nx.reason, Reason::kKeyNotFound) << file;
    EXPECT_EQ(verify(msg, slow).status, DkimResult::kTempError) << file;
  }
  std::printf("dkimpy-signed messages verified here: %d/%d\n", passed, files);
  EXPECT_EQ(files, 64);
}

TEST_F(DkimInterop, OurSignaturesVerifyInDkimpy) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(MW_BINARY_DIR) / "test/unit/auth/dkim_interop_out";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::map<std::string, std::string> expected;

  auto sign = [&](const PrivateKey& key, const std::string& sel, SignOptions o,
                  const std::string& msg, int64_t when) {
    o.domain = "example.com";
    o.selector = sel;
    auto signer = Signer::create(PrivateKey::from_text(*key.to_pem()).value(), o);
    EXPECT_TRUE(signer.has_value());
    auto f = signer->sign(split_message(msg), when);
    EXPECT_TRUE(f.has_value());
    return f->field() + "\r\n" + msg;
  };
  auto put = [&](const std::string& name, const std::string& data, const char* want) {
    ASSERT_TRUE(testutil::write_file((dir / name).string(), data));
    expected[name] = want;
  };

  for (const char* m : {"msg_plain", "msg_multipart", "msg_whitespace", "msg_empty_body"}) {
    std::string msg = to_crlf(read_file(srcdir(std::string("dkim_data/") + m + ".eml")));
    for (const char* sel : {"rsa", "ed"}) {
      const PrivateKey& key = std::string(sel) == "rsa" ? *keys_.rsa : *keys_.ed;
      for (Canon h : {Canon::kSimple, Canon::kRelaxed}) {
        for (Canon b : {Canon::kSimple, Canon::kRelaxed}) {
          for (bool l : {false, true}) {
            SignOptions o;
            o.header_canon = h;
            o.body_canon = b;
            o.body_length = l;
            std::string base = std::string(m) + "." + sel + "." + std::string(canon_name(h)) + "-" +
                               std::string(canon_name(b)) + (l ? ".l" : "");
            std::string s = sign(key, sel, o, msg, now);
            put(base + ".eml", s, "pass");
            if (!l) put(base + ".body.eml", s + "tampered\r\n", "fail");
            std::string hdr = s;
            hdr.insert(hdr.find("\r\nFrom:") + 7, "x");
            put(base + ".header.eml", hdr, "fail");
          }
        }
      }
      const PrivateKey& wrong = std::string(sel) == "rsa" ? *keys_.other : *keys_.other_ed;
      put(std::string(m) + "." + sel + ".wrongkey.eml", sign(wrong, sel, {}, msg, now), "fail");
      put(std::string(m) + "." + sel + ".nokey.eml", sign(key, "absent", {}, msg, now), "fail");
      put(std::string(m) + "." + sel + ".timeout.eml", sign(key, "slow", {}, msg, now), "fail");
      SignOptions exp;
      exp.expire_after = 3600;
      // dkimpy allows 10 hours of clock skew: expire well before that.
      put(std::string(m) + "." + sel + ".expired.eml", sign(key, sel, exp, msg, now - 3 * 86400),
          "fail");
      put(std::string(m) + "." + sel + ".notexpired.eml", sign(key, sel, exp, msg, now - 60),
          "pass");
    }
  }
  std::string records = "rsa._domainkey.example.com\t" + record_for(*keys_.rsa) + "\n" +
                        "ed._domainkey.example.com\t" + record_for(*keys_.ed) + "\n" +
                        "absent._domainkey.example.com\tNXDOMAIN\n" +
                        "slow._domainkey.example.com\tTIMEOUT\n";
  ASSERT_TRUE(testutil::write_file((dir / "records.tsv").string(), records));

  std::string cmd = "/usr/bin/python3 " + srcdir("dkim_dkimpy_verify.py") + " " + dir.string();
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  MW_NEED_TOOL(!(WIFEXITED(rc) && WEXITSTATUS(rc) == 3), "python3-dkim is not installed");
  ASSERT_EQ(rc, 0) << out;

  std::map<std::string, std::string> got;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    if (tab != std::string::npos) got[line.substr(0, tab)] = line.substr(tab + 1);
  }
  int agree = 0;
  for (const auto& [file, want] : expected) {
    EXPECT_EQ(got[file], want) << file;
    if (got[file] == want) ++agree;
  }
  std::printf("messages signed here, checked by dkimpy: %d/%zu as expected\n", agree,
              expected.size());
}

}  // namespace
}  // namespace mw::auth::dkim
