#include "core/fd.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mw::core {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

int UniqueFd::close() {
  if (fd_ < 0) return 0;
  int rc = ::close(release());
  return rc == 0 ? 0 : errno;
}

int read_regular_file(const std::string& path, size_t max_bytes, bool follow_links,
                      std::string& out) {
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_links ? 0 : O_NOFOLLOW);
  UniqueFd fd(::open(path.c_str(), flags));
  if (!fd.valid()) return errno;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return errno;
  if (!S_ISREG(st.st_mode)) return ENOENT;
  if (static_cast<size_t>(st.st_size) > max_bytes) return EFBIG;
  out.resize(static_cast<size_t>(st.st_size));
  read_into(fd.get(), out);
  return 0;
}

void read_into(int fd, std::string& out) {
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
}

}  // namespace mw::core
