#include "match/cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/ascii.h"
#include "core/c_ptr.h"
#include "core/fd.h"
#include "match/hs_handles.h"
#include "match/pcre_util.h"

namespace mw::match {

namespace {

constexpr char kMagic[8] = {'M', 'W', 'H', 'S', 'D', 'B', '\r', '\n'};
constexpr size_t kDigestSize = 32;
constexpr uint32_t kMaxNoteBytes = 64 * 1024;
constexpr char kExtension[] = ".hsdb";

using MdCtxPtr = core::CPtr<EVP_MD_CTX, EVP_MD_CTX_free>;

// Incremental SHA-256. OpenSSL fails only when it cannot allocate; ok() then turns false
// and the caller does without the cache.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1;
  }
  void add(std::string_view bytes) {
    if (ok_) ok_ = EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1;
  }
  void add_u64(uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
    add(std::string_view(b, 8));
  }
  // A length-prefixed string, so that concatenations cannot collide.
  void add_str(std::string_view s) {
    add_u64(s.size());
    add(s);
  }
  std::array<uint8_t, kDigestSize> finish() {
    std::array<uint8_t, kDigestSize> out{};
    unsigned int len = 0;
    if (ok_ && EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1) out.fill(0);
    return out;
  }
  bool ok() const { return ok_; }

