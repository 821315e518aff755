// Owning wrappers for Hyperscan handles (STYLE rule 7: wrap C handles on first contact).
// Private to src/match; hs_fwd.h has the ones public headers need.
#pragma once

#include <hs/hs.h>

#include <cstdlib>
#include <memory>

#include "match/hs_fwd.h"

namespace mw::match {

struct HsCompileErrorDeleter {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
// Memory Hyperscan allocates with its misc allocator (malloc: we never install another):
// serialized databases, info strings, expression info.
struct HsMiscDeleter {
  void operator()(void* p) const { std::free(p); }
};

using HsCompileErrorPtr = std::unique_ptr<hs_compile_error_t, HsCompileErrorDeleter>;
template <typename T>
using HsMiscPtr = std::unique_ptr<T, HsMiscDeleter>;

// Hyperscan error code as text ("HS_NOMEM").
const char* hs_error_name(hs_error_t rc);

}  // namespace mw::match
