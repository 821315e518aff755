// The legacy protocols' framing without a verdict: error lines, PING, the raw response.
#include "proto/http/legacy.h"

#include <gtest/gtest.h>

namespace mw::proto::http {
namespace {

TEST(Legacy, ErrorsAndPong) {
  EXPECT_EQ(format_legacy_error(Protocol::kRspamc, 400, "bad header"),
            "RSPAMD/1.3 76 bad header\r\n");
  EXPECT_EQ(format_legacy_error(Protocol::kSpamc, 413, "too big\r\nX"),
            "SPAMD/1.1 98 too big  X\r\n");
  EXPECT_EQ(format_legacy_error(Protocol::kSpamc, 500, ""),
            "SPAMD/1.1 70 Internal Server Error\r\n");
  EXPECT_EQ(format_legacy_error(Protocol::kRspamc, 408, "timeout"), "RSPAMD/1.3 79 timeout\r\n");
  EXPECT_EQ(format_legacy_pong(Protocol::kSpamc), "SPAMD/1.5 0 PONG\r\n");
  EXPECT_EQ(format_legacy_pong(Protocol::kRspamc), "RSPAMD/1.3 0 PONG\r\n");
  Response resp = legacy_response("X");
  EXPECT_TRUE(resp.raw);
  EXPECT_TRUE(resp.close);
}

}  // namespace
}  // namespace mw::proto::http
