// Helpers shared by the store tests: driving the Dispatcher, a private temporary directory.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "core/loop.h"
#include "core/result.h"
#include "../loop_util.h"

namespace mw::store::testing {

using unit::run_for;
using unit::run_until;

// Start one asynchronous operation (`start(callback)` returns its handle) and run the loop
// until its callback ran; its result, or kTimeout when none came within `seconds`.
template <typename T, typename Start>
Result<T> run_op(core::Dispatcher& d, Start start, double seconds = 10) {
  std::optional<Result<T>> got;
  auto op = start([&](Result<T> r) { got.emplace(std::move(r)); });
  if (!run_until(d, [&] { return got.has_value(); }, seconds)) {
    return fail(ErrorCode::kTimeout, "test: no callback");
  }
  return std::move(*got);
}

// A directory under /tmp removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mwstoreXXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace mw::store::testing
