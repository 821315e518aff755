#include "dns/lookup_batch.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace mw::dns {
namespace {

using testing::run_for;
using testing::run_until;

// A resolver whose answers the test releases by hand (from the loop, as the contract says),
// and which records which requests were cancelled.
class ManualResolver final : public Resolver {
 public:
  struct Pending {
    std::string name;
    RrType type;
    Callback cb;
    bool cancelled = false;
  };

  explicit ManualResolver(core::Dispatcher& d) : dispatcher_(d) {}

  RequestPtr resolve(std::string_view name, RrType type, Callback cb) override {
    auto p = std::make_shared<Pending>(Pending{std::string(name), type, std::move(cb)});
    pending_.push_back(p);
    return std::make_unique<Handle>(p);
  }

  // Answer request `i` from the loop (unless it was cancelled by then).
  void answer(size_t i, Rcode rcode, std::string text = {}) {
    std::shared_ptr<Pending> p = pending_.at(i);
    dispatcher_.post([p, rcode, text] {
      if (p->cancelled || !p->cb) return;
      Reply r;
      r.rcode = rcode;
      if (!text.empty()) {
        Record rec;
        rec.type = p->type;
        rec.text = text;
        r.answers.push_back(rec);
      }
      Callback cb = std::move(p->cb);
      cb(r);
    });
  }

  size_t count() const { return pending_.size(); }
  const Pending& at(size_t i) const { return *pending_.at(i); }

 private:
  class Handle final : public Request {
   public:
    explicit Handle(std::shared_ptr<Pending> p) : p_(std::move(p)) {}
    ~Handle() override { cancel(); }
    void cancel() override {
      if (p_->cb) p_->cancelled = true;  // an answered request is not "cancelled"
    }

   private:
    std::shared_ptr<Pending> p_;
  };

