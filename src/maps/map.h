// Maps: lists an operator keeps in files (IP networks, domains, addresses, strings, regexps,
// globs), looked up by rules and modules, reloaded when a file changes.
//
// File format (Rspamd's): one entry per line, `KEY [VALUE]`; blank lines and comments
// (`#` at the start of a line or after a blank) are skipped; a key with blanks is written in
// double quotes. The value is the rest of the line, trimmed ("" when none). Per kind:
//   kIp       "192.0.2.1", "192.0.2.0/24", "2001:db8::/32"; the longest prefix wins; IPv4-
//             mapped IPv6 keys match IPv4 entries
//   kDomain   "example.com" matches example.com and every name below it ("a.example.com");
//             "*.example.com" and ".example.com" mean the same; case-insensitive
//   kEmail    "user@example.com" (case-insensitive); "@example.com" or "example.com": every
//             address of that domain
//   kHash     exact strings, case-insensitive (Rspamd's "hash"/"set"/"map")
//   kRegexp   "/re/flags" (match/pattern.h) matched anywhere in the key, first entry wins
//   kGlob     "*.example.com", "user?@*": the whole key, case-insensitive
//   kHost     addresses and networks as kIp, names as kDomain, in one list (a key that is an
//             address is looked up among the networks, any other among the names)
// Regexps and globs are compiled into one Hyperscan database per map (PCRE2 when Hyperscan
// refuses a pattern): one scan answers every entry.
//
// Reload: Map::reload_if_changed() compares each file's (device, inode, size, mtime) with the
// last load; when one differs the whole map is read again into a new MapData, which replaces
// the old one in one step (a lookup sees the old or the new contents, never a mix). A file
// that fails to parse (bad address, bad regexp) or cannot be read leaves the old contents in
// place and is logged as an error; a file that disappears keeps the old contents (warned).
// At the first load, a missing file is a warning (the map starts empty) and a file with
// errors fails: configtest reports it.
//
// Ownership: a Map owns its data (shared_ptr<const MapData>, swapped on reload). Loop
// affinity: one thread (a worker); lookups of regexp/glob maps use the registry's Scratch.
// Failure modes: load() returns kInvalidInput with file:line for bad entries, kIo for an
// unreadable or oversized file; lookups never fail.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "core/log.h"
#include "core/result.h"
#include "match/options.h"

namespace mw::match {
class Scratch;
}

namespace mw::maps {

enum class MapKind : uint8_t { kIp, kDomain, kEmail, kHash, kRegexp, kGlob, kHost };

// "ip"/"radix", "domain", "email", "hash"/"set"/"map"/"string", "regexp"/"regexp_multi",
// "glob"/"glob_multi", "host". Sets *multi for the *_multi names (every match is wanted).
Result<MapKind> parse_map_kind(std::string_view name, bool* multi = nullptr);
std::string_view map_kind_name(MapKind kind);

struct MapSpec {
  std::string name;                  // for logs ("multimap.BLOCKED_IPS", "rbl whitelist")
  MapKind kind = MapKind::kHash;
  std::vector<std::string> files;    // paths (a "file://" prefix is accepted)
  std::vector<std::string> entries;  // inline lines, same syntax as the files
  std::string description;
};

// What a map holds at one moment (immutable).
class MapData {
 public:
  virtual ~MapData() = default;
  // The value of the first (or, for IP maps, the longest-prefix) matching entry, "" for an
  // entry without a value; nullopt when nothing matches.
  virtual std::optional<std::string_view> find(std::string_view key,
                                               match::Scratch* scratch) const = 0;
  // Every matching entry's value (regexp and glob maps; others give at most one).
  virtual void find_all(std::string_view key, match::Scratch* scratch,
                        std::vector<std::string_view>& out) const {
    if (auto v = find(key, scratch)) out.push_back(*v);
  }
  virtual size_t size() const = 0;
};
using MapDataPtr = std::shared_ptr<const MapData>;

struct MapLimits {
  uint64_t max_file_size = 64u << 20;  // bytes of one map file
  match::MatchOptions match;           // regexp engines for regexp/glob maps
};

// Parse map text (one file's contents or the inline entries joined by '\n') into `kind`'s
// data, appending to `builder` state. Exposed for tests and fuzzing through build_map_data.
// `origin` names the source in errors ("file.map" -> "file.map:12: bad network ...").
Result<MapDataPtr> build_map_data(MapKind kind, const std::vector<std::pair<std::string,
                                  std::string>>& sources, const MapLimits& limits,
                                  core::Logger& logger);

class Map {
 public:
  // Load the files and entries of `spec` now. Result on failure: see the header comment.
  static Result<std::unique_ptr<Map>> load(MapSpec spec, const MapLimits& limits,
                                           core::Logger& logger);

  const std::string& name() const { return spec_.name; }
  MapKind kind() const { return spec_.kind; }
  const MapSpec& spec() const { return spec_; }
  size_t size() const { return data_->size(); }
  // How many times the contents were (re)loaded successfully (1 after load()).
  uint64_t generation() const { return generation_; }

  std::optional<std::string_view> find(std::string_view key, match::Scratch* scratch) const {
    return data_->find(key, scratch);
  }
  void find_all(std::string_view key, match::Scratch* scratch,
                std::vector<std::string_view>& out) const {
    data_->find_all(key, scratch, out);
  }
  // The current contents (keep the pointer to pin them across a reload).
  MapDataPtr data() const { return data_; }

  // Re-read the map when one of its files changed (see the header comment). Returns true
  // when new contents were installed.
  bool reload_if_changed();

 private:
  struct FileState {
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileState&) const = default;
  };
  Map(MapSpec spec, const MapLimits& limits, core::Logger& logger)
      : spec_(std::move(spec)), limits_(limits), logger_(logger) {}
  // Read every source; `states` receives each file's state at the time it was read.
  Result<MapDataPtr> read(std::vector<FileState>& states, bool first);
  static FileState stat_file(const std::string& path);

  MapSpec spec_;
  MapLimits limits_;
  core::Logger& logger_;
  MapDataPtr data_;
  std::vector<FileState> states_;
  uint64_t generation_ = 0;
};
using MapPtr = std::unique_ptr<Map>;

}  // namespace mw::maps
