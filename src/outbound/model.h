// A logistic-regression classifier over named numeric features, and its training.
//
// Used by outbound protection: the rules compute features of a submission (content signals,
// behaviour of the account), the model turns them into one probability. Training is plain
// L2-regularised logistic regression fitted with Newton's method (iteratively reweighted least
// squares): deterministic — the same samples in the same order give the same model, bit for
// bit — so the shipped model can be rebuilt by a script and compared.
//
// Model file (JSON): {"version": 1, "kind": "logistic", "bias": b,
//   "weights": {"feature": w, ...}, "features": [names in training order],
//   "training": {"samples": n, "positives": k, "l2": λ, "iterations": i, "log_loss": x}}
// Features missing at prediction time count as 0; unknown ones are ignored.
//
// Ownership: plain values. Failure modes: load/parse errors are kInvalidInput with a reason;
// training fails (kInvalidInput) without samples of both classes.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace mw::outbound {

struct Sample {
  std::map<std::string, double> features;
  int label = 0;  // 0 or 1
};

struct Prediction {
  double probability = 0;
  // Each feature's contribution to the log-odds (weight x value), largest first.
  std::vector<std::pair<std::string, double>> contributions;
};

class LogisticModel {
 public:
  static Result<LogisticModel> from_json(const json::Value& v);
  static Result<LogisticModel> load(const std::string& path);
  json::Value to_json() const;

  Prediction predict(const std::map<std::string, double>& features) const;
  double bias() const { return bias_; }
  const std::map<std::string, double>& weights() const { return weights_; }

  struct TrainOptions {
    double l2 = 1.0;         // ridge penalty on the weights (not the bias)
    int max_iterations = 50;
    double tolerance = 1e-9; // stop when the largest step is below this
  };
  static Result<LogisticModel> train(const std::vector<Sample>& samples, TrainOptions options);

 private:
  double bias_ = 0;
  std::map<std::string, double> weights_;
  std::vector<std::string> order_;
  json::Value training_;
};

}  // namespace mw::outbound
