// Privileges: the unprivileged identity a daemon runs as (style rule 18, Postfix's
// mail_owner). `mailward serve` started as root binds its sockets, opens its logs and its
// pidfile and prepares its state directory, then calls drop_privileges() before it loads a
// rule or parses a message.
//
// Ownership: plain values. Loop affinity: none; call before forking workers (one thread).
// Failure modes: find_identity() fails (kNotFound) for an unknown user or group and
// (kInvalidInput) for root itself; drop_privileges() fails (kInternal) when a step fails or
// root could be regained afterwards - the caller must then stop.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"

namespace mw::core {

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user;   // name as found (or the number)
  std::string group;
};

// `user`: a name or a number; `group`: a name, a number, or "" for the user's primary group.
Result<Identity> find_identity(const std::string& user, const std::string& group);

// Leave root for good: supplementary groups = {gid}, then gid, then uid, then forbid gaining
// privileges through exec (PR_SET_NO_NEW_PRIVS); verified by trying to get root back.
Status drop_privileges(const Identity& identity);

// Give `path` (a file or directory we created as root) to the identity; kIo on failure.
Status give_to(const std::string& path, const Identity& identity);

}  // namespace mw::core
