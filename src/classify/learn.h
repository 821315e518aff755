// Learning whole messages: what the controller (/learnspam, /learnham, /learnclass), the
// `mailward learn` command and autolearn share.
//
// A message is parsed (mime::Parser, within the configured limits), tokenized (tokenizer.h)
// and identified by its digest: SHA-256 over its Message-ID, Subject, From and the decoded
// content of its MIME leaf parts, so the same message seen again with other trace headers
// (another Received line, a signature, a mailbox copy) is the same message. Then statistics.h learns, moves or forgets it.
//
// Outcomes carry Rspamd's wording, which rspamc shows to its users:
//   "<MSGID> has been already learned as spam, ignore it"
//   "<MSGID> contains less tokens than required for bayes classifier: 4 < 11"
// (MSGID is the Message-ID, "undef" when there is none).
//
// Ownership: the store, parser and splitter are borrowed and must outlive the returned
// handle. Loop affinity: the store's Dispatcher. Failure modes: the store's errors; a message
// that cannot be parsed within the memory cap fails with kLimit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classify/options.h"
#include "classify/statistics.h"
#include "classify/words.h"
#include "core/loop.h"
#include "mime/message.h"
#include "mime/parser.h"
#include "scan/envelope.h"
#include "store/store.h"

namespace mw::classify {

// Hex digest (32 digits: the first 16 bytes of the SHA-256) of the message's content.
std::string message_digest(const mime::Message& message);

struct Prepared {
  std::vector<uint64_t> tokens;  // sorted, unique, without 0
  size_t text_tokens = 0;        // compared with min_tokens
  std::string digest;
  std::string message_id;  // as Rspamd names it: the Message-ID, or "undef"
};
Prepared prepare(const mime::Message& message, WordSplitter& splitter,
                 const BayesOptions& options);

enum class Outcome {
  kLearned,         // learned for the first time
  kRelearned,       // was learned as the other class: moved
  kAlreadyLearned,  // was learned as this class: nothing done
  kTooFewTokens,    // fewer than min_tokens tokens: nothing done
  kForgotten,       // forget: undone
  kNotLearned,      // forget: it was never learned
};

struct Report {
  Outcome outcome = Outcome::kLearned;
  std::optional<Class> cls;  // the class asked for (nullopt: forget)
  std::string message_id;
  size_t tokens = 0;      // all tokens (learned)
  size_t text_tokens = 0;  // tokens of the text (compared with min_tokens)
  size_t min_tokens = 0;
  // Rspamd's message for kAlreadyLearned and kTooFewTokens; a short phrase otherwise.
  std::string text() const;
  // Whether the store changed.
  bool changed() const {
    return outcome == Outcome::kLearned || outcome == Outcome::kRelearned ||
           outcome == Outcome::kForgotten;
  }
};

// Learn the prepared message as `cls`, or forget it (nullopt), in the statistics `table`.
store::OpPtr learn_prepared(store::Store& store, const BayesOptions& options,
                            const Table& table, Prepared prepared, std::optional<Class> cls,
                            std::function<void(Result<Report>)> cb);

// Parse `raw`, then learn_prepared() in the table the envelope selects (per_user).
// `max_memory` caps the parse (as options.max_task_memory does for scans). Outcomes known
// without the store (kTooFewTokens, a parse failure) are posted on `dispatcher`.
store::OpPtr learn_message(core::Dispatcher& dispatcher, store::Store& store,
                           mime::Parser& parser, WordSplitter& splitter,
                           const BayesOptions& options, const mime::Limits& limits,
                           size_t max_memory, std::string_view raw,
                           const scan::Envelope& envelope, std::optional<Class> cls,
                           std::function<void(Result<Report>)> cb);

}  // namespace mw::classify
