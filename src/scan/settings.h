// Settings: per-message changes to what runs and how it scores.
//
// A profile ([settings.NAME] in the configuration) has match conditions and an `apply`
// block. Conditions of different kinds must all hold (AND); several values of one kind are
// alternatives (OR). A message gets the profile named by its `Settings-ID` request header,
// else the matching profile with the highest priority; an inline `Settings` JSON request
// header is merged on top. An `apply` block can:
//   - change symbol scores:            SYMBOL = 2.5   (or scores = { SYMBOL = 2.5 })
//   - change thresholds:               actions = { reject = 20, greylist = false }
//   - enable / disable symbols:        symbols_enabled / symbols_disabled = ["SYM", ...]
//   - enable / disable groups:         groups_enabled / groups_disabled = ["group", ...]
//   - insert symbols:                  symbols = ["SYM", ...]
//   - replace the rewrite template:    subject = "[SPAM] %s"
//   - skip scanning entirely:          want_spam = true
// `symbols_enabled`/`groups_enabled` switch to allow-list mode: only those run.
//
// Conditions: from, from_mime, rcpt, user, hostname, helo (strings: exact address,
// "@domain" for a domain, "/regexp/flags"), ip (addresses or CIDR networks), authenticated
// (bool), local (bool: IP in options.local_networks), request_header / header (tables of
// NAME = "/regexp/" or exact value), priority (number or high/medium/low), inverse (bool).
//
// Ownership: SettingsSet is immutable after load, part of the Engine.
// Failure modes: load errors name the profile and the key.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/ip_address.h"
#include "core/json.h"
#include "core/result.h"
#include "scan/actions.h"
#include "scan/envelope.h"

namespace mw::match {
class Regexp;
}

namespace mw::mime {
struct Message;
}

namespace mw::scan {

// The effect of settings on one task.
struct Applied {
  std::string id;                                  // profile name(s) that applied
  std::unordered_map<std::string, double> scores;  // symbol -> weight
  std::vector<std::pair<Action, std::optional<double>>> actions;  // threshold changes
  std::vector<std::string> symbols_enabled, symbols_disabled;
  std::vector<std::string> groups_enabled, groups_disabled;
  std::vector<std::string> symbols_add;
  std::optional<std::string> subject;
  bool want_spam = false;
  bool any = false;

  // Merge `other` over this one (later wins for scores/thresholds; lists append).
  void merge(const Applied& other);
};

Result<Applied> applied_from_json(const json::Value& v);

// Matches strings: exact (case-insensitive), "@domain" suffix, or "/regexp/flags".
class StringMatcher {
 public:
  static Result<StringMatcher> make(std::string_view spec);
  bool matches(std::string_view value) const;
  StringMatcher();
  ~StringMatcher();
  StringMatcher(StringMatcher&&) noexcept;
  StringMatcher& operator=(StringMatcher&&) noexcept;

 private:
  std::string exact_;
  std::string domain_;
  std::unique_ptr<match::Regexp> re_;
};

// IPv4/IPv6 networks ("192.0.2.0/24", "2001:db8::/32", "127.0.0.1").
class IpNetworks {
 public:
  Status add(std::string_view cidr);
  bool contains(std::string_view ip_text) const;
  bool empty() const { return nets_.empty(); }

 private:
  struct Net {
    core::IpAddress addr;
    int prefix = 0;
  };
  std::vector<Net> nets_;
};

struct Profile {
  std::string name;
  int priority = 0;
  bool inverse = false;
  std::vector<StringMatcher> from, from_mime, rcpt, user, hostname, helo;
  IpNetworks ip;
  std::optional<bool> authenticated;
  std::optional<bool> local;
  std::vector<std::pair<std::string, StringMatcher>> request_headers, headers;
  bool has_conditions = false;  // a profile without conditions is only chosen by id
  Applied apply;
};

class SettingsSet {
 public:
  // Load [settings.*] from the configuration; `local_networks` backs the `local` condition.
  static Result<SettingsSet> load(const core::Config& cfg, const IpNetworks& local_networks);

  const Profile* by_id(std::string_view id) const;
  // The best matching profile with conditions (highest priority; name order on ties).
  // `message` may be null when only envelope conditions should be checked.
  const Profile* match(const Envelope& env, const mime::Message* message) const;
  const std::vector<Profile>& profiles() const { return profiles_; }

 private:
  bool matches(const Profile& p, const Envelope& env, const mime::Message* message) const;
  std::vector<Profile> profiles_;
  IpNetworks local_;
};

void declare_settings_options(core::Schema& schema);

}  // namespace mw::scan
