// The outbound module: the [outbound] options and, at configuration, outbound::Settings.
#include <filesystem>

#include "outbound/outbound.h"
#include "outbound/fleet_secret.h"
#include "proto/http/client.h"
#include "scan/engine.h"

namespace mw::outbound {

namespace {

// Keeps the settings alive as long as the engine whose rules read them.
class SettingsResource final : public scan::EngineResource {
 public:
  explicit SettingsResource(std::shared_ptr<const Settings> s) : settings(std::move(s)) {}
  std::shared_ptr<const Settings> settings;
};

class OutboundModule final : public scan::Module {
 public:
  OutboundModule(std::shared_ptr<Settings> s, scan::PathExpander expand)
      : settings_(std::move(s)), expand_(std::move(expand)) {}
  std::string_view name() const override { return "outbound"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    s.section("outbound", "Outbound protection: stolen-account reconnaissance and abuse");
    s.add({"outbound.enabled", OptType::kBool, "true", "Check mail of authenticated senders"});
    s.add({"outbound.secret", OptType::kString, "\"\"",
           "Key for hashing recipients, IPs and users in profiles (empty: with the Redis "
           "store, the fleet's key kept in Redis, created by the first scanner; else a random "
           "key kept in $DBDIR/outbound.secret)"});
    s.add({"outbound.model", OptType::kString, "\"$CONFDIR/outbound_model.json\"",
           "Classifier model (mailward train); missing: only decisive credential records give "
           "OUTBOUND_RECON"});
    s.add({"outbound.decisive", OptType::kBool, "true",
           "A complete credential record written in a submission (doc/outbound.md) is "
           "OUTBOUND_RECON on its own, whatever the model says"});
    s.add({"outbound.content_lines", OptType::kInt, "60",
           "Lines of the Subject, each text part and each text attachment examined for "
           "credential records", 1, 10000});
    s.add({"outbound.content_bytes", OptType::kSize, "\"8k\"",
           "Bytes of each text part examined for credential records", 256, 1 << 20});
    s.add({"outbound.attachment_size", OptType::kSize, "\"32k\"",
           "Text attachments up to this size are examined for credential records (0: none)", 0,
           1 << 24});
    s.add({"outbound.record_max_prose", OptType::kInt, "40",
           "Words of prose outside a credential record in the body beyond which the record is "
           "no longer decisive on its own (a help-desk or support mail)", 0, 100000});
    s.add({"outbound.threshold", OptType::kFloat, "0.3", "Probability from which a submission is "
           "reconnaissance (OUTBOUND_RECON)", 0, 1});
    s.add({"outbound.action", OptType::kString, "\"soft reject\"",
           "What a detection does: soft reject, reject, or alert (accept, only report)", {}, {},
           {"soft reject", "reject", "alert"}});
    s.add({"outbound.message", OptType::kString,
           "\"Not sent: this looks like a test mail of someone who has stolen your mail "
           "password. Your account is on hold to stop abuse; please change your password and "
           "contact support\"",
           "SMTP reply text of a detection: what happened, what the user should do"});
    s.add({"outbound.hold", OptType::kBool, "true", "Put the account on the hold list"});
    s.add({"outbound.hold_ttl", OptType::kDuration, "\"30d\"", "How long a hold lasts unless released"});
    s.add({"outbound.false_positive_period", OptType::kDuration, "\"30d\"",
           "After an operator marks a detection of an account as a false positive: how long "
           "detections of that account to only the recipients of that detection are reported "
           "(OUTBOUND_FALSE_POSITIVE) but neither held nor refused (0: marks relax nothing)"});
    s.add({"outbound.hold_action", OptType::kString, "\"soft reject\"",
           "Action for mail of held accounts", {}, {}, {"soft reject", "reject", "alert"}});
    s.add({"outbound.hold_message", OptType::kString,
           "\"Not sent: your account is on hold because mail from it looked like a test of a "
           "stolen password; please change your password and contact support\"",
           "SMTP reply text for held accounts"});
    s.add({"outbound.burst_recipients", OptType::kInt, "10",
           "Distinct recipients the refused mail of a held account must reach within "
           "burst_window to be the burst the hold prevented (the incident's start)", 2, 100000});
    s.add({"outbound.burst_window", OptType::kDuration, "\"1h\"",
           "Window of burst_recipients"});
    s.add({"outbound.provider_hosts", OptType::kStringList, "[]",
           "The provider's own submission host names (found next to a port: a strong signal)"});
    s.add({"outbound.local_domains", OptType::kStringList, "[]",
           "The provider's own mail domains (recipients elsewhere are external)"});
    s.add({"outbound.profile_ttl", OptType::kDuration, "\"90d\"", "Retention of per-user profiles"});
    s.add({"outbound.collector_ttl", OptType::kDuration, "\"60d\"", "Retention of collector data"});
    s.add({"outbound.collector_min_accounts", OptType::kInt, "2",
           "Accounts that must send suspected test mail to an address before it is a collector", 1, 1000});
    s.add({"outbound.ratelimit_messages", OptType::kInt, "300",
           "Messages per user per window before rate limiting (0: off)", 0, 10000000});
    s.add({"outbound.ratelimit_recipients", OptType::kInt, "1000",
           "Recipients per user per window before rate limiting (0: off)", 0, 10000000});
    s.add({"outbound.ratelimit_window", OptType::kDuration, "\"1h\"", "Rate limit window"});
    s.add({"outbound.ratelimit_message", OptType::kString, "\"Rate limit exceeded, try again later\"",
           "SMTP reply text when rate limited"});
    s.add({"outbound.on_store_failure", OptType::kString, "\"accept\"",
           "What authenticated submissions get while the store (hold list) cannot be read: "
           "accept (with STORE_UNAVAILABLE) or tempfail (soft reject, the MTA retries)",
           {}, {}, {"accept", "tempfail"}});
    s.add({"outbound.store_failure_message", OptType::kString,
           "\"Temporary local problem, please try again later\"",
           "SMTP reply text of on_store_failure = tempfail"});
    s.add({"outbound.events_file", OptType::kString, "\"$DBDIR/outbound-events.jsonl\"",
           "Detections as JSON lines (empty: none)"});
    s.add({"outbound.webhook", OptType::kString, "\"\"", "HTTP URL each detection is POSTed to"});
    s.add({"outbound.webhook_timeout", OptType::kDuration, "\"5s\"", "Webhook timeout"});
    s.add({"outbound.event_rows", OptType::kInt, "1000", "Detections kept for the dashboard", 0, 1000000});
  }

