// `mailward train --features FILE --labels FILE --out MODEL [--l2 X] [--exclude-kind K]...`
//
// Fits the outbound classifier (outbound/model.h: L2-regularised logistic regression, Newton's
// method, deterministic) on labelled history: FILE lines {"id":, "features": {...}} as
// `mailward replay --features` writes them, labels lines {"id":, "label": 0|1, "kind": ...}.
// Samples whose kind is excluded (default: "burst", the phishing itself, which a hold stops
// anyway) are left out. Prints a summary; writes the model JSON (conf/outbound_model.json).
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "app/args.h"
#include "app/commands.h"
#include "core/json.h"
#include "outbound/model.h"

namespace mw::app {

int cmd_train(int argc, char** argv) {
  static const std::vector<ArgSpec> kSpec = {{"features", true}, {"labels", true}, {"out", true},
                                             {"l2", true}, {"exclude-kind", true, true},
                                             {"help", false, false, 'h'}};
  constexpr const char* kUsage =
      "usage: mailward train --features FILE --labels FILE --out MODEL [--l2 X]\n"
      "                      [--exclude-kind KIND]...\n";
  int exit_status = 0;
  auto args = parse_command({"train", kSpec, kUsage}, argc, argv, exit_status);
  if (!args) return exit_status;
  if (!args->has("features") || !args->has("labels") || !args->has("out")) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::set<std::string> excluded(args->all("exclude-kind").begin(), args->all("exclude-kind").end());
  if (!args->has("exclude-kind")) excluded.insert("burst");
  auto read_lines = [](const std::string& path, std::vector<json::Value>& out) -> bool {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto v = json::parse(line);
      if (v) out.push_back(std::move(*v));
    }
    return true;
  };
  std::vector<json::Value> feats, labels;
  if (!read_lines(args->get("features"), feats) || !read_lines(args->get("labels"), labels)) {
    std::fprintf(stderr, "mailward train: cannot read the input files\n");
    return 1;
  }
  std::map<int64_t, const json::Value*> by_id;
  for (const auto& l : labels) by_id[l.find("id") ? l.find("id")->as_int() : -1] = &l;
  std::vector<outbound::Sample> samples;
  for (const auto& f : feats) {
    int64_t id = f.find("id") ? f.find("id")->as_int() : -1;
    auto it = by_id.find(id);
    if (it == by_id.end()) continue;
    const json::Value& label = *it->second;
    if (const json::Value* k = label.find("kind"); k && excluded.count(k->as_string())) continue;
    outbound::Sample s;
    s.label = label.find("label") && label.find("label")->as_int() != 0 ? 1 : 0;
    if (const json::Value* fv = f.find("features")) {
      for (const auto& [name, v] : fv->members()) {
        s.features[name] = v.is_bool() ? (v.as_bool() ? 1.0 : 0.0) : v.as_double();
      }
    }
    samples.push_back(std::move(s));
  }
  outbound::LogisticModel::TrainOptions opt;
  if (args->has("l2")) opt.l2 = std::atof(args->get("l2").c_str());
  auto model = outbound::LogisticModel::train(samples, opt);
  if (!model) {
    std::fprintf(stderr, "mailward train: %s\n", model.error().message.c_str());
    return 1;
  }
  std::ofstream out(args->get("out"), std::ios::trunc);
  out << json::write(model->to_json(), {true}) << "\n";
  if (!out) {
    std::fprintf(stderr, "mailward train: cannot write %s\n", args->get("out").c_str());
    return 1;
  }
  std::printf("trained on %zu samples; bias %.4f\n", samples.size(), model->bias());
  for (const auto& [name, w] : model->weights()) std::printf("  %-28s %9.4f\n", name.c_str(), w);
  return 0;
}

}  // namespace mw::app
