// pcnv-fuzz-replay TARGET PATH...: runs every file under each PATH (a file or a folder, not
// recursive) through the named fuzz target once, in name order, printing each file before it
// runs so that a crash names its input. Built in every preset; the test suite runs it over
// fuzz/regressions/TARGET and fuzz/corpus/TARGET (fuzz/CMakeLists.txt), so an input that once
// crashed a target stays a test under g++ too, and under the asan preset's sanitizers.
//
// Exit status: 0 when every input ran (a target reports problems by crashing, as libFuzzer
// expects), 2 on a usage error or an unreadable path.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/support/fuzz_target.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TARGET [PATH...]\ntargets:", argv[0]);
    for (const auto& t : pcnv::fuzz::Targets()) {
      std::fprintf(stderr, " %.*s", static_cast<int>(t.name.size()), t.name.data());
    }
    std::fprintf(stderr, "\n");
    return 2;
  }
  const std::string_view name = argv[1];
  const auto& targets = pcnv::fuzz::Targets();
  auto it = std::find_if(targets.begin(), targets.end(),
                         [&](const pcnv::fuzz::FuzzTarget& t) { return t.name == name; });
  if (it == targets.end()) {
    std::fprintf(stderr, "%s: no fuzz target '%s'\n", argv[0], argv[1]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    std::error_code ec;
    const fs::path path = argv[i];
    if (fs::is_directory(path, ec)) {
      for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else if (fs::exists(path, ec)) {
      std::fprintf(stderr, "%s: not a file or folder\n", argv[i]);
      return 2;
    }
    // A path that does not exist is an empty set (a target with no regressions yet).
  }
  std::sort(files.begin(), files.end());
  if (it->init != nullptr) it->init();
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open\n", file.c_str());
      return 2;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::printf("%s (%zu bytes)\n", file.c_str(), bytes.size());
    std::fflush(stdout);
    it->test_one(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%s: %zu inputs ran\n", argv[1], files.size());
  return 0;
}
