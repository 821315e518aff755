// CPtr: a std::unique_ptr for an object of a C library that one function frees.
//
//   using BioPtr = core::CPtr<BIO, BIO_free>;          // BIO_free(p) when it goes
//   using BytesPtr = core::CPtr<uint8_t, std::free>;   // malloc'ed buffers
//
// The free function is called with the pointer (never with null: unique_ptr skips that);
// what it returns is ignored. Where the library's header must stay out of our header (a
// forward-declared type), declare a deleter struct and define it in the .cpp instead.
// Ownership: unique_ptr's. Loop affinity: none.
#pragma once

#include <memory>

namespace mw::core {

template <auto Free>
struct CallFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

template <class T, auto Free>
using CPtr = std::unique_ptr<T, CallFree<Free>>;

}  // namespace mw::core
