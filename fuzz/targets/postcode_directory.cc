// --postcodes (an NSPL/ONSPD-style postcode directory CSV) as `pcnv validate` builds its
// reference from it (clients/cli/inputs.cc LoadReference -> io::BuildReference), then the tiny
// practices validated on that reference with a postcode-level distribution: with no area
// polygons the engine makes postcode cells from the directory's points.
#include "clients/cli/inputs.h"
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"
#include "geo/engine.h"
#include "report/report_json.h"

namespace pcnv::fuzz {
namespace {

// The tiny practices' patients by postcode (the tiny postcodes, ZZ11AA ... ZZ11AL).
Distribution PostcodeDistribution() {
  Distribution d;
  d.level = DistributionLevel::kPostcode;
  const ValidationInput tiny = TinyInput();
  int row = 0;
  for (const Membership& m : tiny.memberships) {
    d.rows.push_back({m.practice_code, m.practice_postcode, 900, ++row});
    d.rows.push_back({m.practice_code, "ZZ11AF", 100, ++row});
  }
  return d;
}

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  MemFile directory(data, size);
  cli::ReferencePaths paths;
  paths.postcodes = directory.path();
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = cli::LoadReference(paths);
  if (!reference.ok()) return 0;
  ValidationInput input = TinyInput();
  input.declared.reset();
  input.distribution = PostcodeDistribution();
  absl::StatusOr<Report> report = Engine(*reference).Validate(input, TinyOptions());
  if (!report.ok()) return 0;
  return report::ReportToJson(*report).empty() ? -1 : 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(postcode_directory, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
