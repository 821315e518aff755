#include "maps/map.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unordered_map>

#include "core/ascii.h"
#include "core/ip_address.h"
#include "match/match_set.h"
#include "match/pattern.h"
#include "match/pattern_set.h"
#include "match/scratch.h"

namespace mw::maps {

namespace {

using std::string_view;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

string_view trim(string_view s) { return core::trim_if(s, is_blank); }

struct Line {
  string_view key;
  string_view value;
  size_t number = 0;
};

// Where a "/re/flags" key ends: the first '/' followed by flag letters and a blank (or the
// end of the line); npos when there is none.
size_t regexp_key_end(string_view s) {
  for (size_t j = 1; j < s.size(); ++j) {
    if (s[j] != '/') continue;
    size_t k = j + 1;
    while (k < s.size() && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z'))) ++k;
    if (k == s.size() || is_blank(s[k])) return k;
  }
  return string_view::npos;
}

// Split map text into entries. Comments: '#' at the start of a line or after a blank.
void split_lines(string_view text, bool regexp, std::vector<Line>& out) {
  size_t pos = 0, number = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == string_view::npos) nl = text.size();
    string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    Line l;
    l.number = number;
    size_t key_end;
    if (line.front() == '"') {
      size_t close = line.find('"', 1);
      if (close == string_view::npos) close = line.size();
      l.key = line.substr(1, close - 1);
      key_end = close + 1;
    } else if (regexp && line.front() == '/' && regexp_key_end(line) != string_view::npos) {
      key_end = regexp_key_end(line);
      l.key = line.substr(0, key_end);
    } else {
      key_end = 0;
      while (key_end < line.size() && !is_blank(line[key_end])) ++key_end;
      l.key = line.substr(0, key_end);
    }
    string_view rest = key_end < line.size() ? line.substr(key_end) : string_view();
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '#' && (i == 0 || is_blank(rest[i - 1]))) {
        rest = rest.substr(0, i);
        break;
      }
    }
    l.value = trim(rest);
    out.push_back(l);
  }
}

std::string where(const std::string& origin, size_t line) {
  return origin + ":" + std::to_string(line);
}

// ---------------------------------------------------------------------------------------
// IP networks: one hash table per prefix length, longest first.

struct Addr {
  uint64_t hi = 0, lo = 0;
  bool operator==(const Addr&) const = default;
};
struct AddrHash {
  size_t operator()(const Addr& a) const { return std::hash<uint64_t>()(a.hi * 31 + a.lo); }
};

// An address (brackets allowed) as 128 bits, IPv4 at ::ffff:0:0/96; `bits` is 32 for IPv4
// text and 128 for IPv6 text.
bool parse_ip(string_view text, Addr& out, int& bits) {
  auto ip = core::IpAddress::parse(text, /*brackets=*/true);
  if (!ip) return false;
  uint8_t a[16] = {0};
  if (ip->is_v4()) {
    a[10] = a[11] = 0xff;
    std::memcpy(a + 12, ip->bytes.data(), 4);
    bits = 32;
  } else {
    std::memcpy(a, ip->bytes.data(), 16);
    bits = 128;
  }
  out = Addr{};
  for (int i = 0; i < 8; ++i) out.hi = (out.hi << 8) | a[i];
  for (int i = 8; i < 16; ++i) out.lo = (out.lo << 8) | a[i];
  return true;
}

Addr mask(Addr a, int prefix) {
  if (prefix <= 0) return Addr{};
  if (prefix < 64) {
    a.hi &= ~uint64_t{0} << (64 - prefix);
    a.lo = 0;
  } else if (prefix < 128) {
    a.lo &= prefix == 64 ? 0 : ~uint64_t{0} << (128 - prefix);
  }
  return a;
}

