#include "fake_dns_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace mw::dns::testing {

struct FakeDnsServer::Conn {
  int fd = -1;
  core::FdEventPtr event;
  std::vector<uint8_t> in;
  std::list<core::TimerPtr> timers;
  ~Conn() {
    timers.clear();
    event.reset();
    if (fd >= 0) ::close(fd);
  }
};

namespace {

std::string name_of(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string out = s != nullptr ? s : "";
  std::free(s);
  if (!out.empty() && out.back() == '.') out.pop_back();
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void send_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

std::string FakeDnsServer::lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

FakeDnsServer::FakeDnsServer(core::Dispatcher& dispatcher) : dispatcher_(dispatcher) {
  if (const char* dir = std::getenv("MW_DNS_CAPTURE_DIR")) capture_dir_ = dir;
  // UDP on a kernel-chosen port, then TCP on the same one (retry if it is taken).
  for (int attempt = 0; attempt < 20 && !ok(); ++attempt) {
    if (udp_fd_ >= 0) ::close(udp_fd_);
    if (tcp_fd_ >= 0) ::close(tcp_fd_);
    udp_fd_ = tcp_fd_ = -1;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    udp_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (udp_fd_ < 0 || ::bind(udp_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) continue;
    socklen_t len = sizeof(sa);
    ::getsockname(udp_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
    tcp_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(tcp_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
        ::listen(tcp_fd_, 16) != 0) {
      ::close(tcp_fd_);
      tcp_fd_ = -1;
    }
  }
  if (!ok()) return;
  udp_event_ = dispatcher_.create_fd_event(udp_fd_, core::kRead, [this](uint32_t) { on_udp(); });
  accept_event_ =
      dispatcher_.create_fd_event(tcp_fd_, core::kRead, [this](uint32_t) { on_accept(); });
}

FakeDnsServer::~FakeDnsServer() {
  timers_.clear();
  conns_.clear();
  udp_event_.reset();
  accept_event_.reset();
  if (udp_fd_ >= 0) ::close(udp_fd_);
  if (tcp_fd_ >= 0) ::close(tcp_fd_);
}

bool FakeDnsServer::add(const std::string& rr_text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, rr_text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
    return false;
  }
  zone_.emplace_back(rr);
  return true;
}

int FakeDnsServer::count(const std::string& name) const {
  int n = 0;
  for (const auto& q : seen_) n += q.name == lower(name) ? 1 : 0;
  return n;
}
int FakeDnsServer::udp_count() const {
  int n = 0;
  for (const auto& q : seen_) n += q.tcp ? 0 : 1;
  return n;
}
int FakeDnsServer::tcp_count() const {
  int n = 0;
  for (const auto& q : seen_) n += q.tcp ? 1 : 0;
  return n;
}

void FakeDnsServer::capture(const std::vector<uint8_t>& bytes) {
  if (capture_dir_.empty()) return;
  std::ofstream out(capture_dir_ + "/reply-" + std::to_string(port_) + "-" +
                        std::to_string(captured_++) + ".bin",
                    std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> FakeDnsServer::to_wire(const ldns_pkt* pkt, bool record) {
  uint8_t* raw = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&raw, pkt, &size) != LDNS_STATUS_OK) return {};
  LdnsBytesPtr bytes(raw);
  std::vector<uint8_t> out(bytes.get(), bytes.get() + size);
  if (record) capture(out);
  return out;
}

LdnsPktPtr FakeDnsServer::build_answer(const ldns_pkt* query, size_t limit, bool tcp) {
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
  LdnsPktPtr reply(ldns_pkt_new());
  ldns_pkt_set_id(reply.get(), ldns_pkt_id(query));
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_rd(reply.get(), ldns_pkt_rd(query));
  ldns_pkt_set_ra(reply.get(), true);
  ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(q));
  if (ldns_pkt_edns(query)) ldns_pkt_set_edns_udp_size(reply.get(), 1232);

  ldns_rr_type type = ldns_rr_get_type(q);
  LdnsRdfPtr current(ldns_rdf_clone(ldns_rr_owner(q)));
  bool name_exists = false;
  for (int hop = 0; hop < 10; ++hop) {
    bool found = false;
    const ldns_rr* cname = nullptr;
    for (const auto& rr : zone_) {
      if (ldns_dname_compare(ldns_rr_owner(rr.get()), current.get()) != 0) continue;
      name_exists = true;
      if (ldns_rr_get_type(rr.get()) == type) {
        ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, ldns_rr_clone(rr.get()));
        found = true;
      } else if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_CNAME) {
        cname = rr.get();
      }
    }
    if (found || cname == nullptr) break;
    ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, ldns_rr_clone(cname));
    current.reset(ldns_rdf_clone(ldns_rr_rdf(cname, 0)));
    name_exists = false;
  }
  if (ldns_pkt_ancount(reply.get()) == 0 || ldns_rr_get_type(ldns_rr_list_rr(
      ldns_pkt_answer(reply.get()), ldns_pkt_ancount(reply.get()) - 1)) != type) {
    // Negative: NXDOMAIN when the (final) name has no records at all, else NODATA.
    if (!name_exists) ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NXDOMAIN);
    for (const auto& rr : zone_) {
      if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_SOA) {
        ldns_pkt_push_rr(reply.get(), LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr.get()));
        break;
      }
    }
  }
  if (!tcp && to_wire(reply.get(), false).size() > limit) {
    LdnsPktPtr cut(ldns_pkt_new());
    ldns_pkt_set_id(cut.get(), ldns_pkt_id(query));
    ldns_pkt_set_qr(cut.get(), true);
    ldns_pkt_set_tc(cut.get(), true);
    ldns_pkt_set_rd(cut.get(), ldns_pkt_rd(query));
    ldns_pkt_set_ra(cut.get(), true);
    ldns_pkt_push_rr(cut.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(q));
    return cut;
  }
  return reply;
}

