// pcnv-fuzz-seeds OUT: writes the seed inputs made from the tiny configuration
// (fuzz/support/tiny_reference.h) into OUT/TARGET/NAME, one small file each: every CSV form
// each reader detects, JSON files, GeoJSON and GeoPackage layers, WKB geometries and serialised
// ValidateRequest messages. The checked-in corpus (fuzz/corpus) was written by this program and
// fuzz/extract_seeds.sh; run it again when a reader learns a new form.
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fuzz/support/request_path.h"
#include "fuzz/support/tiny_reference.h"
#include "geo/io/gdal_util.h"
#include "geo/io/versions.h"
#include "report/report_json.h"
#include "wire/convert.h"

namespace fs = std::filesystem;

namespace pcnv::fuzz {
namespace {

std::string out_dir;

// Stops the tool when a GDAL call made while writing a seed fails, naming the call and
// GDAL's own message.
void RequireGdal(bool ok, const char* step) {
  if (ok) return;
  std::fprintf(stderr, "make_seeds: vector_layer/declared.gpkg: %s failed: %s\n", step,
               io::gdal::LastError().c_str());
  std::exit(1);
}

void Put(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = fs::path(out_dir) / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) {
    std::fprintf(stderr, "%s/%s: write failed\n", dir.c_str(), name.c_str());
    std::exit(1);
  }
}

void PracticeSeeds() {
  Put("practices", "plain.csv", TinyPracticeCsv());
  std::string nhs =
      "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
      "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,"
      "ICB_CODE,ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME\n";
  std::string ccg =
      "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
      "ONS_CCG_CODE,CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME,ONS_COMM_REGION_CODE,"
      "COMM_REGION_CODE,COMM_REGION_NAME\n";
  std::string bng = "practice_code,pcn_code,practice_name,easting,northing,list_size\n";
  std::string wgs = "PRACTICE_CODE,PCN_CODE,LAT,LON\n";
  const char* postcodes[] = {"ZZ1 1AA", "ZZ1 1AF", "ZZ1 1AC", "ZZ1 1AL"};
  int i = 0;
  for (const Membership& m : TinyInput().memberships) {
    const std::string west = i < 2 ? "1" : "2";
    absl::StrAppend(
        &nhs, "GP_PRAC_PAT_LIST,01Jun2026,", m.practice_code, ",PRACTICE ", i + 1, ",",
        postcodes[i], ",", m.pcn_code, ",", m.pcn_name, ",E3890000", west, ",", m.sub_icb_code,
        ",NHS Tiny ICB - ", m.sub_icb_code,
        ",E54900001,QZZ,NHS Tiny Integrated Care Board,E40900001,Y90,Tiny Region,TPP\n");
    absl::StrAppend(&ccg, "GP_PRAC_PAT_LIST,01-Jun-20,", m.practice_code, ",\"PRACTICE, ", i + 1,
                    "\",", postcodes[i], ",", m.pcn_code, ",", m.pcn_name, ",E3890000", west, ",",
                    m.sub_icb_code, ",NHS Tiny CCG,E54900001,QZZ,Tiny STP,E40900001,Y90,Region\n");
    absl::StrAppend(&bng, m.practice_code, ",", m.pcn_code, ",Practice ", i + 1, ",",
                    430500 + 1000 * (i % 4), ",", 380500 + 1000 * (i / 2), ",", 15000 + 1000 * i,
                    "\n");
    absl::StrAppend(&wgs, m.practice_code, ",", m.pcn_code, ",",
                    absl::StrFormat("%.5f", 53.3213 + 0.009 * i), ",",
                    absl::StrFormat("%.5f", -1.5480 + 0.015 * i), "\n");
    ++i;
  }
  Put("practices", "nhs_2022.csv", nhs);
  Put("practices", "nhs_ccg.csv", ccg);
  Put("practices", "plain_bng.csv", bng);
  Put("practices", "plain_wgs84.csv", wgs);
  // Windows habits: a BOM, CRLF line ends, semicolons.
  Put("practices", "bom_crlf_semicolon.csv",
      "\xEF\xBB\xBFpractice_code;pcn_code;practice_name\r\nA00001;U00001;\"Practice \"\"A\"\"\"\r\n"
      "B00001;U00001;Practice B\r\n");
  Put("practices", "epcn_partners.csv",
      "Partner Organisation Code,Partner Name,Practice Parent CCG Code,Practice Parent CCG Name,"
      "PCN Code,PCN Name,PCN Parent CCG Code,PCN Parent CCG Name,"
      "Practice to PCN Relationship Start Date,Practice to PCN Relationship End Date,"
      "Practice CCG and PCN CCG Match\n"
      "A00001,PRACTICE A,90A,NHS TINY CCG,U00001,NETWORK ONE PCN,90A,NHS TINY CCG,20190701,,True\n"
      "C00001,PRACTICE C,90B,NHS TINY CCG,U00002,NETWORK TWO PCN,90B,NHS TINY CCG,20190701,"
      "20200331,True\n"
      "C00001,PRACTICE C,90B,NHS TINY CCG,U00002,NETWORK TWO PCN,90B,NHS TINY "
      "CCG,20200401,,True\n");
}

void TableSeeds() {
  std::string all =
      "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
      "NUMBER_OF_PATIENTS\n";
  std::string plain = "practice_code,patients\n";
  const ValidationInput tiny = TinyInput();  // one copy outlives the loops below
  for (const ListSize& s : *tiny.list_sizes) {
    absl::StrAppend(&all, "GP_PRAC_PAT_LIST,01JUN2026,GP,90A,E38900001,", s.practice_code,
                    ",ZZ1 1AA,ALL,ALL,", s.patients, "\n");
    absl::StrAppend(&all, "GP_PRAC_PAT_LIST,01JUN2026,GP,90A,E38900001,", s.practice_code,
                    ",ZZ1 1AA,MALE,ALL,", s.patients / 2, "\n");
    absl::StrAppend(&plain, s.practice_code, ",", s.patients, "\n");
  }
  Put("list_sizes", "nhs_all.csv", all);
  Put("list_sizes", "plain.csv", plain);

  std::string lsoa =
      "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n";
  std::string by_postcode = "practice_code,postcode,patients\n";
  int i = 0;
  for (const DistributionRow& r : tiny.distribution->rows) {
    absl::StrAppend(&lsoa, "GP_PRAC_PAT_LSOA,01JUN2026,", r.practice_code, ",PRACTICE,", r.place,
                    ",ALL,", r.patients, "\n");
    absl::StrAppend(&by_postcode, r.practice_code, ",ZZ1 1A", std::string(1, 'A' + i % 12), ",",
                    r.patients, "\n");
    ++i;
  }
  absl::StrAppend(&lsoa, "GP_PRAC_PAT_LSOA,01JUN2026,A00001,PRACTICE,NO2011,ALL,3\n");
  Put("distribution", "lsoa_all.csv", lsoa);
  Put("distribution", "postcode.csv", by_postcode);

  // epraccur: no header, 27 quoted fields.
  std::string reg;
  const char statuses[] = {'A', 'C', 'D', 'P'};
  i = 0;
  for (const Membership& m : tiny.memberships) {
    const char status = statuses[i];
    absl::StrAppend(&reg, "\"", m.practice_code, "\",\"", m.practice_name,
                    "\",\"Y90\",\"QZZ\",\"1 STREET\",\"\",\"TINYTOWN\",\"\",\"\",\"ZZ1 1A",
                    std::string(1, 'A' + i), "\",\"19740401\",\"", status == 'C' ? "20200331" : "",
                    "\",\"", std::string(1, status), "\",\"B\",\"", m.sub_icb_code,
                    "\",\"20200401\",\"\",\"01234 567890\",\"\",\"\","
                    "\"\",\"0\",\"\",\"",
                    m.sub_icb_code, "\",\"\",\"", i == 3 ? "1" : "4", "\",\"\"\n");
    ++i;
  }
  Put("practice_register", "epraccur.csv", reg);

  Put("epcn_pcn_details", "pcn_details.csv",
      "PCN Code,PCN Name,Current Clinical Commissioning Group Code,Clinical Commissioning Group "
      "Name,Open Date,Close Date,Address Line 1,Address Line 2,Address Line 3,Address Line 4,"
      "Address Line 5,Postcode\n"
      "U00001,NETWORK ONE PCN,90A,NHS TINY CCG,20190701,,1 STREET,,,TINYTOWN,,ZZ1 1AA\n"
      "U00002,NETWORK TWO PCN,90B,NHS TINY CCG,20190701,,2 STREET,,,TINYTOWN,,ZZ1 1AC\n"
      "U00003,CLOSED PCN,90B,NHS TINY CCG,20190701,20210331,3 STREET,,,TINYTOWN,,ZZ1 1AD\n");
  Put("epcn_pcn_details", "sub_icb.csv",
      "PCN Code,PCN Name,Current Sub ICB Location Code,Sub ICB Location Name\n"
      "U00001,NETWORK ONE PCN,90A,NHS TINY ICB - 90A\n");

  std::string bng = "pcds,oseast1m,osnrth1m,lsoa21\n";
  std::string wgs = "Postcode,lat,long\n";
  for (int cell = 0; cell < 12; ++cell) {
    absl::StrAppend(&bng, "ZZ1 1A", std::string(1, 'A' + cell), ",", 430500 + 1000 * (cell % 4),
                    ",", 380500 + 1000 * (cell / 4), ",", absl::StrFormat("E019%05d", cell + 1),
                    "\n");
    absl::StrAppend(&wgs, "ZZ11A", std::string(1, 'A' + cell), ",",
                    absl::StrFormat("%.5f", 53.3213 + 0.009 * (cell / 4)), ",",
                    absl::StrFormat("%.5f", -1.5480 + 0.015 * (cell % 4)), "\n");
  }
  absl::StrAppend(&bng, "ZZ9 9ZZ,,,\n");
  absl::StrAppend(&wgs, "ZZ99ZZ,99.999999,0\n");
  Put("postcode_directory", "nspl_bng.csv", bng);
  Put("postcode_directory", "nspl_wgs84.csv", wgs);
}

void JsonSeeds() {
  Put("ruleset", "full.json", R"({"name": "tiny-2026",
 "rules": {"POP001": {"severity": "ERROR", "enabled": true, "minimum": 30000},
           "POP002": {"usual_maximum": 50000}, "POP003": {"tolerance": 0.01},
           "CON001": {"min_share": 0.02}, "CON004": {"buffer_m": 500},
           "NEST001": {"max_outside": 0.05}, "NEST003": {"max_outside": 0.05},
           "COM001": {"max_outside": 0.10}, "OVL001": {"tolerance_m2": 100},
           "OVL002": {"tolerance_m2": 100}, "OVL003": {"min_iou": 0.6},
           "CMP001": {"min_polsby_popper": 0.1}, "CMP002": {"max_distance_m": 15000},
           "GEO001": {"repair": true}, "MEM001": {"enabled": false}},
 "contiguity": {"adjacency": "point", "bridge_distance_m": 0,
                "bridges": [["E01900001", "E01900005"]]}}
)");
  Put("ruleset", "small.json", R"({"name": "x", "rules": {"POP001": {"minimum": 10}}})");
  Put("waivers", "waivers.json", R"([{"rule": "POP001", "pcn": "U00001", "reason": "merging",
  "approved_by": "Board", "expires": "2027-03-31"},
 {"rule": "CON001", "pcn": "U00002", "reason": "river", "approved_by": "ICB",
  "expires": "2026-01-31"}]
)");
  Put("waivers", "empty.json", "[]\n");
  Put("report_json", "tiny_report.json", report::ReportToJson(TinyReport()));
}

