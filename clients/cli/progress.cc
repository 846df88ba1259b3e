#include "clients/cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace pcnv::cli {
namespace {

std::string Rate(double n, double seconds) {
  char buf[48];
  if (seconds <= 0) return "";
  std::snprintf(buf, sizeof buf, "%.0f/s", n / seconds);
  return buf;
}

}  // namespace

Progress Progress::ForStderr(bool quiet, int stages) {
  return Progress(!quiet && isatty(STDERR_FILENO) == 1, std::cerr, stages);
}

Progress::Progress(bool enabled, std::ostream& out, int stages)
    : enabled_(enabled), out_(&out), stages_(stages), started_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (enabled_ && open_line_) *out_ << "\n" << std::flush;
}

double Progress::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Progress::Line(const std::string& text) {
  // \r and "erase to end of line": the line is rewritten in place on a terminal.
  *out_ << "\r\x1b[K" << text << std::flush;
  open_line_ = true;
}

void Progress::Stage(std::string_view name) {
  if (!enabled_) return;
  ++stage_;
  name_ = std::string(name);
  started_ = std::chrono::steady_clock::now();
  Line("[" + std::to_string(stage_) + (stages_ > 0 ? "/" + std::to_string(stages_) : "") + "] " +
       name_ + " ...");
}

void Progress::Update(int64_t done, int64_t total, std::string_view unit) {
  if (!enabled_) return;
  Line("[" + std::to_string(stage_) + (stages_ > 0 ? "/" + std::to_string(stages_) : "") + "] " +
       name_ + " " + std::to_string(done) + "/" + std::to_string(total) + " " + std::string(unit) +
       " (" + Rate(static_cast<double>(done), Seconds()) + ")");
}

void Progress::Done(int64_t records, std::string_view unit) {
  if (!enabled_) return;
  const double s = Seconds();
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f s", s);
  std::string text = "[" + std::to_string(stage_) +
                     (stages_ > 0 ? "/" + std::to_string(stages_) : "") + "] " + name_ + ": ";
  if (records > 0) {
    text += std::to_string(records) + " " + std::string(unit) + " in " + secs + " (" +
            Rate(static_cast<double>(records), s) + ")";
  } else {
    text += secs;
  }
  Line(text);
  *out_ << "\n";
  open_line_ = false;
}

}  // namespace pcnv::cli