std::vector<std::vector<uint8_t>> FakeDnsServer::handle(const uint8_t* data, size_t size,
                                                        bool tcp) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK) return {};
  LdnsPktPtr query(raw);
  if (ldns_pkt_qdcount(query.get()) != 1) return {};
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(query.get()), 0);
  SeenQuery seen;
  seen.name = name_of(ldns_rr_owner(q));
  seen.type = static_cast<uint16_t>(ldns_rr_get_type(q));
  seen.id = ldns_pkt_id(query.get());
  seen.tcp = tcp;
  seen.edns = ldns_pkt_edns(query.get());
  seen.edns_size = ldns_pkt_edns_udp_size(query.get());
  seen.rd = ldns_pkt_rd(query.get());
  seen_.push_back(seen);

  auto it = behaviors_.find(seen.name);
  Behavior b = it != behaviors_.end() ? it->second : default_behavior_;
  size_t limit = seen.edns ? std::max<size_t>(seen.edns_size, 512) : 512;
  auto error = [&](ldns_pkt_rcode rcode) {
    LdnsPktPtr r(ldns_pkt_new());
    ldns_pkt_set_id(r.get(), seen.id);
    ldns_pkt_set_qr(r.get(), true);
    ldns_pkt_set_rcode(r.get(), rcode);
    ldns_pkt_push_rr(r.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(q));
    return to_wire(r.get());
  };
  switch (b) {
    case Behavior::kDrop: return {};
    case Behavior::kServFail: return {error(LDNS_RCODE_SERVFAIL)};
    case Behavior::kRefused: return {error(LDNS_RCODE_REFUSED)};
    case Behavior::kNotImp: return {error(LDNS_RCODE_NOTIMPL)};
    case Behavior::kFormErrOnEdns:
      if (seen.edns) return {error(LDNS_RCODE_FORMERR)};
      break;
    case Behavior::kTruncateUdp:
      if (!tcp) limit = 0;
      break;
    default: break;
  }
  LdnsPktPtr answer = build_answer(query.get(), limit, tcp);
  std::vector<uint8_t> good = to_wire(answer.get());
  switch (b) {
    case Behavior::kWrongIdThenAnswer:
    case Behavior::kWrongIdOnly: {
      ldns_pkt_set_id(answer.get(), static_cast<uint16_t>(seen.id ^ 0x5a5a));
      std::vector<std::vector<uint8_t>> out{to_wire(answer.get())};
      if (b == Behavior::kWrongIdThenAnswer) out.push_back(good);
      return out;
    }
    case Behavior::kWrongQuestionThenAnswer: {
      LdnsPktPtr other(ldns_pkt_new());
      ldns_pkt_set_id(other.get(), seen.id);
      ldns_pkt_set_qr(other.get(), true);
      ldns_rr* oq = nullptr;
      ldns_rr_new_question_frm_str(&oq, "other.test. IN A", nullptr, nullptr);
      ldns_pkt_push_rr(other.get(), LDNS_SECTION_QUESTION, oq);
      ldns_rr* a = nullptr;
      ldns_rr_new_frm_str(&a, "other.test. 300 IN A 203.0.113.66", 0, nullptr, nullptr);
      ldns_pkt_push_rr(other.get(), LDNS_SECTION_ANSWER, a);
      return {to_wire(other.get()), good};
    }
    case Behavior::kGarbageThenAnswer: {
      std::vector<uint8_t> junk(good.begin(), good.begin() + std::min<size_t>(good.size(), 20));
      junk.push_back(0xc0);  // a dangling compression pointer
      return {junk, good};
    }
    default: return {good};
  }
}

