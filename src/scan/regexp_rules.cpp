#include "scan/regexp_rules.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/ascii.h"
#include "match/match_set.h"
#include "match/pattern.h"
#include "match/pattern_set.h"
#include "match/scratch.h"
#include "mime/message.h"
#include "scan/expression.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

constexpr ExtensionKey kRegexpExtensionKey{"regexp rules"};

enum class ClassType { kHeader, kRawHeader, kAllHeader, kMime, kRawMime, kBody, kMessage, kUrl, kEmail };

const char* type_name(ClassType t) {
  switch (t) {
    case ClassType::kHeader: return "header";
    case ClassType::kRawHeader: return "raw_header";
    case ClassType::kAllHeader: return "all_header";
    case ClassType::kMime: return "mime";
    case ClassType::kRawMime: return "raw_mime";
    case ClassType::kBody: return "body";
    case ClassType::kMessage: return "message";
    case ClassType::kUrl: return "url";
    case ClassType::kEmail: return "email";
  }
  return "?";
}

std::optional<ClassType> type_from_word(std::string_view w) {
  if (w == "header" || w == "mime_header") return ClassType::kHeader;
  if (w == "raw_header") return ClassType::kRawHeader;
  if (w == "all_header" || w == "all_headers") return ClassType::kAllHeader;
  if (w == "mime" || w == "sa_body") return ClassType::kMime;
  if (w == "raw_mime") return ClassType::kRawMime;
  if (w == "body" || w == "rawbody" || w == "sa_raw_body") return ClassType::kBody;
  if (w == "message" || w == "raw_message") return ClassType::kMessage;
  if (w == "url") return ClassType::kUrl;
  if (w == "email") return ClassType::kEmail;
  return std::nullopt;
}

std::optional<ClassType> type_from_letter(char c) {
  switch (c) {
    case 'H': case 'B': return ClassType::kHeader;
    case 'X': return ClassType::kRawHeader;
    case 'R': return ClassType::kAllHeader;
    case 'P': case 'C': return ClassType::kMime;
    case 'Q': return ClassType::kRawMime;
    case 'D': return ClassType::kBody;
    case 'M': return ClassType::kMessage;
    case 'U': return ClassType::kUrl;
    default: return std::nullopt;
  }
}


struct Atom {
  bool header_exists = false;
  std::string header;  // header name for header classes and header_exists
  std::string header_lower;  // header_exists: the name lower-cased
  size_t cls = 0;
  size_t id = 0;       // pattern id within the class
};

struct ClassDef {
  ClassType type;
  std::string header;  // lower-case, header classes only
  std::vector<match::Pattern> patterns;
  match::PatternSetPtr set;
  std::string name() const {
    return header.empty() ? type_name(type) : std::string(type_name(type)) + ":" + header;
  }
};

struct Rule {
  std::string name;
  Expression expr;
  std::vector<size_t> atoms;  // index into Impl::atoms, parallel to expr.atoms()
  // True when the rule cannot hold unless one of its atoms does (no negation, no "less
  // than", false with every atom false): most messages match none of a rule's regexps, and
  // then the expression need not be evaluated.
  bool needs_an_atom = false;
};

// Per-task cache of class scans, and the message's header names (lower-cased, sorted) for
// header_exists() atoms, collected on first use.
struct ClassResults final : TaskExtension {
  std::vector<std::optional<match::MatchSet>> sets;
  std::vector<std::string> header_names;
  bool names_ready = false;
};

}  // namespace

struct RegexpRules::Impl {
  std::vector<ClassDef> classes;
  std::map<std::pair<ClassType, std::string>, size_t> class_index;
  std::vector<Atom> atoms;
  std::map<std::string, size_t> atom_index;  // by atom text
  std::vector<Rule> rules;
  match::MatchOptions options;
  bool built = false;

  Result<size_t> add_atom(std::string_view text);
  ClassResults& results(Task& task) const;
  const match::MatchSet& scan_class(Task& task, ClassResults& cache, size_t cls) const;
  bool header_present(Task& task, ClassResults& cache, const std::string& lower_name) const;
  double atom_value(Task& task, ClassResults& cache, size_t atom) const;
};