 private:
  MdCtxPtr ctx_;
  bool ok_ = false;
};

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Bounds-checked little-endian reader.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(uint8_t& v) {
    if (in_.size() - pos_ < 1) return false;
    v = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool u32(uint32_t& v) {
    uint64_t w;
    if (!le(4, w)) return false;
    v = static_cast<uint32_t>(w);
    return true;
  }
  bool u64(uint64_t& v) { return le(8, v); }
  bool bytes(size_t n, std::string_view& v) {
    if (in_.size() - pos_ < n) return false;
    v = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  bool le(size_t n, uint64_t& v) {
    if (in_.size() - pos_ < n) return false;
    v = 0;
    for (size_t i = 0; i < n; ++i) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += n;
    return true;
  }
  std::string_view in_;
  size_t pos_ = 0;
};

Failure corrupt(std::string what) {
  return fail(ErrorCode::kInvalidInput, "cache file " + std::move(what));
}

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

std::string CacheKey::hex() const {
  return core::hex_encode({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

Result<CacheKey> make_cache_key(const HsPlatform& platform, std::span<const Pattern> patterns) {
  Sha256 h;
  h.add_str("mailward hyperscan class");
  h.add_u64(kCacheFormatVersion);
  h.add_str(hs_version());
  h.add_str(pcre_version());
  h.add_u64(platform.tune);
  h.add_u64(platform.cpu_features);
  h.add_u64(patterns.size());
  for (size_t id = 0; id < patterns.size(); ++id) {
    h.add_u64(id);
    h.add_u64(patterns[id].flags);
    h.add_str(patterns[id].source);
  }
  CacheKey key{h.finish()};
  if (!h.ok()) return fail(ErrorCode::kInternal, "SHA-256 of the cache key failed");
  return key;
}

std::string encode_cache(const CacheKey& key, const CacheRecord& record) {
  std::string out;
  size_t notes = 0;
  for (const auto& n : record.notes) notes += 5 + std::min<size_t>(n.size(), kMaxNoteBytes);
  out.reserve(64 + notes + record.database.size() + kDigestSize);
  out.append(kMagic, sizeof(kMagic));
  put_u32(out, kCacheFormatVersion);
  put_u32(out, static_cast<uint32_t>(record.engines.size()));
  out.append(reinterpret_cast<const char*>(key.digest.data()), key.digest.size());
  put_u64(out, record.database.size());
  for (size_t i = 0; i < record.engines.size(); ++i) {
    out.push_back(static_cast<char>(record.engines[i]));
    std::string_view note = i < record.notes.size() ? record.notes[i] : std::string_view();
    note = note.substr(0, kMaxNoteBytes);
    put_u32(out, static_cast<uint32_t>(note.size()));
    out.append(note);
  }
  out.append(record.database);
  Sha256 h;
  h.add(out);
  auto digest = h.finish();
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return out;
}

Result<CacheRecord> decode_cache(std::string_view bytes, const CacheKey& key,
                                 size_t pattern_count) {
  if (bytes.size() < sizeof(kMagic) + kDigestSize) return corrupt("is truncated");
  std::string_view body = bytes.substr(0, bytes.size() - kDigestSize);
  std::string_view trailer = bytes.substr(bytes.size() - kDigestSize);
  Reader r(body);
  std::string_view magic;
  if (!r.bytes(sizeof(kMagic), magic) || magic != std::string_view(kMagic, sizeof(kMagic))) {
    return corrupt("has a bad magic number");
  }
  Sha256 h;
  h.add(body);
  auto digest = h.finish();
  if (!h.ok() || std::memcmp(digest.data(), trailer.data(), kDigestSize) != 0) {
    return corrupt("fails its checksum (damaged or truncated)");
  }
  uint32_t version = 0, count = 0;
  std::string_view file_key;
  uint64_t db_size = 0;
  if (!r.u32(version) || !r.u32(count) || !r.bytes(kDigestSize, file_key) || !r.u64(db_size)) {
    return corrupt("is truncated");
  }
  if (version != kCacheFormatVersion) {
    return corrupt("has format version " + std::to_string(version));
  }
  if (std::memcmp(file_key.data(), key.digest.data(), kDigestSize) != 0) {
    return corrupt("belongs to another pattern set");
  }
  if (count != pattern_count) {
    return corrupt("has " + std::to_string(count) + " patterns, not " +
                   std::to_string(pattern_count));
  }
  CacheRecord rec;
  rec.engines.reserve(count);
  rec.notes.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t engine = 0;
    uint32_t note_len = 0;
    std::string_view note;
    if (!r.u8(engine) || !r.u32(note_len) || note_len > kMaxNoteBytes || !r.bytes(note_len, note)) {
      return corrupt("is truncated in its pattern table");
    }
    if (engine > static_cast<uint8_t>(Engine::kInvalid)) {
      return corrupt("has a bad engine value for pattern " + std::to_string(i));
    }
    rec.engines.push_back(static_cast<Engine>(engine));
    rec.notes.emplace_back(note);
  }
  if (db_size != r.remaining()) return corrupt("has a database of the wrong size");
  std::string_view db;
  if (!r.bytes(static_cast<size_t>(db_size), db)) return corrupt("is truncated");
  rec.database.assign(db);
  return rec;
}

std::string cache_file_path(const std::string& dir, const CacheKey& key) {
  std::string out = dir;
  if (!out.empty() && out.back() != '/') out += '/';
  out += key.hex();
  out += kExtension;
  return out;
}

Result<std::string> read_file_bytes(const std::string& path, uint64_t max_bytes) {
  core::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return fail(ErrorCode::kNotFound, path + ": no such file");
    return fail(ErrorCode::kIo, path + ": " + errno_text(err));
  }
  std::string out;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(ErrorCode::kIo, path + ": not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return fail(ErrorCode::kLimit, path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  out.resize(static_cast<size_t>(st.st_size));
  // A file that shrank meanwhile reads short: the checksum catches it.
  core::read_into(fd.get(), out);
  return out;
}

Status write_file_atomic(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return fail(ErrorCode::kIo, target.parent_path().string() + ": " + ec.message());
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  core::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return fail(ErrorCode::kIo, tmp + ": " + errno_text(errno));
  size_t done = 0;
  int err = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
  if (int closed = fd.close(); closed != 0 && err == 0) err = closed;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return fail(ErrorCode::kIo, path + ": " + errno_text(err));
  }
  return {};
}

Result<size_t> prune_cache(const std::string& dir, std::span<const std::string> keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return size_t{0};
  fs::directory_iterator it(dir, ec);
  if (ec) return fail(ErrorCode::kIo, dir + ": " + ec.message());
  size_t removed = 0;
  while (it != fs::directory_iterator()) {
    std::string name = it->path().filename().string();
    std::error_code file_ec;
    if (name.ends_with(kExtension) && it->is_regular_file(file_ec) &&
        std::find(keep.begin(), keep.end(), name) == keep.end() &&
        fs::remove(it->path(), file_ec)) {
      ++removed;
    }
    it.increment(ec);
    if (ec) return fail(ErrorCode::kIo, dir + ": " + ec.message());
  }
  return removed;
}

}  // namespace mw::match
