#include "scan/options.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>
#include "maps/registry.h"
#include "match/options.h"
#include "scan/engine.h"
#include "scan/rule_options.h"

namespace mw::scan {

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("options", "General scanning options");
  s.add({"options.task_timeout", OptType::kDuration, "\"8s\"",
         "Time allowed for all rules of one message; then it is answered with what finished",
         0.001, 3600});
  s.add({"options.max_task_memory", OptType::kSize, "\"256M\"",
         "Memory cap for one message's parsed data (the request fails with an error past it)"});
  s.add({"options.local_networks", OptType::kStringList,
         "[\"127.0.0.0/8\", \"::1/128\", \"10.0.0.0/8\", \"172.16.0.0/12\", \"192.168.0.0/16\"]",
         "Networks whose clients count as local (settings `local`, signing)"});
  s.section("received", "The Received chain: which hops our own hosts added (scan/received_chain.h)");
  s.add({"received.trusted_networks", OptType::kStringList, "[]",
         "Networks of our relays besides options.local_networks: Received hops from them are "
         "skipped when looking for the first untrusted relay"});
  s.add({"received.fill_envelope", OptType::kBool, "true",
         "A request without a client IP gets the first untrusted relay's IP, HELO and host name"});
  s.add({"options.hostname", OptType::kString, "\"\"",
         "This scanner's host name (Authentication-Results authserv-id without an MTA name); "
         "empty: the machine's fully qualified name"});
  s.add({"options.max_symbol_options", OptType::kInt, "64", "Options kept per symbol", 1, 10000});
  s.add({"options.max_option_length", OptType::kSize, "\"4k\"", "Bytes kept per symbol option"});

  s.section("limits", "Limits on message input; each one degrades (flags, cuts) when hit");
  s.add({"limits.max_message_size", OptType::kSize, "\"50M\"",
         "Bytes of a message that are parsed; the rest is ignored and flagged"});
  s.add({"limits.max_headers", OptType::kInt, "1024", "Header fields per header block", 1, 1000000});
  s.add({"limits.max_header_length", OptType::kSize, "\"64k\"", "Bytes per header field"});
  s.add({"limits.max_mime_depth", OptType::kInt, "32", "Nesting depth of MIME parts", 1, 1000});
  s.add({"limits.max_mime_parts", OptType::kInt, "1024", "MIME parts per message", 1, 1000000});
  s.add({"limits.max_urls", OptType::kInt, "4096", "URLs and addresses kept per message", 0, 10000000});
  s.add({"limits.max_received", OptType::kInt, "64",
         "Received fields parsed per message (the topmost ones; the rest are only counted)", 0,
         10000});
  s.add({"limits.max_text_size", OptType::kSize, "\"16M\"",
         "Bytes of one text part converted and extracted"});

  s.section("actions", "Score thresholds of the actions; the highest reached applies");
  s.add({"actions.reject", OptType::kAny, "15", "Reject (554); false disables"});
  s.add({"actions.soft_reject", OptType::kAny, "", "Temporary reject (451); false disables"});
  s.add({"actions.rewrite_subject", OptType::kAny, "", "Rewrite the subject; false disables"});
  s.add({"actions.add_header", OptType::kAny, "6", "Add an X-Spam header; false disables"});
  s.add({"actions.greylist", OptType::kAny, "4", "Greylist; false disables"});
  s.add({"actions.subject", OptType::kString, "\"*** SPAM *** %s\"",
         "Template for rewrite subject (%s = subject, %d = score)"});

  s.section("groups.*", "A group of symbols");
  s.add({"groups.*.description", OptType::kString, "\"\"", "What the group is about"});
  s.add({"groups.*.max_score", OptType::kFloat, "0", "Cap on the group's positive total (0 = none)"});
  s.add({"groups.*.min_score", OptType::kFloat, "0", "Cap on the group's negative total (0 = none)"});
  s.add({"groups.*.enabled", OptType::kBool, "true", "Set false to disable every symbol of it"});

  s.section("symbols.*", "Score and description of a symbol");
  s.add({"symbols.*.score", OptType::kFloat, "0", "Weight of the symbol"});
  s.add({"symbols.*.weight", OptType::kFloat, "0", "Alias of score"});
  s.add({"symbols.*.description", OptType::kString, "\"\"", "Shown in replies"});
  s.add({"symbols.*.group", OptType::kString, "", "Group of the symbol"});
  s.add({"symbols.*.groups", OptType::kStringList, "", "Groups of the symbol"});
  s.add({"symbols.*.one_shot", OptType::kBool, "false", "Count only the highest insert"});
  s.add({"symbols.*.enabled", OptType::kBool, "true", "Set false to disable the symbol"});

  declare_settings_options(s);
  declare_composite_options(s);
  declare_rule_options(s);
  match::declare_options(s);
  maps::declare_options(s);
}

