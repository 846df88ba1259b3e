#include "geo/geometry.h"

#include <bit>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/geos_handle.h"

namespace pcnv {
namespace geos {
namespace {

thread_local std::string last_error;

// GEOS calls these with printf-style arguments; they only record, never throw.
void OnError(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  last_error = buf;
}
void OnNotice(const char*, ...) {}

struct ThreadContext {
  GEOSContextHandle_t handle;
  ThreadContext() : handle(GEOS_init_r()) {
    GEOSContext_setErrorHandler_r(handle, OnError);
    GEOSContext_setNoticeHandler_r(handle, OnNotice);
  }
  ~ThreadContext() { GEOS_finish_r(handle); }
};

}  // namespace

GEOSContextHandle_t Context() {
  thread_local ThreadContext ctx;
  return ctx.handle;
}
const char* LastError() { return last_error.c_str(); }

}  // namespace geos

void Geometry::Deleter::operator()(GEOSGeom_t* g) const { GEOSGeom_destroy_r(geos::Context(), g); }

Geometry::Geometry(const Geometry& other) {
  if (other.geom_) geom_.reset(GEOSGeom_clone_r(geos::Context(), other.geom_.get()));
}

Geometry& Geometry::operator=(const Geometry& other) {
  if (this != &other) {
    geom_.reset(other.geom_ ? GEOSGeom_clone_r(geos::Context(), other.geom_.get()) : nullptr);
  }
  return *this;
}

Geometry Geometry::Adopt(GEOSGeom_t* raw) {
  Geometry g;
  g.geom_.reset(raw);
  return g;
}

absl::StatusOr<Geometry> Geometry::FromWkt(std::string_view wkt) {
  auto ctx = geos::Context();
  GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx);
  std::string text(wkt);
  GEOSGeometry* g = GEOSWKTReader_read_r(ctx, reader, text.c_str());
  GEOSWKTReader_destroy_r(ctx, reader);
  if (g == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot parse WKT: ", geos::LastError()));
  }
  return Adopt(g);
}

absl::StatusOr<Geometry> Geometry::FromWkb(std::string_view wkb) {
  auto ctx = geos::Context();
  GEOSWKBReader* reader = GEOSWKBReader_create_r(ctx);
  GEOSGeometry* g = GEOSWKBReader_read_r(
      ctx, reader, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
  GEOSWKBReader_destroy_r(ctx, reader);
  if (g == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot parse WKB: ", geos::LastError()));
  }
  return Adopt(g);
}

Geometry Geometry::MakePoint(Point p) {
  return Adopt(GEOSGeom_createPointFromXY_r(geos::Context(), p.x, p.y));
}

bool Geometry::IsEmpty() const {
  return geom_ == nullptr || GEOSisEmpty_r(geos::Context(), geom_.get()) == 1;
}

std::string Geometry::ToWkt(int decimals) const {
  if (!geom_) return "";
  auto ctx = geos::Context();
  GEOSWKTWriter* writer = GEOSWKTWriter_create_r(ctx);
  GEOSWKTWriter_setRoundingPrecision_r(ctx, writer, decimals);
  GEOSWKTWriter_setTrim_r(ctx, writer, 1);
  char* out = GEOSWKTWriter_write_r(ctx, writer, geom_.get());
  GEOSWKTWriter_destroy_r(ctx, writer);
  std::string s = out ? out : "";
  GEOSFree_r(ctx, out);
  return s;
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
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(ctx);
  GEOSWKBWriter_setByteOrder_r(ctx, writer, GEOS_WKB_NDR);
  GEOSWKBWriter_setFlavor_r(ctx, writer, GEOS_WKB_ISO);
  size_t size = 0;
  unsigned char* out = GEOSWKBWriter_write_r(ctx, writer, geom_.get(), &size);
  GEOSWKBWriter_destroy_r(ctx, writer);
  s.assign(reinterpret_cast<char*>(out), size);
  GEOSFree_r(ctx, out);
  return s;
}

double Geometry::Area() const {
  double a = 0;
  if (geom_ && GEOSArea_r(geos::Context(), geom_.get(), &a) == 1) return a;
  return 0;
}

int Geometry::NumParts() const {
  if (IsEmpty()) return 0;
  auto ctx = geos::Context();
  int type = GEOSGeomTypeId_r(ctx, geom_.get());
  if (type == GEOS_POLYGON || type == GEOS_POINT || type == GEOS_LINESTRING) return 1;
  return GEOSGetNumGeometries_r(ctx, geom_.get());
}

std::string Geometry::TypeName() const {
  if (!geom_) return "None";
  char* t = GEOSGeomType_r(geos::Context(), geom_.get());
  std::string s = t ? t : "";
  GEOSFree_r(geos::Context(), t);
  return s;
}

std::string Geometry::InvalidReason() const {
  if (!geom_) return "no geometry";
  auto ctx = geos::Context();
  if (GEOSisValid_r(ctx, geom_.get()) == 1) return "";
  char* reason = GEOSisValidReason_r(ctx, geom_.get());
  std::string s = reason ? reason : "invalid geometry";
  GEOSFree_r(ctx, reason);
  return s;
}

std::string GeosVersion() { return GEOSversion(); }

}  // namespace pcnv
