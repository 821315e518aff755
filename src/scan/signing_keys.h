// Signing keys by domain, for DKIM signing and ARC sealing (signing_module.h).
//
// A key table is read from one configuration section ([dkim_signing] or [arc_sealing]):
//
//   [<section>.domains."example.org"]
//   selector = "mail"                          # one key ...
//   path = "/etc/mailward/dkim/example.org.key"
//   selectors = [{ selector = "rsa2026", path = "..." },   # ... or several (RSA and Ed25519)
//                { selector = "ed2026", path = "..." }]
//
// and, when `try_fallback` is on, the path template `path` with $domain and $selector (the
// section's `selector`) replaced, e.g. "$DBDIR/dkim/$domain.$selector.key". With
// `sign_subdomains`, a domain without keys of its own uses its nearest configured parent's
// (mail for news.example.org is signed with d=example.org).
//
// Template look-ups have a negative cache: the file names of the template's directory are
// listed once and listed again only when the directory changes (its mtime, checked at most
// once a second), so a domain without a key file costs a set look-up, not an open() per new
// domain, and a key file added later is found without a reload. (Templates whose directory
// part contains $domain or $selector fall back to trying the file.)
//
// Each key becomes a signer object built by the caller's factory (a dkim::Signer or an
// arc::Sealer holding the key and the section's options).
//
// Ownership: a KeyTable owns its signers. Loop affinity: one thread (the template cache is
// filled on use). Failure modes: load() fails (kInvalidInput, naming the domain and file) for
// a malformed table or an unreadable/unusable configured key; template keys that are missing
// or bad count as "no key" (reported by find()).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/crypto.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"
#include "core/config.h"
#include "core/result.h"

namespace mw::scan {

// The file names of one directory, listed again when its mtime changes (at most once per
// `recheck` seconds of the monotonic clock). An unreadable directory holds no names.
class DirectoryNames {
 public:
  explicit DirectoryNames(std::string dir, double recheck = 1.0)
      : dir_(std::move(dir)), recheck_(recheck) {}
  bool contains(const std::string& name);
  const std::string& dir() const { return dir_; }
  size_t listings() const { return listings_; }  // how often the directory was read

 private:
  std::string dir_;
  double recheck_;
  double checked_ = -1;
  int64_t mtime_ns_ = -1;
  size_t listings_ = 0;
  std::set<std::string, std::less<>> names_;
};
// The directory of a path template when it holds no $domain/$selector ("" otherwise).
std::string template_directory(const std::string& path_template);

template <class S>
class KeyTable {
 public:
  using Factory = std::function<Result<S>(auth::dkim::PrivateKey key, const std::string& domain,
                                          const std::string& selector)>;
  using Expander = std::function<std::string(std::string)>;

  struct Found {
    std::string domain;             // the configured domain whose keys apply ("" = none)
    std::vector<const S*> signers;  // empty: no usable key (see `why`)
    std::string why;
  };

  // Read `<section>.domains`, `path`, `selector`, `try_fallback`, `sign_subdomains`.
  Status load(const core::Config& cfg, const std::string& section, Expander expand,
              Factory factory);
  // The keys for a (lower-case) domain. Not const: template keys are loaded on first use.
  Found find(std::string_view domain);
  bool configured() const { return !domains_.empty() || fallback_; }

 private:
  const S* from_template(const std::string& domain);

