#include "tests/support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pcnv::testing {
namespace fs = std::filesystem;

std::string SharedData() {
  std::error_code ec;
  return fs::is_directory(PCNV_SHARED_DATA, ec) ? fs::canonical(PCNV_SHARED_DATA).string() : "";
}
std::string SampleDir() { return PCNV_SAMPLE_DIR; }
std::string SourceDir() { return PCNV_SOURCE_DIR; }

std::vector<std::string> SampleLayerFlags() {
  const std::string s = SampleDir();
  return {"--areas",     s + "/areas.geojson:code",
          "--footprint", "icb=" + s + "/icb.geojson:code",
          "--footprint", "sub-icb=" + s + "/subicb.geojson:code",
          "--footprint", "community=" + s + "/community.geojson:code",
          "--postcodes", s + "/postcodes.csv"};
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  fs::path base = fs::path(PCNV_BINARY_DIR) / "Testing" / "tmp";
  fs::create_directories(base);
  path_ = (base / ("t" + std::to_string(getpid()) + "_" + std::to_string(counter++))).string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ec;
  if (std::getenv("PCNV_KEEP_TEMP") == nullptr) fs::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

CommandResult Run(const std::vector<std::string>& argv) {
  TempDir tmp;
  std::string out_path = tmp.File("stdout"), err_path = tmp.File("stderr");
  pid_t pid = fork();
  if (pid == 0) {
    FILE* o = freopen(out_path.c_str(), "w", stdout);
    FILE* e = freopen(err_path.c_str(), "w", stderr);
    (void)o;
    (void)e;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

}  // namespace pcnv::testing