namespace {

Status load_thresholds(const core::Config& cfg, Thresholds& th) {
  for (size_t i = 1; i < static_cast<size_t>(Action::kCount); ++i) {
    auto a = static_cast<Action>(i);
    std::string key = "actions." + std::string(action_config_key(a));
    std::optional<json::Value> v = cfg.value(key);
    if (!v) {
      // Declared defaults for reject/add_header/greylist.
      if (a == Action::kReject) th.set(a, 15.0);
      if (a == Action::kAddHeader) th.set(a, 6.0);
      if (a == Action::kGreylist) th.set(a, 4.0);
      continue;
    }
    if (v->is_number()) {
      th.set(a, v->as_double());
    } else if (v->is_bool() && !v->as_bool()) {
      th.set(a, std::nullopt);
    } else {
      return fail(ErrorCode::kInvalidInput, key + " must be a number or false");
    }
  }
  return {};
}

// The machine's fully qualified name: its name as canonicalised by the resolver (/etc/hosts
// first), else the name as set; "" when even that fails. Called once per configuration.
std::string machine_hostname() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) return {};
  std::string name = host;
  if (name.find('.') != std::string::npos) return name;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_CANONNAME;
  addrinfo* res = nullptr;
  if (getaddrinfo(host, nullptr, &hints, &res) == 0 && res != nullptr) {
    if (res->ai_canonname != nullptr && std::string_view(res->ai_canonname).find('.') != std::string_view::npos) {
      name = res->ai_canonname;
    }
    freeaddrinfo(res);
  }
  return name;
}

}  // namespace

Status configure_engine(const core::ConfigPtr& cfg_ptr, Engine& engine) {
  const core::Config& cfg = *cfg_ptr;
  engine.config = cfg_ptr;
  EngineOptions& o = engine.options;
  o.task_timeout = cfg.get_duration("options.task_timeout");
  o.max_task_memory = cfg.get_size("options.max_task_memory");
  o.max_options = static_cast<size_t>(cfg.get_int("options.max_symbol_options"));
  o.max_option_length = cfg.get_size("options.max_option_length");
  o.subject_template = cfg.get_string("actions.subject");
  o.hostname = cfg.get_string("options.hostname");
  if (o.hostname.empty()) o.hostname = machine_hostname();
  for (const auto& net : cfg.get_strings("options.local_networks")) {
    auto st = o.local_networks.add(net);
    if (!st) return fail(ErrorCode::kInvalidInput, "options.local_networks: " + st.error().message);
    (void)o.trusted_relays.add(net);
  }
  for (const auto& net : cfg.get_strings("received.trusted_networks")) {
    auto st = o.trusted_relays.add(net);
    if (!st) {
      return fail(ErrorCode::kInvalidInput, "received.trusted_networks: " + st.error().message);
    }
  }
  o.received_fill_envelope = cfg.get_bool("received.fill_envelope");
  o.limits.max_message_size = cfg.get_size("limits.max_message_size");
  o.limits.max_headers = static_cast<uint32_t>(cfg.get_int("limits.max_headers"));
  o.limits.max_header_length = cfg.get_size("limits.max_header_length");
  o.limits.max_mime_depth = static_cast<uint32_t>(cfg.get_int("limits.max_mime_depth"));
  o.limits.max_mime_parts = static_cast<uint32_t>(cfg.get_int("limits.max_mime_parts"));
  o.limits.max_urls = static_cast<uint32_t>(cfg.get_int("limits.max_urls"));
  o.limits.max_text_size = cfg.get_size("limits.max_text_size");
  o.limits.max_received = static_cast<uint32_t>(cfg.get_int("limits.max_received"));
  MW_TRY(load_thresholds(cfg, engine.thresholds));
  auto mo = match::options_from(cfg);
  if (!mo) return fail(mo.error());
  o.match = *mo;

  SymbolRegistry& reg = engine.registry;
  for (const auto& name : cfg.keys("groups")) {
    std::string p = "groups." + name;
    GroupDef& g = reg.group(name);
    g.description = cfg.get_string(p + ".description");
    g.max_score = cfg.get_float(p + ".max_score");
    g.min_score = cfg.get_float(p + ".min_score");
    g.enabled = cfg.get_bool(p + ".enabled");
  }
  for (const auto& name : cfg.keys("symbols")) {
    std::string p = "symbols." + name;
    if (cfg.has(p + ".score")) reg.set_score(name, cfg.get_float(p + ".score"));
    else if (cfg.has(p + ".weight")) reg.set_score(name, cfg.get_float(p + ".weight"));
    if (cfg.has(p + ".description")) reg.set_description(name, cfg.get_string(p + ".description"));
    if (cfg.has(p + ".group")) reg.add_to_group(name, cfg.get_string(p + ".group"));
    for (const auto& g : cfg.get_strings(p + ".groups")) reg.add_to_group(name, g);
    if (cfg.get_bool(p + ".one_shot")) reg.set_flags(name, kFlagOneShot);
    if (!cfg.get_bool(p + ".enabled")) reg.set_flags(name, kFlagSkip);
  }
  MW_TRY(engine.composites.load(cfg, reg));
  auto settings = SettingsSet::load(cfg, o.local_networks);
  if (!settings) return fail(settings.error());
  engine.settings = std::move(*settings);
  return {};
}

}  // namespace mw::scan
