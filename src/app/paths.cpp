#include "app/paths.h"

#include <cstdlib>
#include <filesystem>

namespace mw::app {

namespace {
void replace_all(std::string& s, const std::string& var, const std::string& val) {
  for (size_t pos; (pos = s.find(var)) != std::string::npos;) s.replace(pos, var.size(), val);
}
}  // namespace

std::string expand_path(std::string value, const core::Config& cfg) {
  replace_all(value, "$CONFDIR", cfg.dir());
  replace_all(value, "$RULESDIR", MW_RULES_DIR);
  replace_all(value, "$LUALIBDIR", MW_LUALIB_DIR);
  replace_all(value, "$WEBDIR", MW_WEB_DIR);
  if (value.find("$DBDIR") != std::string::npos) {
    // MAILWARD_DBDIR overrides the configuration (`mailward replay` keeps its state apart).
    const char* env = std::getenv("MAILWARD_DBDIR");
    std::string db = env != nullptr && *env != '\0' ? std::string(env) : cfg.get_string("options.dbdir");
    replace_all(db, "$DBDIR", MW_DEFAULT_DBDIR);
    replace_all(value, "$DBDIR", db);
  }
  return value;
}

Result<StateDir> StateDir::open(std::string dir, std::string_view name) {
  bool temporary = dir.empty();
  if (temporary) {
    std::string tmpl = "/tmp/mailward-" + std::string(name) + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return fail(ErrorCode::kIo, "cannot create a temporary directory");
    }
    dir = tmpl;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  ::setenv("MAILWARD_DBDIR", dir.c_str(), 1);
  return StateDir(std::move(dir), temporary);
}

StateDir::~StateDir() {
  std::error_code ec;
  if (temporary_) std::filesystem::remove_all(path_, ec);
}

std::string db_dir(const core::Config& cfg) {
  std::string dir = expand_path("$DBDIR", cfg);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir;
}

}  // namespace mw::app
