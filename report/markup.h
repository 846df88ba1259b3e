// Escaping for the markup writers (HTML and JUnit XML). One place, so that a finding message
// with '<', '&' or quotes (practice names contain "&") can never become live markup.
#ifndef PCNV_REPORT_MARKUP_H_
#define PCNV_REPORT_MARKUP_H_

#include <string>
#include <string_view>

namespace pcnv::report {

// Escapes & < > " ' for element text and attribute values alike. Control characters that XML
// 1.0 forbids (everything below 0x20 but tab, LF, CR) are dropped: a JUnit consumer rejects
// the whole file over one of them.
std::string EscapeMarkup(std::string_view text);

// "24100" -> "24,100": the grouping the finding messages use.
std::string Grouped(int64_t n);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_MARKUP_H_
