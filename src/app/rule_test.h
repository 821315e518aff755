// Rule tests (`mailward test-rules`, format in test_rules_cmd.cpp and doc/rules.md): reading a
// test file, serving its `dns` entries, and checking a scanned case against its expectations.
//
// Ownership: plain values; the resolver and task are the caller's. Loop affinity: none.
// Failure modes: read_rule_test() fails (kIo) for an unreadable file, (kInvalidInput) for Lua
// that does not compile, and with the Lua error when the file fails to run; check_case()
// reports each unmet expectation as one line of text.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/result.h"
#include "dns/fake_resolver.h"
#include "scan/task.h"

namespace mw::app {

// Evaluate a test file in a sandboxed Lua state and return the table it returns, as JSON.
Result<json::Value> read_rule_test(core::Logger& logger, const std::string& path);

// Serve the `dns` entries of a test file ({name, type[, value]}: A, AAAA, TXT, MX
// "PREF HOST", PTR, CNAME; TIMEOUT, SERVFAIL and NXDOMAIN force that outcome for every type).
void add_dns_zone(dns::FakeResolver& resolver, const json::Value& dns);

// What a finished task fails of a case's expectations (expect, forbid, options, hidden,
// action, score_min, score_max; a scan error too); empty when it meets them all.
std::vector<std::string> check_case(const json::Value& spec, const scan::Task& task);

}  // namespace mw::app