Result<size_t> RegexpRules::Impl::add_atom(std::string_view text) {
  auto known = atom_index.find(std::string(text));
  if (known != atom_index.end()) return known->second;
  Atom atom;
  std::string_view t = text;
  if (t.substr(0, 14) == "header_exists(" && t.back() == ')') {
    atom.header_exists = true;
    std::string name(t.substr(14, t.size() - 15));
    while (!name.empty() && (name.front() == '\'' || name.front() == '"' || name.front() == ' ')) name.erase(0, 1);
    while (!name.empty() && (name.back() == '\'' || name.back() == '"' || name.back() == ' ')) name.pop_back();
    if (name.empty()) return fail(ErrorCode::kInvalidInput, "header_exists() needs a header name");
    atom.header_lower = core::to_lower(name);
    atom.header = name;
  } else {
    std::string header;
    size_t slash = t.find('/');
    if (slash == std::string_view::npos) {
      return fail(ErrorCode::kInvalidInput, "atom '" + std::string(text) + "' has no /regexp/");
    }
    if (slash > 0) {
      if (t[slash - 1] != '=') {
        return fail(ErrorCode::kInvalidInput, "bad atom '" + std::string(text) + "'");
      }
      header = std::string(t.substr(0, slash - 1));
    }
    std::string_view rest = t.substr(slash);
    std::optional<ClassType> type;
    auto brace = rest.rfind('{');
    if (brace != std::string_view::npos && rest.back() == '}' && rest.rfind('/') < brace) {
      std::string word(rest.substr(brace + 1, rest.size() - brace - 2));
      type = type_from_word(word);
      if (!type) return fail(ErrorCode::kInvalidInput, "unknown regexp type {" + word + "}");
      rest = rest.substr(0, brace);
    }
    std::string letters;
    auto pat = match::parse_pattern(rest, "HXBRMPQUCD", &letters);
    if (!pat) return fail(ErrorCode::kInvalidInput, pat.error().message + " in '" + std::string(text) + "'");
    for (char c : letters) {
      if (auto lt = type_from_letter(c)) type = lt;
    }
    if (!type) type = header.empty() ? std::nullopt : std::optional<ClassType>(ClassType::kHeader);
    if (!type) {
      return fail(ErrorCode::kInvalidInput,
                  "atom '" + std::string(text) + "' needs a type ({mime}, {body}, ...)");
    }
    bool header_class = *type == ClassType::kHeader || *type == ClassType::kRawHeader;
    if (header_class && header.empty()) {
      return fail(ErrorCode::kInvalidInput, "atom '" + std::string(text) + "' needs Header=");
    }
    std::string key_header = header_class ? core::to_lower(header) : std::string();
    auto key = std::make_pair(*type, key_header);
    auto it = class_index.find(key);
    size_t cls;
    if (it == class_index.end()) {
      cls = classes.size();
      classes.push_back(ClassDef{*type, key_header, {}, nullptr});
      class_index.emplace(key, cls);
    } else {
      cls = it->second;
    }
    // Identical patterns of one class share an id.
    size_t id = classes[cls].patterns.size();
    for (size_t i = 0; i < classes[cls].patterns.size(); ++i) {
      if (classes[cls].patterns[i] == *pat) id = i;
    }
    if (id == classes[cls].patterns.size()) classes[cls].patterns.push_back(*pat);
    atom.cls = cls;
    atom.id = id;
    atom.header = header;
  }
  atoms.push_back(std::move(atom));
  atom_index.emplace(std::string(text), atoms.size() - 1);
  return atoms.size() - 1;
}

ClassResults& RegexpRules::Impl::results(Task& task) const {
  auto* cache = static_cast<ClassResults*>(task.extension(kRegexpExtensionKey));
  if (cache == nullptr) {
    auto owned = std::make_unique<ClassResults>();
    owned->sets.resize(classes.size());
    cache = owned.get();
    task.set_extension(kRegexpExtensionKey, std::move(owned));
  }
  return *cache;
}

bool RegexpRules::Impl::header_present(Task& task, ClassResults& cache,
                                       const std::string& lower_name) const {
  if (!task.has_message()) return false;
  if (!cache.names_ready) {
    for (const auto& h : task.message().headers()) cache.header_names.push_back(core::to_lower(h.name));
    std::sort(cache.header_names.begin(), cache.header_names.end());
    cache.names_ready = true;
  }
  return std::binary_search(cache.header_names.begin(), cache.header_names.end(), lower_name);
}

