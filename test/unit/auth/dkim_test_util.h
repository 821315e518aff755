// Shared helpers for the DKIM and ARC tests: file reading, line-ending conversion, running a
// verification to completion on a Dispatcher, and loading TXT records into a FakeResolver.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "auth/arc/verifier.h"
#include "auth/dkim/message.h"
#include "auth/dkim/verifier.h"
#include "core/loop.h"
#include "dns/fake_resolver.h"

namespace mw::auth::testutil {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool write_file(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}

inline std::string testdata(const std::string& rel) {
  return std::string(MW_TESTDATA_DIR) + "/" + rel;
}
inline std::string srcdir(const std::string& rel) {
  return std::string(MW_SOURCE_DIR) + "/test/unit/auth/" + rel;
}

// LF -> CRLF (existing CRLF kept).
inline std::string to_crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 16);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

// A fixed clock for reproducible x=/t= checks.
inline dkim::WallClock fixed_clock(int64_t now) {
  return [now] { return now; };
}

// Run a DKIM verification to completion.
inline dkim::Verdict run_dkim(core::Dispatcher& d, dkim::Verifier& v, const dkim::MessageView& m) {
  std::optional<dkim::Verdict> out;
  auto h = v.verify(m, [&](dkim::Verdict verdict) {
    out = std::move(verdict);
    d.exit();
  });
  d.run();
  EXPECT_TRUE(out.has_value()) << "verification callback never ran";
  return out ? std::move(*out) : dkim::Verdict{};
}

inline arc::ChainVerdict run_arc(core::Dispatcher& d, arc::ChainVerifier& v,
                                 const dkim::MessageView& m) {
  std::optional<arc::ChainVerdict> out;
  auto h = v.verify(m, [&](arc::ChainVerdict verdict) {
    out = std::move(verdict);
    d.exit();
  });
  d.run();
  EXPECT_TRUE(out.has_value()) << "validation callback never ran";
  return out ? std::move(*out) : arc::ChainVerdict{};
}

// Add a TXT record split into 255-byte character-strings, as a zone would hold it.
inline void add_key(dns::FakeResolver& r, std::string_view name, std::string_view txt) {
  std::vector<std::string> strings;
  for (size_t i = 0; i < txt.size(); i += 255) strings.emplace_back(txt.substr(i, 255));
  if (strings.empty()) strings.emplace_back();
  r.add_txt(name, std::move(strings));
}

}  // namespace mw::auth::testutil
