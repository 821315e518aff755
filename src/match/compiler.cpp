// Compiler: builds PatternSets (engine choice, Hyperscan database, cache load/store).
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "match/cache.h"
#include "match/hs_handles.h"
#include "match/pattern_set.h"
#include "match/pattern_set_impl.h"
#include "match/pcre_util.h"

namespace mw::match {

namespace {

constexpr std::string_view kModule = "match";
// Database compiles that may fail on one pattern (named by Hyperscan) before the remaining
// patterns are tried one by one instead.
constexpr int kMaxLateFailures = 8;
constexpr char kEmptyMatch[] = "can match an empty string";

// Whether a newline may be appended to an x pattern without changing it: true unless the
// pattern quotes (\Q, which runs to the end) or sets inline options (which could turn x off).
bool can_end_comment(std::string_view src) {
  if (src.find("\\Q") != std::string_view::npos) return false;
  for (size_t at = src.find("(?"); at != std::string_view::npos; at = src.find("(?", at + 2)) {
    if (at + 2 >= src.size() || src[at + 2] != ':') return false;
  }
  return true;
}

// The expression Hyperscan gets: flag x as a leading (?x) (Hyperscan has no flag for it;
// a newline ends a trailing #comment, which Hyperscan refuses unterminated), flag A as
// \A(?:...).
std::string hs_expression(const Pattern& p) {
  std::string e;
  if (p.has(kExtended)) e += "(?x)";
  if (p.has(kAnchored)) e += "\\A(?:";
  e += p.source;
  if (p.has(kExtended) && can_end_comment(p.source)) e += '\n';
  if (p.has(kAnchored)) e += ')';
  return e;
}

unsigned hs_flags(const Pattern& p, bool prefilter) {
  unsigned f = HS_FLAG_SINGLEMATCH;
  if (p.has(kCaseless)) f |= HS_FLAG_CASELESS;
  if (p.has(kMultiline)) f |= HS_FLAG_MULTILINE;
  if (p.has(kDotall)) f |= HS_FLAG_DOTALL;
  if (p.has(kUtf8)) f |= HS_FLAG_UTF8 | HS_FLAG_UCP;
  if (prefilter) f |= HS_FLAG_PREFILTER;
  return f;
}

std::string compile_error_text(hs_error_t rc, const hs_compile_error_t* err) {
  if (err != nullptr && err->message != nullptr) return err->message;
  return hs_error_name(rc);
}

// Whether Hyperscan accepts the expression (without building a database); why not if not.
bool hs_accepts(const std::string& expr, unsigned flags, std::string& why) {
  hs_expr_info_t* info_raw = nullptr;
  hs_compile_error_t* err_raw = nullptr;
  hs_error_t rc = hs_expression_info(expr.c_str(), flags, &info_raw, &err_raw);
  HsMiscPtr<hs_expr_info_t> info(info_raw);
  HsCompileErrorPtr err(err_raw);
  if (rc != HS_SUCCESS || !info) {
    why = compile_error_text(rc, err.get());
    return false;
  }
  // Hyperscan's reports of empty matches at buffer edges differ from PCRE2: keep such
  // (rare, and for PCRE2 cheap) patterns out of the database.
  if (info->min_width == 0) {
    why = kEmptyMatch;
    return false;
  }
  return true;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f s", s);
  return buf;
}

bool in_database(Engine e) { return e == Engine::kHyperscan || e == Engine::kPrefilter; }

}  // namespace

// Builds one PatternSet; friend of PatternSet.
struct SetBuilder {
  PatternSet& set;
  const MatchOptions& opts;
  const HsPlatform& platform;
  core::ModuleLog log;
  std::optional<Error> internal_error;  // PCRE2 could not allocate: the build fails

  std::string where(size_t id) const {
    return "regexp class '" + set.name_ + "' pattern #" + std::to_string(id) + " " +
           describe_pattern(set.entries_[id].pattern);
  }

