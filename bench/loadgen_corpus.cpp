#include "loadgen_corpus.h"

#include <zstd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>
#include <system_error>

namespace mw::bench {

namespace fs = std::filesystem;

namespace {

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// File names that are never messages, whatever their content.
bool skipped_by_name(const fs::path& p) {
  static constexpr std::array<std::string_view, 25> kExtensions = {
      ".json", ".jsonl", ".tsv", ".csv", ".md",  ".png", ".jpg", ".jpeg", ".gif",
      ".bmp",  ".ico",   ".webp", ".tif", ".tiff", ".svg", ".gz", ".zst",  ".bz2",
      ".xz",   ".zip",   ".tar", ".key", ".pem",  ".der", ".pdf"};
  static constexpr std::array<std::string_view, 4> kPrefixes = {"license", "copying",
                                                                "notice", "readme"};
  std::string name = lower_ascii(p.filename().string());
  if (name.empty() || name[0] == '.') return true;
  for (auto prefix : kPrefixes) {
    if (starts_with(name, prefix)) return true;
  }
  if (name == "source.md") return true;
  std::string ext = lower_ascii(p.extension().string());
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

Result<std::string> read_file(const fs::path& p, size_t limit) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec) return fail(ErrorCode::kIo, p.string() + ": " + ec.message());
  if (size > limit) return fail(ErrorCode::kLimit, p.string() + ": larger than the limit");
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, p.string() + ": cannot open");
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (static_cast<size_t>(in.gcount()) != data.size()) {
    return fail(ErrorCode::kIo, p.string() + ": short read");
  }
  return data;
}

}  // namespace

bool looks_like_message(std::string_view data) {
  std::string_view head = data.substr(0, 4096);
  if (head.find('\0') != std::string_view::npos) return false;
  // Leading blank lines are tolerated (some samples start with one).
  while (!data.empty() && (data.front() == '\r' || data.front() == '\n')) data.remove_prefix(1);
  if (starts_with(data, "From ")) return true;
  // A header field name: printable ASCII without ':' or space, then ':'.
  size_t i = 0;
  while (i < data.size() && i < 128) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == ':') return i > 0 && data.substr(i + 1, 2) != "//";  // not a URL list
    if (c <= 32 || c >= 127) return false;
    ++i;
  }
  return false;
}

Result<Corpus> load_corpus(const CorpusOptions& opts) {
  Corpus corpus;
  std::vector<fs::path> files;
  for (const auto& path : opts.paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return fail(ErrorCode::kIo, path + ": " + (ec ? ec.message() : "no such file"));
    }
    if (fs::is_regular_file(status)) {
      files.emplace_back(path);  // named explicitly: no name filter
      continue;
    }
    std::vector<fs::path> found;
    auto options = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(path, options, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto& entry = *it;
      std::error_code type_ec;
      if (entry.is_directory(type_ec) && entry.path().filename().string().starts_with(".")) {
        it.disable_recursion_pending();
        continue;
      }
      if (!entry.is_regular_file(type_ec)) continue;
      if (skipped_by_name(entry.path())) {
        ++corpus.skipped;
        continue;
      }
      found.push_back(entry.path());
    }
    if (ec) return fail(ErrorCode::kIo, path + ": " + ec.message());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }

  for (const auto& file : files) {
    auto data = read_file(file, opts.max_message_bytes);
    if (!data || data->empty() || (opts.sniff && !looks_like_message(*data))) {
      ++corpus.skipped;
      continue;
    }
    corpus.total_bytes += data->size();
    corpus.messages.push_back(Message{file.string(), std::move(*data), {}});
  }
  if (corpus.messages.empty()) {
    return fail(ErrorCode::kNotFound, "no message files found in the corpus paths");
  }
  return corpus;
}

Status compress_corpus(Corpus& corpus, int level) {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) return fail(ErrorCode::kInternal, "zstd: cannot create a compression context");
  for (auto& m : corpus.messages) {
    m.compressed.resize(ZSTD_compressBound(m.data.size()));
    size_t n = ZSTD_compressCCtx(cctx.get(), m.compressed.data(), m.compressed.size(),
                                 m.data.data(), m.data.size(), level);
    if (ZSTD_isError(n)) {
      return fail(ErrorCode::kInternal, std::string("zstd: ") + ZSTD_getErrorName(n));
    }
    m.compressed.resize(n);
    m.compressed.shrink_to_fit();
  }
  return {};
}

}  // namespace mw::bench
