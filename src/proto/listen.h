// Listening sockets the master binds before forking workers.
//   "127.0.0.1:11333", "[::1]:11333", "localhost:11333" (resolved), "/run/mailward.sock"
#pragma once

#include <string>

#include "core/result.h"

namespace mw::proto {

// Bind and listen; returns the fd (close-on-exec, non-blocking). kIo with the reason when the
// address is in use or not allowed; kInvalidInput for a malformed address.
Result<int> bind_listener(const std::string& address, int backlog = 1024);
// The "host:port" actually bound (port 0 asks the kernel for a free port).
std::string bound_address(int fd);

}  // namespace mw::proto
