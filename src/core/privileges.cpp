#include "core/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mw::core {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string errno_text() { return std::strerror(errno); }

// The passwd or group entry named `name`, or numbered `name` when it is all digits: nullptr
// when there is none. `entry` and `buf` hold the result.
template <typename Entry, typename Id>
Entry* lookup(const std::string& name, Entry& entry, std::vector<char>& buf,
              int (*by_id)(Id, Entry*, char*, size_t, Entry**),
              int (*by_name)(const char*, Entry*, char*, size_t, Entry**)) {
  Entry* found = nullptr;
  int rc = all_digits(name) ? by_id(static_cast<Id>(std::strtoul(name.c_str(), nullptr, 10)),
                                    &entry, buf.data(), buf.size(), &found)
                            : by_name(name.c_str(), &entry, buf.data(), buf.size(), &found);
  return rc == 0 ? found : nullptr;
}

}  // namespace

Result<Identity> find_identity(const std::string& user, const std::string& group) {
  Identity id;
  std::vector<char> buf(16384);
  struct passwd pw;
  if (lookup(user, pw, buf, &::getpwuid_r, &::getpwnam_r) == nullptr) {
    if (!all_digits(user)) return fail(ErrorCode::kNotFound, "no such user: " + user);
    id.uid = static_cast<uid_t>(std::strtoul(user.c_str(), nullptr, 10));
    id.gid = id.uid;
    id.user = user;
  } else {
    id.uid = pw.pw_uid;
    id.gid = pw.pw_gid;
    id.user = pw.pw_name;
  }
  id.group = std::to_string(id.gid);
  if (!group.empty()) {
    struct group gr;
    if (lookup(group, gr, buf, &::getgrgid_r, &::getgrnam_r) == nullptr) {
      if (!all_digits(group)) return fail(ErrorCode::kNotFound, "no such group: " + group);
      id.gid = static_cast<gid_t>(std::strtoul(group.c_str(), nullptr, 10));
      id.group = group;
    } else {
      id.gid = gr.gr_gid;
      id.group = gr.gr_name;
    }
  }
  if (id.uid == 0 || id.gid == 0) {
    return fail(ErrorCode::kInvalidInput, "the user and group to run as must not be root");
  }
  return id;
}

Status drop_privileges(const Identity& id) {
  gid_t groups[1] = {id.gid};
  if (::setgroups(1, groups) != 0) {
    return fail(ErrorCode::kInternal, "setgroups: " + errno_text());
  }
  if (::setresgid(id.gid, id.gid, id.gid) != 0) {
    return fail(ErrorCode::kInternal, "setgid(" + id.group + "): " + errno_text());
  }
  if (::setresuid(id.uid, id.uid, id.uid) != 0) {
    return fail(ErrorCode::kInternal, "setuid(" + id.user + "): " + errno_text());
  }
  (void)::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  // Verify: no way back to root, and exactly the identity asked for.
  if (::setuid(0) == 0 || ::seteuid(0) == 0 || ::setgid(0) == 0 || ::setegid(0) == 0) {
    return fail(ErrorCode::kInternal, "root privileges could be regained after dropping them");
  }
  uid_t r, e, s;
  gid_t gr, ge, gs;
  if (::getresuid(&r, &e, &s) != 0 || r != id.uid || e != id.uid || s != id.uid ||
      ::getresgid(&gr, &ge, &gs) != 0 || gr != id.gid || ge != id.gid || gs != id.gid) {
    return fail(ErrorCode::kInternal, "the process identity is not the one asked for");
  }
  gid_t now[2];
  int n = ::getgroups(2, now);
  if (n < 0 || n > 1 || (n == 1 && now[0] != id.gid)) {
    return fail(ErrorCode::kInternal, "supplementary groups remain after dropping privileges");
  }
  return {};
}

Status give_to(const std::string& path, const Identity& id) {
  if (::chown(path.c_str(), id.uid, id.gid) != 0) {
    return fail(ErrorCode::kIo, "cannot give " + path + " to " + id.user + ": " + errno_text());
  }
  return {};
}

}  // namespace mw::core
