// `mailward check-domain DOMAIN [--dns HOST:PORT] [--selector S]... [--json] [--conf DIR]`
//
// An operator's view of a sending domain's authentication records, through Mailward's own
// resolver and RFC libraries:
//   - SPF: the whole include/redirect tree with the DNS-lookup count of each record and the
//     total against the limit of 10, void lookups against 2, and every problem found;
//   - DMARC: the record (at the domain, else at its organisational domain) with its policy,
//     and advice when the policy protects nothing (p=none) or is only partly applied;
//   - DKIM: for each --selector, the key record with its algorithm and key size.
// Exit status: 0 when the records were read (whatever they say), 1 when DNS failed, 2 on
// usage errors.
#include <cstdio>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "auth/dkim/key_record.h"
#include "auth/dmarc/options.h"
#include "auth/dmarc/org_domain.h"
#include "auth/dmarc/record.h"
#include "auth/spf/analyze.h"
#include "core/json.h"
#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"dns", true},
                                    {"selector", true, true, 's'}, {"json", false},
                                    {"help", false, false, 'h'}};

constexpr const char* kUsage =
    "usage: mailward check-domain DOMAIN [--dns HOST:PORT] [--selector SEL]... [--json]\n"
    "                             [--conf DIR]\n";

// Resolve TXT synchronously on the loop (the command has nothing else to do).
dns::Reply txt(core::Dispatcher& d, dns::Resolver& r, const std::string& name) {
  dns::Reply out;
  bool done = false;
  auto req = r.resolve(name, dns::RrType::kTxt, [&](const dns::Reply& reply) {
    out = reply;
    done = true;
    d.exit();
  });
  if (!done) d.run();
  return out;
}

std::vector<std::string> txt_strings(const dns::Reply& r) {
  std::vector<std::string> out;
  for (const auto& rec : r.answers) out.push_back(rec.text);
  return out;
}

json::Value dmarc_section(core::Dispatcher& d, dns::Resolver& r, const std::string& domain,
                          const auth::dmarc::PublicSuffixList* psl, bool& dns_failed) {
  json::Value out = json::Value::object();
  std::string org = psl != nullptr ? psl->organizational_domain(domain) : domain;
  std::vector<std::string> tried = {domain};
  if (org != domain) tried.push_back(org);
  for (const auto& where : tried) {
    dns::Reply reply = txt(d, r, "_dmarc." + where);
    if (dns::is_temporary(reply.rcode)) {
      out.set("status", "temperror");
      out.set("problem", "DNS " + std::string(dns::rcode_name(reply.rcode)) + " for _dmarc." + where);
      dns_failed = true;
      return out;
    }
    std::vector<std::string> records;
    for (const auto& t : txt_strings(reply)) {
      if (auth::dmarc::is_dmarc_record(t)) records.push_back(t);
    }
    if (records.empty()) continue;
    out.set("record_domain", where);
    out.set("inherited", where != domain);
    if (records.size() > 1) {
      out.set("status", "invalid");
      out.set("problem", "several DMARC records: receivers ignore all of them");
      return out;
    }
    out.set("record", records[0]);
    auto parsed = auth::dmarc::parse_record(records[0]);
    json::Value problems = json::Value::array();
    for (const auto& p : parsed.problems) problems.push(p);
    out.set("problems", std::move(problems));
    if (!parsed.ok()) {
      out.set("status", "invalid");
      out.set("problem", std::string(auth::dmarc::record_error_name(parsed.error)));
      return out;
    }
    const auto& rec = *parsed.record;
    out.set("status", "found");
    out.set("policy", auth::dmarc::policy_name(rec.policy));
    out.set("subdomain_policy", auth::dmarc::policy_name(rec.effective_subdomain_policy()));
    out.set("pct", rec.percent);
    out.set("adkim", auth::dmarc::alignment_name(rec.dkim_alignment));
    out.set("aspf", auth::dmarc::alignment_name(rec.spf_alignment));
    json::Value rua = json::Value::array();
    for (const auto& u : rec.aggregate_uris) rua.push(u.uri);
    out.set("rua", std::move(rua));
    json::Value advice = json::Value::array();
    if (rec.policy == auth::dmarc::Policy::kNone) {
      advice.push("p=none only monitors: receivers apply no policy, so spoofed mail from this "
                  "domain is delivered; move to p=quarantine, then p=reject once reports show "
                  "your own mail passes");
    }
    if (rec.percent < 100) {
      advice.push("pct=" + std::to_string(rec.percent) + ": the policy applies to only part of "
                  "the failing mail");
    }
    if (rec.aggregate_uris.empty()) {
      advice.push("no rua: you receive no aggregate reports to see who sends as your domain");
    }
    if (where != domain && rec.effective_subdomain_policy() == auth::dmarc::Policy::kNone &&
        rec.policy != auth::dmarc::Policy::kNone) {
      advice.push("the organisational domain's sp=none leaves this subdomain unprotected");
    }
    out.set("advice", std::move(advice));
    return out;
  }
  out.set("status", "none");
  out.set("advice", json::Value(json::Array{json::Value(
      "no DMARC record: large mailbox providers now refuse or junk unauthenticated bulk mail; "
      "publish at least v=DMARC1; p=none; rua=mailto:... to start monitoring")}));
  return out;
}

