// Fuzz target: the milter frame decoder, command decoding and the session state machine
// (proto/milter). Everything an MTA (or anything that connects to the milter port) sends
// goes through them. Checks: no crash/hang/overread; the session's replies are well-formed
// packets; a collected message respects max_message_size; the reply encoder never emits a
// packet the decoder cannot frame.
// Input: the first byte picks the piece size, whether a valid OPTNEG is put in front (to
// reach the deeper states) and how the sink answers (at once, later, never).
// Seeds: test/fuzz/corpus/milter/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/milter/codec.h"
#include "proto/milter/session.h"

namespace {

using namespace mw::proto::milter;  // NOLINT

void check_replies(std::string_view bytes) {
  FrameDecoder d(1u << 30);
  d.append(bytes);
  while (true) {
    auto f = d.next();
    if (!f) __builtin_trap();  // we produced an unframeable packet
    if (!f->has_value()) break;
  }
  if (d.buffered() != 0) __builtin_trap();
}

std::vector<Action> actions_for(const Message& m, uint8_t mode) {
  std::vector<Action> a;
  std::string_view data = m.data;
  std::string piece(data.substr(0, std::min<size_t>(data.size(), 200)));
  a.push_back(Action::add_header("X-Fuzz", piece));
  a.push_back(Action::insert_header(static_cast<uint32_t>(m.headers.size()), "X-Ins", piece));
  if (!m.headers.empty()) a.push_back(Action::delete_header(m.headers[0].name, 1));
  a.push_back(Action::change_from(m.mail_from.empty() ? "<>" : m.mail_from, piece));
  for (const auto& r : m.recipients) {
    a.push_back(Action::del_rcpt(r.address.empty() ? "x" : r.address));
  }
  a.push_back(Action::quarantine(piece));
  if (mode & 1) a.push_back(Action::replace_body(std::string(data.substr(m.body_offset))));
  switch (mode % 4) {
    case 0:
      a.push_back(Action::reply_code(500 + static_cast<int>(data.size() % 100), "5.7.1", piece));
      break;
    case 1:
      a.push_back(Action::reply_code(451, std::string(piece.substr(0, 5)), piece));
      break;
    case 2:
      a.push_back(Action::discard());
      break;
    default:
      break;  // accept is added
  }
  return a;
}

class Sink : public SessionSink {
 public:
  Session* session = nullptr;
  std::string* out = nullptr;
  uint8_t mode = 0;
  size_t cap = 0;
  int pending = 0;
  void on_message(Message&& m) override {
    if (m.data.size() > cap) __builtin_trap();
    if (m.body_offset > m.data.size()) __builtin_trap();
    (void)m.macro("i");
    (void)m.macro("{auth_authen}");
    (void)m.sender();
    if ((mode & 0x30) == 0x30) {  // never answer
      ++pending;
      return;
    }
    if (!session->reply(actions_for(m, mode), *out)) __builtin_trap();
  }
  void on_abort() override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t ctl = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

  // 1. Raw framing and decoding of every packet.
  {
    FrameDecoder d(4096);
    d.append(in);
    for (int i = 0; i < 100000; ++i) {
      auto f = d.next();
      if (!f || !f->has_value()) break;
      auto c = decode(**f);
      (void)c;
    }
  }

  // 2. The session, optionally behind a valid negotiation.
  mw::core::Logger logger(mw::core::LogLevel::kSilent);
  mw::proto::MilterOptions limits;
  limits.max_frame_size = 4096;
  limits.max_message_size = 2048;
  limits.max_recipients = 8;
  Sink sink;
  SessionOptions opts;
  if (ctl & 0x80) opts.macro_requests = {{MacroStage::kConnect, "{client_addr}"}};
  Session session(limits, opts, sink, logger);
  std::string out;
  sink.session = &session;
  sink.out = &out;
  sink.mode = ctl;
  sink.cap = limits.max_message_size;
  std::string stream;
  if (ctl & 0x40) {
    std::string neg;
    neg.append("\0\0\0\x0dO\0\0\0\x06\0\0\x01\xff\0\x1f\xff\xff", 17);
    stream += neg;
  }
  stream.append(in);
  size_t stride = static_cast<size_t>(ctl & 0x0f) + 1;
  for (size_t i = 0; i < stream.size(); i += stride) {
    if (!session.feed(std::string_view(stream).substr(i, stride), out)) break;
    if (session.finished()) break;
    if ((ctl & 0x30) == 0x20 && session.awaiting_reply()) {  // answer late
      session.progress(out);
      session.reply({Action::accept()}, out);
    }
  }
  check_replies(out);
  return 0;
}
