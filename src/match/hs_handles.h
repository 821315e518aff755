// Owning wrappers for Hyperscan handles (STYLE rule 7: wrap C handles on first contact).
// Private to src/match; hs_fwd.h has the ones public headers need.
#pragma once

#include <hs/hs.h>

#include <cstdlib>
#include <memory>

#include "core/c_ptr.h"
#include "match/hs_fwd.h"

namespace mw::match {

using HsCompileErrorPtr = core::CPtr<hs_compile_error_t, hs_free_compile_error>;
// Memory Hyperscan allocates with its misc allocator (malloc: we never install another):
// serialized databases, info strings, expression info.
template <typename T>
using HsMiscPtr = core::CPtr<T, std::free>;

// Hyperscan error code as text ("HS_NOMEM").
const char* hs_error_name(hs_error_t rc);

}  // namespace mw::match
