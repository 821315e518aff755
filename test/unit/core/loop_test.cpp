#include "core/loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace mw::core {
namespace {

TEST(Dispatcher, TimerFiresOnce) {
  Dispatcher d;
  int fired = 0;
  auto t = d.create_timer([&] { ++fired; });
  t->enable(0.01);
  d.run();
  EXPECT_EQ(fired, 1);
}

TEST(Dispatcher, PostedCallbacksRunInOrder) {
  Dispatcher d;
  std::string order;
  d.post([&] {
    order += "a";
    d.post([&] { order += "c"; });
  });
  d.post([&] { order += "b"; });
  d.run();
  EXPECT_EQ(order, "abc");
}

TEST(Dispatcher, FdEventSeesReadableData) {
  Dispatcher d;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string got;
  FdEventPtr ev;
  ev = d.create_fd_event(fds[0], kRead, [&](uint32_t what) {
    char buf[16];
    ssize_t n = read(fds[0], buf, sizeof buf);
    got.append(buf, n > 0 ? n : 0);
    ev.reset();  // destroying from its own callback is allowed
  });
  ASSERT_EQ(write(fds[1], "hi", 2), 2);
  d.run();
  EXPECT_EQ(got, "hi");
  close(fds[0]);
  close(fds[1]);
}

// Sets a flag when destroyed; used to see when deferred deletion happens.
struct Tracked {
  explicit Tracked(std::string* log, char name) : log(log), name(name) {}
  ~Tracked() { *log += name; }
  std::string* log;
  char name;
};

struct TrackedDeletable final : Deletable {
  explicit TrackedDeletable(std::string* log) : t(log, 'D') {}
  Tracked t;
};

TEST(Dispatcher, DeferredDeleteWaitsForTheCurrentCallback) {
  Dispatcher d;
  std::string log;
  d.post([&] {
    d.deferred_delete(std::make_unique<Tracked>(&log, 'a'));      // any type: held
    d.deferred_delete(std::make_unique<TrackedDeletable>(&log));  // a Deletable itself
    log += "|";  // still inside the callback: nothing destroyed yet
  });
  d.run();
  EXPECT_EQ(log, "|aD");
}

TEST(Dispatcher, DeferredDeleteOfEmptyPointerIsHarmless) {
  Dispatcher d;
  d.deferred_delete(std::unique_ptr<Tracked>());
  d.run();
}

}  // namespace
}  // namespace mw::core
