// DMARC aggregate reports (src/auth/dmarc/aggregate.h): stored rows grouped into records,
// the XML document, file name and subject (RFC 7489 7.2.1.1), rua= destinations and the
// external-destination check (7.1), gzip, and the report mail. The XML's validity against
// the RFC's schema is checked by test/functional/test_dmarc_report.py with xmllint.
#include "auth/dmarc/aggregate.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "auth/dmarc/verdict.h"

namespace mw::auth::dmarc {
namespace {

std::string row(const std::string& ip, bool spf_pass, double time,
                const std::string& header_from = "example.com") {
  ReportRecord r;
  r.source_ip = ip;
  r.disposition = spf_pass ? Policy::kNone : Policy::kReject;
  r.spf_pass = spf_pass;
  r.header_from = header_from;
  r.envelope_from = "example.com";
  r.spf = {"example.com", SpfScope::kMailFrom, spf_pass ? SpfAuth::kPass : SpfAuth::kFail};
  r.dkim.push_back({"example.com", "s1", DkimAuth::kNone, ""});
  r.published_domain = "example.com";
  r.p = Policy::kReject;
  r.sp = Policy::kReject;
  json::Value v = r.to_json();
  v.set("time", time);
  return json::write(v);
}

TEST(DmarcAggregate, DaysAndKeys) {
  EXPECT_EQ(utc_day(0), "1970-01-01");
  EXPECT_EQ(utc_day(1796601599), "2026-12-06");
  EXPECT_EQ(utc_day(1796601600), "2026-12-07");
  auto r = day_range("2026-12-06");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 1796515200);
  EXPECT_EQ(r->second, 1796601599);
  EXPECT_FALSE(day_range("2026-02-30"));
  EXPECT_FALSE(day_range("yesterday"));
  EXPECT_FALSE(day_range("2026-12-5"));
  EXPECT_EQ(rows_key("2026-12-05", "example.com"), "dmarc:rows:2026-12-05:example.com");
}

TEST(DmarcAggregate, RowsAreGroupedAndRendered) {
  std::vector<std::string> rows = {row("192.0.2.1", true, 10), row("192.0.2.1", true, 11),
                                   row("2001:db8::1", false, 12), "not json",
                                   row("192.0.2.1", true, 13, "a&b<c>.example")};
  AggregateReport r = aggregate("example.com", rows, 1796515200, 1796601599);
  EXPECT_EQ(r.messages, 4u);
  EXPECT_EQ(r.bad_rows, 1u);
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].count, 2u);
  ReporterInfo me{"Org & Co", "dmarc@reporter.test", "", "reporter.test"};
  std::string xml = r.to_xml(me);
  EXPECT_NE(xml.find("<count>2</count>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<source_ip>2001:db8:0:0:0:0:0:1</source_ip>"), std::string::npos);
  EXPECT_NE(xml.find("<org_name>Org &amp; Co</org_name>"), std::string::npos);
  EXPECT_NE(xml.find("<header_from>a&amp;b&lt;c&gt;.example</header_from>"), std::string::npos);
  EXPECT_NE(xml.find("<p>reject</p>"), std::string::npos);
  EXPECT_NE(xml.find("<selector>s1</selector>"), std::string::npos);
  EXPECT_EQ(xml.find("extra_contact_info"), std::string::npos);  // empty: left out
  EXPECT_EQ(r.file_name(me), "reporter.test!example.com!1796515200!1796601599.xml.gz");
  EXPECT_EQ(r.subject(me), "Report Domain: example.com Submitter: reporter.test Report-ID: <" +
                               r.report_id + ">");
  // The same period again: the same report id (a retry is recognisably the same report).
  EXPECT_EQ(aggregate("example.com", rows, 1796515200, 1796601599).report_id, r.report_id);
}

TEST(DmarcAggregate, DestinationsAndVerification) {
  auto parsed = parse_record(
      "v=DMARC1; p=none; rua=mailto:agg@example.com,mailto:dmarc@vendor.example!1m,"
      "https://x.example/,mailto:bad<addr>@x.example,mailto:agg@example.com");
  ASSERT_TRUE(parsed.ok());
  auto d = destinations(*parsed.record, "example.com", nullptr);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].address, "agg@example.com");
  EXPECT_FALSE(d[0].external);
  EXPECT_EQ(d[1].domain, "vendor.example");
  EXPECT_TRUE(d[1].external);
  EXPECT_EQ(d[1].max_size, 1024u * 1024u);
  EXPECT_EQ(verification_name("example.com", "vendor.example"),
            "example.com._report._dmarc.vendor.example");
  EXPECT_TRUE(verification_ok({"v=DMARC1"}));
  EXPECT_TRUE(verification_ok({"other", "v=DMARC1;"}));
  EXPECT_FALSE(verification_ok({}));
  EXPECT_FALSE(verification_ok({"v=spf1 -all"}));
}

TEST(DmarcAggregate, GzipAndMail) {
  std::string xml(5000, 'x');
  auto gz = gzip(xml);
  ASSERT_TRUE(gz);
  ASSERT_GE(gz->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>((*gz)[1]), 0x8b);
  std::string back(xml.size(), '\0');
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  zs.next_in = reinterpret_cast<Bytef*>(gz->data());
  zs.avail_in = static_cast<uInt>(gz->size());
  zs.next_out = reinterpret_cast<Bytef*>(back.data());
  zs.avail_out = static_cast<uInt>(back.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  inflateEnd(&zs);
  EXPECT_EQ(back, xml);

  AggregateReport r = aggregate("example.com", {row("192.0.2.1", true, 1)}, 0, 86399);
  ReporterInfo me{"Org", "dmarc@reporter.test", "", "reporter.test"};
  std::string mail = report_mail(r, me, "agg@example.com", *gz, 86400 * 2);
  EXPECT_EQ(mail.find("From: dmarc@reporter.test\r\n"), 0u);
  EXPECT_NE(mail.find("To: agg@example.com\r\n"), std::string::npos);
  EXPECT_NE(mail.find("Subject: Report Domain: example.com Submitter: reporter.test"),
            std::string::npos);
  EXPECT_NE(mail.find("Content-Type: application/gzip; name=\"reporter.test!example.com!0!86399"
                      ".xml.gz\""),
            std::string::npos);
  EXPECT_NE(mail.find("Date: Sat, 03 Jan 1970 00:00:00 +0000"), std::string::npos);
}

}  // namespace
}  // namespace mw::auth::dmarc