class IpData final : public MapData {
 public:
  Status add(string_view key, string_view value) {
    string_view addr = key;
    int prefix = -1;
    auto slash = key.find('/');
    if (slash != string_view::npos) {
      addr = key.substr(0, slash);
      string_view p = key.substr(slash + 1);
      if (p.empty() || p.size() > 3) return fail(ErrorCode::kInvalidInput, "bad prefix");
      prefix = 0;
      for (char c : p) {
        if (c < '0' || c > '9') return fail(ErrorCode::kInvalidInput, "bad prefix");
        prefix = prefix * 10 + (c - '0');
      }
    }
    Addr a;
    int bits = 0;
    if (!parse_ip(addr, a, bits)) return fail(ErrorCode::kInvalidInput, "bad address");
    if (prefix < 0) prefix = bits;
    if (prefix > bits) return fail(ErrorCode::kInvalidInput, "prefix too long");
    if (bits == 32) prefix += 96;  // IPv4 lives at ::ffff:0:0/96
    auto it = std::find_if(tables_.begin(), tables_.end(),
                           [prefix](const Table& t) { return t.prefix == prefix; });
    if (it == tables_.end()) {
      tables_.push_back(Table{prefix, {}});
      std::sort(tables_.begin(), tables_.end(),
                [](const Table& x, const Table& y) { return x.prefix > y.prefix; });
      it = std::find_if(tables_.begin(), tables_.end(),
                        [prefix](const Table& t) { return t.prefix == prefix; });
    }
    auto [pos, inserted] = it->entries.emplace(mask(a, prefix), static_cast<uint32_t>(values_.size()));
    if (inserted) {
      values_.emplace_back(value);
      ++count_;
    }
    return {};
  }

  std::optional<string_view> find(string_view key, match::Scratch*) const override {
    Addr a;
    int bits = 0;
    if (!parse_ip(key, a, bits)) return std::nullopt;
    for (const Table& t : tables_) {
      auto it = t.entries.find(mask(a, t.prefix));
      if (it != t.entries.end()) return string_view(values_[it->second]);
    }
    return std::nullopt;
  }
  size_t size() const override { return count_; }

 private:
  struct Table {
    int prefix;
    std::unordered_map<Addr, uint32_t, AddrHash> entries;
  };
  std::vector<Table> tables_;
  std::vector<std::string> values_;
  size_t count_ = 0;
};

// ---------------------------------------------------------------------------------------
// Strings: exact (hash), domains (and their subdomains), addresses.

class StringData final : public MapData {
 public:
  explicit StringData(MapKind kind) : kind_(kind) {}

  Status add(string_view key, string_view value) {
    std::string k = core::to_lower(key);
    if (kind_ == MapKind::kDomain) {
      if (k.rfind("*.", 0) == 0) k.erase(0, 2);
      while (!k.empty() && k.front() == '.') k.erase(0, 1);
      while (!k.empty() && k.back() == '.') k.pop_back();
      if (k.empty() || k.find_first_of("@/ ") != std::string::npos) {
        return fail(ErrorCode::kInvalidInput, "bad domain");
      }
    } else if (kind_ == MapKind::kEmail) {
      if (k.find('@') == std::string::npos) k = "@" + k;  // a bare domain: the whole domain
      if (k.size() < 2 || k.find('@') != k.rfind('@')) {
        return fail(ErrorCode::kInvalidInput, "bad address");
      }
    }
    entries_.emplace(std::move(k), std::string(value));
    return {};
  }

  // Keys are lower-cased once, when added; a looked-up key is copied only when it has
  // upper-case letters, and the lookups take views (no string per label or address).
  std::optional<string_view> find(string_view key, match::Scratch*) const override {
    std::string lowered;
    string_view k = key;
    if (core::has_upper(key)) k = lowered = core::to_lower(key);
    if (kind_ == MapKind::kDomain) {
      while (!k.empty() && k.back() == '.') k.remove_suffix(1);
      string_view name = k;
      while (!name.empty()) {
        auto it = entries_.find(name);
        if (it != entries_.end()) return string_view(it->second);
        auto dot = name.find('.');
        if (dot == string_view::npos) break;
        name.remove_prefix(dot + 1);
      }
      return std::nullopt;
    }
    auto it = entries_.find(k);
    if (it != entries_.end()) return string_view(it->second);
    if (kind_ == MapKind::kEmail) {
      auto at = k.rfind('@');
      if (at != string_view::npos) {
        it = entries_.find(k.substr(at));
        if (it != entries_.end()) return string_view(it->second);
      }
    }
    return std::nullopt;
  }
  size_t size() const override { return entries_.size(); }

 private:
  // Transparent: find() takes a string_view.
  struct ViewHash {
    using is_transparent = void;
    size_t operator()(string_view s) const { return std::hash<string_view>()(s); }
  };
  MapKind kind_;
  std::unordered_map<std::string, std::string, ViewHash, std::equal_to<>> entries_;
};

