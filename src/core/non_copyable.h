// NonCopyable: a base for classes whose objects are neither copied nor moved (they own a
// C library handle, an event base, ICU objects, or are pointed at by callbacks).
//
//   class Parser : core::NonCopyable { ... };
//
// Deriving deletes the derived class's copy constructor and copy assignment; as the base
// declares no move operations, moves fall back to those deleted copies and are refused too.
// A class that should be movable declares its own move operations instead of deriving.
// Empty; the derived class keeps its size (empty base). Loop affinity: none.
#pragma once

namespace mw::core {

class NonCopyable {
 public:
  NonCopyable(const NonCopyable&) = delete;
  NonCopyable& operator=(const NonCopyable&) = delete;

 protected:
  NonCopyable() = default;
  ~NonCopyable() = default;
};

}  // namespace mw::core
