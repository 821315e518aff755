// A module's callback symbol and the fixed list of virtual symbols it inserts, registered
// together (hfilter, received, rbl, auth, dkim_replay). Failure modes: the registry's (a name
// registered twice).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "scan/symbols.h"

namespace mw::scan {

struct VirtualSymbol {
  const char* name;
  double score;
  const char* description;
};

// The callback symbol of module `module`: type kCallback, origin "module:<module>", in
// `group` (in no group when `group` is empty).
inline SymbolDef module_callback(std::string_view module, std::string name, std::string group,
                                 std::string description, SymbolCallback callback) {
  SymbolDef d;
  d.name = std::move(name);
  d.type = SymbolType::kCallback;
  if (!group.empty()) d.groups.push_back(std::move(group));
  d.description = std::move(description);
  d.origin = "module:" + std::string(module);
  d.callback = std::move(callback);
  return d;
}

// Adds `parent` (a callback symbol), then every entry of `virtuals` as its virtual symbol
// with the parent's groups and origin.
inline Status add_callback_symbols(SymbolRegistry& registry, SymbolDef parent,
                                   std::span<const VirtualSymbol> virtuals) {
  auto id = registry.add(std::move(parent));
  if (!id) return fail(id.error());
  for (const VirtualSymbol& s : virtuals) {
    auto vid = registry.add(registry.virtual_of(*id, s.name, s.description, s.score));
    if (!vid) return fail(vid.error());
  }
  return {};
}

}  // namespace mw::scan