// Addresses and names in one list.
class HostData final : public MapData {
 public:
  Status add(string_view key, string_view value) {
    Addr a;
    int bits = 0;
    string_view addr = key.substr(0, key.find('/'));
    if (parse_ip(addr, a, bits)) return ips_.add(key, value);
    return names_.add(key, value);
  }
  std::optional<string_view> find(string_view key, match::Scratch* s) const override {
    Addr a;
    int bits = 0;
    return parse_ip(key, a, bits) ? ips_.find(key, s) : names_.find(key, s);
  }
  size_t size() const override { return ips_.size() + names_.size(); }

 private:
  IpData ips_;
  StringData names_{MapKind::kDomain};
};

// ---------------------------------------------------------------------------------------
// Regexps and globs: one PatternSet.

std::string glob_to_regexp(string_view glob) {
  std::string re = "^";
  for (char c : glob) {
    switch (c) {
      case '*': re += ".*"; break;
      case '?': re += '.'; break;
      case '\\': case '.': case '+': case '(': case ')': case '[': case ']': case '{':
      case '}': case '^': case '$': case '|': case '/':
        re += '\\';
        re += c;
        break;
      default: re += c; break;
    }
  }
  return re + "$";
}

class PatternData final : public MapData {
 public:
  std::optional<string_view> find(string_view key, match::Scratch* scratch) const override {
    if (scratch == nullptr || !set_) return std::nullopt;
    match::MatchSet ms = set_->make_match_set();
    (void)set_->scan(key, *scratch, ms);
    for (size_t i = 0; i < values_.size(); ++i) {
      if (ms.test(i)) return string_view(values_[i]);
    }
    return std::nullopt;
  }
  void find_all(string_view key, match::Scratch* scratch,
                std::vector<string_view>& out) const override {
    if (scratch == nullptr || !set_) return;
    match::MatchSet ms = set_->make_match_set();
    (void)set_->scan(key, *scratch, ms);
    for (size_t i = 0; i < values_.size(); ++i) {
      if (ms.test(i)) out.emplace_back(values_[i]);
    }
  }
  size_t size() const override { return values_.size(); }

  match::PatternSetPtr set_;
  std::vector<std::string> values_;
};

}  // namespace

Result<MapKind> parse_map_kind(std::string_view name, bool* multi) {
  std::string n = core::to_lower(name);
  if (multi != nullptr) *multi = n == "regexp_multi" || n == "glob_multi";
  if (n == "ip" || n == "radix") return MapKind::kIp;
  if (n == "domain") return MapKind::kDomain;
  if (n == "email") return MapKind::kEmail;
  if (n == "hash" || n == "set" || n == "map" || n == "string") return MapKind::kHash;
  if (n == "regexp" || n == "regexp_multi") return MapKind::kRegexp;
  if (n == "glob" || n == "glob_multi") return MapKind::kGlob;
  if (n == "host") return MapKind::kHost;
  return fail(ErrorCode::kInvalidInput, "unknown map type '" + std::string(name) +
                                            "' (ip, domain, email, hash, regexp, glob, host)");
}

std::string_view map_kind_name(MapKind kind) {
  switch (kind) {
    case MapKind::kIp: return "ip";
    case MapKind::kDomain: return "domain";
    case MapKind::kEmail: return "email";
    case MapKind::kHash: return "hash";
    case MapKind::kRegexp: return "regexp";
    case MapKind::kGlob: return "glob";
    case MapKind::kHost: return "host";
  }
  return "hash";
}

