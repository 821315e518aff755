// Throughput of the text side of the message model, single thread:
//   - html_to_text over the HTML bodies of the shared corpus,
//   - UrlExtractor::extract over plain-text bodies and over the text html_to_text made.
// The corpus split is crude on purpose: a file whose content contains "<html" counts as
// HTML (from that point on), anything else as text; quoted-printable files are decoded
// first so that markup looks as the parser would pass it. Prints MB/s (10^6 bytes) per
// second of this thread's CPU time, so that other processes on a shared machine do not
// distort the figure (wall-clock MB/s is printed beside it).
//
// Usage: text_bench [corpus_dir] [min_seconds] [html|text|prose]
//   defaults: MW_TESTDATA_DIR/corpus, 2 seconds per measurement, every section.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/arena.h"
#include "mime/html.h"
#include "mime/urls.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  return s;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string qp_decode(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && i + 1 < in.size() && (in[i + 1] == '\n' || in[i + 1] == '\r')) {
      i += (in[i + 1] == '\r' && i + 2 < in.size() && in[i + 2] == '\n') ? 2 : 1;
      continue;
    }
    if (in[i] == '=' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
      continue;
    }
    out.push_back(in[i]);
  }
  return out;
}

struct Corpus {
  std::vector<std::string> html;
  std::vector<std::string> text;
  size_t html_bytes = 0;
  size_t text_bytes = 0;
};

Corpus load(const fs::path& dir) {
  Corpus c;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::end(it); it.increment(ec)) {
    if (ec || !it->is_regular_file(ec) || it->file_size(ec) > (8u << 20)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string low = lower(data);
    if (low.find("quoted-printable") != std::string::npos) {
      data = qp_decode(data);
      low = lower(data);
    }
    size_t pos = low.find("<html");
    if (pos != std::string::npos) {
      c.html_bytes += data.size() - pos;
      c.html.push_back(data.substr(pos));
    } else {
      c.text_bytes += data.size();
      c.text.push_back(std::move(data));
    }
  }
  return c;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Rate {
  double cpu_mbs;
  double wall_mbs;
};

template <typename F>
Rate throughput(size_t bytes_per_round, double min_seconds, F&& round) {
  round();  // warm-up
  size_t rounds = 0;
  auto start = Clock::now();
  double cpu_start = thread_cpu_seconds();
  double cpu = 0;
  do {
    round();
    ++rounds;
    cpu = thread_cpu_seconds() - cpu_start;
  } while (cpu < min_seconds);
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  double bytes = static_cast<double>(bytes_per_round) * static_cast<double>(rounds);
  return Rate{bytes / cpu / 1e6, bytes / wall / 1e6};
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::path(MW_TESTDATA_DIR) / "corpus";
  double min_seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
  std::string only = argc > 3 ? argv[3] : "";
  auto wanted = [&](const char* section) { return only.empty() || only == section; };
  Corpus corpus = load(dir);
  std::printf("corpus %s: %zu HTML files (%.2f MB), %zu text files (%.2f MB)\n",
              dir.c_str(), corpus.html.size(), corpus.html_bytes / 1e6, corpus.text.size(),
              corpus.text_bytes / 1e6);
  if (corpus.html.empty() || corpus.text.empty()) return 1;

  size_t links = 0;
  std::vector<std::string> visible;  // html_to_text output, for the second URL pass
  size_t visible_bytes = 0;
  {
    mw::core::Arena arena;
    for (const std::string& h : corpus.html) {
      auto r = mw::mime::html_to_text(arena, h, 1 << 24);
      links += r.info->links.size();
      visible.emplace_back(r.text);
      visible_bytes += r.text.size();
    }
  }
  if (wanted("html")) {
    Rate r = throughput(corpus.html_bytes, min_seconds, [&] {
      for (const std::string& h : corpus.html) {
        mw::core::Arena arena;
        auto t = mw::mime::html_to_text(arena, h, 1 << 24);
        if (t.info == nullptr) std::abort();
      }
    });
    std::printf("html_to_text:          %8.1f MB/s cpu %8.1f MB/s wall  (%zu links, %.2f MB "
                "text)\n", r.cpu_mbs, r.wall_mbs, links, visible_bytes / 1e6);
  }

  mw::mime::UrlExtractor ex;
  size_t found = 0;
  auto extract_all = [&](const std::vector<std::string>& docs, size_t* count) {
    for (const std::string& t : docs) {
      mw::core::Arena arena;
      mw::mime::Vec<mw::mime::Url> urls(&arena);
      mw::mime::Vec<mw::mime::EmailRef> emails(&arena);
      ex.extract(arena, t, mw::mime::Origin::kText, 0, urls, emails, 100000);
      if (count) *count += urls.size() + emails.size();
    }
  };
  if (wanted("text")) {
    extract_all(corpus.text, &found);
    Rate r = throughput(corpus.text_bytes, min_seconds,
                        [&] { extract_all(corpus.text, nullptr); });
    std::printf("extract (plain text):  %8.1f MB/s cpu %8.1f MB/s wall  (%zu found)\n",
                r.cpu_mbs, r.wall_mbs, found);
    found = 0;
    extract_all(visible, &found);
    r = throughput(visible_bytes, min_seconds, [&] { extract_all(visible, nullptr); });
    std::printf("extract (HTML text):   %8.1f MB/s cpu %8.1f MB/s wall  (%zu found)\n",
                r.cpu_mbs, r.wall_mbs, found);
  }
  if (!wanted("prose")) return 0;

  // Prose without URLs: the scanner's floor (trigger scanning only).
  std::string prose;
  while (prose.size() < (4u << 20)) {
    prose += "The quick brown fox jumps over the lazy dog. It was late: nobody saw it, "
             "e.g. the farmer, who was asleep at 3.30 a.m. after version 1.2.3 shipped.\n";
  }
  Rate r = throughput(prose.size(), min_seconds, [&] {
    mw::core::Arena arena;
    mw::mime::Vec<mw::mime::Url> urls(&arena);
    mw::mime::Vec<mw::mime::EmailRef> emails(&arena);
    ex.extract(arena, prose, mw::mime::Origin::kText, 0, urls, emails, 100000);
  });
  std::printf("extract (prose):       %8.1f MB/s cpu %8.1f MB/s wall\n", r.cpu_mbs,
              r.wall_mbs);
  return 0;
}
