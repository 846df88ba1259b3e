#include "wire/reference_info.h"

#include <google/protobuf/util/time_util.h>

namespace pcnv::wire {
namespace {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

}  // namespace

void ReferenceInfoToProto(const ReferenceData& data, const SnapshotFacts& facts,
                          const std::optional<FailedReload>& failure, v1::ReferenceInfo* out) {
  out->set_path(data.store_path());
  out->set_sha256(data.store_sha256());
  for (const LayerInfo& l : data.layers()) {
    v1::ReferenceLayer* layer = out->add_layers();
    layer->set_name(l.name);
    layer->set_source(l.source);
    layer->set_sha256(l.sha256);
    layer->set_vintage(l.vintage);
    layer->set_features(l.features);
  }
  out->set_areas(static_cast<int64_t>(data.areas().size()));
  out->set_postcodes(static_cast<int64_t>(data.postcode_count()));
  out->set_repairs(static_cast<int64_t>(data.repairs().size()));
  *out->mutable_loaded_at() = ToTimestamp(facts.loaded_at);
  out->set_load_seconds(facts.load_seconds);
  out->set_generation(facts.generation);
  if (failure) {
    *out->mutable_last_failed_reload()->mutable_at() = ToTimestamp(failure->at);
    out->mutable_last_failed_reload()->set_error(failure->error);
  }
}

}  // namespace pcnv::wire