std::string Wkb(const std::string& wkt) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  if (!g.ok()) {
    std::fprintf(stderr, "%s: %s\n", wkt.c_str(), std::string(g.status().message()).c_str());
    std::exit(1);
  }
  v1::Geometry proto;
  wire::ToProto(*g, &proto);
  return proto.wkb();
}

void GeometrySeeds() {
  Put("wkb", "polygon.wkb",
      Wkb("POLYGON((430000 380000,432000 380000,432000 383000,"
          "430000 383000,430000 380000))"));
  Put("wkb", "hole.wkb",
      Wkb("POLYGON((430000 380000,432000 380000,432000 383000,430000 383000,"
          "430000 380000),(430500 380500,430500 381000,431000 381000,"
          "431000 380500,430500 380500))"));
  Put("wkb", "multipolygon.wkb",
      Wkb("MULTIPOLYGON(((430000 380000,431000 380000,431000 381000,430000 381000,430000 380000)),"
          "((433000 382000,434000 382000,434000 383000,433000 383000,433000 382000)))"));
  Put("wkb", "collection.wkb",
      Wkb("GEOMETRYCOLLECTION(POLYGON((430000 380000,431000 380000,431000 381000,430000 380000)),"
          "POINT(430500 380500))"));
  Put("wkb", "polygon_z.wkb",
      Wkb("POLYGON Z((430000 380000 1,432000 380000 1,432000 383000 1,"
          "430000 383000 1,430000 380000 1))"));
  Put("wkb", "linestring.wkb", Wkb("LINESTRING(430000 380000,432000 383000)"));
  Put("wkb", "empty.wkb", Wkb("POLYGON EMPTY"));

  auto request = [](const std::string& name, const v1::ValidateRequest& r) {
    Put("request", name, r.SerializeAsString());
  };
  request("tiny.bin", TinyRequest());
  {
    v1::ValidateRequest r = TinyRequest();
    r.clear_declared();
    r.clear_list_sizes();
    r.mutable_options()->set_method(v1::CATCHMENT_METHOD_SHARE);
    r.mutable_options()->set_share_threshold(0.1);
    r.mutable_options()->set_suppress_below(10);
    request("share.bin", r);
  }
  {
    ValidationInput in = TinyInput();
    in.declared.reset();
    in.distribution->level = DistributionLevel::kPostcode;
    int i = 0;
    for (DistributionRow& row : in.distribution->rows) {
      row.place = absl::StrCat("ZZ11A", std::string(1, 'A' + i++ % 12));
    }
    std::vector<RegisteredPractice> reg;
    for (const Membership& m : in.memberships) {
      RegisteredPractice p;
      p.code = m.practice_code;
      p.name = m.practice_name;
      p.postcode = m.practice_postcode;
      p.open_date = "1974-04-01";
      p.row = static_cast<int>(reg.size()) + 1;
      reg.push_back(p);
    }
    reg.back().status = 'C';
    reg.back().close_date = "2020-03-31";
    in.practice_register = reg;
    ValidationOptions o = TinyOptions();
    o.waivers.push_back({"POP001", "U00001", "merging", "Board", "2027-03-31"});
    o.ruleset.pop_min = 40000;
    o.ruleset.disabled.insert("CMP002");
    request("postcodes_register_waivers.bin", wire::MakeRequest(in, o));
  }
}

