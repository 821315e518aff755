// Regexp rules: symbols defined by expressions over regexp atoms, batched per class.
//
// Rule syntax (Rspamd's regexp module):
//   config.regexp.SYM = { re = 'Subject=/^test/i{header} & !From=/x/{header}', score = 1 }
// Atom forms:
//   Header-Name=/re/flags          decoded header value(s)        (class header:<name>)
//   Header-Name=/re/flags{raw_header}  raw header value(s)        (also flag X)
//   /re/flags{all_header}          the raw header block           (also flag R)
//   /re/flags{mime}                visible text of text parts     (also flag P)
//   /re/flags{raw_mime}            raw bodies of text parts       (also flag Q)
//   /re/flags{body}                the raw message body (after the headers)
//   /re/flags{message}             the whole raw message          (also flag M, {raw_message})
//   /re/flags{url}                 normalised URLs                (also flag U)
//   /re/flags{email}               e-mail addresses found
//   header_exists(Name)            1 when the header is present
// Every regexp of one class is compiled into one Hyperscan database (match/), so each class
// is scanned at most once per message however many rules use it; results are cached per task.
//
// Ownership: built once in the master (compile), immutable afterwards, part of the Engine.
// Per-process scratch comes from Services. Failure modes: add_rule() rejects bad syntax with
// the rule name; build() reports regexps neither engine can compile (the rule is disabled).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/result.h"
#include "match/options.h"
#include "scan/symbols.h"

namespace mw::scan {

class Task;

class RegexpRules {
 public:
  RegexpRules();
  ~RegexpRules();

  // Parse a rule's expression and remember its atoms. The symbol is registered by the caller
  // with `callback(index)` as its callback.
  Result<size_t> add_rule(std::string name, std::string_view expression);
  // Compile every class (Hyperscan with PCRE2 fallback, cache in options' cache dir).
  // Call once, in the master, after every rule was added.
  Status build(const match::MatchOptions& options, core::Logger& logger);
  // The callback to register for rule `index` (inserts the symbol when the expression holds).
  SymbolCallback callback(size_t index) const;
  // Evaluate one rule against a task, outside the scheduler (tests).
  double evaluate(Task& task, size_t index) const;
  size_t rule_count() const;
  size_t class_count() const;
  size_t pattern_count() const;
  // Classes whose database came from the cache (start-up reporting).
  size_t classes_from_cache() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::scan