  bool needs_pcre(size_t id) const {
    const auto& e = set.entries_[id];
    return e.engine == Engine::kPrefilter || e.engine == Engine::kPcre ||
           (e.engine == Engine::kHyperscan && e.pattern.utf8());
  }

  // Compile the PCRE2 code of pattern `id`; an invalid pattern becomes kInvalid (logged).
  void compile_pcre(size_t id, bool jit) {
    auto& e = set.entries_[id];
    auto compiled = pcre_compile_pattern(e.pattern, jit);
    if (!compiled && compiled.error().code == ErrorCode::kInternal) {
      if (!internal_error) internal_error = compiled.error();
      return;
    }
    if (!compiled) {
      e.engine = Engine::kInvalid;
      e.note = compiled.error().message;
      log.error("regexp class '" + set.name_ + "' pattern #" + std::to_string(id) + ": " + e.note +
                "; it never matches");
      return;
    }
    set.pcre_[id] = std::move(compiled->code);
  }

  void classify(size_t id) {
    auto& e = set.entries_[id];
    const Pattern& p = e.pattern;
    if (p.source.find('\0') != std::string::npos) {
      e.engine = Engine::kPcre;
      e.note = "contains a NUL byte";
      return;
    }
    if (p.source.starts_with("(*")) {
      e.engine = Engine::kPcre;
      e.note = "starts with a PCRE2 (*VERB)";
      return;
    }
    std::string expr = hs_expression(p);
    std::string why;
    if (hs_accepts(expr, hs_flags(p, false), why)) {
      e.engine = Engine::kHyperscan;
      e.note.clear();
      return;
    }
    std::string pre_why;
    if (why != kEmptyMatch && hs_accepts(expr, hs_flags(p, true), pre_why)) {
      e.engine = Engine::kPrefilter;
      e.note = "Hyperscan: " + why + " (prefilter, confirmed by PCRE2)";
    } else {
      e.engine = Engine::kPcre;
      e.note = why == kEmptyMatch ? why : "Hyperscan: " + why;
    }
  }

  // Hyperscan refused pattern `id` while building the database: try its prefilter form,
  // else leave it to PCRE2.
  void demote(size_t id, const std::string& why) {
    auto& e = set.entries_[id];
    std::string ignored;
    if (e.engine == Engine::kHyperscan &&
        hs_accepts(hs_expression(e.pattern), hs_flags(e.pattern, true), ignored)) {
      e.engine = Engine::kPrefilter;
      e.note = "Hyperscan: " + why + " (prefilter, confirmed by PCRE2)";
    } else {
      e.engine = Engine::kPcre;
      e.note = "Hyperscan: " + why;
    }
  }

  std::vector<uint32_t> database_ids() const {
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < set.entries_.size(); ++i) {
      if (in_database(set.entries_[i].engine)) ids.push_back(static_cast<uint32_t>(i));
    }
    return ids;
  }

  hs_platform_info_t hs_platform() const {
    hs_platform_info_t p{};
    p.tune = platform.tune;
    p.cpu_features = platform.cpu_features;
    return p;
  }

  // One hs_compile_ext_multi over `ids`. On failure `failed_id` is the pattern Hyperscan
  // named, or -1 when the error concerns the whole set.
  hs_error_t compile_ids(const std::vector<uint32_t>& ids, HsDatabasePtr& db, std::string& why,
                         int64_t& failed_id) const {
    std::vector<std::string> exprs;
    std::vector<const char*> ptrs;
    std::vector<unsigned> flags;
    exprs.reserve(ids.size());
    for (uint32_t id : ids) {
      const auto& e = set.entries_[id];
      exprs.push_back(hs_expression(e.pattern));
      flags.push_back(hs_flags(e.pattern, e.engine == Engine::kPrefilter));
    }
    for (const auto& x : exprs) ptrs.push_back(x.c_str());
    hs_platform_info_t plat = hs_platform();
    hs_database_t* raw = nullptr;
    hs_compile_error_t* err_raw = nullptr;
    hs_error_t rc = hs_compile_ext_multi(ptrs.data(), flags.data(), ids.data(), nullptr,
                                         static_cast<unsigned>(ids.size()), HS_MODE_BLOCK, &plat,
                                         &raw, &err_raw);
    db.reset(raw);
    HsCompileErrorPtr err(err_raw);
    failed_id = -1;
    if (rc != HS_SUCCESS) {
      why = compile_error_text(rc, err.get());
      if (err && err->expression >= 0 && static_cast<size_t>(err->expression) < ids.size()) {
        failed_id = ids[static_cast<size_t>(err->expression)];
      }
      db.reset();
    }
    return rc;
  }

