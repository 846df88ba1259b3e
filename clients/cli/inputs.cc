#include "clients/cli/inputs.h"

#include <atomic>
#include <filesystem>
#include <future>
#include <system_error>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "geo/format.h"
#include "geo/io/ods.h"
#include "geo/io/readers.h"
#include "geo/io/reference_store.h"

namespace pcnv::cli {
namespace {

// The SHA-256 of each input file (for the report's provenance), taken on threads of its own
// while this one parses the files: reading a national distribution twice in a row cost a
// twentieth of a run. When the run stops early (a bad input), the hashes are abandoned.
class InputHashes {
 public:
  explicit InputHashes(const InputPaths& paths) {
    for (const std::string* path : {&paths.practices, &paths.pcn_details, &paths.practice_register,
                                    &paths.list_sizes, &paths.distribution}) {
      Start(*path);
    }
  }
  ~InputHashes() {
    cancel_.store(true);
    for (auto& [path, hash] : hashes_) hash.wait();
  }
  InputHashes(const InputHashes&) = delete;
  InputHashes& operator=(const InputHashes&) = delete;

  // Only a regular file is hashed ahead: a FIFO or device would block the thread (the readers
  // refuse those before they are ever hashed).
  void Start(const std::string& path) {
    std::error_code ec;
    if (path.empty() || hashes_.contains(path) || !std::filesystem::is_regular_file(path, ec)) {
      return;
    }
    hashes_.emplace(path, std::async(std::launch::async, [this, path] {
                            return io::Sha256OfPath(path, &cancel_);
                          }).share());
  }
  absl::StatusOr<std::string> Get(const std::string& path) {
    auto it = hashes_.find(path);
    if (it == hashes_.end()) return io::Sha256OfPath(path);  // a folder, or not started
    return it->second.get();
  }

