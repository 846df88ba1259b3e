// Helpers shared by the test executables: paths, temp dirs, running a binary.
#ifndef PCNV_TESTS_SUPPORT_TEST_SUPPORT_H_
#define PCNV_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <string>
#include <vector>

namespace pcnv::testing {

// ../shared/data (beside the checkout). Empty when the folder is absent, so real-data tests
// can GTEST_SKIP() with a clear message.
std::string SharedData();
// The generated sample region (build tree).
std::string SampleDir();
std::string SourceDir();
// The flags that hand the sample region's reference layers to `pcnv` (areas, the three footprint
// layers, the postcode directory), for `reference build` and `validate` alike.
std::vector<std::string> SampleLayerFlags();

// A fresh directory under the build tree's Testing/tmp, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs argv[0] with the arguments (no shell), waits, and captures both streams.
CommandResult Run(const std::vector<std::string>& argv);

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SUPPORT_TEST_SUPPORT_H_
