// Geometry: its own WKB writer gives, byte for byte, what GEOS's ISO little-endian writer gives.
#include "geo/geometry.h"

#include <string>

#include "geo/geos_handle.h"
#include "gtest/gtest.h"

namespace pcnv {
namespace {

std::string GeosWkb(const Geometry& g) {
  auto ctx = geos::Context();
  geos::WkbWriterPtr writer(GEOSWKBWriter_create_r(ctx));
  GEOSWKBWriter_setByteOrder_r(ctx, writer.get(), GEOS_WKB_NDR);
  GEOSWKBWriter_setFlavor_r(ctx, writer.get(), GEOS_WKB_ISO);
  size_t size = 0;
  geos::ByteBuffer out(GEOSWKBWriter_write_r(ctx, writer.get(), g.raw(), &size));
  return std::string(reinterpret_cast<const char*>(out.get()), size);
}

TEST(GeometryTest, WkbIsGeosWkbByteForByte) {
  for (const char* wkt : {
           "POINT (1.5 -2.25)",
           "POINT EMPTY",
           "POINT Z (1 2 3)",
           "LINESTRING (0 0, 1 1, 2 0.5)",
           "LINESTRING EMPTY",
           "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 1 1))",
           "POLYGON Z ((0 0 1, 4 0 1, 4 4 1, 0 0 1))",
           "POLYGON EMPTY",
           "MULTIPOINT ((0 0), (1 2))",
           "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 2))",
           "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5), (5.2 5.2, 5.4 5.2, "
           "5.4 5.4, 5.2 5.2)))",
           "MULTIPOLYGON EMPTY",
           "GEOMETRYCOLLECTION (POINT (0 0), LINESTRING (0 0, 1 1), GEOMETRYCOLLECTION (POLYGON "
           "((0 0, 1 0, 1 1, 0 0))))",
           "GEOMETRYCOLLECTION EMPTY",
       }) {
    absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
    ASSERT_TRUE(g.ok()) << wkt << ": " << g.status();
    const std::string ours = g->ToWkb();
    EXPECT_EQ(ours, GeosWkb(*g)) << wkt;
    // And it reads back as the same (2D) geometry.
    absl::StatusOr<Geometry> back = Geometry::FromWkb(ours);
    ASSERT_TRUE(back.ok()) << wkt << ": " << back.status();
    EXPECT_EQ(back->ToWkb(), ours) << wkt;
    EXPECT_EQ(back->TypeName(), g->TypeName()) << wkt;
  }
}

}  // namespace
}  // namespace pcnv
