// PCN catchments on their own, without the rules (the ComputeCatchments RPC): the per-area share
// table n(k,a), N(a) and each PCN's majority territory and share catchment, built exactly as
// Validate builds them (geo/catchment.h, docs/DOMAIN.md section 4): a practice counts in the first
// real PCN its membership rows name, practices outside every PCN (unallocated, unlisted) form
// the "outside" group, distribution rows resolve through geo/resolve.h. Raw counts: small-number
// suppression is the front door's job.
#ifndef PCNV_GEO_CATCHMENTS_API_H_
#define PCNV_GEO_CATCHMENTS_API_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/catchment.h"
#include "geo/disclosure.h"
#include "geo/geometry.h"
#include "geo/model.h"
#include "geo/reference.h"

namespace pcnv {

// One row of a PCN's share table.
struct AreaShareRow {
  int area = -1;         // index into ReferenceData::areas()
  int64_t patients = 0;  // n(k,a)
  int64_t total = 0;     // N(a)
  double share = 0;      // n(k,a) / N(a)
  bool in_territory = false;
  bool in_share_catchment = false;
  // Small-number disclosure control (geo/disclosure.h), decided over the whole table: the count
  // is small, or would give a small one away by subtraction from N(a) or from the PCN's
  // population (secondary suppression).
  bool patients_suppressed = false;
  // N(a) is withheld when nothing else in its column can hide a suppressed count; the share is
  // withheld with the count, or with N(a) (share and count together give N(a) back).
  bool total_suppressed = false;
  bool share_withheld = false;
};

struct PcnCatchment {
  std::string code;
  std::string name;
  std::vector<int> territory_areas;   // majority territory, ascending area indices
  std::vector<int> share_areas;       // share catchment, ascending
  std::vector<AreaShareRow> areas;    // every area where the PCN has patients, ascending
  Geometry territory_geometry;        // union of territory_areas; null when empty
  Geometry share_catchment_geometry;  // union of share_areas; null when empty
};

// The share table of one configuration; geometries are built per PCN on demand (Get), so a
// caller can stream PCNs and check for cancellation in between.
class CatchmentSet {
 public:
  // INVALID_ARGUMENT when the input has no distribution or the threshold is not in (0, 1].
  // `disclosure` decides which cells of the table are published (its default: NHS's <5 rule).
  static absl::StatusOr<CatchmentSet> Build(const ReferenceData& reference,
                                            const ValidationInput& input, double share_threshold,
                                            const DisclosurePolicy& disclosure = {});

  // The same, keeping `reference` alive as long as the set (a snapshot made for one call, such
  // as postcode cells, geo/postcode_cells.h).
  static absl::StatusOr<CatchmentSet> Build(std::shared_ptr<const ReferenceData> reference,
                                            const ValidationInput& input, double share_threshold,
                                            const DisclosurePolicy& disclosure = {});

  // The snapshot the table's area indices refer to.
  const ReferenceData& reference() const { return *reference_; }
  int pcn_count() const { return static_cast<int>(codes_.size()); }
  double share_threshold() const { return threshold_; }
  // PCN k (code order) with its table rows and both geometries.
  PcnCatchment Get(int k) const;

 private:
  CatchmentSet(const ReferenceData& reference, std::vector<std::string> codes, double threshold);

  const ReferenceData* reference_;
  std::shared_ptr<const ReferenceData> owned_;  // set when the set keeps its snapshot alive
  std::vector<std::string> codes_;
  std::vector<std::string> names_;
  double threshold_;
  ShareTable table_;
  std::vector<std::vector<int>> territories_;
  std::vector<std::vector<int>> shares_;
  std::vector<std::vector<int>> areas_of_;
  std::vector<int> owners_;
  // Parallel to areas_of_: the suppressed cells; and the areas whose N(a) is withheld.
  std::vector<std::vector<bool>> suppressed_;
  std::vector<bool> total_suppressed_;

  void Suppress(const DisclosurePolicy& disclosure);
};

}  // namespace pcnv

#endif  // PCNV_GEO_CATCHMENTS_API_H_
