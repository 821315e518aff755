// Organizational domains and alignment (src/auth/dmarc/org_domain.h): OpenDMARC's tables
// (test/data/dmarc/opendmarc/alignment.tsv and org-domain-psl.tsv) with both the
// system list (libpsl's newest) and the old PSL snapshot shipped with those tables.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "auth/dmarc/org_domain.h"

namespace mw::auth::dmarc {
namespace {

const std::string kDir = std::string(MW_TESTDATA_DIR) + "/dmarc/opendmarc/";

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    rows.push_back(cols);
  }
  return rows;
}

PslPtr system_psl() {
  auto psl = PublicSuffixList::load_latest();
  EXPECT_TRUE(psl) << psl.error().message;
  return psl ? *psl : nullptr;
}

PslPtr snapshot_psl() {
  auto psl = PublicSuffixList::load_file(kDir + "effective_tld_names.dat");
  EXPECT_TRUE(psl) << psl.error().message;
  return psl ? *psl : nullptr;
}

TEST(DmarcOrgDomain, OpenDmarcAlignmentTableWithBothLists) {
  auto rows = read_tsv(kDir + "alignment.tsv");
  ASSERT_EQ(rows.size(), 10u);
  for (const PslPtr& psl : {system_psl(), snapshot_psl()}) {
    ASSERT_NE(psl, nullptr);
    for (const auto& row : rows) {
      ASSERT_EQ(row.size(), 5u);
      Alignment mode = row[3] == "strict" ? Alignment::kStrict : Alignment::kRelaxed;
      bool expected = row[4] == "0";
      EXPECT_EQ(aligned(row[1], row[2], mode, *psl), expected)
          << "case " << row[0] << ": " << row[1] << " / " << row[2] << " " << row[3];
    }
  }
}

TEST(DmarcOrgDomain, OpenDmarcOrgDomainTable) {
  auto rows = read_tsv(kDir + "org-domain-psl.tsv");
  ASSERT_EQ(rows.size(), 3u);
  PslPtr psl = snapshot_psl();
  ASSERT_NE(psl, nullptr);
  for (const auto& row : rows) {
    EXPECT_EQ(psl->organizational_domain(row[1]), row[2]) << "case " << row[0];
  }
}

TEST(DmarcOrgDomain, SystemList) {
  PslPtr psl = system_psl();
  ASSERT_NE(psl, nullptr);
  EXPECT_EQ(psl->organizational_domain("mail.example.co.uk"), "example.co.uk");
  EXPECT_EQ(psl->organizational_domain("A.B.Example.COM."), "example.com");
  EXPECT_EQ(psl->organizational_domain("example.com"), "example.com");
  EXPECT_EQ(psl->organizational_domain("co.uk"), "co.uk");  // a suffix is its own org domain
  EXPECT_EQ(psl->organizational_domain("com"), "com");
  EXPECT_EQ(psl->organizational_domain("x.y.unlisted-tld"), "y.unlisted-tld");  // rule "*"
  EXPECT_EQ(psl->organizational_domain(""), "");
  EXPECT_EQ(psl->organizational_domain("..."), "");
}

TEST(DmarcOrgDomain, Alignment) {
  PslPtr psl = system_psl();
  ASSERT_NE(psl, nullptr);
  EXPECT_TRUE(aligned("example.com", "EXAMPLE.com.", Alignment::kStrict, *psl));
  EXPECT_FALSE(aligned("mail.example.com", "example.com", Alignment::kStrict, *psl));
  EXPECT_TRUE(aligned("mail.example.com", "news.example.com", Alignment::kRelaxed, *psl));
  EXPECT_FALSE(aligned("example.co.uk", "other.co.uk", Alignment::kRelaxed, *psl));
  EXPECT_FALSE(aligned("", "", Alignment::kStrict, *psl));
  EXPECT_FALSE(aligned("co.uk", "example.co.uk", Alignment::kRelaxed, *psl));
}

TEST(DmarcOrgDomain, LoadErrors) {
  auto missing = PublicSuffixList::load_file("/nonexistent/psl.dat");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

TEST(DmarcOrgDomain, Normalize) {
  EXPECT_EQ(normalize_domain("....Mac.COM...."), "mac.com");
  EXPECT_EQ(normalize_domain("mac...com"), "mac...com");
  EXPECT_EQ(normalize_domain(""), "");
}

}  // namespace
}  // namespace mw::auth::dmarc
