// `mailward dkim-keygen`: generate a DKIM key pair, write the private key and print the DNS
// TXT record to publish at <selector>._domainkey.<domain>.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "app/args.h"
#include "app/commands.h"
#include "auth/dkim/signer.h"
#include "auth/dkim/text.h"

namespace mw::app {

namespace {

constexpr const char* kUsage =
    "usage: mailward dkim-keygen --domain DOMAIN --selector SELECTOR [--type rsa|ed25519]\n"
    "                            [--bits N] [--out FILE] [--force]\n"
    "  Writes the private key (PKCS#8 PEM, mode 0600) to FILE (default:\n"
    "  DOMAIN.SELECTOR.key in the current directory) and prints the DNS record to publish.\n"
    "  RSA keys default to 2048 bits (1024..8192).\n";

// Write `data` to a new file readable by its owner only. Refuses to overwrite unless `force`.
Status write_private(const std::string& path, const std::string& data, bool force) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return fail(ErrorCode::kInvalidInput, path + " exists (use --force to replace it)");
    }
    return fail(ErrorCode::kIo, path + ": " + std::strerror(errno));
  }
  ::fchmod(fd, 0600);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = std::strerror(errno);
      ::close(fd);
      return fail(ErrorCode::kIo, path + ": " + err);
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return fail(ErrorCode::kIo, path + ": " + std::strerror(errno));
  return {};
}

}  // namespace

int cmd_dkim_keygen(int argc, char** argv) {
  static const std::vector<ArgSpec> kSpec = {
      {"domain", true, false, 'd'}, {"selector", true, false, 's'}, {"type", true, false, 't'},
      {"bits", true, false, 'b'},   {"out", true, false, 'o'},      {"force", false, false, 'f'},
      {"help", false, false, 'h'}};
  int exit_status = 0;
  auto args = parse_command({"dkim-keygen", kSpec, kUsage}, argc, argv, exit_status);
  if (!args) return exit_status;
  std::string domain = args->get("domain");
  std::string selector = args->get("selector");
  if (!auth::dkim::is_valid_domain(domain) || !auth::dkim::is_valid_selector(selector)) {
    std::fprintf(stderr, "mailward dkim-keygen: --domain and --selector must be DNS names\n%s",
                 kUsage);
    return 2;
  }
  std::string type = args->get("type", "rsa");
  auth::dkim::KeyType kt;
  if (type == "rsa") {
    kt = auth::dkim::KeyType::kRsa;
  } else if (type == "ed25519") {
    kt = auth::dkim::KeyType::kEd25519;
  } else {
    std::fprintf(stderr, "mailward dkim-keygen: --type must be rsa or ed25519\n");
    return 2;
  }
  int bits = 2048;
  if (args->has("bits")) {
    std::string b = args->get("bits");
    char* end = nullptr;
    long v = std::strtol(b.c_str(), &end, 10);
    if (b.empty() || *end != '\0' || v < 1024 || v > 8192) {
      std::fprintf(stderr, "mailward dkim-keygen: --bits must be a number from 1024 to 8192\n");
      return 2;
    }
    bits = static_cast<int>(v);
  }
  auto key = auth::dkim::dkim_keygen(kt, bits);
  if (!key) {
    std::fprintf(stderr, "mailward dkim-keygen: %s\n", key.error().message.c_str());
    return 1;
  }
  std::string out = args->get("out", domain + "." + selector + ".key");
  if (auto st = write_private(out, key->private_pem, args->has("force")); !st) {
    std::fprintf(stderr, "mailward dkim-keygen: %s\n", st.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "private key written to %s (%s%s)\n", out.c_str(), type.c_str(),
               kt == auth::dkim::KeyType::kRsa ? (", " + std::to_string(bits) + " bits").c_str()
                                               : "");
  std::printf("%s._domainkey.%s. IN TXT ( %s )\n", selector.c_str(), domain.c_str(),
              key->zone_text.c_str());
  return 0;
}

}  // namespace mw::app
