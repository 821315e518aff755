#include "core/fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>

namespace mw::core {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesOnDestruction) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[1]);
  {
    UniqueFd fd(fds[0]);
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(fd.get(), fds[0]);
  }
  EXPECT_FALSE(is_open(fds[0]));
}

TEST(UniqueFd, MoveTransfersOwnership) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd a(fds[0]);
  UniqueFd b(fds[1]);
  UniqueFd c(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(c.get(), fds[0]);
  c = std::move(b);  // closes fds[0], takes fds[1]
  EXPECT_FALSE(is_open(fds[0]));
  EXPECT_EQ(c.get(), fds[1]);
  EXPECT_TRUE(is_open(fds[1]));
}

TEST(UniqueFd, ReleaseAndReset) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd fd(fds[0]);
  int raw = fd.release();
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(is_open(raw));  // released, not closed
  fd.reset(raw);
  fd.reset(fds[1]);
  EXPECT_FALSE(is_open(raw));
  EXPECT_EQ(fd.close(), 0);
  EXPECT_FALSE(is_open(fds[1]));
  EXPECT_FALSE(fd.valid());
  EXPECT_EQ(fd.close(), 0);  // closing nothing
}

TEST(ReadInto, FillsTheBufferOrCutsItWhereTheFileEnds) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd r(fds[0]);
  UniqueFd w(fds[1]);
  ASSERT_EQ(::write(w.get(), "abcdef", 6), 6);
  std::string two(2, '\0');
  read_into(r.get(), two);  // full after two bytes: the rest stays unread
  EXPECT_EQ(two, "ab");
  w.reset();
  std::string rest(100, '\0');
  read_into(r.get(), rest);  // the writer is gone: cut at the end
  EXPECT_EQ(rest, "cdef");
}

}  // namespace
}  // namespace mw::core
