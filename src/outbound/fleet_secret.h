// Which keyed-hash secret a scanner uses, so that every scanner of a fleet hashes a user,
// a recipient or an IP to the same store keys (one secret per fleet).
//
//   [outbound] secret set        that one (the operator keeps it the same on every scanner)
//   [store] backend = "redis"    the fleet's secret, kept in Redis under the store key
//                                kRedisSecretKey (prefix added): created once, atomically
//                                (SET NX: the first scanner to start wins), seeded with this
//                                scanner's $DBDIR/outbound.secret when it has one (a scanner
//                                that ran alone on this Redis keeps its profiles), else random
//   otherwise                    $DBDIR/outbound.secret, created on first start
//
// Ownership: plain values. Loop affinity: none; blocking (file and Redis I/O): call at
// configuration time only, before workers fork.
// Failure modes: kIo when the file cannot be created or Redis does not answer (the scanner
// does not start rather than hash with a key of its own; set [outbound] secret to start
// without Redis), kInvalidInput for bad [store] options.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace mw::outbound {

inline constexpr std::string_view kRedisSecretKey = "ob:secret";

// The secret to use. `db_dir` is the expanded $DBDIR.
Result<std::string> resolve_secret(const core::Config& cfg, const std::string& db_dir);

// For `mailward configtest`: one message per pair of sources that disagree (the
// configuration's secret vs the fleet's in Redis, the $DBDIR file vs the one in use) and
// when Redis cannot be asked. Never includes a secret.
std::vector<std::string> secret_warnings(const core::Config& cfg, const std::string& db_dir);

}  // namespace mw::outbound
