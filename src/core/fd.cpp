#include "core/fd.h"

#include <errno.h>
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

}  // namespace mw::core
