// Writes an .xlsx workbook at test run time with GDAL's XLSX driver, one sheet per table, every
// cell a text cell (as a commissioner's download holds codes and YYYYMMDD dates). Header-only:
// the test executables that include it link GDAL themselves (io_tests, realdata_tests,
// cli_tests). Tests build the ePCN workbook this way from CSV fixtures or the real CSV exports;
// no workbook is committed.
#ifndef PCNV_TESTS_SUPPORT_XLSX_FIXTURE_H_
#define PCNV_TESTS_SUPPORT_XLSX_FIXTURE_H_

#include <gdal.h>
#include <ogr_api.h>

#include <string>
#include <vector>

namespace pcnv::testing {

struct SheetFixture {
  std::string name;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // a row may be shorter than the header
};

// Returns an error message, or "" on success.
inline std::string WriteXlsx(const std::string& path, const std::vector<SheetFixture>& sheets) {
  GDALAllRegister();
  GDALDriverH driver = GDALGetDriverByName("XLSX");
  if (driver == nullptr) return "GDAL has no XLSX driver";
  GDALDatasetH ds = GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (ds == nullptr) return "cannot create " + path;
  std::string error;
  for (const SheetFixture& sheet : sheets) {
    OGRLayerH layer = GDALDatasetCreateLayer(ds, sheet.name.c_str(), nullptr, wkbNone, nullptr);
    if (layer == nullptr) {
      error = "cannot create sheet " + sheet.name;
      break;
    }
    for (const std::string& column : sheet.header) {
      OGRFieldDefnH field = OGR_Fld_Create(column.c_str(), OFTString);
      OGR_L_CreateField(layer, field, TRUE);
      OGR_Fld_Destroy(field);
    }
    for (const std::vector<std::string>& row : sheet.rows) {
      OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
      for (size_t i = 0; i < row.size() && i < sheet.header.size(); ++i) {
        if (!row[i].empty()) OGR_F_SetFieldString(f, static_cast<int>(i), row[i].c_str());
      }
      const OGRErr err = OGR_L_CreateFeature(layer, f);
      OGR_F_Destroy(f);
      if (err != OGRERR_NONE) {
        error = "cannot write a row of sheet " + sheet.name;
        break;
      }
    }
    if (!error.empty()) break;
  }
  GDALClose(ds);  // the workbook is written here
  return error;
}

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SUPPORT_XLSX_FIXTURE_H_