Result<MapDataPtr> build_map_data(MapKind kind,
                                  const std::vector<std::pair<std::string, std::string>>& sources,
                                  const MapLimits& limits, core::Logger& logger) {
  bool patterns = kind == MapKind::kRegexp || kind == MapKind::kGlob;
  std::vector<Line> lines;
  auto fill = [&](auto& data) -> Status {
    for (const auto& [origin, text] : sources) {
      lines.clear();
      split_lines(text, false, lines);
      for (const Line& l : lines) {
        auto st = data.add(l.key, l.value);
        if (!st) {
          return fail(ErrorCode::kInvalidInput, where(origin, l.number) + ": " +
                                                    st.error().message + " '" +
                                                    std::string(l.key) + "'");
        }
      }
    }
    return {};
  };
  if (kind == MapKind::kHost) {
    auto data = std::make_shared<HostData>();
    MW_TRY(fill(*data));
    return MapDataPtr(std::move(data));
  }
  if (kind == MapKind::kIp) {
    auto data = std::make_shared<IpData>();
    MW_TRY(fill(*data));
    return MapDataPtr(std::move(data));
  }
  if (!patterns) {
    auto data = std::make_shared<StringData>(kind);
    MW_TRY(fill(*data));
    return MapDataPtr(std::move(data));
  }
  auto data = std::make_shared<PatternData>();
  std::vector<match::Pattern> list;
  std::vector<std::string> where_of;
  for (const auto& [origin, text] : sources) {
    lines.clear();
    split_lines(text, kind == MapKind::kRegexp, lines);
    for (const Line& l : lines) {
      match::Pattern p;
      if (kind == MapKind::kGlob) {
        p.source = glob_to_regexp(l.key);
        p.flags = match::kCaseless | match::kDotall;
      } else {
        auto parsed = match::parse_pattern(l.key);
        if (!parsed) {
          return fail(ErrorCode::kInvalidInput,
                      where(origin, l.number) + ": " + parsed.error().message);
        }
        p = *parsed;
      }
      list.push_back(std::move(p));
      data->values_.emplace_back(l.value);
      where_of.push_back(where(origin, l.number));
    }
  }
  if (!list.empty()) {
    match::Compiler compiler(limits.match, logger);
    auto set = compiler.build("map", std::move(list));
    if (!set) return fail(set.error());
    for (size_t i = 0; i < (*set)->size(); ++i) {
      if ((*set)->engine(i) == match::Engine::kInvalid) {
        return fail(ErrorCode::kInvalidInput,
                    where_of[i] + ": bad regexp: " + (*set)->note(i));
      }
    }
    data->set_ = std::move(*set);
  }
  return MapDataPtr(std::move(data));
}

Map::FileState Map::stat_file(const std::string& path) {
  FileState s;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

Result<MapDataPtr> Map::read(std::vector<FileState>& states, bool first) {
  std::vector<std::pair<std::string, std::string>> sources;
  states.clear();
  for (const auto& f : spec_.files) {
    FileState st = stat_file(f);
    states.push_back(st);
    if (!st.exists) {
      if (first) logger_.warn("maps", spec_.name + ": " + f + " does not exist (empty for now)");
      continue;
    }
    if (static_cast<uint64_t>(st.size) > limits_.max_file_size) {
      return fail(ErrorCode::kIo, f + ": larger than maps.max_file_size");
    }
    std::ifstream in(f, std::ios::binary);
    if (!in) return fail(ErrorCode::kIo, f + ": cannot be read");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > limits_.max_file_size) {
      return fail(ErrorCode::kIo, f + ": larger than maps.max_file_size");
    }
    sources.emplace_back(f, std::move(text));
  }
  if (!spec_.entries.empty()) {
    std::string joined;
    for (const auto& e : spec_.entries) joined += e + "\n";
    sources.emplace_back(spec_.name, std::move(joined));
  }
  return build_map_data(spec_.kind, sources, limits_, logger_);
}

Result<std::unique_ptr<Map>> Map::load(MapSpec spec, const MapLimits& limits,
                                       core::Logger& logger) {
  for (auto& f : spec.files) {
    if (f.rfind("file://", 0) == 0) f.erase(0, 7);
  }
  std::unique_ptr<Map> m(new Map(std::move(spec), limits, logger));
  auto data = m->read(m->states_, true);
  if (!data) return fail(data.error().code, m->spec_.name + ": " + data.error().message);
  m->data_ = std::move(*data);
  m->generation_ = 1;
  return m;
}

bool Map::reload_if_changed() {
  std::vector<FileState> now;
  now.reserve(spec_.files.size());
  bool changed = false, vanished = false;
  for (size_t i = 0; i < spec_.files.size(); ++i) {
    now.push_back(stat_file(spec_.files[i]));
    if (!(now[i] == states_[i])) changed = true;
    if (states_[i].exists && !now[i].exists) vanished = true;
  }
  if (!changed) return false;
  if (vanished) {
    logger_.warn("maps", spec_.name + ": a file disappeared; keeping the previous contents");
    states_ = std::move(now);
    return false;
  }
  std::vector<FileState> read_states;
  auto data = read(read_states, false);
  states_ = std::move(read_states);
  if (!data) {
    logger_.error("maps", spec_.name + ": " + data.error().message +
                              "; keeping the previous contents");
    return false;
  }
  data_ = std::move(*data);
  ++generation_;
  logger_.info("maps", spec_.name + ": reloaded, " + std::to_string(data_->size()) + " entries");
  return true;
}

}  // namespace mw::maps
