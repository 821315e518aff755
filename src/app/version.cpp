#include "app/version.h"

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hs/hs.h>
#include <libpsl.h>
#include <lmdb.h>
#include <luajit.h>
#include <openssl/crypto.h>
#include <unicode/uvernum.h>
#include <zstd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

#include "core/toml_file.h"

// ldns's headers define C macros (bool) that break C++ headers; its one function we need.
extern "C" const char* ldns_version(void);

namespace mw::app {

namespace {

std::string pcre2_version() {
  char buf[64] = {0};
  if (pcre2_config(PCRE2_CONFIG_VERSION, buf) <= 0) return "unknown";
  return buf;
}

}  // namespace

std::string version_text() {
  std::string out = "mailward " MW_VERSION "\n";
  out += "build: " MW_BUILD_TYPE;
#ifdef __VERSION__
  out += ", " __VERSION__;
#endif
#ifndef NDEBUG
  out += ", assertions on";
#endif
  out += "\nlibraries:\n";
  auto row = [&out](const std::string& name, std::string v) {
    if (v.rfind(name + " ", 0) == 0) v.erase(0, name.size() + 1);  // "LuaJIT 2.1.0" -> "2.1.0"
    out += "  " + name;
    out.append(name.size() < 12 ? 12 - name.size() : 1, ' ');
    out += v + "\n";
  };
  row("libevent", event_get_version());
  row("LuaJIT", LUAJIT_VERSION);
  row("Hyperscan", hs_version());
  row("PCRE2", pcre2_version());
  row("OpenSSL", OpenSSL_version(OPENSSL_VERSION));
  row("ldns", ldns_version());
  row("ICU", U_ICU_VERSION);
  row("libpsl", psl_get_version());
  row("LMDB", mdb_version(nullptr, nullptr, nullptr));
  row("hiredis", std::to_string(HIREDIS_MAJOR) + "." + std::to_string(HIREDIS_MINOR) + "." +
                     std::to_string(HIREDIS_PATCH));
  row("zstd", ZSTD_versionString());
  row("toml++", core::toml_library_version());
  return out;
}

}  // namespace mw::app