const match::MatchSet& RegexpRules::Impl::scan_class(Task& task, ClassResults& cache,
                                                     size_t cls) const {
  auto& slot = cache.sets[cls];
  if (slot) return *slot;
  const ClassDef& c = classes[cls];
  slot.emplace(c.set->make_match_set());
  match::MatchSet& out = *slot;
  if (!task.has_message()) return out;
  match::Scratch& scratch = task.services().scratch(options);
  const mime::Message& m = task.message();
  auto scan = [&](std::string_view buf) {
    auto st = c.set->scan(buf, scratch, out);
    if (!st) task.log("regexp").warn("scan of class " + c.name() + " failed: " + st.error().message);
  };
  switch (c.type) {
    case ClassType::kHeader:
    case ClassType::kRawHeader:
      for (const auto& h : m.headers()) {
        if (core::iequals(h.name, c.header)) scan(c.type == ClassType::kHeader ? h.value : h.raw_value);
      }
      break;
    case ClassType::kAllHeader:
      if (m.root != nullptr) scan(m.root->raw_headers);
      break;
    case ClassType::kMime:
      for (const auto& tp : m.text_parts) scan(tp.text);
      break;
    case ClassType::kRawMime:
      for (const auto& tp : m.text_parts) scan(tp.part->raw_body);
      break;
    case ClassType::kBody:
      if (m.root != nullptr) scan(m.root->raw_body);
      break;
    case ClassType::kMessage:
      scan(task.raw());
      break;
    case ClassType::kUrl:
      for (const auto& u : m.urls) scan(u.url);
      break;
    case ClassType::kEmail:
      for (const auto& e : m.emails) scan(e.addr);
      break;
  }
  return out;
}

double RegexpRules::Impl::atom_value(Task& task, ClassResults& cache, size_t index) const {
  const Atom& a = atoms[index];
  if (a.header_exists) return header_present(task, cache, a.header_lower) ? 1 : 0;
  return scan_class(task, cache, a.cls).test(a.id) ? 1 : 0;
}

RegexpRules::RegexpRules() : impl_(std::make_unique<Impl>()) {}
RegexpRules::~RegexpRules() = default;

Result<size_t> RegexpRules::add_rule(std::string name, std::string_view expression) {
  if (impl_->built) return fail(ErrorCode::kInternal, "regexp rules are already built");
  auto expr = Expression::parse(expression);
  if (!expr) return fail(expr.error());
  Rule rule{std::move(name), std::move(*expr), {}};
  for (const auto& text : rule.expr.atoms()) {
    auto atom = impl_->add_atom(text);
    if (!atom) return fail(atom.error());
    rule.atoms.push_back(*atom);
  }
  // Negations and upper bounds can hold with no atom true; the regexps themselves may
  // contain '!' or '<', so look only outside /.../ bodies.
  bool negates = false;
  bool in_re = false;
  for (size_t i = 0; i < expression.size(); ++i) {
    char c = expression[i];
    if (c == '\\') {
      ++i;  // an escaped character, inside or outside a regexp
    } else if (c == '/') {
      in_re = !in_re;
    } else if (!in_re && (c == '!' || c == '<')) {
      negates = true;
    }
  }
  std::string lowered = core::to_lower(expression);
  if (lowered.find(" not ") != std::string::npos || lowered.rfind("not ", 0) == 0) negates = true;
  rule.needs_an_atom = !negates && rule.expr.eval([](int) { return 0.0; }) == 0;
  impl_->rules.push_back(std::move(rule));
  return impl_->rules.size() - 1;
}

Status RegexpRules::build(const match::MatchOptions& options, core::Logger& logger) {
  impl_->options = options;
  match::Compiler compiler(options, logger);
  for (auto& c : impl_->classes) {
    auto set = compiler.build(c.name(), c.patterns);
    if (!set) return fail(set.error().code, "regexp class " + c.name() + ": " + set.error().message);
    c.set = std::move(*set);
  }
  impl_->built = true;
  return {};
}

double RegexpRules::evaluate(Task& task, size_t index) const {
  const Rule& r = impl_->rules[index];
  ClassResults& cache = impl_->results(task);
  if (r.needs_an_atom) {
    bool any = false;
    for (size_t a : r.atoms) {
      if (impl_->atom_value(task, cache, a) != 0) {
        any = true;
        break;
      }
    }
    if (!any) return 0;
  }
  return r.expr.eval([&](int atom) {
    return impl_->atom_value(task, cache, r.atoms[static_cast<size_t>(atom)]);
  });
}

SymbolCallback RegexpRules::callback(size_t index) const {
  const RegexpRules* self = this;
  return [self, index](Task& task, SymbolId id) {
    if (self->evaluate(task, index) != 0) task.insert_result(id, 1.0);
    return RunState::kDone;
  };
}

size_t RegexpRules::rule_count() const { return impl_->rules.size(); }
size_t RegexpRules::class_count() const { return impl_->classes.size(); }

size_t RegexpRules::pattern_count() const {
  size_t n = 0;
  for (const auto& c : impl_->classes) n += c.patterns.size();
  return n;
}

size_t RegexpRules::classes_from_cache() const {
  size_t n = 0;
  for (const auto& c : impl_->classes) n += c.set && c.set->from_cache() ? 1 : 0;
  return n;
}

}  // namespace mw::scan
