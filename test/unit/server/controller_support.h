// Shared by the controller tests: what they hand a route as its responder (the response it
// sent, kept in a shared Sent: the responder itself belongs to the controller), and the
// writing of a worker's series batch into a store.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <utility>

#include "core/loop.h"
#include "proto/http/server.h"
#include "server/series.h"
#include "store/store.h"

namespace mw::server::test_support {

struct Sent {
  bool done = false;
  proto::http::Response response;
};

class FakeResponder final : public proto::http::Responder {
 public:
  explicit FakeResponder(std::shared_ptr<Sent> s) : s_(std::move(s)) {}
  void send(proto::http::Response&& r) override {
    s_->done = true;
    s_->response = std::move(r);
  }
  bool cancelled() const override { return false; }
  void set_cancel_callback(std::function<void()>) override {}

 private:
  std::shared_ptr<Sent> s_;
};

// Write what `batch` counted into `store` and let the writes complete.
inline void flush_batch(SeriesBatch& batch, store::Store& store, core::Dispatcher& d) {
  auto left = std::make_shared<int>(0);
  auto ops = batch.flush(store, SeriesOptions{}, [left] {
    ++*left;
    return [left](Status st) {
      EXPECT_TRUE(st) << st.error().message;
      --*left;
    };
  });
  for (int i = 0; i < 100000 && *left > 0; ++i) d.run_once_nonblock();
  EXPECT_EQ(*left, 0);
}

}  // namespace mw::server::test_support
