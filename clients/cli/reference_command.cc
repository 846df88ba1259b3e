// `pcnv reference build`: pack areas, footprints and a postcode directory into one GeoPackage.
#include <iostream>

#include "clients/cli/commands.h"
#include "geo/io/file_io.h"
#include "geo/io/reference_store.h"

namespace pcnv::cli {

int RunReferenceBuild(const ReferenceBuildCommand& cmd) {
  if (!cmd.reference.store.empty()) return BadInput("reference build takes no --reference");
  if (absl::Status s = CheckInputEncoding(cmd.reference.encoding); !s.ok()) return BadInput(s);
  // Before the build, which can take minutes: a device or directory as --out is refused now.
  if (absl::Status s = io::CheckOutputPath(cmd.out, "the reference store"); !s.ok()) {
    return BadInput(s);
  }
  if (!cmd.reference.given()) {
    return BadInput("reference build needs --areas, --footprint or --postcodes");
  }
  auto ref = LoadReference(cmd.reference);
  if (!ref.ok()) return BadInput(ref.status());
  if (auto s = io::WriteReferenceStore(**ref, cmd.out); !s.ok()) return BadInput(s);
  std::cout << "Reference store written to " << cmd.out << ": " << (*ref)->areas().size()
            << " areas, " << (*ref)->footprint_layers().size() << " footprint layers, "
            << (*ref)->postcode_count() << " postcodes\n";
  // How clean a coverage the areas are: where neighbours are not noded alike, unions of areas
  // cannot be joined from rings and cost a GEOS overlay (geo/coverage_rings.h).
  const AreaAdjacency& graph = (*ref)->adjacency();
  std::cout << "Areas: " << graph.edges() << " neighbouring pairs, "
            << (*ref)->coverage_rings().unjoinable_pairs()
            << " of them not noded alike (unions holding both areas of such a pair use GEOS)\n";
  return kExitClean;
}

}  // namespace pcnv::cli
