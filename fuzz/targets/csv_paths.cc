// Both ways CsvTable reads a file (geo/io/csv_table.h, CsvOptions::in_place): mapped, with the
// plain lines split in place and the others through libcsv; and every byte through libcsv a
// block at a time. They must give the same header, rows, row numbers and error for any bytes:
// a difference aborts, and the input that shows it is saved as a crash.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "geo/io/csv_table.h"

namespace pcnv::fuzz {
namespace {

void Init() {}

// Everything a reader can see of the file: the header, then each row's number and fields (the
// header's columns), then rows_read, or the first error.
std::string ReadAll(const std::string& path, bool in_place) {
  io::CsvOptions options;
  options.in_place = in_place;
  absl::StatusOr<io::CsvTable> table = io::CsvTable::Open(path, options);
  if (!table.ok()) return table.status().ToString();
  std::string out = absl::StrJoin(table->columns(), "|") + "\n";
  absl::Status s = table->ForEachRow([&](const io::CsvRow& row) {
    absl::StrAppend(&out, row.number(), ":");
    for (size_t c = 0; c < table->columns().size(); ++c) {
      absl::StrAppend(&out, c ? "|" : "", row.Get(static_cast<int>(c)));
    }
    out += "\n";
    return absl::OkStatus();
  });
  if (!s.ok()) return out + s.ToString();
  return absl::StrCat(out, "rows_read ", table->rows_read());
}

int TestOne(const uint8_t* data, size_t size) {
  MemFile file(data, size);
  const std::string in_place = ReadAll(file.path(), true);
  const std::string in_blocks = ReadAll(file.path(), false);
  if (in_place != in_blocks) {
    std::fprintf(stderr, "csv_paths: the two reads differ\nin place:\n%s\nin blocks:\n%s\n",
                 in_place.c_str(), in_blocks.c_str());
    std::abort();
  }
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(csv_paths, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
