// task:get_received_headers(): the Received chain in Rspamd's shape (scan/received_chain.h,
// mime/received.h). An array, topmost hop first, of tables:
//
//   from_hostname  the HELO the client gave     from_ip    its IP as text
//   real_hostname  its reverse-DNS name         real_ip    its IP as an IP object
//   by_hostname    the receiving host           proto      "esmtp", "esmtps", "esmtpsa",
//   timestamp      the hop's date (epoch s)                "lmtp", "http", "local", ...
//   for            the recipient                id, with, via, helo, ident, tls_version,
//   raw            the field value                         tls_cipher
//   flags = { ssl, authenticated, artificial, utf8, helo_literal, helo_bare_ip, rdns_absent,
//             rdns_forged, unparsed, trusted, first_untrusted }  (only those that are true)
//
// The envelope hop (flags.artificial) comes first when the request gave a client IP that the
// topmost field does not record: from the request's IP, Helo and Hostname; ssl when the
// request carries TLS-Version or TLS-Cipher, authenticated when it names a user. The array
// is built once per task and shared by every rule that asks (do not modify it).
//
// Also here: task:get_untrusted_relay(), task:get_rdns_state() and task:is_from_ip_derived()
// (see below).
#include <string>

#include "lua/bind.h"
#include "lua/ip.h"
#include "lua/runner.h"
#include "scan/engine.h"
#include "scan/received_chain.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

std::string proto_name(const mime::Received& r) {
  std::string p(mime::received_proto_name(r.proto));
  if (r.proto == mime::ReceivedProto::kEsmtp || r.proto == mime::ReceivedProto::kLmtp) {
    if (r.has(mime::kRcvdTls)) p += 's';
    if (r.has(mime::kRcvdAuth)) p += 'a';
  }
  return p;
}

void set_opt(lua_State* L, const char* key, std::string_view v) {
  if (!v.empty()) set_field(L, key, v);
}

void push_relay(lua_State* L, const scan::Task& task, const scan::Relay& relay, bool first_untrusted) {
  lua_createtable(L, 0, 16);
  const mime::Received* r = nullptr;
  if (!relay.artificial) r = &task.message().received[static_cast<size_t>(relay.index)];
  set_opt(L, "from_hostname", relay.helo);
  set_opt(L, "real_hostname", relay.rdns);
  if (!relay.ip.empty()) {
    set_field(L, "from_ip", relay.ip);
    push_ip(L, relay.ip);
    lua_setfield(L, -2, "real_ip");
  }
  const scan::Envelope& env = task.envelope();
  bool ssl = false, auth = false;
  if (r != nullptr) {
    set_opt(L, "by_hostname", r->by);
    set_field(L, "proto", proto_name(*r));
    if (r->timestamp != 0) set_field(L, "timestamp", static_cast<double>(r->timestamp));
    set_opt(L, "for", r->for_addr);
    set_opt(L, "id", r->id);
    set_opt(L, "with", r->with);
    set_opt(L, "via", r->via);
    set_opt(L, "ident", r->ident);
    set_opt(L, "tls_version", r->tls_version);
    set_opt(L, "tls_cipher", r->tls_cipher);
    set_field(L, "raw", r->raw);
    if (r->has(mime::kRcvdHeloExplicit)) set_opt(L, "helo", r->helo);
    ssl = r->has(mime::kRcvdTls);
    auth = r->has(mime::kRcvdAuth);
  } else {
    set_opt(L, "by_hostname", env.mta_name);
    set_field(L, "proto", "smtp");
    set_field(L, "timestamp", task.time());
    const std::string* tls_version = env.request_header("TLS-Version");
    const std::string* tls_cipher = env.request_header("TLS-Cipher");
    if (tls_version != nullptr) set_opt(L, "tls_version", *tls_version);
    if (tls_cipher != nullptr) set_opt(L, "tls_cipher", *tls_cipher);
    ssl = (tls_version != nullptr && !tls_version->empty()) ||
          (tls_cipher != nullptr && !tls_cipher->empty());
    auth = env.authenticated();
  }
  // Only the flags that are set (absent means false), as in Rspamd.
  lua_createtable(L, 0, 4);
  auto flag = [L](const char* name, bool on) {
    if (on) set_bool(L, name, true);
  };
  flag("ssl", ssl);
  flag("authenticated", auth);
  flag("artificial", relay.artificial);
  flag("rdns_absent", relay.rdns_absent);
  flag("trusted", relay.trusted);
  flag("first_untrusted", first_untrusted);
  if (r != nullptr) {
    flag("utf8", r->has(mime::kRcvdUtf8));
    flag("helo_literal", r->has(mime::kRcvdHeloLiteral));
    flag("helo_bare_ip", r->has(mime::kRcvdHeloBareIp));
    flag("rdns_forged", r->has(mime::kRcvdRdnsForged));
    flag("unparsed", !r->parsed);
  }
  lua_setfield(L, -2, "flags");
}

// The table is built once per task and kept in the task's cache table (task:cache_get):
// rules share it and must not modify it.
constexpr const char* kCacheKey = "mailward.received_headers";

int get_received_headers(lua_State* L) {
  scan::Task& task = check_task(L, 1);
  if (!task.has_message()) {
    lua_newtable(L);
    return 1;
  }
  push_ref_table(L, ext_of(L, task).cache_ref);
  lua_getfield(L, -1, kCacheKey);
  if (lua_istable(L, -1)) {
    lua_remove(L, -2);
    return 1;
  }
  lua_pop(L, 1);  // the nil; the cache table stays below the result
  const scan::RelayChain& chain = task.relays();
  const auto& relays = chain.relays();
  lua_createtable(L, static_cast<int>(relays.size()), 0);
  int first = chain.first_untrusted_position();
  for (size_t i = 0; i < relays.size(); ++i) {
    push_relay(L, task, relays[i], static_cast<int>(i) == first);
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, kCacheKey);
  lua_remove(L, -2);
  return 1;
}

// task:get_untrusted_relay(): the first hop outside our trusted networks (the relay that
// handed the message to us) as one table of the same shape as get_received_headers()
// entries, or nil when every hop is ours. Cheaper than the whole chain.
int get_untrusted_relay(lua_State* L) {
  scan::Task& task = check_task(L, 1);
  if (!task.has_message()) {
    lua_pushnil(L);
    return 1;
  }
  const scan::Relay* r = task.relays().first_untrusted();
  if (r == nullptr) {
    lua_pushnil(L);
  } else {
    push_relay(L, task, *r, true);
  }
  return 1;
}

// task:get_rdns_state(): what the request (or the Received chain) says about the client's
// reverse DNS: "present" (a host name), "absent" (Hostname "unknown": there is none) or
// "unknown" (not given).
int get_rdns_state(lua_State* L) {
  const std::string& h = check_task(L, 1).envelope().hostname;
  lua_pushstring(L, h.empty() ? "unknown" : (h == "unknown" ? "absent" : "present"));
  return 1;
}

// task:is_from_ip_derived(): true when the client IP came from the Received chain.
int is_from_ip_derived(lua_State* L) {
  lua_pushboolean(L, check_task(L, 1).envelope().ip_from_received);
  return 1;
}

}  // namespace

void open_received(lua_State* L) {
  static const luaL_Reg kMethods[] = {{"get_received_headers", get_received_headers},
                                      {"get_untrusted_relay", get_untrusted_relay},
                                      {"get_rdns_state", get_rdns_state},
                                      {"is_from_ip_derived", is_from_ip_derived},
                                      {nullptr, nullptr}};
  add_task_methods(L, kMethods);
}

}  // namespace mw::lua
