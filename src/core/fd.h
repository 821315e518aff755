// UniqueFd: the owner of one file descriptor (a socket, a file, a pipe end).
//
// Ownership: a UniqueFd closes its descriptor when destroyed or reset; release() hands the
// descriptor over without closing it. Move-only. -1 means "none".
// Loop affinity: none. Failure modes: close() errors are ignored by the destructor and
// reset(); a caller that must know (a file it wrote) uses close() instead.
#pragma once

#include <cstddef>
#include <string>

namespace mw::core {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Give up ownership: the descriptor is returned and no longer closed here.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Close the current descriptor (if any) and own `fd` instead.
  void reset(int fd = -1);
  // Close now and report the outcome: 0, or the errno of a failed close(2) (EIO on NFS, a
  // delayed write error). Closing nothing gives 0. Afterwards the UniqueFd is empty.
  int close();

 private:
  int fd_ = -1;
};

// Fills `out` (already sized) from `fd`, retrying reads interrupted by a signal, until it is
// full or the file ends or a read fails; then `out` is cut to what was read. For files whose
// size was taken from fstat: a file that shrank meanwhile reads short.
void read_into(int fd, std::string& out);

// Reads the whole regular file `path` (at most `max_bytes`) into `out`. Returns 0, or an
// errno: ENOENT also for a directory or other non-regular file, EFBIG over the cap, ELOOP
// for a symbolic link when `follow_links` is false (O_NOFOLLOW).
int read_regular_file(const std::string& path, size_t max_bytes, bool follow_links,
                      std::string& out);

}  // namespace mw::core
