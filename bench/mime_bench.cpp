// Parser::parse throughput (parse + transfer decoding + charset conversion + HTML to text +
// URL extraction), a fresh Arena per message, as the scanner does it.
//
//   ./build/bench/mime_bench [--benchmark_filter=...]
//   MW_CORPUS_DIR=/path/to/corpus ./build/bench/mime_bench
//
// Corpus: every file under the shared test corpus (MW_TESTDATA_DIR/corpus), loaded into memory
// once. The "MB/s" counter is decimal megabytes of input per second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/arena.h"
#include "mime/parser.h"

namespace {

namespace fs = std::filesystem;

struct Corpus {
  std::vector<std::string> all;       // every file
  std::vector<std::string> messages;  // mail only (no JSON/TSV/markdown/images/licences)
  size_t all_bytes = 0;
  size_t message_bytes = 0;
};

bool is_message_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::string name = p.filename().string();
  for (const char* e : {".json", ".jsonl", ".tsv", ".md", ".jpg", ".png", ".gz", ".csv", ".b64",
                        ".uu", ".qp", ".key", ".zonefile"}) {
    if (ext == e) return false;
  }
  return !(name.starts_with("LICENSE") || name.starts_with("COPYING") || name == "NOTICE");
}

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    const char* env = std::getenv("MW_CORPUS_DIR");
    fs::path root = env != nullptr ? fs::path(env) : fs::path(MW_TESTDATA_DIR) / "corpus";
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& p : files) {
      std::ifstream in(p, std::ios::binary);
      std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      out.all_bytes += data.size();
      if (is_message_file(p)) {
        out.message_bytes += data.size();
        out.messages.push_back(data);
      }
      out.all.push_back(std::move(data));
    }
    return out;
  }();
  return c;
}

void run(benchmark::State& state, const std::vector<std::string>& inputs, size_t bytes) {
  mw::mime::Parser parser;
  mw::mime::Limits limits;
  size_t parts = 0;
  for (auto _ : state) {
    for (const std::string& raw : inputs) {
      mw::core::Arena arena;
      auto r = parser.parse(arena, raw, limits);
      if (!r) {
        state.SkipWithError("parse failed");
        return;
      }
      parts += (*r)->parts.size();
      benchmark::DoNotOptimize(*r);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(state.iterations() * bytes) / 1e6,
                                              benchmark::Counter::kIsRate);
  state.counters["msgs"] = static_cast<double>(inputs.size());
  state.counters["parts/msg"] =
      static_cast<double>(parts) / static_cast<double>(state.iterations() * inputs.size());
}

void BM_CorpusAllFiles(benchmark::State& state) { run(state, corpus().all, corpus().all_bytes); }
BENCHMARK(BM_CorpusAllFiles)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_CorpusMessages(benchmark::State& state) {
  run(state, corpus().messages, corpus().message_bytes);
}
BENCHMARK(BM_CorpusMessages)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// One 8 MB base64 attachment next to a short text part.
void BM_Base64Attachment(benchmark::State& state) {
  std::string raw =
      "From: a@b.c\r\nSubject: attachment\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
      "--b\r\nContent-Type: application/octet-stream; name=x.bin\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n";
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t line = 0; line < (8u << 20) / 78; ++line) {
    for (int i = 0; i < 76; ++i) raw.push_back(alphabet[(line * 7 + i * 13) % 64]);
    raw += "\r\n";
  }
  raw += "--b--\r\n";
  run(state, {raw}, raw.size());
}
BENCHMARK(BM_Base64Attachment)->Unit(benchmark::kMillisecond);

// 1,000 small text parts.
void BM_ManyParts(benchmark::State& state) {
  std::string raw = "From: a@b.c\nContent-Type: multipart/mixed; boundary=\"=_b\"\n\n";
  for (int i = 0; i < 1000; ++i) {
    raw += "--=_b\nContent-Type: text/plain; charset=utf-8\n\nPart number " + std::to_string(i) +
           " with a few words of text in it.\n";
  }
  raw += "--=_b--\n";
  run(state, {raw}, raw.size());
}
BENCHMARK(BM_ManyParts)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
