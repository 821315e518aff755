#include "dns/lookup_batch.h"

#include "core/check.h"

namespace mw::dns {

LookupBatch::LookupBatch(core::Dispatcher& dispatcher, Resolver& resolver, Deliver deliver)
    : dispatcher_(dispatcher), resolver_(resolver), deliver_(std::move(deliver)) {}

// Members go in reverse order: the requests (cancelled) and the timer before `deliver_`.
LookupBatch::~LookupBatch() = default;

template <typename F>
void LookupBatch::run(F&& f) {
  ++depth_;
  f();
  --depth_;
  if (depth_ == 0 && finished_) deliver_now();  // may destroy *this: nothing may follow
}

void LookupBatch::deliver_now() {
  if (delivered_) return;
  delivered_ = true;
  Deliver d = std::move(deliver_);
  if (d) d();  // may destroy *this
}

void LookupBatch::set_deadline(double seconds, std::function<void()> on_expiry) {
  MW_BUG(deadline_ == nullptr && !finished_, "LookupBatch deadline set twice or too late");
  if (seconds <= 0) return;
  deadline_ = dispatcher_.create_timer([this, on_expiry = std::move(on_expiry)] {
    if (finished_) return;
    run([&] {
      if (on_expiry) on_expiry();
      finish();
    });
  });
  deadline_->enable(seconds);
}

void LookupBatch::resolve(std::string_view name, RrType type, OnReply on_reply) {
  MW_BUG(!finished_, "LookupBatch::resolve after finish");
  if (finished_) return;
  // Every earlier lookup answered: their handles are spent, drop them.
  if (outstanding_ == 0) requests_.clear();
  ++outstanding_;
  ++started_;
  requests_.push_back(resolver_.resolve(
      name, type, [this, on_reply = std::move(on_reply)](const Reply& reply) {
        if (finished_) return;
        --outstanding_;
        run([&] { on_reply(reply); });
      }));
}

void LookupBatch::resolve_all(std::vector<Question> questions, OnReplies on_all) {
  MW_BUG(!questions.empty(), "LookupBatch::resolve_all without questions");
  struct Gather {
    std::vector<Reply> replies;
    size_t remaining = 0;
    OnReplies on_all;
  };
  auto g = std::make_shared<Gather>();
  g->replies.resize(questions.size());
  g->remaining = questions.size();
  g->on_all = std::move(on_all);
  for (size_t i = 0; i < questions.size(); ++i) {
    resolve(questions[i].name, questions[i].type, [g, i](const Reply& reply) {
      g->replies[i] = reply;
      if (--g->remaining != 0) return;
      OnReplies fn = std::move(g->on_all);
      fn(g->replies);
    });
  }
}

void LookupBatch::finish() {
  if (finished_) return;
  finished_ = true;
  if (deadline_) deadline_->disable();
  requests_.clear();  // cancels whatever is outstanding
  outstanding_ = 0;
  if (depth_ > 0) return;  // delivered when the running callback returns (run())
  // Never call back from inside the call that started the job: deliver from the loop.
  dispatcher_.post([this, alive = std::weak_ptr<char>(alive_)] {
    if (alive.lock()) deliver_now();
  });
}

}  // namespace mw::dns
