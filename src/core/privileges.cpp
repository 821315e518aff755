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

}  // namespace

Result<Identity> find_identity(const std::string& user, const std::string& group) {
  Identity id;
  std::vector<char> buf(16384);
  struct passwd pw;
  struct passwd* found = nullptr;
  int rc = all_digits(user)
               ? ::getpwuid_r(static_cast<uid_t>(std::strtoul(user.c_str(), nullptr, 10)), &pw,
                              buf.data(), buf.size(), &found)
               : ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr) {
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
    struct group* g = nullptr;
    rc = all_digits(group)
             ? ::getgrgid_r(static_cast<gid_t>(std::strtoul(group.c_str(), nullptr, 10)), &gr,
                            buf.data(), buf.size(), &g)
             : ::getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &g);
    if (rc != 0 || g == nullptr) {
      if (!all_digits(group)) return fail(ErrorCode::kNotFound, "no such group: " + group);
      id.gid = static_cast<gid_t>(std::strtoul(group.c_str(), nullptr, 10));
      id.group = group;
    } else {
      id.gid = g->gr_gid;
      id.group = g->gr_name;
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
