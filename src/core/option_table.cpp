#include "core/option_table.h"

namespace mw::core {

std::string option_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string out;
  out.reserve(prefix.size() + 1 + key.size());
  out.append(prefix).append(".").append(key);
  return out;
}

double get_number(const Config& cfg, std::string_view path) {
  const OptionDecl* decl = cfg.schema().find(path);
  if (decl == nullptr) return 0;
  double v = 0;
  switch (decl->type) {
    case OptType::kInt: v = static_cast<double>(cfg.get_int(path)); break;
    case OptType::kFloat: v = cfg.get_float(path); break;
    case OptType::kDuration: v = cfg.get_duration(path); break;
    case OptType::kSize: v = static_cast<double>(cfg.get_size(path)); break;
    default: return 0;
  }
  if (decl->min && v < *decl->min) v = *decl->min;
  if (decl->max && v > *decl->max) v = *decl->max;
  return v;
}

int64_t get_integer(const Config& cfg, std::string_view path) {
  const OptionDecl* decl = cfg.schema().find(path);
  if (decl == nullptr) return 0;
  int64_t v = 0;
  if (decl->type == OptType::kInt) {
    v = cfg.get_int(path);
  } else if (decl->type == OptType::kSize) {
    uint64_t s = cfg.get_size(path);
    v = s > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
            ? std::numeric_limits<int64_t>::max()
            : static_cast<int64_t>(s);
  } else {
    // Already clamped to the declared range; truncate and saturate.
    double d = std::trunc(get_number(cfg, path));
    constexpr double kLimit = 9223372036854775808.0;  // 2^63, exact in a double
    if (d <= -kLimit) return std::numeric_limits<int64_t>::min();
    if (d >= kLimit) return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(d);
  }
  // Declared bounds are doubles; the schema's are whole numbers well below 2^53.
  if (decl->min && static_cast<double>(v) < *decl->min) {
    v = static_cast<int64_t>(std::ceil(*decl->min));
  }
  if (decl->max && static_cast<double>(v) > *decl->max) {
    v = static_cast<int64_t>(std::floor(*decl->max));
  }
  return v;
}

}  // namespace mw::core
