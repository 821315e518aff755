// The Bayes classifier as a scan module.
//
// Symbols (group "statistics"): BAYES_CHECK (the callback) and its virtual symbols
//   BAYES_SPAM  spam probability P >= spam_threshold; score x 2(P - 0.5); option "97.32%"
//   BAYES_HAM   P <= ham_threshold; score x 2(0.5 - P); option the ham probability 1 - P
// Each scan tokenizes its message (tokenizer.h), reads the class totals and its tokens'
// counts in one store operation (statistics.h), and stays silent while fewer than
// min_learns messages of either class are learned, when the message has fewer than
// min_tokens tokens, when the store is unavailable, and for requests flagged no_stat.
// An untrained table costs little: while the last read found it below min_learns, a scan
// reads its class totals alone (one row) and neither tokenizes nor reads tokens; once it is
// trained, a scan tokenizes and reads totals and tokens together. With autolearn on, scans
// always read everything (autolearn learns from the tokens of untrained tables too).
//
// Autolearn ([classifier.bayes.autolearn], off by default): after the action is decided, a
// scan whose score without the Bayes symbols is >= spam_threshold (<= ham_threshold) is
// learned as spam (ham), unless Bayes already said so with a probability of 0.95 or more,
// or the class is already learned 1/min_balance times more than the other (check_balance).
// Learned like any other message (by digest: learning twice changes nothing).
//
// Per-process state (after fork): the word splitter and the autolearn operations in flight,
// kept in an engine resource, created on first use in each process.
// Ownership: the engine owns the module's shared state. Loop affinity: the worker's loop.
#pragma once

#include "scan/engine.h"
#include "scan/module.h"

namespace mw::classify {

scan::ModulePtr make_bayes_module();

// TaskExtension key of the module's per-task state.
inline constexpr scan::ExtensionKey kBayesExtensionKey{"bayes"};

}  // namespace mw::classify