  // Compile each database pattern alone and demote the ones Hyperscan refuses.
  void weed_out_one_by_one() {
    for (uint32_t id : database_ids()) {
      HsDatabasePtr db;
      std::string why;
      int64_t failed = -1;
      std::vector<uint32_t> one{id};
      if (compile_ids(one, db, why, failed) == HS_SUCCESS) continue;
      demote(id, why);
      if (in_database(set.entries_[id].engine) && compile_ids(one, db, why, failed) != HS_SUCCESS) {
        demote(id, why);
      }
    }
  }

  // Build the class database from the kHyperscan and kPrefilter patterns, demoting the
  // patterns Hyperscan refuses on the way.
  void compile_database() {
    int late_failures = 0;
    bool weeded = false;
    for (;;) {
      std::vector<uint32_t> ids = database_ids();
      if (ids.empty()) return;
      std::string why;
      int64_t failed_id = -1;
      if (compile_ids(ids, set.db_, why, failed_id) == HS_SUCCESS) return;
      if (failed_id >= 0 && !weeded) {
        demote(static_cast<size_t>(failed_id), why);
        if (++late_failures > kMaxLateFailures) {
          weed_out_one_by_one();
          weeded = true;
        }
        continue;
      }
      // The set as a whole is refused (or still refused after weeding): PCRE2 for all.
      log.warn("regexp class '" + set.name_ + "': Hyperscan cannot build its database (" + why +
               "); its " + std::to_string(ids.size()) + " patterns use PCRE2");
      for (uint32_t id : ids) {
        set.entries_[id].engine = Engine::kPcre;
        set.entries_[id].note = "Hyperscan cannot build the class database: " + why;
      }
      return;
    }
  }

  // Load the set from a cache file. On failure the reason is returned and nothing changed.
  Result<void> load(const std::string& path, const CacheKey& key) {
    auto bytes = read_file_bytes(path, kMaxCacheFileBytes);
    if (!bytes) return fail(bytes.error());
    auto rec = decode_cache(*bytes, key, set.entries_.size());
    if (!rec) return fail(rec.error());
    bool wants_db = false;
    for (Engine e : rec->engines) wants_db = wants_db || in_database(e);
    if (wants_db != !rec->database.empty()) {
      return fail(ErrorCode::kInvalidInput, "cache file database does not match its patterns");
    }
    HsDatabasePtr db;
    if (!rec->database.empty()) {
      char* info_raw = nullptr;
      hs_error_t rc =
          hs_serialized_database_info(rec->database.data(), rec->database.size(), &info_raw);
      HsMiscPtr<char> info(info_raw);
      if (rc != HS_SUCCESS) {
        return fail(ErrorCode::kInvalidInput,
                    std::string("cache file database unreadable: ") + hs_error_name(rc));
      }
      hs_database_t* raw = nullptr;
      rc = hs_deserialize_database(rec->database.data(), rec->database.size(), &raw);
      db.reset(raw);
      if (rc != HS_SUCCESS || !db) {
        return fail(ErrorCode::kInvalidInput,
                    std::string("cache file database refused: ") + hs_error_name(rc));
      }
      // A database for another CPU is refused here (HS_DB_PLATFORM_ERROR).
      hs_scratch_t* scratch_raw = nullptr;
      rc = hs_alloc_scratch(db.get(), &scratch_raw);
      HsScratchPtr scratch(scratch_raw);
      if (rc != HS_SUCCESS) {
        return fail(ErrorCode::kInvalidInput,
                    std::string("cache file database unusable: ") + hs_error_name(rc));
      }
      log.debug("regexp class '" + set.name_ + "': cached database " + (info ? info.get() : ""));
    }
    for (size_t i = 0; i < set.entries_.size(); ++i) {
      set.entries_[i].engine = rec->engines[i];
      set.entries_[i].note = std::move(rec->notes[i]);
    }
    set.db_ = std::move(db);
    return {};
  }

