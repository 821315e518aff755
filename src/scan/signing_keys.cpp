#include "scan/signing_keys.h"

#include <dirent.h>
#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <toml++/toml.h>

namespace mw::scan {

std::vector<std::string> configured_domains(const core::Config& cfg, const std::string& section) {
  std::vector<std::string> out;
  const toml::table* t = cfg.table(section + ".domains");
  if (t == nullptr) return out;
  for (const auto& [k, v] : *t) out.emplace_back(k.str());
  return out;
}

std::string template_directory(const std::string& path_template) {
  auto slash = path_template.rfind('/');
  if (slash == std::string::npos) return {};
  std::string dir = path_template.substr(0, slash);
  if (dir.empty()) dir = "/";
  if (dir.find("$domain") != std::string::npos || dir.find("$selector") != std::string::npos) {
    return {};
  }
  return dir;
}

bool DirectoryNames::contains(const std::string& name) {
  double now = std::chrono::duration<double>(
                   std::chrono::steady_clock::now().time_since_epoch()).count();
  if (checked_ < 0 || now - checked_ >= recheck_) {
    checked_ = now;
    struct stat sb;
    int64_t mtime = -1;
    if (::stat(dir_.c_str(), &sb) == 0) {
      mtime = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
    }
    if (mtime != mtime_ns_ || listings_ == 0) {
      mtime_ns_ = mtime;
      ++listings_;
      names_.clear();
      std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir_.c_str()), ::closedir);
      if (d) {
        while (dirent* e = ::readdir(d.get())) {
          if (e->d_name[0] == '.') continue;
          if (names_.size() >= 1000000) break;  // a runaway directory: bounded memory
          names_.emplace(e->d_name);
        }
      }
    }
  }
  return names_.count(name) > 0;
}

namespace {

Result<KeyRef> key_ref(const toml::table& t, const std::string& where) {
  KeyRef r;
  const auto* sel = t.get_as<std::string>("selector");
  const auto* path = t.get_as<std::string>("path");
  if (sel == nullptr || path == nullptr) {
    return fail(ErrorCode::kInvalidInput, where + ": needs `selector` and `path` strings");
  }
  r.selector = sel->get();
  r.path = path->get();
  if (!auth::dkim::is_valid_selector(r.selector)) {
    return fail(ErrorCode::kInvalidInput, where + ": bad selector '" + r.selector + "'");
  }
  for (const auto& [k, v] : t) {
    if (k.str() != "selector" && k.str() != "path" && k.str() != "selectors") {
      return fail(ErrorCode::kInvalidInput,
                  where + ": unknown key '" + std::string(k.str()) + "' (selector, path, selectors)");
    }
  }
  return r;
}

}  // namespace

Result<std::vector<KeyRef>> parse_domain_entry(const core::Config& cfg, const std::string& section,
                                               const std::string& domain) {
  std::string where = section + ".domains.\"" + domain + "\"";
  std::vector<KeyRef> out;
  if (!auth::dkim::is_valid_domain(domain)) {
    return fail(ErrorCode::kInvalidInput, where + ": not a domain name");
  }
  const toml::table* all = cfg.table(section + ".domains");
  const toml::table* t = all != nullptr ? all->get_as<toml::table>(domain) : nullptr;
  if (t == nullptr) return fail(ErrorCode::kInvalidInput, where + ": must be a table");
  if (const toml::array* list = t->get_as<toml::array>("selectors")) {
    size_t i = 0;
    for (const auto& item : *list) {
      const toml::table* it = item.as_table();
      std::string w = where + ".selectors[" + std::to_string(i++) + "]";
      if (it == nullptr) return fail(ErrorCode::kInvalidInput, w + ": must be a table");
      auto r = key_ref(*it, w);
      if (!r) return fail(r.error());
      out.push_back(std::move(*r));
    }
  }
  if (t->contains("selector") || t->contains("path")) {
    auto r = key_ref(*t, where);
    if (!r) return fail(r.error());
    out.push_back(std::move(*r));
  } else if (t->contains("selectors")) {
    for (const auto& [k, v] : *t) {
      if (k.str() != "selectors") {
        return fail(ErrorCode::kInvalidInput, where + ": unknown key '" + std::string(k.str()) + "'");
      }
    }
  }
  if (out.empty()) {
    return fail(ErrorCode::kInvalidInput, where + ": give `selector` and `path`, or `selectors`");
  }
  return out;
}

}  // namespace mw::scan
