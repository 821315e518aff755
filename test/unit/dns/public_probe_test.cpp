// The public-DNS probe (dns/public_probe.h): negative answers are trusted only while the name
// servers answer for a name that must exist.
#include "dns/public_probe.h"

#include <gtest/gtest.h>

#include "dns/fake_resolver.h"
#include "test_util.h"

namespace mw::dns {
namespace {

using testing::run_for;

struct Probed {
  core::Dispatcher d;
  core::Logger logger{core::LogLevel::kError};
  FakeResolver* zone = nullptr;
  std::unique_ptr<PublicProbe> probe;

  explicit Probed(std::string name, bool com_exists, double interval = 60) {
    auto fake = std::make_unique<FakeResolver>(d);
    zone = fake.get();
    if (com_exists) zone->add(Record{RrType::kSoa, 300, "com", {}, 0, {}, 0, "a.gtld-servers.net"});
    probe = std::make_unique<PublicProbe>(d, logger, std::move(fake), std::move(name), interval);
  }
};

TEST(PublicProbe, TrustsNegativeAnswersWhenTheProbeNameExists) {
  Probed p("com", true);
  EXPECT_FALSE(p.probe->trusts_negative_answers());  // nothing known before the answer
  run_for(p.d, 0.05);
  EXPECT_TRUE(p.probe->trusts_negative_answers());
  EXPECT_EQ(p.zone->queries(), std::vector<std::string>{"com/SOA"});
}

TEST(PublicProbe, IsolatedServersDenyingEveryNameAreNotTrusted) {
  Probed p("com", false);  // the fake zone answers NXDOMAIN for everything else
  run_for(p.d, 0.05);
  EXPECT_FALSE(p.probe->trusts_negative_answers());
}

TEST(PublicProbe, FailuresChangeNothingAndTheProbeRepeats) {
  Probed p("com", true, 0.1);
  run_for(p.d, 0.05);
  ASSERT_TRUE(p.probe->trusts_negative_answers());
  p.zone->set_rcode("com", RrType::kSoa, Rcode::kTimeout);
  run_for(p.d, 0.15);
  EXPECT_TRUE(p.probe->trusts_negative_answers());  // a timeout says nothing
  p.zone->set_rcode("com", RrType::kSoa, Rcode::kNxDomain);
  run_for(p.d, 0.15);
  EXPECT_FALSE(p.probe->trusts_negative_answers());
  EXPECT_GE(p.zone->queries().size(), 3u);
}

TEST(PublicProbe, WithoutAProbeNameNegativeAnswersAreTrusted) {
  Probed p("", false);
  EXPECT_TRUE(p.probe->trusts_negative_answers());
  run_for(p.d, 0.05);
  EXPECT_TRUE(p.zone->queries().empty());
}

TEST(PublicProbe, ForwardsLookups) {
  Probed p("", false);
  p.zone->add_a("mail.example.org", "192.0.2.7");
  Reply got;
  auto req = p.probe->resolve("mail.example.org", RrType::kA, [&](const Reply& r) { got = r; });
  run_for(p.d, 0.05);
  ASSERT_EQ(got.answers.size(), 1u);
  EXPECT_EQ(got.answers[0].text, "192.0.2.7");
}

}  // namespace
}  // namespace mw::dns
