// Daemon process mechanics: detaching from the terminal and the pidfile.
//
//   detach()   double fork, new session, stdio on /dev/null; returns in the grandchild only
//   PidFile    opened (created) before privileges are dropped, written after detach(), removed
//              at the end
//
// Ownership: PidFile owns its descriptor (closed by write_pid() or the destructor). Loop affinity:
// none; call from the master before it forks workers (one thread).
// Failure modes: errors are values: detach() fails (kIo) when a fork fails (the caller is
// still attached); PidFile::open() fails (kIo) naming the file, also when it is a symbolic
// link (O_NOFOLLOW: a link planted in a shared directory is not followed).
#pragma once

#include <string>

#include "core/fd.h"
#include "core/result.h"

namespace mw::core {

// Detach from the terminal. The parents exit with status 0; the caller continues as the
// grandchild, in a session of its own, with standard input, output and error on /dev/null.
Status detach();

class PidFile {
 public:
  // Open (create, mode 0644) `path` for writing; nothing is written yet.
  static Result<PidFile> open(const std::string& path);

  // Replace the content with this process's id and a newline, then close the descriptor.
  Status write_pid();
  // Remove the file (best effort: the directory may not let an unprivileged user).
  void remove() const;
  const std::string& path() const { return path_; }

 private:
  PidFile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

}  // namespace mw::core
