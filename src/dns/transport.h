// Attempt: one try of a query against one name server, over UDP or TCP. Internal to the
// resolver (dns/udp_resolver.cpp); not part of the module's public contract.
//
// UDP: a fresh non-blocking socket connected to the server, so the kernel picks a random
// source port and drops datagrams from other addresses. Every datagram that arrives is
// handed to the listener, which decides whether it answers the question.
// TCP (RFC 1035 section 4.2.2, RFC 7766): a non-blocking connection; the query is written with
// its 2-byte length prefix, partial writes resumed on writability; replies are reassembled
// from partial reads and every complete framed message is handed to the listener.
//
// Ownership: an Attempt owns its socket and its fd event; destroying it closes both. The
// listener is not owned and must outlive the attempt. The scratch buffer (UDP receives) is
// owned by the resolver and shared by its attempts.
// Loop affinity: the Dispatcher given to start().
// Reentrancy: a listener callback may destroy the Attempt that called it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/fd.h"
#include "core/loop.h"
#include "core/result.h"
#include "dns/resolver_config.h"

namespace mw::dns {

class Attempt;

class AttemptListener {
 public:
  virtual ~AttemptListener() = default;
  // One complete DNS message arrived. The bytes are valid only during the call.
  virtual void on_message(Attempt& attempt, std::span<const uint8_t> message) = 0;
  // The transport failed (`err` is an errno value: ECONNREFUSED after an ICMP unreachable,
  // ECONNRESET when a TCP peer closed before answering, ...). No more messages will come.
  virtual void on_transport_error(Attempt& attempt, int err) = 0;
};

enum class Transport : uint8_t { kUdp, kTcp };

class Attempt {
 public:
  // Open the socket and send `query` (UDP) or start connecting (TCP).
  // Result: the running attempt; kIo when the socket cannot be created, connected or
  // written synchronously (the errno text is in the message).
  static Result<std::unique_ptr<Attempt>> start(core::Dispatcher& dispatcher, Transport transport,
                                                const Nameserver& server, size_t server_index,
                                                uint16_t id, bool edns,
                                                std::span<const uint8_t> query,
                                                std::vector<uint8_t>& scratch,
                                                AttemptListener& listener);
  ~Attempt();
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  uint16_t id() const { return id_; }
  size_t server_index() const { return server_index_; }
  Transport transport() const { return transport_; }
  bool edns() const { return edns_; }

 private:
  Attempt(Transport transport, size_t server_index, uint16_t id, bool edns,
          std::vector<uint8_t>& scratch, AttemptListener& listener);
  void on_events(uint32_t events);
  void udp_send();
  void udp_read();
  void tcp_write();
  void tcp_read();
  void fail(int err);
  void watch(uint32_t events);

  core::Dispatcher* dispatcher_ = nullptr;
  Transport transport_;
  size_t server_index_;
  uint16_t id_;
  bool edns_;
  core::UniqueFd fd_;
  bool connected_ = false;
  uint32_t watching_ = 0;
  core::FdEventPtr event_;
  std::vector<uint8_t> out_;      // bytes still to send
  size_t out_pos_ = 0;
  std::vector<uint8_t> in_;       // TCP reassembly buffer
  std::vector<uint8_t>& scratch_;
  AttemptListener& listener_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // reentrancy guard
};

}  // namespace mw::dns
