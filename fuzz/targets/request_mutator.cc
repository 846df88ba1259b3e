// libFuzzer's custom mutator and cross-over for the request target (linked into fuzz_request
// only; pcnv-fuzz-replay has no libFuzzer): inputs are serialised ValidateRequest messages,
// changed through fuzz/support/proto_mutator.h so that they keep parsing. One mutation in 16 is
// libFuzzer's own byte mutation of the serialised message, to keep the parser itself and
// unknown fields in play.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "fuzz/support/proto_mutator.h"
#include "fuzz/support/request_path.h"
#include "geo/rules/registry.h"
#include "pcnv/v1/validator.pb.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace pcnv::fuzz {
namespace {

// Words that make a mutated field meaningful to the engine: the tiny configuration's codes,
// every rule code, dates real and impossible, severities.
std::vector<std::string> Dictionary() {
  std::vector<std::string> words = {
      "A00001",     "B00001",     "C00001",    "D00001",     "U00001",     "U00002",
      "U",          "ZZ11AA",     "ZZ11AF",    "ZZ99ZZ",     "90A",        "90B",
      "QZZ",        "E54900001",  "E38900001", "2026-06-01", "2026-02-30", "2026-13-01",
      "9999-12-31", "0000-00-00", "ERROR",     "WARNING",    "INFO",       "NO2011"};
  for (int cell = 1; cell <= 13; ++cell) words.push_back(absl::StrFormat("E019%05d", cell));
  for (const RuleInfo& rule : RuleCatalogue()) words.emplace_back(rule.code);
  return words;
}

size_t Write(const v1::ValidateRequest& request, uint8_t* out, size_t max_size) {
  const std::string bytes = request.SerializeAsString();
  if (bytes.size() > max_size) return 0;
  std::memcpy(out, bytes.data(), bytes.size());
  return bytes.size();
}

}  // namespace
}  // namespace pcnv::fuzz

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  using pcnv::fuzz::ProtoMutator;
  static const auto* const dictionary = new std::vector<std::string>(pcnv::fuzz::Dictionary());
  if (seed % 16 == 0) return LLVMFuzzerMutate(data, size, max_size);
  pcnv::v1::ValidateRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) request = pcnv::fuzz::TinyRequest();
  ProtoMutator mutator(seed, &LLVMFuzzerMutate, *dictionary);
  // A few changes at once now and then: some defects need two fields to disagree.
  const int changes = 1 + static_cast<int>(seed % 3 == 0) + static_cast<int>(seed % 7 == 0);
  for (int attempt = 0; attempt < 4; ++attempt) {
    pcnv::v1::ValidateRequest candidate = request;
    for (int i = 0; i < changes; ++i) mutator.Mutate(candidate);
    if (size_t n = pcnv::fuzz::Write(candidate, data, max_size); n > 0) return n;
  }
  return size;  // every attempt grew past max_size: keep the input as it was
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  pcnv::v1::ValidateRequest first;
  pcnv::v1::ValidateRequest second;
  if (!first.ParseFromArray(data1, static_cast<int>(size1)) ||
      !second.ParseFromArray(data2, static_cast<int>(size2))) {
    return 0;
  }
  pcnv::fuzz::ProtoMutator mutator(seed, &LLVMFuzzerMutate, {});
  mutator.CrossOver(second, first);
  return pcnv::fuzz::Write(first, out, max_out_size);
}
