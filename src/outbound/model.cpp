#include "outbound/model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

namespace mw::outbound {

namespace {

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

// Solve A x = b for a symmetric positive-definite A (Cholesky). False when A is singular.
bool solve_spd(std::vector<double> a, std::vector<double> b, size_t n, std::vector<double>& x) {
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (d <= 1e-12) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  // Forward then backward substitution.
  for (size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (size_t k = 0; k < i; ++k) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  x.assign(n, 0);
  for (size_t ii = n; ii-- > 0;) {
    double s = b[ii];
    for (size_t k = ii + 1; k < n; ++k) s -= a[k * n + ii] * x[k];
    x[ii] = s / a[ii * n + ii];
  }
  return true;
}

}  // namespace

Result<LogisticModel> LogisticModel::from_json(const json::Value& v) {
  if (!v.is_object()) return fail(ErrorCode::kInvalidInput, "model must be a JSON object");
  const json::Value* kind = v.find("kind");
  if (kind == nullptr || kind->as_string() != "logistic") {
    return fail(ErrorCode::kInvalidInput, "model kind must be \"logistic\"");
  }
  const json::Value* w = v.find("weights");
  if (w == nullptr || !w->is_object()) return fail(ErrorCode::kInvalidInput, "model has no weights");
  LogisticModel m;
  m.bias_ = v.find("bias") ? v.find("bias")->as_double() : 0;
  for (const auto& [name, val] : w->members()) {
    if (!val.is_number() || !std::isfinite(val.as_double())) {
      return fail(ErrorCode::kInvalidInput, "weight of " + name + " is not a number");
    }
    m.weights_[name] = val.as_double();
    m.order_.push_back(name);
  }
  if (const json::Value* t = v.find("training")) m.training_ = *t;
  return m;
}

Result<LogisticModel> LogisticModel::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read model " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto v = json::parse(text);
  if (!v) return fail(ErrorCode::kInvalidInput, path + ": " + v.error().message);
  auto m = from_json(*v);
  if (!m) return fail(ErrorCode::kInvalidInput, path + ": " + m.error().message);
  return m;
}

json::Value LogisticModel::to_json() const {
  json::Value v = json::Value::object();
  v.set("version", 1);
  v.set("kind", "logistic");
  v.set("bias", bias_);
  json::Value w = json::Value::object();
  json::Value names = json::Value::array();
  for (const auto& name : order_) {
    w.set(name, weights_.at(name));
    names.push(name);
  }
  v.set("weights", std::move(w));
  v.set("features", std::move(names));
  if (!training_.is_null()) v.set("training", training_);
  return v;
}

Prediction LogisticModel::predict(const std::map<std::string, double>& features) const {
  Prediction p;
  double z = bias_;
  for (const auto& [name, value] : features) {
    auto it = weights_.find(name);
    if (it == weights_.end() || value == 0 || !std::isfinite(value)) continue;
    double c = it->second * value;
    z += c;
    p.contributions.emplace_back(name, c);
  }
  std::stable_sort(p.contributions.begin(), p.contributions.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  p.probability = sigmoid(z);
  return p;
}

Result<LogisticModel> LogisticModel::train(const std::vector<Sample>& samples,
                                           TrainOptions options) {
  std::set<std::string> names_set;
  size_t positives = 0;
  for (const auto& s : samples) {
    for (const auto& [k, v] : s.features) names_set.insert(k);
    positives += s.label != 0 ? 1 : 0;
  }
  if (positives == 0 || positives == samples.size()) {
    return fail(ErrorCode::kInvalidInput, "training needs samples of both classes");
  }
  std::vector<std::string> names(names_set.begin(), names_set.end());
  size_t d = names.size() + 1;  // index 0 = bias
  size_t n = samples.size();
  // Dense design matrix (features are few; samples are tens of thousands at most).
  std::vector<double> x(n * d, 0);
  for (size_t i = 0; i < n; ++i) {
    x[i * d] = 1;
    for (size_t j = 0; j < names.size(); ++j) {
      auto it = samples[i].features.find(names[j]);
      if (it != samples[i].features.end() && std::isfinite(it->second)) x[i * d + j + 1] = it->second;
    }
  }
  std::vector<double> w(d, 0);
  int iter = 0;
  double loss = 0;
  for (; iter < options.max_iterations; ++iter) {
    std::vector<double> grad(d, 0), hess(d * d, 0);
    loss = 0;
    for (size_t i = 0; i < n; ++i) {
      const double* xi = &x[i * d];
      double z = 0;
      for (size_t j = 0; j < d; ++j) z += w[j] * xi[j];
      double p = sigmoid(z);
      double y = samples[i].label != 0 ? 1 : 0;
      loss -= y * std::log(std::max(p, 1e-15)) + (1 - y) * std::log(std::max(1 - p, 1e-15));
      double r = p - y;
      double s = std::max(p * (1 - p), 1e-10);
      for (size_t j = 0; j < d; ++j) {
        if (xi[j] == 0) continue;
        grad[j] += r * xi[j];
        for (size_t k = 0; k <= j; ++k) {
          if (xi[k] != 0) hess[j * d + k] += s * xi[j] * xi[k];
        }
      }
    }
    for (size_t j = 1; j < d; ++j) {
      grad[j] += options.l2 * w[j];
      hess[j * d + j] += options.l2;
      loss += 0.5 * options.l2 * w[j] * w[j];
    }
    hess[0] += 1e-9;
    for (size_t j = 0; j < d; ++j) {
      for (size_t k = j + 1; k < d; ++k) hess[j * d + k] = hess[k * d + j];
    }
    std::vector<double> step;
    if (!solve_spd(hess, grad, d, step)) {
      return fail(ErrorCode::kInternal, "training diverged (singular Hessian)");
    }
    double largest = 0;
    for (size_t j = 0; j < d; ++j) {
      w[j] -= step[j];
      largest = std::max(largest, std::fabs(step[j]));
    }
    if (largest < options.tolerance) {
      ++iter;
      break;
    }
  }
  LogisticModel m;
  // Round to 1e-9 so that the JSON text is stable across platforms' last-bit differences.
  auto round9 = [](double v) { return std::round(v * 1e9) / 1e9; };
  m.bias_ = round9(w[0]);
  for (size_t j = 0; j < names.size(); ++j) {
    m.weights_[names[j]] = round9(w[j + 1]);
    m.order_.push_back(names[j]);
  }
  json::Value t = json::Value::object();
  t.set("samples", static_cast<int64_t>(n));
  t.set("positives", static_cast<int64_t>(positives));
  t.set("l2", options.l2);
  t.set("iterations", iter);
  t.set("log_loss", std::round(loss / static_cast<double>(n) * 1e6) / 1e6);
  m.training_ = std::move(t);
  return m;
}

}  // namespace mw::outbound
