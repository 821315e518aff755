#include "scan/signing_keys.h"

#include <dirent.h>
#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <optional>

namespace mw::scan {

std::vector<std::string> configured_domains(const core::Config& cfg, const std::string& section) {
  return cfg.keys(section + ".domains");
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

Result<KeyRef> key_ref(const json::Value& t, const std::string& where) {
  KeyRef r;
  const json::Value* sel = t.find("selector");
  const json::Value* path = t.find("path");
  if (sel == nullptr || !sel->is_string() || path == nullptr || !path->is_string()) {
    return fail(ErrorCode::kInvalidInput, where + ": needs `selector` and `path` strings");
  }
  r.selector = sel->as_string();
  r.path = path->as_string();
  if (!auth::dkim::is_valid_selector(r.selector)) {
    return fail(ErrorCode::kInvalidInput, where + ": bad selector '" + r.selector + "'");
  }
  for (const auto& [k, v] : t.members()) {
    if (k != "selector" && k != "path" && k != "selectors") {
      return fail(ErrorCode::kInvalidInput,
                  where + ": unknown key '" + k + "' (selector, path, selectors)");
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
  // Domain names hold dots, so the entry is looked up as a key, not as a dotted path.
  std::optional<json::Value> all = cfg.value(section + ".domains");
  const json::Value* t = all ? all->find(domain) : nullptr;
  if (t == nullptr || !t->is_object()) {
    return fail(ErrorCode::kInvalidInput, where + ": must be a table");
  }
  if (const json::Value* list = t->find("selectors"); list != nullptr && list->is_array()) {
    size_t i = 0;
    for (const auto& item : list->items()) {
      std::string w = where + ".selectors[" + std::to_string(i++) + "]";
      if (!item.is_object()) return fail(ErrorCode::kInvalidInput, w + ": must be a table");
      auto r = key_ref(item, w);
      if (!r) return fail(r.error());
      out.push_back(std::move(*r));
    }
  }
  if (t->find("selector") != nullptr || t->find("path") != nullptr) {
    auto r = key_ref(*t, where);
    if (!r) return fail(r.error());
    out.push_back(std::move(*r));
  } else if (t->find("selectors") != nullptr) {
    for (const auto& [k, v] : t->members()) {
      if (k != "selectors") {
        return fail(ErrorCode::kInvalidInput, where + ": unknown key '" + k + "'");
      }
    }
  }
  if (out.empty()) {
    return fail(ErrorCode::kInvalidInput, where + ": give `selector` and `path`, or `selectors`");
  }
  return out;
}

}  // namespace mw::scan
