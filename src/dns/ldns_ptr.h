// Owning wrappers for ldns C handles (STYLE.md rule 7: wrap C handles on first contact).
//
// Every ldns object the dns module (and its tests) creates is held by one of these from the
// moment ldns returns it, so no error path can leak it.
#pragma once

#include <ldns/ldns.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/c_ptr.h"

namespace mw::dns {

using LdnsPktPtr = core::CPtr<ldns_pkt, ldns_pkt_free>;
using LdnsRrPtr = core::CPtr<ldns_rr, ldns_rr_free>;
using LdnsRdfPtr = core::CPtr<ldns_rdf, ldns_rdf_deep_free>;
// Buffers ldns allocates with malloc (ldns_pkt2wire output).
using LdnsBytesPtr = core::CPtr<uint8_t, std::free>;

}  // namespace mw::dns
