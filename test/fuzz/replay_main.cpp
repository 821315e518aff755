// Replays fuzz inputs through a libFuzzer entry point without libFuzzer: every regular file
// under the given files/directories (recursively) is fed to LLVMFuzzerTestOneInput once.
// Used as a ctest case so that the seed corpus and crash regressions run in every build.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

static int feed(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Copy into an exactly-sized heap buffer so ASan catches reads past the end.
  std::vector<uint8_t> buf(data.begin(), data.end());
  LLVMFuzzerTestOneInput(buf.data(), buf.size());
  return 1;
}

int main(int argc, char** argv) {
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    fs::path root(argv[i]);
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      n += feed(root);
      continue;
    }
    if (!fs::is_directory(root, ec)) {
      std::fprintf(stderr, "replay: %s does not exist\n", argv[i]);
      return 1;
    }
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file(ec)) n += feed(it->path());
    }
  }
  std::printf("replayed %d inputs\n", n);
  return n > 0 ? 0 : 1;
}
