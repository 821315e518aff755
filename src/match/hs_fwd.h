// Forward declarations of the Hyperscan handles held by public match types, with their
// deleters, so that public headers do not include <hs/hs.h>.
#pragma once

#include <memory>

struct hs_database;
struct hs_scratch;

namespace mw::match {

struct HsDatabaseDeleter {
  void operator()(hs_database* db) const;
};
struct HsScratchDeleter {
  void operator()(hs_scratch* scratch) const;
};

using HsDatabasePtr = std::unique_ptr<hs_database, HsDatabaseDeleter>;
using HsScratchPtr = std::unique_ptr<hs_scratch, HsScratchDeleter>;

}  // namespace mw::match
