#include "classify/learn.h"

#include <openssl/evp.h>

#include <memory>

#include "core/ascii.h"
#include "classify/tokenizer.h"
#include "core/arena.h"

namespace mw::classify {

namespace {

// A result known at once, delivered from the loop unless the handle is gone by then.
class Posted final : public store::Op {
 public:
  Posted(core::Dispatcher& d, std::function<void()> fn) : alive_(std::make_shared<bool>(true)) {
    d.post([alive = std::weak_ptr<bool>(alive_), fn = std::move(fn)] {
      if (!alive.expired()) fn();
    });
  }

 private:
  std::shared_ptr<bool> alive_;
};

Outcome outcome_of(LearnResult r) {
  switch (r) {
    case LearnResult::kLearned: return Outcome::kLearned;
    case LearnResult::kRelearned: return Outcome::kRelearned;
    case LearnResult::kAlreadyLearned: return Outcome::kAlreadyLearned;
    case LearnResult::kForgotten: return Outcome::kForgotten;
    case LearnResult::kNotLearned: return Outcome::kNotLearned;
  }
  return Outcome::kNotLearned;
}

void add_part(EVP_MD_CTX* ctx, std::string_view bytes) {
  uint64_t n = bytes.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  EVP_DigestUpdate(ctx, len, sizeof len);
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
}

}  // namespace

std::string message_digest(const mime::Message& m) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  // What stays when a message is relayed or copied to a mailbox: its identity and content.
  add_part(ctx.get(), m.message_id);
  add_part(ctx.get(), m.subject);
  if (const mime::Header* from = m.header("From")) add_part(ctx.get(), from->value);
  size_t leaves = 0;
  for (const mime::Part* p : m.parts) {
    if (p->is_multipart || p->is_message || p->is_embedded) continue;
    add_part(ctx.get(), p->decoded);
    ++leaves;
  }
  if (leaves == 0) add_part(ctx.get(), m.raw);  // nothing parsed: the bytes themselves
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return core::hex_encode(std::string_view(reinterpret_cast<const char*>(md), std::min(len, 16u)));
}

Prepared prepare(const mime::Message& message, WordSplitter& splitter,
                 const BayesOptions& options) {
  Prepared p;
  Tokens t = tokenize(message, splitter, options.tokenizer);
  p.tokens = std::move(t.ids);
  p.text_tokens = t.text;
  p.digest = message_digest(message);
  p.message_id = message.message_id.empty() ? std::string("undef")
                                            : std::string(message.message_id.substr(0, 256));
  return p;
}

std::string Report::text() const {
  switch (outcome) {
    case Outcome::kAlreadyLearned:
      return "<" + message_id + "> has been already learned as " +
             std::string(class_name(cls.value_or(Class::kSpam))) + ", ignore it";
    case Outcome::kTooFewTokens:
      return "<" + message_id + "> contains less tokens than required for bayes classifier: " +
             std::to_string(text_tokens) + " < " + std::to_string(min_tokens);
    case Outcome::kLearned: return "learned";
    case Outcome::kRelearned: return "learned (moved from the other class)";
    case Outcome::kForgotten: return "forgotten";
    case Outcome::kNotLearned: return "<" + message_id + "> was not learned";
  }
  return {};
}

store::OpPtr learn_prepared(store::Store& store, const BayesOptions& options,
                            const Table& table, Prepared prepared, std::optional<Class> cls,
                            std::function<void(Result<Report>)> cb) {
  Report report;
  report.cls = cls;
  report.message_id = prepared.message_id;
  report.tokens = prepared.tokens.size();
  report.text_tokens = prepared.text_tokens;
  report.min_tokens = options.min_tokens;
  auto done = [report, cb = std::move(cb)](Result<LearnResult> r) mutable {
    if (!r) return cb(fail(r.error()));
    report.outcome = outcome_of(*r);
    cb(std::move(report));
  };
  if (cls) {
    return learn(store, table, std::move(prepared.digest), std::move(prepared.tokens), *cls,
                 options.learned_ttl, std::move(done));
  }
  return forget(store, table, std::move(prepared.digest), std::move(prepared.tokens),
                std::move(done));
}

store::OpPtr learn_message(core::Dispatcher& dispatcher, store::Store& store,
                           mime::Parser& parser, WordSplitter& splitter,
                           const BayesOptions& options, const mime::Limits& limits,
                           size_t max_memory, std::string_view raw,
                           const scan::Envelope& envelope, std::optional<Class> cls,
                           std::function<void(Result<Report>)> cb) {
  Prepared prepared;
  {
    core::Arena arena(max_memory);
    Result<mime::Message*> parsed = fail(ErrorCode::kLimit, "message too large to parse");
    try {
      parsed = parser.parse(arena, raw, limits);
    } catch (const core::ArenaExhausted&) {
    }
    if (!parsed) {
      Error e = parsed.error();
      return std::make_unique<Posted>(dispatcher, [cb, e] { cb(fail(e)); });
    }
    prepared = prepare(**parsed, splitter, options);
  }
  if (prepared.text_tokens < options.min_tokens) {
    Report r;
    r.outcome = Outcome::kTooFewTokens;
    r.cls = cls;
    r.message_id = prepared.message_id;
    r.tokens = prepared.tokens.size();
    r.text_tokens = prepared.text_tokens;
    r.min_tokens = options.min_tokens;
    return std::make_unique<Posted>(dispatcher, [cb, r] { cb(r); });
  }
  return learn_prepared(store, options, table_for(options, envelope), std::move(prepared), cls,
                        std::move(cb));
}

}  // namespace mw::classify