  // Serialize the database and write the cache file.
  Status store(const std::string& path, const CacheKey& key) {
    CacheRecord rec;
    for (const auto& e : set.entries_) {
      rec.engines.push_back(e.engine);
      rec.notes.push_back(e.note);
    }
    if (set.db_) {
      char* bytes_raw = nullptr;
      size_t len = 0;
      hs_error_t rc = hs_serialize_database(set.db_.get(), &bytes_raw, &len);
      HsMiscPtr<char> bytes(bytes_raw);
      if (rc != HS_SUCCESS || !bytes) {
        return fail(ErrorCode::kInternal,
                    std::string("cannot serialize the database: ") + hs_error_name(rc));
      }
      rec.database.assign(bytes.get(), len);
    }
    return write_file_atomic(path, encode_cache(key, rec));
  }

  void finalize() {
    size_t n = set.entries_.size();
    set.routes_.assign(n, kRouteIgnore);
    set.pcre_ids_.clear();
    set.utf_hs_ids_.clear();
    set.prefilter_count_ = 0;
    for (size_t id = 0; id < n; ++id) {
      const auto& e = set.entries_[id];
      auto id32 = static_cast<uint32_t>(id);
      if (!needs_pcre(id)) set.pcre_[id].reset();  // free what no scan will use
      if (in_database(e.engine) && set.db_) {
        uint8_t route = 0;
        if (e.engine == Engine::kPrefilter) {
          route |= kRoutePrefilter;
          ++set.prefilter_count_;
        }
        if (e.pattern.utf8()) {
          route |= kRouteUtf;
          set.utf_hs_ids_.push_back(id32);
        }
        set.routes_[id] = route;
      } else if (e.engine == Engine::kPcre && set.pcre_[id]) {
        set.pcre_ids_.push_back(id32);
      }
    }
    set.build_.database_bytes = 0;
    if (set.db_) {
      size_t bytes = 0;
      if (hs_database_size(set.db_.get(), &bytes) == HS_SUCCESS) set.build_.database_bytes = bytes;
    }
  }

  void log_summary() {
    const BuildInfo& b = set.build_;
    std::string msg = "regexp class '" + set.name_ + "': " + std::to_string(set.size()) +
                      " patterns (" + std::to_string(set.count(Engine::kHyperscan)) +
                      " hyperscan, " + std::to_string(set.count(Engine::kPrefilter)) +
                      " prefilter, " + std::to_string(set.count(Engine::kPcre)) + " pcre, " +
                      std::to_string(set.count(Engine::kInvalid)) + " invalid) " +
                      (b.from_cache() ? "loaded from cache" : "compiled") + " in " +
                      format_seconds(b.seconds);
    if (b.database_bytes != 0) msg += ", database " + std::to_string(b.database_bytes) + " bytes";
    if (!b.cache_file.empty()) msg += ", cache " + b.cache_file;
    log.info(msg);
  }
};

HsPlatform HsPlatform::detect() {
  HsPlatform p;
  p.valid = hs_valid_platform() == HS_SUCCESS;
  hs_platform_info_t info{};
  if (p.valid && hs_populate_platform(&info) == HS_SUCCESS) {
    p.tune = info.tune;
    p.cpu_features = info.cpu_features;
  }
  return p;
}

Compiler::Compiler(MatchOptions options, core::Logger& logger)
    : Compiler(std::move(options), logger, HsPlatform::detect()) {}