  core::Dispatcher& dispatcher_;
  std::vector<std::shared_ptr<Pending>> pending_;
};

struct Fixture : ::testing::Test {
  core::Dispatcher d;
  ManualResolver r{d};
  std::string log;
  int delivered = 0;
  std::unique_ptr<LookupBatch> batch = std::make_unique<LookupBatch>(d, r, [this] {
    ++delivered;
    log += "deliver;";
  });
};

using LookupBatchTest = Fixture;

TEST_F(LookupBatchTest, ResolveAllGivesRepliesInQuestionOrderOnce) {
  int calls = 0;
  batch->resolve_all({{"a.example", RrType::kA}, {"b.example", RrType::kTxt}},
                     [&](std::vector<Reply>& replies) {
                       ++calls;
                       ASSERT_EQ(replies.size(), 2u);
                       EXPECT_EQ(replies[0].rcode, Rcode::kNxDomain);
                       EXPECT_EQ(replies[1].answers.at(0).text, "v=spf1 -all");
                     });
  ASSERT_EQ(r.count(), 2u);
  EXPECT_EQ(r.at(0).name, "a.example");
  EXPECT_EQ(r.at(1).type, RrType::kTxt);
  EXPECT_EQ(batch->outstanding(), 2u);
  r.answer(1, Rcode::kNoError, "v=spf1 -all");  // out of order
  run_for(d, 0.01);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(batch->outstanding(), 1u);
  r.answer(0, Rcode::kNxDomain);
  run_until(d, [&] { return calls > 0; });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(batch->outstanding(), 0u);
  EXPECT_EQ(batch->started(), 2u);
  EXPECT_EQ(delivered, 0);  // not finished: nothing delivered
}

TEST_F(LookupBatchTest, FinishInsideACallbackDeliversRightAfterIt) {
  batch->resolve("a.example", RrType::kA, [&](const Reply&) {
    d.post([&] { log += "posted;"; });  // runs after anything posted by finish()
    batch->finish();
    log += "callback-end;";
  });
  batch->resolve("b.example", RrType::kA, [&](const Reply&) { log += "late;"; });
  r.answer(0, Rcode::kNoError, "192.0.2.1");
  r.answer(1, Rcode::kNoError, "192.0.2.2");
  run_for(d, 0.05);
  // Delivered as the callback returns (not posted), and the second answer was cancelled.
  EXPECT_EQ(log, "callback-end;deliver;posted;");
  EXPECT_TRUE(r.at(1).cancelled);
  EXPECT_EQ(delivered, 1);
  EXPECT_TRUE(batch->finished());
  batch->finish();  // idempotent
  run_for(d, 0.01);
  EXPECT_EQ(delivered, 1);
}

TEST_F(LookupBatchTest, FinishOutsideCallbacksDeliversFromTheLoop) {
  batch->finish();
  EXPECT_EQ(delivered, 0);  // never from inside the call that started the job
  run_until(d, [&] { return delivered > 0; });
  EXPECT_EQ(delivered, 1);
}

TEST_F(LookupBatchTest, DeadlineRecordsTheTimeoutCancelsAndDelivers) {
  bool replied = false;
  batch->set_deadline(0.02, [&] { log += "expired;"; });
  batch->resolve("slow.example", RrType::kTxt, [&](const Reply&) { replied = true; });
  run_until(d, [&] { return delivered > 0; });
  EXPECT_EQ(log, "expired;deliver;");
  EXPECT_TRUE(r.at(0).cancelled);
  r.answer(0, Rcode::kNoError, "too late");
  run_for(d, 0.01);
  EXPECT_FALSE(replied);
  EXPECT_EQ(delivered, 1);
}

TEST_F(LookupBatchTest, NoDeadlineWhenNotPositive) {
  batch->set_deadline(0, [&] { log += "expired;"; });
  batch->resolve("a.example", RrType::kA, [&](const Reply&) { batch->finish(); });
  run_for(d, 0.03);
  EXPECT_EQ(log, "");
  r.answer(0, Rcode::kNoError, "192.0.2.1");
  run_until(d, [&] { return delivered > 0; });
  EXPECT_EQ(log, "deliver;");
}

TEST_F(LookupBatchTest, DestroyingTheBatchCancelsEverything) {
  batch->set_deadline(0.01, [&] { log += "expired;"; });
  batch->resolve("a.example", RrType::kA, [&](const Reply&) { log += "reply;"; });
  batch.reset();
  EXPECT_TRUE(r.at(0).cancelled);
  r.answer(0, Rcode::kNoError, "192.0.2.1");
  run_for(d, 0.03);
  EXPECT_EQ(log, "");
}

TEST_F(LookupBatchTest, DestroyingTheBatchDropsAPostedDelivery) {
  batch->finish();
  batch.reset();
  run_for(d, 0.01);
  EXPECT_EQ(delivered, 0);
}

TEST_F(LookupBatchTest, DeliverMayDestroyTheBatch) {
  // The usual owner: the job's handle is dropped by the callback that receives the outcome.
  batch = std::make_unique<LookupBatch>(d, r, [this] {
    batch.reset();
    ++delivered;
  });
  batch->set_deadline(5, [] {});
  batch->resolve("a.example", RrType::kA, [&](const Reply&) { batch->finish(); });
  r.answer(0, Rcode::kNoError, "192.0.2.1");
  run_until(d, [&] { return delivered > 0; });
  EXPECT_EQ(delivered, 1);
  EXPECT_EQ(batch, nullptr);
}

TEST_F(LookupBatchTest, CallbacksMayStartMoreLookups) {
  std::vector<std::string> seen;
  batch->resolve("one.example", RrType::kTxt, [&](const Reply&) {
    seen.push_back("one");
    batch->resolve_all({{"two.example", RrType::kA}, {"three.example", RrType::kA}},
                       [&](std::vector<Reply>&) {
                         seen.push_back("two+three");
                         batch->finish();
                       });
  });
  r.answer(0, Rcode::kNoError, "x");
  run_until(d, [&] { return r.count() == 3; });
  r.answer(1, Rcode::kNoError, "192.0.2.2");
  r.answer(2, Rcode::kServFail);
  run_until(d, [&] { return delivered > 0; });
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two+three"}));
  EXPECT_EQ(batch->started(), 3u);
}

TEST(HandOver, MovesTheValueToTheCallback) {
  std::function<void(std::string)> cb = [](std::string v) { EXPECT_EQ(v, "verdict"); };
  std::string value = "verdict";
  int calls = 0;
  std::function<void(std::string)> counting = [&](std::string v) {
    ++calls;
    cb(std::move(v));
  };
  LookupBatch::Deliver deliver = hand_over(counting, value);
  deliver();
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(counting);  // moved out: a second delivery calls nothing
  deliver();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace mw::dns
