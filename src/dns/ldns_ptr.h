// Owning wrappers for ldns C handles (STYLE.md rule 7: wrap C handles on first contact).
//
// Every ldns object the dns module (and its tests) creates is held by one of these from the
// moment ldns returns it, so no error path can leak it.
#pragma once

#include <ldns/ldns.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace mw::dns {

struct LdnsPktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct LdnsRrFree {
  void operator()(ldns_rr* p) const { ldns_rr_free(p); }
};
struct LdnsRdfFree {
  void operator()(ldns_rdf* p) const { ldns_rdf_deep_free(p); }
};
// Buffers ldns allocates with malloc (ldns_pkt2wire output).
struct LdnsBytesFree {
  void operator()(uint8_t* p) const { std::free(p); }
};

using LdnsPktPtr = std::unique_ptr<ldns_pkt, LdnsPktFree>;
using LdnsRrPtr = std::unique_ptr<ldns_rr, LdnsRrFree>;
using LdnsRdfPtr = std::unique_ptr<ldns_rdf, LdnsRdfFree>;
using LdnsBytesPtr = std::unique_ptr<uint8_t, LdnsBytesFree>;

}  // namespace mw::dns
