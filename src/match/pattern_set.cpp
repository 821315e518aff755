// PatternSet scanning. Building lives in compiler.cpp, the cache file in cache.cpp.
#include "match/pattern_set.h"

#include <algorithm>
#include <climits>

#include "core/enum_names.h"
#include "match/hs_handles.h"
#include "match/pattern_set_impl.h"
#include "match/pcre_util.h"
#include "match/scratch.h"
#include "match/text_util.h"

namespace mw::match {

namespace {

// State shared with the Hyperscan match callback for one hs_scan call.
struct ScanContext {
  uint64_t* out_words;
  size_t out_size;
  std::vector<uint32_t>* pending;
  const uint8_t* routes;
  size_t route_count;
  bool utf_ok;
};

// Called by Hyperscan for each (pattern, end offset) it reports; SINGLEMATCH makes that at
// most once per pattern and scan. Must not throw: `pending` has room for every prefilter
// pattern of the set (reserved before the scan).
int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/,
             unsigned int /*flags*/, void* opaque) {
  auto* ctx = static_cast<ScanContext*>(opaque);
  if (id >= ctx->route_count || id >= ctx->out_size) return 0;
  uint8_t route = ctx->routes[id];
  if ((route & kRouteIgnore) != 0) return 0;
  if ((route & kRouteUtf) != 0 && !ctx->utf_ok) return 0;  // PCRE2 answers those
  uint64_t bit = uint64_t{1} << (id & 63);
  uint64_t& word = ctx->out_words[id >> 6];
  if ((word & bit) != 0) return 0;
  if ((route & kRoutePrefilter) != 0) {
    if (ctx->pending->size() < ctx->pending->capacity()) ctx->pending->push_back(id);
  } else {
    word |= bit;
  }
  return 0;
}

constexpr core::EnumNames<Engine, Engine::kInvalid> kEngineNames{"hyperscan", "prefilter", "pcre",
                                                                 "invalid"};
constexpr core::EnumNames<CacheStatus, CacheStatus::kStale> kCacheStatusNames{"none", "hit", "miss",
                                                                             "stale"};

}  // namespace

std::string_view engine_name(Engine e) { return kEngineNames.name(e); }

std::string_view cache_status_name(CacheStatus s) { return kCacheStatusNames.name(s); }

PatternSet::~PatternSet() = default;

size_t PatternSet::count(Engine e) const {
  return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(),
                                           [e](const Entry& x) { return x.engine == e; }));
}

bool PatternSet::pcre_matches(uint32_t id, std::string_view buf, Scratch& scratch) const {
  const PcreCodePtr& code = pcre_[id];
  if (!code) return false;
  int rc = pcre_run(code.get(), buf, 0, 0, scratch.pcre(), 1);
  // rc == 0 means "matched, ovector too small": still a match.
  return rc >= 0;
}

Status PatternSet::scan(std::string_view buffer, Scratch& scratch, MatchSet& out) const {
  if (out.size() < size()) out.resize(size());
  if (entries_.empty()) return {};
  // Hyperscan takes an unsigned int length: never hand it more than that.
  uint64_t limit = max_scan_size_ == 0 ? UINT_MAX : std::min<uint64_t>(max_scan_size_, UINT_MAX);
  std::string_view buf = clamp_subject(buffer, limit);
  auto& stats = scratch.stats_;
  ++stats.scans;
  stats.bytes += buf.size();
  if (buf.size() != buffer.size()) ++stats.truncated;

  Status hs_status;
  if (db_) {
    bool utf_ok = utf_hs_ids_.empty() || is_valid_utf8(buf);
    auto& pending = scratch.pending_;
    pending.clear();
    if (pending.capacity() < prefilter_count_) pending.reserve(prefilter_count_);
    ScanContext ctx{out.words(), out.size(), &pending, routes_.data(), routes_.size(), utf_ok};
    const char* data = buf.data() != nullptr ? buf.data() : "";
    auto len = static_cast<unsigned int>(buf.size());
    hs_error_t rc = hs_scan(db_.get(), data, len, 0, scratch.hs_.get(), on_match, &ctx);
    if (rc == HS_INVALID) {
      // Most likely a scratch prepared for smaller databases only: grow it and retry.
      ++stats.scratch_grows;
      if (scratch.prepare(*this)) {
        pending.clear();
        rc = hs_scan(db_.get(), data, len, 0, scratch.hs_.get(), on_match, &ctx);
      }
    }
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
      ++stats.hs_errors;
      hs_status = fail(ErrorCode::kInternal,
                       "Hyperscan scan of regexp class '" + name_ + "': " + hs_error_name(rc));
    }
    // Confirm prefilter hits: the approximation matched, does the real regexp?
    for (uint32_t id : pending) {
      ++stats.confirmations;
      if (!out.test(id) && pcre_matches(id, buf, scratch)) out.set(id);
    }
    pending.clear();
    if (!utf_ok) {
      ++stats.utf_fallbacks;
      for (uint32_t id : utf_hs_ids_) {
        if (!out.test(id) && pcre_matches(id, buf, scratch)) out.set(id);
      }
    }
  }
  for (uint32_t id : pcre_ids_) {
    if (!out.test(id) && pcre_matches(id, buf, scratch)) out.set(id);
  }
  return hs_status;
}

}  // namespace mw::match
