// The two early-return macros every layer uses with absl::Status / absl::StatusOr, in one place.
// (Debian 12's Abseil ships no status macros of its own.)
#ifndef PCNV_GEO_STATUS_MACROS_H_
#define PCNV_GEO_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns `expr`'s status from the enclosing function when it is not OK.
#define PCNV_RETURN_IF_ERROR(expr)              \
  do {                                          \
    if (absl::Status _st = (expr); !_st.ok()) { \
      return _st;                               \
    }                                           \
  } while (0)

// `lhs = *expr` when `expr` (an absl::StatusOr) holds a value, else returns its status:
//   PCNV_ASSIGN_OR_RETURN(Report report, engine.Validate(input, options));
#define PCNV_ASSIGN_OR_RETURN(lhs, expr) \
  PCNV_ASSIGN_OR_RETURN_IMPL(PCNV_STATUS_CONCAT(_statusor_, __LINE__), lhs, expr)

// `statusor` is a name and `lhs` may be a declaration ("const Report report"): neither can be
// parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define PCNV_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr)    \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)
// NOLINTEND(bugprone-macro-parentheses)

#define PCNV_STATUS_CONCAT_INNER(a, b) a##b
#define PCNV_STATUS_CONCAT(a, b) PCNV_STATUS_CONCAT_INNER(a, b)

#endif  // PCNV_GEO_STATUS_MACROS_H_
