#include "geo/geometry.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/geos_handle.h"
#include "geo/wkb_scan.h"

namespace pcnv {

void Geometry::Deleter::operator()(GEOSGeom_t* g) const { geos::GeomPtr::deleter_type()(g); }

Geometry::Geometry(const Geometry& other) {
  if (other.geom_) geom_.reset(geos::Clone(other.geom_.get()).release());
}

Geometry& Geometry::operator=(const Geometry& other) {
  if (this != &other) {
    geom_.reset(other.geom_ ? geos::Clone(other.geom_.get()).release() : nullptr);
  }
  return *this;
}

Geometry Geometry::Adopt(GEOSGeom_t* raw) {
  Geometry g;
  g.geom_.reset(raw);
  return g;
}

absl::StatusOr<Geometry> Geometry::FromWkt(std::string_view wkt) {
  // GEOS's WKT reader recurses per parenthesis, as its WKB reader does per collection: a
  // MultiPolygon is 3 deep, so collections at most kMaxWkbNesting deep fit in 3 more.
  int depth = 0;
  for (char c : wkt) {
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (depth > kMaxWkbNesting + 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot parse WKT: parentheses nested more than ", kMaxWkbNesting + 3, " deep"));
    }
  }
  auto ctx = geos::Context();
  geos::WktReaderPtr reader(GEOSWKTReader_create_r(ctx));
  if (!reader) return geos::Failure("WKT reader");
  const std::string text(wkt);
  GEOSGeometry* g = GEOSWKTReader_read_r(ctx, reader.get(), text.c_str());
  if (g == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot parse WKT: ", geos::LastError()));
  }
  return Adopt(g);
}

absl::StatusOr<Geometry> Geometry::FromWkb(std::string_view wkb) {
  // Walked first: GEOS's reader recurses per nested collection and allocates what a count
  // claims, so hostile bytes would overflow its stack or exhaust memory (geo/wkb_scan.h).
  absl::StatusOr<WkbShape> walked = ScanWkb(wkb);
  if (!walked.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot parse WKB: ", walked.status().message()));
  }
  return FromWalkedWkb(wkb, *walked);
}

absl::StatusOr<Geometry> Geometry::FromWalkedWkb(std::string_view wkb, const WkbShape& /*walked*/) {
  auto ctx = geos::Context();
  geos::WkbReaderPtr reader(GEOSWKBReader_create_r(ctx));
  if (!reader) return geos::Failure("WKB reader");
  GEOSGeometry* g = GEOSWKBReader_read_r(
      ctx, reader.get(), reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
  if (g == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot parse WKB: ", geos::LastError()));
  }
  return Adopt(g);
}

Geometry Geometry::MakePoint(Point p) {
  return Adopt(
      geos::MustMake(GEOSGeom_createPointFromXY_r(geos::Context(), p.x, p.y), "create point")
          .release());
}

bool Geometry::IsEmpty() const {
  if (geom_ == nullptr) return true;
  // GEOS fails isEmpty only on a corrupt geometry; such a geometry is not treated as empty, so
  // that it goes on to calls that report it.
  return geos::Test(GEOSisEmpty_r(geos::Context(), geom_.get()), "is empty").value_or(false);
}

namespace {

// Whether every coordinate of `g` is finite and within +-1e15 (GEOSGeom_get[XY]M{in,ax} read the
// envelope GEOS caches). An empty geometry has no coordinates and is within range.
bool WithinTrimSafeRange(GEOSContextHandle_t ctx, const GEOSGeometry* g) {
  constexpr double kLimit = 1e15;
  if (GEOSisEmpty_r(ctx, g) != 0) return true;
  double v[4] = {0, 0, 0, 0};
  if (GEOSGeom_getXMin_r(ctx, g, &v[0]) == 0 || GEOSGeom_getXMax_r(ctx, g, &v[1]) == 0 ||
      GEOSGeom_getYMin_r(ctx, g, &v[2]) == 0 || GEOSGeom_getYMax_r(ctx, g, &v[3]) == 0) {
    return false;
  }
  // Written so that NaN is out of range too.
  return std::all_of(std::begin(v), std::end(v), [](double d) { return std::fabs(d) < kLimit; });
}

}  // namespace

std::string Geometry::ToWkt(int decimals) const {
  if (!geom_) return "";
  auto ctx = geos::Context();
  geos::WktWriterPtr writer(GEOSWKTWriter_create_r(ctx));
  if (!writer) return "";  // "" is this function's "cannot write", as for no geometry
  GEOSWKTWriter_setRoundingPrecision_r(ctx, writer.get(), decimals);
  // GEOS 3.11's trimmed writer formats each number in fixed notation into a 128-byte buffer on
  // the stack, so a coordinate of 1e128 or more overruns it (GEOS issue 970, fixed in 3.12.1).
  // Untrimmed numbers go through a stringstream. Real coordinates are metres within a few
  // million; anything far beyond (or not finite) takes the untrimmed path.
  GEOSWKTWriter_setTrim_r(ctx, writer.get(), WithinTrimSafeRange(ctx, geom_.get()) ? 1 : 0);
  geos::CharBuffer out(GEOSWKTWriter_write_r(ctx, writer.get(), geom_.get()));
  return out ? std::string(out.get()) : "";
}

namespace {

// ISO WKB as GEOS writes it (little endian, 2D), written straight into the string: GEOS's writer
// goes through an ostream, which made it a visible share of a small reply's cost. False when g
// holds what this leaves to GEOS (an empty point, an unknown type, a big-endian machine).
bool AppendWkb(GEOSContextHandle_t ctx, const GEOSGeometry* g, std::string& out,
               std::vector<double>& xy) {
  if constexpr (std::endian::native != std::endian::little) return false;
  auto put_u32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
  auto put_seq = [&](const GEOSCoordSequence* seq) {
    unsigned n = 0;
    if (seq == nullptr || GEOSCoordSeq_getSize_r(ctx, seq, &n) == 0) return false;
    xy.resize(2 * static_cast<size_t>(n));
    if (n > 0 && GEOSCoordSeq_copyToBuffer_r(ctx, seq, xy.data(), 0, 0) == 0) return false;
    put_u32(n);
    out.append(reinterpret_cast<const char*>(xy.data()), xy.size() * sizeof(double));
    return true;
  };
  const int type = GEOSGeomTypeId_r(ctx, g);
  out.push_back('\x01');  // little endian
  switch (type) {
    case GEOS_POINT: {
      if (GEOSisEmpty_r(ctx, g) != 0) return false;
      double x = 0, y = 0;
      if (GEOSGeomGetX_r(ctx, g, &x) != 1 || GEOSGeomGetY_r(ctx, g, &y) != 1) return false;
      put_u32(1);
      out.append(reinterpret_cast<const char*>(&x), sizeof x);
      out.append(reinterpret_cast<const char*>(&y), sizeof y);
      return true;
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      put_u32(2);
      return put_seq(GEOSGeom_getCoordSeq_r(ctx, g));
    case GEOS_POLYGON: {
      put_u32(3);
      if (GEOSisEmpty_r(ctx, g) != 0) {
        put_u32(0);
        return true;
      }
      const int holes = GEOSGetNumInteriorRings_r(ctx, g);
      if (holes < 0) return false;
      put_u32(static_cast<uint32_t>(holes) + 1);
      for (int r = -1; r < holes; ++r) {
        const GEOSGeometry* ring =
            r < 0 ? GEOSGetExteriorRing_r(ctx, g) : GEOSGetInteriorRingN_r(ctx, g, r);
        if (ring == nullptr || !put_seq(GEOSGeom_getCoordSeq_r(ctx, ring))) return false;
      }
      return true;
    }
    case GEOS_MULTIPOINT:
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
      put_u32(type == GEOS_MULTIPOINT        ? 4
              : type == GEOS_MULTILINESTRING ? 5
              : type == GEOS_MULTIPOLYGON    ? 6
                                             : 7);
      const int parts = GEOSGetNumGeometries_r(ctx, g);
      if (parts < 0) return false;
      put_u32(static_cast<uint32_t>(parts));
      for (int i = 0; i < parts; ++i) {
        if (!AppendWkb(ctx, GEOSGetGeometryN_r(ctx, g, i), out, xy)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

std::string Geometry::ToWkb() const {
  if (!geom_) return "";
  auto ctx = geos::Context();
  std::string s;
  thread_local std::vector<double> xy;
  if (AppendWkb(ctx, geom_.get(), s, xy)) return s;
  geos::WkbWriterPtr writer(GEOSWKBWriter_create_r(ctx));
  if (!writer) return "";  // "" is this function's "cannot write" (callers check it)
  GEOSWKBWriter_setByteOrder_r(ctx, writer.get(), GEOS_WKB_NDR);
  GEOSWKBWriter_setFlavor_r(ctx, writer.get(), GEOS_WKB_ISO);
  size_t size = 0;
  geos::ByteBuffer out(GEOSWKBWriter_write_r(ctx, writer.get(), geom_.get(), &size));
  if (!out) return "";
  return std::string(reinterpret_cast<const char*>(out.get()), size);
}

double Geometry::Area() const {
  if (!geom_) return 0;
  // 0 for what has no area to give, as for no geometry: GEOS computes the area of anything it
  // holds, so a failure here means a corrupt geometry, which validity checks report.
  return geos::Area(geom_.get()).value_or(0);
}

int Geometry::NumParts() const {
  if (IsEmpty()) return 0;
  auto ctx = geos::Context();
  int type = GEOSGeomTypeId_r(ctx, geom_.get());
  if (type == GEOS_POLYGON || type == GEOS_POINT || type == GEOS_LINESTRING) return 1;
  // 0 parts for a collection GEOS cannot count, as for an empty one.
  return geos::NumGeometries(geom_.get()).value_or(0);
}

std::string Geometry::TypeName() const {
  if (!geom_) return "None";
  geos::CharBuffer t(GEOSGeomType_r(geos::Context(), geom_.get()));
  return t ? std::string(t.get()) : "";
}

std::string Geometry::InvalidReason() const {
  if (!geom_) return "no geometry";
  auto ctx = geos::Context();
  // A geometry GEOS cannot check is not valid: its reason, or GEOS's message, says why.
  absl::StatusOr<bool> valid = geos::Test(GEOSisValid_r(ctx, geom_.get()), "is valid");
  if (valid.value_or(false)) return "";
  geos::CharBuffer reason(GEOSisValidReason_r(ctx, geom_.get()));
  if (reason) return std::string(reason.get());
  return valid.ok() ? "invalid geometry" : std::string(valid.status().message());
}

std::string GeosVersion() { return GEOSversion(); }

}  // namespace pcnv
