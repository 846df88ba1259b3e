// Helpers shared by the geo/io tests: status matchers and fixture writers.
#ifndef PCNV_TESTS_IO_IO_TEST_UTIL_H_
#define PCNV_TESTS_IO_IO_TEST_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pcnv::testing {

inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

// Asserts an error of `code` whose message contains every one of `parts`.
template <typename S>
void ExpectError(const S& result, absl::StatusCode code, std::initializer_list<std::string> parts) {
  const absl::Status& status = StatusOf(result);
  ASSERT_FALSE(status.ok()) << "expected an error containing " << *parts.begin();
  EXPECT_EQ(status.code(), code) << status;
  for (const std::string& part : parts) {
    EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr(part));
  }
}

template <typename S>
void ExpectInvalid(const S& result, std::initializer_list<std::string> parts) {
  ExpectError(result, absl::StatusCode::kInvalidArgument, parts);
}

}  // namespace pcnv::testing

#define PCNV_ASSERT_OK(expr)                                           \
  do {                                                                 \
    const absl::Status pcnv_status_ = ::pcnv::testing::StatusOf(expr); \
    ASSERT_TRUE(pcnv_status_.ok()) << pcnv_status_;                    \
  } while (0)

#endif  // PCNV_TESTS_IO_IO_TEST_UTIL_H_
