// Sha256OfPath for files and folders.
#include <string>

#include "geo/io/readers.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;

TEST(Sha256OfPathTest, FileMatchesKnownDigest) {
  TempDir dir;
  WriteFile(dir.File("abc.txt"), "abc");
  auto sha = Sha256OfPath(dir.File("abc.txt"));
  PCNV_ASSERT_OK(sha);
  // FIPS 180-2 test vector for "abc".
  EXPECT_EQ(*sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  WriteFile(dir.File("empty"), "");
  EXPECT_EQ(*Sha256OfPath(dir.File("empty")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256OfPathTest, FolderDependsOnNamesAndContentNotCreationOrder) {
  TempDir a, b;
  WriteFile(a.File("x.csv"), "1");
  WriteFile(a.File("y.csv"), "2");
  WriteFile(b.File("y.csv"), "2");
  WriteFile(b.File("x.csv"), "1");
  auto ha = Sha256OfPath(a.path());
  PCNV_ASSERT_OK(ha);
  EXPECT_EQ(ha->size(), 64u);
  EXPECT_EQ(*ha, *Sha256OfPath(b.path()));
  WriteFile(b.File("y.csv"), "3");
  EXPECT_NE(*ha, *Sha256OfPath(b.path()));
  // Moving a byte from one file to the next changes the hash too.
  TempDir c;
  WriteFile(c.File("x.csv"), "12");
  WriteFile(c.File("y.csv"), "");
  TempDir d;
  WriteFile(d.File("x.csv"), "1");
  WriteFile(d.File("y.csv"), "2");
  EXPECT_NE(*Sha256OfPath(c.path()), *Sha256OfPath(d.path()));
}

TEST(Sha256OfPathTest, MissingPath) {
  TempDir dir;
  ExpectError(Sha256OfPath(dir.File("nope")), absl::StatusCode::kNotFound, {dir.File("nope")});
}

}  // namespace
}  // namespace pcnv::io
