// The relay chain of a message as seen from our side: the Received hops (mime/received.h)
// read top-down, which of them our own hosts added, and the first relay outside them.
//
// Trust (Rspamd's `local_addrs` idea): a hop whose client IP is in the trusted networks
// (options.local_networks plus received.trusted_networks) was handed over by one of our
// hosts, so the hop below it was written by our infrastructure too. Walking down from the
// top, hops of local processes (no client, or "with local") are passed over; the first hop
// whose client is outside the trusted networks is the first untrusted relay: the host that
// handed the message to us. What lies below it was written by others and can be forged.
//
// The envelope hop ("artificial", as Rspamd calls it): when the MTA gave the client IP and
// the topmost Received field does not record that IP (the MTA had not added its own field
// yet, as with a milter before the DATA phase ends), the envelope itself is the first hop:
// IP, HELO and host name from the request.
//
// fill_envelope_from_received: a request without a client IP (a stored message scanned
// from the command line, an MTA that does not pass it) gets the first untrusted relay's IP,
// and its HELO and reverse-DNS name when the request has none, so that SPF, RBL and HELO
// checks see the real sender (received.fill_envelope).
//
// Ownership: a RelayChain holds views (HELO, host name) into the message and the envelope it
// was built from (both must outlive it); IPs are copies. Loop affinity: none. Failure modes: none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mime/message.h"
#include "scan/envelope.h"
#include "scan/settings.h"

namespace mw::scan {

struct Relay {
  int index = -1;            // index in Message::received; -1 for the envelope hop
  std::string ip;            // canonical text, may be empty
  std::string_view helo;
  std::string_view rdns;     // reverse-DNS name ("" when none or unknown)
  bool rdns_absent = false;  // the MTA said there is none ("unknown")
  bool artificial = false;   // the envelope hop
  bool trusted = false;      // added by / handed over from our own hosts
};

class RelayChain {
 public:
  // `message` may be null (no parsed message: only the envelope hop).
  static RelayChain build(const Envelope& env, const mime::Message* message,
                          const IpNetworks& trusted);

  // Every hop in order: the envelope hop first when there is one, then the Received fields.
  const std::vector<Relay>& relays() const { return relays_; }
  // The first relay outside the trusted networks (null when every hop is ours or the chain
  // ends before one is found). Its IP may be empty when the hop records none.
  const Relay* first_untrusted() const {
    return first_untrusted_ < 0 ? nullptr : &relays_[static_cast<size_t>(first_untrusted_)];
  }
  int first_untrusted_position() const { return first_untrusted_; }

 private:
  std::vector<Relay> relays_;
  int first_untrusted_ = -1;
};

// Canonical text of an IP ("::ffff:192.0.2.1" -> "192.0.2.1", brackets removed), or "" when
// `text` is not an address.
std::string canonical_ip(std::string_view text);

// When env.ip is empty: take the first untrusted relay's IP (and its HELO and host name when
// the envelope has none) and set env.ip_from_received. Returns true when it did.
bool fill_envelope_from_received(const mime::Message& message, const IpNetworks& trusted,
                                 Envelope& env);

}  // namespace mw::scan
