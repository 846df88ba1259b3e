#include "wire/geometry_output.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "geo/field_error.h"

namespace pcnv::wire {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Reflection;

// Whether a message of type `d` can contain a Geometry or Point anywhere below it, so the walk
// skips the long lists that cannot (ComputeCatchments' area shares, practices). `known` holds false
// for a type whose answer is being worked out, so a recursive type adds nothing through itself.
bool MayHoldGeometry(const Descriptor* d, absl::flat_hash_map<const Descriptor*, bool>& known) {
  if (d == v1::Geometry::descriptor() || d == v1::Point::descriptor()) return true;
  if (auto it = known.find(d); it != known.end()) return it->second;
  known[d] = false;
  bool holds = false;
  for (int i = 0; i < d->field_count() && !holds; ++i) {
    const FieldDescriptor* f = d->field(i);
    holds = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
            MayHoldGeometry(f->message_type(), known);
  }
  known[d] = holds;
  return holds;
}

class Walk {
 public:
  explicit Walk(const io::GeometryExporter& exporter) : exporter_(exporter) {}

  absl::Status Visit(google::protobuf::Message& m) {
    if (auto* g = dynamic_cast<v1::Geometry*>(&m)) return Reencode(*g);
    if (auto* p = dynamic_cast<v1::Point*>(&m)) return Reproject(*p);
    const Reflection* r = m.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(m, &fields);  // only those set: absent geometries stay absent
    for (const FieldDescriptor* f : fields) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
          !MayHoldGeometry(f->message_type(), known_)) {
        continue;
      }
      if (!f->is_repeated()) {
        if (absl::Status s = Visit(*r->MutableMessage(&m, f)); !s.ok()) return s;
        continue;
      }
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (absl::Status s = Visit(*r->MutableRepeatedMessage(&m, f, i)); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Reencode(v1::Geometry& g) {
    absl::StatusOr<std::string> encoded = exporter_.Encode(g.wkb());
    if (!encoded.ok()) {
      // The WKB was written by the server a moment ago, so this is the server's fault.
      return absl::InternalError(
          absl::StrCat("writing a reply geometry: ", encoded.status().message()));
    }
    const io::GeometryFormat& format = exporter_.format();
    if (format.encoding == io::GeometryEncoding::kGeoJson) {
      g.clear_wkb();
      g.set_geojson(*std::move(encoded));
    } else {
      g.set_wkb(*std::move(encoded));
    }
    g.set_srid(io::Srid(format.crs));
    return absl::OkStatus();
  }

  // Practices' locations: x, y become longitude, latitude in EPSG:4326.
  absl::Status Reproject(v1::Point& p) {
    double x = p.x();
    double y = p.y();
    if (absl::Status s = exporter_.TransformPoint(x, y); !s.ok()) {
      return absl::InternalError(absl::StrCat("writing a reply point: ", s.message()));
    }
    p.set_x(x);
    p.set_y(y);
    return absl::OkStatus();
  }

  const io::GeometryExporter& exporter_;
  absl::flat_hash_map<const Descriptor*, bool> known_;
};

}  // namespace

absl::StatusOr<io::GeometryFormat> GeometryFormatFromProto(const v1::GeometryOutput& choice,
                                                           absl::string_view field) {
  io::GeometryFormat format;
  switch (choice.encoding()) {
    case v1::GEOMETRY_ENCODING_UNSPECIFIED:
    case v1::GEOMETRY_ENCODING_WKB:
      format.encoding = io::GeometryEncoding::kWkb;
      break;
    case v1::GEOMETRY_ENCODING_GEOJSON:
      format.encoding = io::GeometryEncoding::kGeoJson;
      break;
    default:
      return FieldError(absl::StrCat(field, ".encoding"),
                        absl::StrCat(choice.encoding(), " is not a GeometryEncoding"));
  }
  switch (choice.srid()) {
    case 0:
    case 27700:
      format.crs = io::OutputCrs::kBritishNationalGrid;
      break;
    case 4326:
      format.crs = io::OutputCrs::kWgs84;
      break;
    default:
      return FieldError(absl::StrCat(field, ".srid"),
                        absl::StrCat(choice.srid(),
                                     " is not offered: 27700 (British National Grid, the "
                                     "default) or 4326 (WGS84 longitude/latitude)"));
  }
  return format;
}

absl::StatusOr<GeometryEncoder> GeometryEncoder::FromOptions(const v1::ValidationOptions& options,
                                                             absl::string_view options_field) {
  absl::StatusOr<io::GeometryFormat> format = GeometryFormatFromProto(
      options.geometry_output(), absl::StrCat(options_field, ".geometry_output"));
  if (!format.ok()) return format.status();
  if (format->is_default()) return GeometryEncoder(std::nullopt);
  absl::StatusOr<io::GeometryExporter> exporter = io::GeometryExporter::Create(*format);
  if (!exporter.ok()) return exporter.status();
  return GeometryEncoder(*std::move(exporter));
}

absl::Status GeometryEncoder::Encode(google::protobuf::Message& reply) const {
  if (!exporter_) return absl::OkStatus();
  return Walk(*exporter_).Visit(reply);
}

}  // namespace pcnv::wire
