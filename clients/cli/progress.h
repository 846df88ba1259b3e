// Progress on long runs: one line on stderr, rewritten in place, naming the stage, how far it
// is (done/total) and how fast. Shown only when stderr is a terminal and --quiet is not given,
// so CI logs and pipes stay clean.
#ifndef PCNV_CLIENTS_CLI_PROGRESS_H_
#define PCNV_CLIENTS_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace pcnv::cli {

class Progress {
 public:
  // Enabled when `quiet` is false and stderr is a terminal.
  static Progress ForStderr(bool quiet, int stages);
  Progress(bool enabled, std::ostream& out, int stages);

  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  Progress(Progress&&) = default;
  ~Progress();

  // Starts the next stage: "[2/5] validating".
  void Stage(std::string_view name);
  // Reports progress inside the stage: "[2/5] writing layers 3/4 (12.0/s)".
  void Update(int64_t done, int64_t total, std::string_view unit);
  // Ends the stage with what it did: "[1/5] reading inputs: 1,898 records in 0.2 s (9,490/s)".
  void Done(int64_t records, std::string_view unit);
  bool enabled() const { return enabled_; }

 private:
  void Line(const std::string& text);
  double Seconds() const;

  bool enabled_;
  std::ostream* out_;
  int stages_;
  int stage_ = 0;
  std::string name_;
  std::chrono::steady_clock::time_point started_;
  bool open_line_ = false;
};

}  // namespace pcnv::cli

#endif  // PCNV_CLIENTS_CLI_PROGRESS_H_