  Status configure(scan::Engine& engine, core::Logger& logger) override {
    const core::Config& c = *engine.config;
    Settings& s = *settings_;
    s.configured = true;
    auto sec = resolve_secret(c, expand_("$DBDIR", c));
    if (!sec) return fail(sec.error());
    s.secret = std::move(*sec);
    std::string model_path = expand_(c.get_string("outbound.model"), c);
    s.model.reset();
    std::error_code ec;
    if (!model_path.empty() && std::filesystem::exists(model_path, ec)) {
      auto m = LogisticModel::load(model_path);
      if (!m) return fail(m.error());
      s.model = std::move(*m);
    } else if (!model_path.empty()) {
      logger.warn("outbound", "no classifier model at " + model_path +
                                  ": reconnaissance verdicts are off until one is trained");
    }
    s.content.limits.max_lines = static_cast<size_t>(c.get_int("outbound.content_lines"));
    s.content.limits.max_prose = static_cast<size_t>(c.get_int("outbound.record_max_prose"));
    s.content.part_bytes = c.get_size("outbound.content_bytes");
    s.content.attachment_bytes = c.get_size("outbound.attachment_size");
    auto candidates = CandidateFilter::build(engine.options.match, logger);
    if (!candidates) return fail(candidates.error());
    s.candidates = std::move(*candidates);
    s.events.file = expand_(c.get_string("outbound.events_file"), c);
    s.events.webhook = c.get_string("outbound.webhook");
    if (!s.events.webhook.empty()) {
      if (auto url = proto::http::parse_http_url(s.events.webhook); !url) {
        return fail(ErrorCode::kInvalidInput, "[outbound] webhook: " + url.error().message);
      }
    }
    s.events.webhook_timeout = c.get_duration("outbound.webhook_timeout");
    s.events.rows = static_cast<size_t>(c.get_int("outbound.event_rows"));
    // Everything rules need, with defaults filled in, except the secret.
    json::Value cfg = json::Value::object();
    for (const auto& d : c.schema().options()) {
      if (d.path.rfind("outbound.", 0) != 0 || d.path == "outbound.secret") continue;
      std::string key = d.path.substr(9);
      std::optional<json::Value> v = c.effective_value(d.path);
      if (!v) continue;
      if (d.type == core::OptType::kDuration) v = json::Value(c.get_duration(d.path));
      cfg.set(key, std::move(*v));
    }
    s.config = std::move(cfg);
    engine.resources.push_back(std::make_unique<SettingsResource>(settings_));
    return {};
  }

 private:
  std::shared_ptr<Settings> settings_;
  scan::PathExpander expand_;
};

}  // namespace

scan::ModulePtr make_module(std::shared_ptr<Settings> settings, scan::PathExpander expand) {
  return std::make_unique<OutboundModule>(std::move(settings), std::move(expand));
}

}  // namespace mw::outbound
