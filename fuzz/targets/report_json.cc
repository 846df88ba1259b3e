// A saved JSON report as `pcnv diff` reads it (report::ReadReportJson, from /vsimem/), then
// compared both ways with the tiny configuration's report (Engine::Diff, as the diff command
// and ValidateChange do) and written back as JSON and as diff JSON.
#include "report/report_json.h"

#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"
#include "geo/engine.h"
#include "report/diff_json.h"
#include "report/report_json_read.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReport(); }

int TestOne(const uint8_t* data, size_t size) {
  VsimemFile file("report.json", {reinterpret_cast<const char*>(data), size});
  absl::StatusOr<Report> read = report::ReadReportJson(file.path());
  if (!read.ok()) return 0;
  const std::string today = TinyOptions().as_of;
  size_t written = report::ReportToJson(*read).size();
  const ReportDiff as_candidate = Engine::Diff(TinyReport(), *read, FailOn::kNewErrors, {}, today);
  written += report::DiffToJson(as_candidate).size();
  const ReportDiff as_base = Engine::Diff(*read, TinyReport(), FailOn::kNewWarnings, {}, today);
  written += report::DiffToJson(as_base).size();
  return written == 0 ? -1 : 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(report_json, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