 private:
  std::atomic<bool> cancel_{false};
  absl::flat_hash_map<std::string, std::shared_future<absl::StatusOr<std::string>>> hashes_;
};

absl::Status AddSource(ValidationInput& input, InputHashes& hashes, std::string role,
                       const std::string& path, int64_t records) {
  auto sha = hashes.Get(path);
  if (!sha.ok()) return sha.status();
  input.sources.push_back({std::move(role), path, *sha, records});
  return absl::OkStatus();
}

absl::StatusOr<FootprintKind> KindOf(std::string_view kind, std::string_view flag) {
  auto k = ParseFootprintKind(kind);
  if (!k) {
    return absl::InvalidArgumentError(absl::StrCat("--footprint ", std::string(flag),
                                                   ": unknown kind '", std::string(kind),
                                                   "' (use icb, sub-icb, stp or community)"));
  }
  return *k;
}

// --practices in any of its formats, with --pcn-details when given: the memberships in force
// on `as_of`, and the sources read.
absl::Status LoadPractices(const InputPaths& paths, std::string_view as_of, ValidationInput& input,
                           InputHashes& hashes, std::vector<std::string>* notes) {
  const io::CsvOptions csv{paths.encoding};
  auto kind = io::DetectPracticeFile(paths.practices, csv);
  if (!kind.ok()) return kind.status();
  if (*kind == io::PracticeFileKind::kEpcnPcnDetails) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--practices ", paths.practices,
        ": is the ePCN \"PCN Details\" sheet (PCNs, no practices); give the \"PCN Core Partner "
        "Details\" sheet as --practices and this file as --pcn-details"));
  }
  if (!paths.pcn_details.empty() && *kind != io::PracticeFileKind::kEpcnPartners) {
    return absl::InvalidArgumentError(
        absl::StrCat("--pcn-details ", paths.pcn_details,
                     ": goes with an ePCN \"PCN Core Partner Details\" CSV as --practices",
                     *kind == io::PracticeFileKind::kEpcnWorkbook
                         ? " (the workbook has its own PCN Details sheet)"
                         : ""));
  }
  if (*kind == io::PracticeFileKind::kPracticeMap) {
    auto memberships = io::ReadPracticeMap(paths.practices, csv);
    if (!memberships.ok()) return memberships.status();
    input.memberships = std::move(*memberships);
    return AddSource(input, hashes, "practices", paths.practices, input.memberships.size());
  }
  io::Epcn epcn;
  if (*kind == io::PracticeFileKind::kEpcnWorkbook) {
    auto book = io::ReadEpcnWorkbook(paths.practices);
    if (!book.ok()) return book.status();
    epcn = std::move(*book);
  } else {
    auto partners = io::ReadEpcnPartners(paths.practices, csv);
    if (!partners.ok()) return partners.status();
    epcn.partners = std::move(*partners);
    if (!paths.pcn_details.empty()) {
      auto pcns = io::ReadEpcnPcnDetails(paths.pcn_details, csv);
      if (!pcns.ok()) return pcns.status();
      epcn.pcns = std::move(*pcns);
    }
  }
  io::EpcnAtDate at = io::EpcnMembershipsAt(epcn, as_of);
  if (at.memberships.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        paths.practices, ": none of its ", Grouped(at.rows),
        " practice-to-PCN relationships is in force on ", std::string(as_of), " (", at.ended,
        " ended before, ", at.not_started, " start after); set --as-of to a date the file covers"));
  }
  if (notes) {
    notes->push_back(absl::StrCat(
        paths.practices, ": ",
        Count(static_cast<int64_t>(at.memberships.size()), "practice-to-PCN relationship"),
        " in force on ", std::string(as_of), " (--as-of) of ", Grouped(at.rows), " listed; ",
        Grouped(at.ended), " ended before, ", Grouped(at.not_started), " start after"));
  }
  input.memberships = std::move(at.memberships);
  if (auto s = AddSource(input, hashes, "practices", paths.practices, input.memberships.size());
      !s.ok()) {
    return s;
  }
  if (epcn.pcns && !paths.pcn_details.empty()) {
    return AddSource(input, hashes, "pcn_details", paths.pcn_details, epcn.pcns->size());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ValidationInput> LoadInputs(const InputPaths& paths, std::string_view as_of,
                                           std::vector<std::string>* notes) {
  ValidationInput input;
  const io::CsvOptions csv{paths.encoding};
  InputHashes hashes(paths);
  if (absl::Status s = LoadPractices(paths, as_of, input, hashes, notes); !s.ok()) return s;
  if (!paths.practice_register.empty()) {
    auto reg = io::ReadPracticeRegister(paths.practice_register, csv);
    if (!reg.ok()) return reg.status();
    const int64_t filled = io::FillFromRegister(input.memberships, *reg);
    if (notes && filled > 0) {
      notes->push_back(absl::StrCat(paths.practice_register,
                                    ": practice postcode taken from the register for ",
                                    Count(filled, "membership row"), " that gave none"));
    }
    input.practice_register = std::move(*reg);
    auto s = AddSource(input, hashes, "practice_register", paths.practice_register,
                       input.practice_register->size());
    if (!s.ok()) return s;
  }
  if (!paths.list_sizes.empty()) {
    auto sizes = io::ReadListSizes(paths.list_sizes, csv);
    if (!sizes.ok()) return sizes.status();
    input.list_sizes = std::move(*sizes);
    auto s = AddSource(input, hashes, "list_sizes", paths.list_sizes, input.list_sizes->size());
    if (!s.ok()) return s;
  }
  if (!paths.distribution.empty()) {
    auto dist = io::ReadDistribution(paths.distribution, csv);
    if (!dist.ok()) return dist.status();
    input.distribution = std::move(*dist);
    auto s = AddSource(input, hashes, "distribution", paths.distribution,
                       input.distribution->rows.size());
    if (!s.ok()) return s;
  }
  if (!paths.declared.empty()) {
    auto spec = io::ParseLayerSpec(paths.declared);
    if (!spec.ok()) return spec.status();
    spec->max_vertices = paths.max_vertices;
    spec->max_features = paths.max_declared_features;
    auto layer = io::ReadVectorLayer(*spec);
    if (!layer.ok()) return layer.status();
    std::vector<DeclaredBoundary> declared;
    for (io::VectorFeature& f : layer->features) {
      declared.push_back({f.code, std::move(f.geometry), f.feature, f.invalid_reason});
    }
    input.declared = std::move(declared);
    auto s = AddSource(input, hashes, "declared", spec->path, input.declared->size());
    if (!s.ok()) return s;
  }
  return input;
}

std::future<absl::StatusOr<std::shared_ptr<const ReferenceData>>> StartLoadingReference(
    const ReferencePaths& paths) {
  return std::async(std::launch::async, [&paths] { return LoadReference(paths); });
}

absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadReference(const ReferencePaths& paths) {
  if (!paths.store.empty()) {
    if (!paths.areas.empty() || !paths.footprints.empty() || !paths.postcodes.empty() ||
        !paths.vintages.empty()) {
      return absl::InvalidArgumentError(
          "give either --reference or --areas/--footprint/--postcodes/--vintage, not both (a "
          "store records the vintages it was built with)");
    }
    return io::LoadReferenceStore(paths.store);
  }
  if (!paths.given()) {
    // Practices and list sizes alone still validate (POP/MEM rules); geometry rules then
    // report NOT_EVALUATED.
    return std::make_shared<const ReferenceData>(std::vector<Area>{}, std::vector<FootprintLayer>{},
                                                 absl::flat_hash_map<std::string, PostcodeEntry>{},
                                                 std::vector<LayerInfo>{}, "", "");
  }
  io::ReferenceSources src;
  if (!paths.areas.empty()) {
    auto spec = io::ParseLayerSpec(paths.areas);
    if (!spec.ok()) return spec.status();
    spec->max_vertices = paths.max_vertices;
    src.areas = *spec;
  }
  for (const std::string& fp : paths.footprints) {
    size_t eq = fp.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--footprint ", fp, ": expected KIND=FILE[:FIELD]"));
    }
    auto kind = KindOf(fp.substr(0, eq), fp);
    if (!kind.ok()) return kind.status();
    auto spec = io::ParseLayerSpec(fp.substr(eq + 1));
    if (!spec.ok()) return spec.status();
    spec->max_vertices = paths.max_vertices;
    src.footprints.emplace_back(*kind, *spec);
  }
  src.postcodes = paths.postcodes;
  src.postcodes_csv.encoding = paths.encoding;
  if (absl::Status s = io::AddVintages(paths.vintages, src); !s.ok()) return s;
  return io::BuildReference(src);
}

}  // namespace pcnv::cli
