// A tiny built-in reference snapshot and configuration for the fuzz targets, so that whatever a
// reader accepts is also validated and written out as the CLI and the server would: a reader's
// output that parses but breaks the engine or a writer is a crash too.
//
// The reference: 4 x 3 areas, 1 km squares from E 430000 N 380000 (EPSG:27700), codes
// E01900001 ... E01900012 row by row from the south-west (the sample region's first codes, so
// its seed rows match); one ICB footprint over all (E54900001), two sub-ICB footprints (west
// half E38900001, east half E38900002); postcodes ZZ11AA ... ZZ11AL at the areas' centres.
// The configuration: practices A00001 ... D00001 in PCNs U00001 (west) and U00002 (east), with
// list sizes, an area distribution and declared boundaries.
#ifndef PCNV_FUZZ_SUPPORT_TINY_REFERENCE_H_
#define PCNV_FUZZ_SUPPORT_TINY_REFERENCE_H_

#include <memory>
#include <string>

#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"

namespace pcnv::fuzz {

// Built once, shared by every input (the engine only reads it).
std::shared_ptr<const ReferenceData> TinyReference();
ValidationInput TinyInput();
// The defaults of geo/options.h, with a fixed --as-of so that waivers expire reproducibly.
ValidationOptions TinyOptions();
// The tiny configuration validated with TinyOptions (made once).
const Report& TinyReport();

// The practice map of TinyInput as the plain CSV a user would give (--practices), for targets
// that fuzz another input of the same command.
std::string TinyPracticeCsv();

// What the CLI does with inputs it has read: validates them on the tiny reference and renders
// the JSON report (and the HTML-free outputs that take every string of the input). Errors are
// fine (a request can be refused); crashes, sanitizer reports and uncaught exceptions are not.
void ValidateAndRender(const ValidationInput& input, const ValidationOptions& options);

}  // namespace pcnv::fuzz

#endif  // PCNV_FUZZ_SUPPORT_TINY_REFERENCE_H_