  std::map<std::string, std::vector<S>, std::less<>> domains_;
  bool subdomains_ = true;
  bool fallback_ = false;
  std::string path_template_;
  std::string fallback_selector_;
  Expander expand_;
  Factory factory_;
  std::map<std::string, std::optional<S>, std::less<>> lazy_;  // domain -> signer or none
  std::optional<DirectoryNames> names_;  // the negative cache (see the file comment)
};

// The keys of one domain entry (shared by the template's instantiations).
struct KeyRef {
  std::string selector;
  std::string path;
};
Result<std::vector<KeyRef>> parse_domain_entry(const core::Config& cfg, const std::string& section,
                                               const std::string& domain);
std::vector<std::string> configured_domains(const core::Config& cfg, const std::string& section);

template <class S>
Status KeyTable<S>::load(const core::Config& cfg, const std::string& section, Expander expand,
                         Factory factory) {
  expand_ = std::move(expand);
  factory_ = std::move(factory);
  subdomains_ = cfg.get_bool(section + ".sign_subdomains");
  fallback_ = cfg.get_bool(section + ".try_fallback");
  path_template_ = cfg.get_string(section + ".path");
  fallback_selector_ = cfg.get_string(section + ".selector");
  if (std::string dir = template_directory(path_template_); fallback_ && !dir.empty()) {
    names_.emplace(expand_(dir));
  }
  for (const std::string& entry : configured_domains(cfg, section)) {
    auto refs = parse_domain_entry(cfg, section, entry);
    if (!refs) return fail(refs.error());
    std::string domain = core::to_lower(entry);
    std::vector<S> signers;
    for (const KeyRef& r : *refs) {
      std::string path = expand_(r.path);
      auto key = auth::dkim::PrivateKey::from_file(path);
      if (!key) {
        return fail(ErrorCode::kInvalidInput, section + ".domains.\"" + domain + "\": key " +
                                                  path + ": " + key.error().message);
      }
      auto s = factory_(std::move(*key), domain, r.selector);
      if (!s) {
        return fail(ErrorCode::kInvalidInput, section + ".domains.\"" + domain + "\" (" +
                                                  r.selector + "): " + s.error().message);
      }
      signers.push_back(std::move(*s));
    }
    domains_.emplace(std::move(domain), std::move(signers));
  }
  return {};
}

template <class S>
const S* KeyTable<S>::from_template(const std::string& domain) {
  auto it = lazy_.find(domain);
  if (it == lazy_.end()) {
    if (lazy_.size() >= 10000) lazy_.clear();  // bounded: many domains without keys
    std::optional<S> made;
    if (auth::dkim::is_valid_domain(domain)) {  // also keeps the path inside its directory
      std::string path = path_template_;
      auto subst = [&path](std::string_view var, const std::string& val) {
        for (size_t at = path.find(var); at != std::string::npos; at = path.find(var, at)) {
          path.replace(at, var.size(), val);
          at += val.size();
        }
      };
      subst("$domain", domain);
      subst("$selector", fallback_selector_);
      std::string file = expand_(path);
      if (names_) {
        auto slash = file.rfind('/');
        if (!names_->contains(slash == std::string::npos ? file : file.substr(slash + 1))) {
          return nullptr;  // not cached in lazy_: a file added later is found
        }
      }
      auto key = auth::dkim::PrivateKey::from_file(file);
      if (key) {
        auto s = factory_(std::move(*key), domain, fallback_selector_);
        if (s) made.emplace(std::move(*s));
      }
    }
    it = lazy_.emplace(domain, std::move(made)).first;
  }
  return it->second ? &*it->second : nullptr;
}

template <class S>
typename KeyTable<S>::Found KeyTable<S>::find(std::string_view domain) {
  Found out;
  for (std::string_view d = domain; !d.empty();) {
    auto it = domains_.find(d);
    if (it != domains_.end() && !it->second.empty()) {
      out.domain = it->first;
      for (const S& s : it->second) out.signers.push_back(&s);
      return out;
    }
    if (fallback_) {
      if (const S* s = from_template(std::string(d))) {
        out.domain = std::string(d);
        out.signers.push_back(s);
        return out;
      }
    }
    if (!subdomains_) break;
    auto dot = d.find('.');
    if (dot == std::string_view::npos) break;
    d.remove_prefix(dot + 1);
    if (d.find('.') == std::string_view::npos) break;  // never a bare TLD
  }
  out.why = "no key for domain " + std::string(domain);
  return out;
}

}  // namespace mw::scan
