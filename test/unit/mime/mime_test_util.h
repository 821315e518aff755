// Helpers shared by the mime parser-side tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "core/arena.h"
#include "core/json.h"
#include "mime/headers.h"
#include "mime/message.h"

namespace mw::mime::testing {

inline std::string testdata(std::string_view rel) {
  return std::string(MW_TESTDATA_DIR) + "/" + std::string(rel);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline json::Value read_json(const std::string& path) {
  auto r = json::parse(read_file(path));
  EXPECT_TRUE(r.has_value()) << path;
  return r ? std::move(r).value() : json::Value();
}

// The first field of "<name>:<value>" run through the header block splitter, the way the
// parser sees a field (so test vectors with folding and trailing fields behave as in mail).
inline Header field_of(core::Arena& arena, std::string_view name, std::string_view value,
                       std::string* storage) {
  *storage = std::string(name) + ":" + std::string(value);
  Vec<Header> out(&arena);
  split_header_block(*storage, 0, 16, {}, out);
  return out.empty() ? Header{} : out.front();
}

inline std::string str(std::string_view s) { return std::string(s); }

// CRLF version of an LF test message.
inline std::string crlf(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace mw::mime::testing