void FakeDnsServer::on_udp() {
  uint8_t buf[65536];
  for (;;) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof(from);
    ssize_t n = ::recvfrom(udp_fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from),
                           &from_len);
    if (n < 0) return;
    auto replies = handle(buf, static_cast<size_t>(n), false);
    auto it = behaviors_.find(seen_.empty() ? std::string() : seen_.back().name);
    bool delayed = (it != behaviors_.end() ? it->second : default_behavior_) == Behavior::kDelay;
    auto send = [fd = udp_fd_, from, from_len](const std::vector<uint8_t>& r) {
      ::sendto(fd, r.data(), r.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
    };
    if (delayed && !replies.empty()) {
      timers_.push_back(dispatcher_.create_timer([send, replies] {
        for (const auto& r : replies) send(r);
      }));
      timers_.back()->enable(delay_);
      continue;
    }
    for (const auto& r : replies) send(r);
  }
}

void FakeDnsServer::on_accept() {
  for (;;) {
    int fd = ::accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    auto conn = std::make_unique<Conn>();
    conn->fd = fd;
    Conn* c = conn.get();
    conn->event = dispatcher_.create_fd_event(fd, core::kRead, [this, c](uint32_t) { on_tcp(*c); });
    conns_.push_back(std::move(conn));
  }
}

void FakeDnsServer::close_conn(Conn& conn) {
  for (auto it = conns_.begin(); it != conns_.end(); ++it) {
    if (it->get() == &conn) {
      conns_.erase(it);
      return;
    }
  }
}

void FakeDnsServer::on_tcp(Conn& conn) {
  uint8_t buf[4096];
  ssize_t n = ::recv(conn.fd, buf, sizeof(buf), MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    close_conn(conn);
    return;
  }
  if (n < 0) return;
  conn.in.insert(conn.in.end(), buf, buf + n);
  while (conn.in.size() >= 2) {
    size_t len = (size_t{conn.in[0]} << 8) | conn.in[1];
    if (conn.in.size() < len + 2) break;
    auto replies = handle(conn.in.data() + 2, len, true);
    conn.in.erase(conn.in.begin(), conn.in.begin() + static_cast<std::ptrdiff_t>(len + 2));
    std::vector<uint8_t> framed;
    for (const auto& r : replies) {
      framed.push_back(static_cast<uint8_t>(r.size() >> 8));
      framed.push_back(static_cast<uint8_t>(r.size() & 0xff));
      framed.insert(framed.end(), r.begin(), r.end());
    }
    if (framed.empty()) continue;
    // Three bytes now, the rest a little later: the client must handle partial reads.
    send_all(conn.fd, framed.data(), std::min<size_t>(3, framed.size()));
    if (framed.size() > 3) {
      int fd = conn.fd;
      std::vector<uint8_t> rest(framed.begin() + 3, framed.end());
      conn.timers.push_back(dispatcher_.create_timer([fd, rest] {
        send_all(fd, rest.data(), rest.size());
      }));
      conn.timers.back()->enable(0.005);
    }
  }
}

}  // namespace mw::dns::testing
