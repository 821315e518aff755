// The MTA side of milter conversations for tests: packet builders, a Postfix-like message
// splitter, and a reader for the filter's reply packets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/milter/codec.h"

namespace mw::proto::milter::test {

inline std::string be32(uint32_t v) {
  std::string s;
  s.push_back(static_cast<char>(v >> 24));
  s.push_back(static_cast<char>(v >> 16));
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v));
  return s;
}

inline std::string packet(char cmd, std::string_view data = {}) {
  std::string out;
  append_frame(out, cmd, data);
  return out;
}

inline std::string cstr(std::string_view s) { return std::string(s) + '\0'; }

inline std::string optneg(uint32_t version = 6, uint32_t actions = 0x1ff,
                          uint32_t protocol = 0x1fffff) {
  return packet('O', be32(version) + be32(actions) + be32(protocol));
}
inline std::string macros(char stage, const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string d(1, stage);
  for (const auto& [k, v] : kv) d += cstr(k) + cstr(v);
  return packet('D', d);
}
inline std::string connect(std::string_view host, char family, uint16_t port,
                           std::string_view addr) {
  std::string d = cstr(host);
  d.push_back(family);
  if (family != 'U') {
    d.push_back(static_cast<char>(port >> 8));
    d.push_back(static_cast<char>(port & 0xff));
    d += cstr(addr);
  }
  return packet('C', d);
}
inline std::string helo(std::string_view name) { return packet('H', cstr(name)); }
inline std::string mail(std::string_view addr, const std::vector<std::string>& args = {}) {
  std::string d = cstr(addr);
  for (const auto& a : args) d += cstr(a);
  return packet('M', d);
}
inline std::string rcpt(std::string_view addr, const std::vector<std::string>& args = {}) {
  std::string d = cstr(addr);
  for (const auto& a : args) d += cstr(a);
  return packet('R', d);
}
inline std::string header(std::string_view name, std::string_view value) {
  return packet('L', cstr(name) + cstr(value));
}
inline std::string data() { return packet('T'); }
inline std::string eoh() { return packet('N'); }
inline std::string body(std::string_view chunk) { return packet('B', chunk); }
inline std::string eob() { return packet('E'); }
inline std::string abort_() { return packet('A'); }
inline std::string quit() { return packet('Q'); }
inline std::string quit_nc() { return packet('K'); }

// What Postfix sends for a CRLF message (milter8.c): each header as name and the value after
// the colon (one leading space eaten unless `leading_space` was negotiated), folded lines
// joined by LF; then EOH and the body in 65535-byte chunks.
inline std::string postfix_message(std::string_view message, bool leading_space) {
  std::string out;
  size_t split = message.find("\r\n\r\n");
  std::string_view head = message.substr(0, split + 2);
  std::string_view bodyv = split == std::string_view::npos ? std::string_view()
                                                           : message.substr(split + 4);
  // Split the head into fields (a line starting with SP/HT continues the field).
  std::vector<std::string> fields;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end - pos);
    if (!fields.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      fields.back() += "\n";
      fields.back() += line;
    } else {
      fields.emplace_back(line);
    }
    pos = end + 2;
  }
  for (const auto& f : fields) {
    size_t colon = f.find(':');
    std::string name = f.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    std::string value = f.substr(colon + 1);
    if (!leading_space && !value.empty() && value[0] == ' ') value.erase(0, 1);
    out += header(name, value);
  }
  out += eoh();
  while (!bodyv.empty()) {
    size_t n = std::min<size_t>(bodyv.size(), 65535);
    out += body(bodyv.substr(0, n));
    bodyv.remove_prefix(n);
  }
  return out;
}

// Reply packets from the filter, as (command, data).
inline std::vector<std::pair<char, std::string>> replies(std::string_view bytes) {
  std::vector<std::pair<char, std::string>> out;
  FrameDecoder d(1u << 30);
  d.append(bytes);
  while (true) {
    auto f = d.next();
    if (!f || !f->has_value()) break;
    out.emplace_back((*f)->command, std::string((*f)->data));
  }
  return out;
}

inline std::string commands(const std::vector<std::pair<char, std::string>>& r) {
  std::string s;
  for (const auto& p : r) s.push_back(p.first);
  return s;
}

inline std::string to_crlf(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace mw::proto::milter::test
