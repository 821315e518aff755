#include "outbound/secret.h"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "core/ascii.h"

namespace mw::outbound {

namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  return core::hex_encode({reinterpret_cast<const char*>(p), n});
}

}  // namespace

std::string read_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s.size() >= 32 ? s : std::string();
}

Result<std::string> random_secret() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return fail(ErrorCode::kInternal, "no random bytes");
  return to_hex(raw, sizeof raw);
}

Result<std::string> load_or_create_secret(const std::string& path) {
  if (std::string s = read_secret(path); !s.empty()) return s;
  auto fresh = random_secret();
  if (!fresh) return fail(fresh.error());
  std::string hex = std::move(*fresh);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Another process created it meanwhile: use theirs.
    if (std::string s = read_secret(path); !s.empty()) return s;
    return fail(ErrorCode::kIo, "cannot create " + path);
  }
  std::string line = hex + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return fail(ErrorCode::kIo, "cannot write " + path);
  return hex;
}

std::string keyed_hash(std::string_view key, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), buf, &n);
  return to_hex(buf, std::min<unsigned int>(n, 16));  // 128 bits are plenty for keys
}

}  // namespace mw::outbound
