#include "core/daemon.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mw::core {

Status detach() {
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorCode::kIo, std::string("fork: ") + std::strerror(errno));
  if (pid > 0) ::_exit(0);
  ::setsid();
  pid = ::fork();
  if (pid < 0) return fail(ErrorCode::kIo, std::string("fork: ") + std::strerror(errno));
  if (pid > 0) ::_exit(0);
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    if (devnull > 2) ::close(devnull);
  }
  return {};
}

Result<PidFile> PidFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(ErrorCode::kIo, "cannot open the pidfile " + path + ": " + std::strerror(errno));
  }
  return PidFile(path, UniqueFd(fd));
}

Status PidFile::write_pid() {
  if (!fd_.valid()) return fail(ErrorCode::kIo, "the pidfile " + path_ + " is closed");
  std::string text = std::to_string(::getpid()) + "\n";
  bool written = ::ftruncate(fd_.get(), 0) == 0 &&
                 ::write(fd_.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = fd_.close() == 0 && written;
  if (!written) return fail(ErrorCode::kIo, "cannot write the pidfile " + path_);
  return {};
}

void PidFile::remove() const { ::unlink(path_.c_str()); }

}  // namespace mw::core
