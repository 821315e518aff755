// RFC5322.From domain extraction for DMARC: OpenDMARC's table
// (test/data/dmarc/opendmarc/from-domain-extraction.tsv) through our pipeline, i.e.
// the MIME address parser (mime/address.h) followed by dmarc::select_from_domain().
// A separate test binary, so that the DMARC tests do not depend on the MIME library.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "auth/dmarc/evaluator.h"
#include "core/arena.h"
#include "mime/address.h"
#include "mime/charset.h"
#include "mime/rfc2047.h"

namespace mw::auth::dmarc {
namespace {

TEST(DmarcFromExtraction, OpenDmarcTable) {
  std::ifstream in(std::string(MW_TESTDATA_DIR) +
                   "/dmarc/opendmarc/from-domain-extraction.tsv");
  ASSERT_TRUE(in.good());
  core::Arena arena;
  mime::CharsetConverter conv;
  mime::HeaderDecoder decoder(conv);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    ASSERT_EQ(cols.size(), 3u) << line;
    ++rows;
    mime::Vec<mime::Address> addresses(&arena);
    mime::TextFlags flags;
    mime::parse_address_list(arena, decoder, cols[1], {}, addresses, nullptr, &flags);
    std::vector<std::string> domains;
    for (const auto& a : addresses) domains.emplace_back(a.domain);
    auto from = select_from_domain(domains);
    std::string got = from ? from->domain : "(none)";
    std::string seen;
    for (const auto& a : addresses) seen += " [" + std::string(a.addr) + "]";
    EXPECT_EQ(got, cols[2]) << "case " << cols[0] << ": " << cols[1] << "; addresses:" << seen;
  }
  EXPECT_EQ(rows, 13);
}

}  // namespace
}  // namespace mw::auth::dmarc
