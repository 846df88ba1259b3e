// The caller's choice of geometry output (ValidationOptions.geometry_output) applied to a reply:
// every pcnv.v1.Geometry in it re-encoded, wherever the message puts one. The handlers build
// their replies in WKB/EPSG:27700 as ever and pass them through here last, so no converter has
// to know about the choice and no RPC can be missed.
#ifndef PCNV_WIRE_GEOMETRY_OUTPUT_H_
#define PCNV_WIRE_GEOMETRY_OUTPUT_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "geo/io/geometry_export.h"
#include "google/protobuf/message.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// The choice as the domain names it; INVALID_ARGUMENT naming `field` (".encoding", ".srid")
// for an encoding or CRS the server does not offer.
absl::StatusOr<io::GeometryFormat> GeometryFormatFromProto(const v1::GeometryOutput& choice,
                                                           absl::string_view field);

// Re-encodes replies in one format. Not thread-safe (see io::GeometryExporter): one per call,
// used by one thread at a time.
class GeometryEncoder {
 public:
  // From `options.geometry_output` of the request; errors name `options_field` +
  // ".geometry_output...".
  static absl::StatusOr<GeometryEncoder> FromOptions(const v1::ValidationOptions& options,
                                                     absl::string_view options_field);

  // Every Geometry in `reply` (in WKB, EPSG:27700, as the converters write them) put into the
  // chosen format. A no-op for the default format.
  absl::Status Encode(google::protobuf::Message& reply) const;

 private:
  explicit GeometryEncoder(std::optional<io::GeometryExporter> exporter)
      : exporter_(std::move(exporter)) {}

  std::optional<io::GeometryExporter> exporter_;  // absent: the default format
};

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_GEOMETRY_OUTPUT_H_
