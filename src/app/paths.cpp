#include "app/paths.h"

#include <cstdlib>
#include <filesystem>

namespace mw::app {

namespace {
void replace_all(std::string& s, const std::string& var, const std::string& val) {
  for (size_t pos; (pos = s.find(var)) != std::string::npos;) s.replace(pos, var.size(), val);
}
Layout find_layout() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path prefix = exe.parent_path().parent_path();
    fs::path share = prefix / "share" / "mailward";
    if (fs::is_directory(share / "rules", ec)) {
      // A prefix named usr is the usr/ of a system tree (/, or a package unpacked
      // elsewhere): etc/ and var/ are its siblings. Any other prefix holds them itself.
      fs::path root = prefix.filename() == "usr" ? prefix.parent_path() : prefix;
      Layout l;
      l.installed = true;
      l.conf_dir = (root / "etc" / "mailward").string();
      l.rules_dir = (share / "rules").string();
      l.lualib_dir = (share / "lualib").string();
      l.web_dir = (share / "web").string();
      l.state_dir = (root / "var" / "lib" / "mailward").string();
      return l;
    }
  }
  return Layout{false, MW_DEFAULT_CONF_DIR, MW_RULES_DIR, MW_LUALIB_DIR, MW_WEB_DIR,
                MW_DEFAULT_DBDIR};
}

}  // namespace

const Layout& layout() {
  static const Layout kLayout = find_layout();
  return kLayout;
}

std::string expand_path(std::string value, const core::Config& cfg) {
  const Layout& l = layout();
  replace_all(value, "$CONFDIR", cfg.dir());
  replace_all(value, "$RULESDIR", l.rules_dir);
  replace_all(value, "$LUALIBDIR", l.lualib_dir);
  replace_all(value, "$WEBDIR", l.web_dir);
  if (value.find("$DBDIR") != std::string::npos) {
    // MAILWARD_DBDIR overrides the configuration (`mailward replay` keeps its state apart).
    const char* env = std::getenv("MAILWARD_DBDIR");
    std::string db = env != nullptr && *env != '\0' ? std::string(env) : cfg.get_string("options.dbdir");
    replace_all(db, "$DBDIR", l.state_dir);
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