void LayerSeeds() {
  const char* crs27700 =
      R"("crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},)";
  Put("vector_layer", "declared_27700.geojson",
      absl::StrCat(R"({"type": "FeatureCollection", )", crs27700, R"(
"features": [
{"type": "Feature", "properties": {"pcn_code": "U00001"}, "geometry": {"type": "Polygon",
 "coordinates": [[[430000, 380000], [432000, 380000], [432000, 383000], [430000, 383000],
 [430000, 380000]]]}},
{"type": "Feature", "properties": {"pcn_code": "U00002"}, "geometry": {"type": "MultiPolygon",
 "coordinates": [[[[432000, 380000], [434000, 380000], [434000, 383000], [432000, 383000],
 [432000, 380000]]]]}}
]}
)"));
  Put("vector_layer", "declared_wgs84.geojson", R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"pcn_code": "U00001", "name": "Network One"},
 "geometry": {"type": "Polygon", "coordinates": [[[-1.548, 53.321], [-1.518, 53.321],
 [-1.518, 53.348], [-1.548, 53.348], [-1.548, 53.321]]]}},
{"type": "Feature", "properties": {"pcn_code": "U00002"}, "geometry": {"type": "Polygon",
 "coordinates": [[[-1.518, 53.321], [-1.488, 53.321], [-1.503, 53.348], [-1.518, 53.321]]]}}
]}
)");
  // A bow-tie (self-intersecting) polygon, which the reader repairs and flags for GEO001.
  Put("vector_layer", "bowtie_27700.geojson",
      absl::StrCat(R"({"type": "FeatureCollection", )", crs27700, R"(
"features": [{"type": "Feature", "properties": {"pcn_code": "U00001"}, "geometry":
 {"type": "Polygon", "coordinates": [[[430000, 380000], [432000, 383000], [432000, 380000],
 [430000, 383000], [430000, 380000]]]}}]}
)"));

  // The same two polygons as a GeoPackage, written by GDAL into memory. Any GDAL step that
  // fails stops the tool: a half-written seed would quietly weaken the vector_layer corpus.
  io::EnsureGdalRegistered();
  const char* path = "/vsimem/pcnv-fuzz-seeds/declared.gpkg";
  GDALDriverH driver = GDALGetDriverByName("GPKG");
  RequireGdal(driver != nullptr, "GPKG driver lookup");
  GDALDatasetH ds = GDALCreate(driver, path, 0, 0, 0, GDT_Unknown, nullptr);
  RequireGdal(ds != nullptr, "GDALCreate");
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  RequireGdal(OSRImportFromEPSG(srs, 27700) == OGRERR_NONE, "OSRImportFromEPSG(27700)");
  OGRLayerH layer = GDALDatasetCreateLayer(ds, "declared", srs, wkbMultiPolygon, nullptr);
  RequireGdal(layer != nullptr, "GDALDatasetCreateLayer");
  OGRFieldDefnH field = OGR_Fld_Create("pcn_code", OFTString);
  RequireGdal(OGR_L_CreateField(layer, field, TRUE) == OGRERR_NONE, "OGR_L_CreateField");
  OGR_Fld_Destroy(field);
  const char* wkts[] = {
      "MULTIPOLYGON(((430000 380000,432000 380000,432000 383000,430000 383000,430000 380000)))",
      "MULTIPOLYGON(((432000 380000,434000 380000,434000 383000,432000 383000,432000 380000)))"};
  const char* codes[] = {"U00001", "U00002"};
  for (int i = 0; i < 2; ++i) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGR_F_SetFieldString(f, 0, codes[i]);
    OGRGeometryH g = nullptr;
    char* wkt = const_cast<char*>(wkts[i]);
    RequireGdal(OGR_G_CreateFromWkt(&wkt, srs, &g) == OGRERR_NONE, "OGR_G_CreateFromWkt");
    OGR_F_SetGeometryDirectly(f, g);
    RequireGdal(OGR_L_CreateFeature(layer, f) == OGRERR_NONE, "OGR_L_CreateFeature");
    OGR_F_Destroy(f);
  }
  OSRRelease(srs);
  // GDAL 3.6 GDALClose returns nothing; a failed flush shows as an empty or missing buffer.
  GDALClose(ds);
  vsi_l_offset length = 0;
  GByte* bytes = VSIGetMemFileBuffer(path, &length, /*bUnlinkAndSeize=*/TRUE);
  RequireGdal(bytes != nullptr && length > 0, "VSIGetMemFileBuffer");
  Put("vector_layer", "declared.gpkg",
      std::string(reinterpret_cast<const char*>(bytes), static_cast<size_t>(length)));
  VSIFree(bytes);
}

}  // namespace
}  // namespace pcnv::fuzz

int main(int argc, char** argv) {
  // An option is never taken for OUT: `--help` would otherwise become a folder named "--help".
  const std::string arg = argc == 2 ? argv[1] : "";
  if (argc != 2 || arg.empty() || arg[0] == '-') {
    const bool asked = arg == "--help" || arg == "-h";
    std::fprintf(asked ? stdout : stderr,
                 "usage: %s OUT\n"
                 "Writes the fuzz seeds made from the tiny configuration into OUT/TARGET/NAME\n"
                 "(OUT is created if missing; the checked-in corpus is fuzz/corpus).\n",
                 argv[0]);
    return asked ? 0 : 2;
  }
  pcnv::fuzz::out_dir = argv[1];
  pcnv::fuzz::PracticeSeeds();
  pcnv::fuzz::TableSeeds();
  pcnv::fuzz::JsonSeeds();
  pcnv::fuzz::GeometrySeeds();
  pcnv::fuzz::LayerSeeds();
  return 0;
}
