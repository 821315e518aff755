#include "scan/rule_options.h"

namespace mw::scan {

namespace {

void declare_multimap(core::Schema& s) {
  using core::OptType;
  s.section("multimap.*", "A map rule: look a part of the message up in a map, insert a symbol "
                          "(rules/multimap.lua, doc/maps.md)");
  s.add({"multimap.*.type", OptType::kString, "",
         "What is looked up: ip (client), from (sender address), rcpt (recipients), helo, "
         "hostname (client reverse DNS), header (see `header`), url, filename (attachments), "
         "content_type (MIME parts), authenticated_domain (the sender domain, only when SPF, "
         "an aligned DKIM signature or DMARC pass for it)",
         {}, {}, {"ip", "from", "rcpt", "helo", "hostname", "header", "url", "filename",
                  "content_type", "authenticated_domain"}});
  s.add({"multimap.*.map", OptType::kStringList, "[]",
         "Map files (a path or a list; $CONFDIR expanded); reloaded when they change"});
  s.add({"multimap.*.data", OptType::kStringList, "[]", "Inline map entries (same syntax as files)"});
  s.add({"multimap.*.map_type", OptType::kString, "\"\"",
         "Kind of map (default by type and filter: ip for ip; domain for helo, hostname, url "
         "hosts and domain filters; email for addresses; hash otherwise)",
         {}, {}, {"", "ip", "domain", "email", "hash", "regexp", "glob"}});
  s.add({"multimap.*.regexp", OptType::kBool, "false", "Entries are regexps (/re/flags)"});
  s.add({"multimap.*.glob", OptType::kBool, "false", "Entries are globs (*.example.com)"});
  s.add({"multimap.*.filter", OptType::kString, "\"\"",
         "Part of the value looked up: for addresses email:addr (default), email:domain, "
         "email:user, email:domain:tld (registrable domain); for url host (default), tld, full; "
         "for header value (default), raw or an email:* filter"});
  s.add({"multimap.*.header", OptType::kString, "\"\"", "Header name for type header"});
  s.add({"multimap.*.source", OptType::kString, "\"any\"",
         "For from and rcpt: smtp (envelope), mime (headers) or any (envelope, else headers)",
         {}, {}, {"any", "smtp", "mime"}});
  s.add({"multimap.*.symbol", OptType::kString, "\"\"", "Symbol to insert (default: the rule name)"});
  s.add({"multimap.*.symbols", OptType::kStringList, "[]",
         "More symbols a map value may choose: a value `SYMBOL[:score[:opt1,opt2]]` inserts that "
         "symbol (score is a multiplier); a number alone scales the rule's symbol; any other "
         "value becomes the symbol's option"});
  s.add({"multimap.*.score", OptType::kFloat, "0", "Score of the symbol(s)"});
  s.add({"multimap.*.description", OptType::kString, "\"\"", "Description of the symbol"});
  s.add({"multimap.*.group", OptType::kString, "\"multimap\"", "Group of the symbol(s)"});
  s.add({"multimap.*.prefilter", OptType::kBool, "false",
         "Run before the other rules and, on a hit, set `action` at once (allow/deny lists)"});
  s.add({"multimap.*.action", OptType::kString, "\"\"",
         "Action a prefilter hit forces (reject, soft reject, add header, no action ...)"});
  s.add({"multimap.*.message", OptType::kString, "\"\"", "SMTP message with the forced action"});
  s.add({"multimap.*.priority", OptType::kInt, "0", "Order among prefilters (high first)"});
  s.add({"multimap.*.enabled", OptType::kBool, "true", "Set false to turn the rule off"});
}

}  // namespace

void declare_rule_options(core::Schema& s) { declare_multimap(s); }

}  // namespace mw::scan