Compiler::Compiler(MatchOptions options, core::Logger& logger, HsPlatform platform)
    : options_(std::move(options)), logger_(&logger), platform_(platform) {
  hyperscan_ = options_.hyperscan && platform_.valid;
  if (options_.hyperscan && !platform_.valid) {
    logger_->warn(kModule,
                  "this CPU cannot run Hyperscan (it needs SSSE3): every regexp uses PCRE2");
  }
}

Result<PatternSetPtr> Compiler::build(std::string name, std::vector<Pattern> patterns) const {
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<PatternSet> set(new PatternSet());
  set->name_ = std::move(name);
  set->max_scan_size_ = options_.max_scan_size;
  set->entries_.resize(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    set->entries_[i].pattern = std::move(patterns[i]);
  }
  set->pcre_.resize(set->entries_.size());
  SetBuilder b{*set, options_, platform_, core::ModuleLog(*logger_, kModule), std::nullopt};
  const size_t n = set->entries_.size();
  const bool jit = options_.pcre_jit;

  if (!hyperscan_ || n == 0) {
    for (size_t id = 0; id < n; ++id) {
      set->entries_[id].engine = Engine::kPcre;
      b.compile_pcre(id, jit);
    }
  } else {
    std::vector<Pattern> key_patterns;
    key_patterns.reserve(n);
    for (const auto& e : set->entries_) key_patterns.push_back(e.pattern);
    auto key = make_cache_key(platform_, key_patterns);
    std::string path;
    bool loaded = false;
    if (!options_.cache_dir.empty() && key) {
      path = cache_file_path(options_.cache_dir, *key);
      set->build_.cache_file = path;
      auto st = b.load(path, *key);
      if (st) {
        loaded = true;
        set->build_.cache = CacheStatus::kHit;
      } else if (st.error().code == ErrorCode::kNotFound) {
        set->build_.cache = CacheStatus::kMiss;
      } else {
        set->build_.cache = CacheStatus::kStale;
        set->build_.cache_error = st.error().message;
        b.log.warn("regexp class '" + set->name_ + "': " + path + ": " + st.error().message +
                   "; recompiling");
      }
    } else if (!options_.cache_dir.empty()) {
      set->build_.cache_error = key.error().message;
    }

    if (loaded) {
      for (size_t id = 0; id < n; ++id) {
        auto& e = set->entries_[id];
        if (e.engine == Engine::kInvalid) {
          b.log.error(b.where(id) + ": " + e.note + "; it never matches");
        } else if (b.needs_pcre(id)) {
          b.compile_pcre(id, jit);
        }
        if (!e.note.empty() && e.engine != Engine::kInvalid)
          b.log.debug(b.where(id) + ": " + e.note);
      }
    } else {
      // PCRE2 first: it validates every pattern (Hyperscan's syntax is a subset).
      for (size_t id = 0; id < n; ++id) {
        b.compile_pcre(id, false);
        if (set->entries_[id].engine != Engine::kInvalid) b.classify(id);
      }
      b.compile_database();
      for (size_t id = 0; id < n; ++id) {
        const auto& e = set->entries_[id];
        if (e.engine == Engine::kPrefilter || e.engine == Engine::kPcre) {
          b.log.info(b.where(id) + ": " + e.note + "; runs on " +
                     std::string(engine_name(e.engine)));
        }
        if (jit && b.needs_pcre(id) && set->pcre_[id] && !e.pattern.has(kNoOpt)) {
          pcre_jit(set->pcre_[id].get());
        }
      }
      if (!path.empty()) {
        auto st = b.store(path, *key);
        if (!st) {
          set->build_.cache_error = st.error().message;
          b.log.warn("regexp class '" + set->name_ +
                     "': cannot write the cache file: " + st.error().message);
        }
      }
    }
  }
  if (b.internal_error) return fail(*b.internal_error);
  b.finalize();
  set->build_.seconds = seconds_since(start);
  b.log_summary();
  return PatternSetPtr(std::move(set));
}

}  // namespace mw::match