json::Value dkim_section(core::Dispatcher& d, dns::Resolver& r, const std::string& domain,
                         const std::vector<std::string>& selectors, bool& dns_failed) {
  json::Value arr = json::Value::array();
  for (const auto& s : selectors) {
    json::Value k = json::Value::object();
    std::string name = s + "._domainkey." + domain;
    k.set("selector", s);
    k.set("name", name);
    dns::Reply reply = txt(d, r, name);
    if (dns::is_temporary(reply.rcode)) {
      k.set("status", "temperror");
      dns_failed = true;
    } else if (reply.answers.empty()) {
      k.set("status", "none");
    } else {
      std::string text = reply.answers.front().text;
      k.set("record", text);
      auto key = auth::dkim::parse_key_record(text);
      if (!key.ok()) {
        k.set("status", "invalid");
        k.set("problem", std::string(auth::dkim::reason_name(key.problem)) +
                             (key.problem_detail.empty() ? "" : ": " + key.problem_detail));
      } else {
        k.set("status", "found");
        k.set("algorithm", auth::dkim::key_type_name(key.type));
        k.set("bits", key.key->bits());
        k.set("testing", key.testing);
        if (key.type == auth::dkim::KeyType::kRsa && key.key->bits() < 1024) {
          k.set("advice", "keys under 1024 bits are refused by verifiers (RFC 8301)");
        } else if (key.type == auth::dkim::KeyType::kRsa && key.key->bits() < 2048) {
          k.set("advice", "1024-bit RSA is the minimum; 2048 bits is recommended");
        }
      }
    }
    arr.push(std::move(k));
  }
  return arr;
}

std::string text_report(const json::Value& spf_json, const std::string& spf_text,
                        const json::Value& dmarc, const json::Value& dkim) {
  std::string out = "SPF\n" + spf_text;
  out += "\nDMARC\n";
  std::string status = dmarc.find("status")->as_string();
  if (status == "found") {
    out += "  record (" + dmarc.find("record_domain")->as_string() + "): " +
           dmarc.find("record")->as_string() + "\n";
    out += "  policy " + dmarc.find("policy")->as_string() + ", subdomains " +
           dmarc.find("subdomain_policy")->as_string() + ", pct " +
           std::to_string(dmarc.find("pct")->as_int()) + "\n";
  } else {
    out += "  " + status;
    if (const json::Value* p = dmarc.find("problem")) out += ": " + p->as_string();
    out += "\n";
  }
  if (const json::Value* adv = dmarc.find("advice")) {
    for (const auto& a : adv->items()) out += "  advice: " + a.as_string() + "\n";
  }
  if (dkim.size() > 0) out += "\nDKIM\n";
  for (const auto& k : dkim.items()) {
    out += "  " + k.find("selector")->as_string() + ": " + k.find("status")->as_string();
    if (const json::Value* a = k.find("algorithm")) {
      out += ", " + a->as_string() + " " + std::to_string(k.find("bits")->as_int()) + " bits";
    }
    if (const json::Value* p = k.find("problem")) out += " (" + p->as_string() + ")";
    out += "\n";
    if (const json::Value* a = k.find("advice")) out += "    advice: " + a->as_string() + "\n";
  }
  (void)spf_json;
  return out;
}

}  // namespace

int cmd_check_domain(int argc, char** argv) {
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || args->positional().size() != 1) {
    if (!args) std::fprintf(stderr, "mailward check-domain: %s\n", args.error().message.c_str());
    std::fputs(kUsage, args && args->has("help") ? stdout : stderr);
    return args && args->has("help") ? 0 : 2;
  }
  std::string domain = args->positional()[0];
  for (auto& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  core::Logger logger(core::LogLevel::kError);
  StartupOptions so;
  so.conf_dir = args->get("conf");
  auto setup = start_command("check-domain", so, logger);
  if (!setup) return 2;
  const core::Config& cfg = *setup->config;
  core::Dispatcher dispatcher;
  auto resolver = make_resolver(cfg, dispatcher, logger, args->get("dns"));
  if (!resolver) {
    std::fprintf(stderr, "mailward check-domain: DNS: %s\n", resolver.error().message.c_str());
    return 2;
  }
  auto psl = auth::dmarc::load_public_suffix_list(auth::dmarc::options_from(cfg));

  auth::spf::Analysis analysis;
  bool analysed = false;
  auto handle = auth::spf::analyze(dispatcher, **resolver, domain, {}, [&](auth::spf::Analysis a) {
    analysis = std::move(a);
    analysed = true;
    dispatcher.exit();
  });
  if (!analysed) dispatcher.run();
  bool dns_failed = analysis.root.status == auth::spf::LookupStatus::kTempError;
  json::Value dmarc = dmarc_section(dispatcher, **resolver, domain,
                                    psl ? psl->get() : nullptr, dns_failed);
  json::Value dkim = dkim_section(dispatcher, **resolver, domain, args->all("selector"), dns_failed);
  if (args->has("json")) {
    json::Value out = json::Value::object();
    out.set("domain", domain);
    out.set("spf", analysis.to_json());
    out.set("dmarc", std::move(dmarc));
    out.set("dkim", std::move(dkim));
    std::printf("%s\n", json::write(out, {true}).c_str());
  } else {
    std::printf("%s", text_report(analysis.to_json(), analysis.to_text(), dmarc, dkim).c_str());
  }
  return dns_failed ? 1 : 0;
}

}  // namespace mw::app
