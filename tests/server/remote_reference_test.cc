// A reference store published on a web server (issue 13): --reference /vsicurl/http://... loads
// it, SIGHUP and ReloadReference fetch it again (never a stale copy from GDAL's cache), and
// GetReferenceInfo reports the SHA-256 of the bytes loaded, so a roll-out can be checked replica
// by replica. The web server is a real one on loopback (tests/support/http_file_server.py).
#include <grpcpp/client_context.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "geo/io/readers.h"
#include "geo/io/reference_store.h"
#include "geo/io/remote_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/server/server_harness.h"
#include "tests/support/http_file_server.h"

namespace pcnv::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kService[] = "pcnv.v1.BoundaryValidator";

std::string Sha(const std::string& path) {
  absl::StatusOr<std::string> sha = io::Sha256OfPath(path);
  EXPECT_TRUE(sha.ok()) << sha.status();
  return sha.ok() ? *sha : "";
}

// Publishes `source` as DIR/NAME the way docs/DEPLOY.md says: a new file renamed over the old.
void Publish(const std::string& source, const std::string& dir, const std::string& name) {
  const std::string staged = dir + "/." + name + ".new";
  std::filesystem::copy_file(source, staged, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(staged, dir + "/" + name);
}

int LeftoverCopies(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    n += absl::StartsWith(e.path().filename().string(), "pcnv-reference-");
  }
  return n;
}

class RemoteReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_a_ = dir_.File("a.gpkg");
    store_b_ = dir_.File("b.gpkg");
    WriteTinyReference(store_a_, "2021-03");
    WriteTinyReference(store_b_, "2024-05");
    std::filesystem::create_directory(dir_.File("www"));
    std::filesystem::create_directory(dir_.File("tmp"));
    Publish(store_a_, dir_.File("www"), "ref.gpkg");
  }
  TempDir dir_;
  std::string store_a_, store_b_;
};

TEST(RedactedPathTest, HidesUserInfoAndQueryStrings) {
  EXPECT_EQ(io::RedactedPath("/vsicurl/https://ops:s3cret@example.org/ref.gpkg?X-Amz-Signature=ab"),
            "/vsicurl/https://***@example.org/ref.gpkg?***");
  EXPECT_EQ(io::RedactedPath("/vsicurl/https://example.org/a@b/ref.gpkg"),
            "/vsicurl/https://example.org/a@b/ref.gpkg");  // an @ in the path is not user info
  EXPECT_EQ(io::RedactedPath("/vsis3/bucket/pcnv/ref.gpkg"), "/vsis3/bucket/pcnv/ref.gpkg");
  EXPECT_TRUE(io::IsRemotePath("/vsicurl/http://x/y"));
  EXPECT_TRUE(io::IsRemotePath("/vsis3/b/k"));
  EXPECT_TRUE(io::IsRemotePath("/vsigs/b/k"));
  EXPECT_TRUE(io::IsRemotePath("/vsiaz/c/k"));
  EXPECT_TRUE(io::IsRemotePath("/vsicurl_streaming/http://x/y"));
  EXPECT_FALSE(io::IsRemotePath("/vsimem/ref.gpkg"));
  EXPECT_FALSE(io::IsRemotePath("ref.gpkg"));
}

TEST_F(RemoteReferenceTest, LoadsAPublishedStoreAndSeesItRepublished) {
  HttpFileServer web(dir_.File("www"));
  const std::string url = "/vsicurl/" + web.Url("ref.gpkg");
  // The private copy goes to $TMPDIR; check it is gone after each load.
  const char* old_tmp = getenv("TMPDIR");
  const std::string saved = old_tmp != nullptr ? old_tmp : "";
  setenv("TMPDIR", dir_.File("tmp").c_str(), 1);

  absl::StatusOr<std::shared_ptr<const ReferenceData>> a = io::LoadReferenceStore(url);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ((*a)->store_path(), url);
  EXPECT_EQ((*a)->store_sha256(), Sha(store_a_));
  absl::StatusOr<std::shared_ptr<const ReferenceData>> local = io::LoadReferenceStore(store_a_);
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ((*a)->areas().size(), (*local)->areas().size());
  EXPECT_EQ((*a)->layers()[0].vintage, "2021-03");
  EXPECT_EQ(LeftoverCopies(dir_.File("tmp")), 0);

  // Re-published under the same URL: the next load reads the new bytes, not GDAL's cached ones.
  Publish(store_b_, dir_.File("www"), "ref.gpkg");
  absl::StatusOr<std::shared_ptr<const ReferenceData>> b = io::LoadReferenceStore(url);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ((*b)->store_sha256(), Sha(store_b_));
  EXPECT_NE(Sha(store_a_), Sha(store_b_));
  EXPECT_EQ((*b)->layers()[0].vintage, "2024-05");
  EXPECT_EQ(LeftoverCopies(dir_.File("tmp")), 0);

  // Gone: the error names the URL and what the web server said.
  std::filesystem::remove(dir_.File("www/ref.gpkg"));
  absl::StatusOr<std::shared_ptr<const ReferenceData>> gone = io::LoadReferenceStore(url);
  ASSERT_FALSE(gone.ok());
  EXPECT_THAT(std::string(gone.status().message()), HasSubstr(url));
  EXPECT_THAT(std::string(gone.status().message()), HasSubstr("not found (HTTP 404"));
  EXPECT_EQ(LeftoverCopies(dir_.File("tmp")), 0);

  // Not a store: named, and the copy is still removed.
  WriteFile(dir_.File("www/ref.gpkg"), "this is not a GeoPackage\n");
  absl::StatusOr<std::shared_ptr<const ReferenceData>> junk = io::LoadReferenceStore(url);
  ASSERT_FALSE(junk.ok());
  EXPECT_THAT(std::string(junk.status().message()),
              HasSubstr(url + ": cannot open as a GeoPackage"));
  EXPECT_EQ(LeftoverCopies(dir_.File("tmp")), 0);

  if (old_tmp != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
}

grpc::Status Info(const std::shared_ptr<grpc::Channel>& channel, v1::ReferenceInfo* info) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return v1::BoundaryValidator::NewStub(channel)->GetReferenceInfo(
      &context, v1::GetReferenceInfoRequest(), info);
}

TEST_F(RemoteReferenceTest, ServerReloadsAPublishedStoreOnSighupAndReportsItsSha256) {
  HttpFileServer web(dir_.File("www"));
  const std::string url = "/vsicurl/" + web.Url("ref.gpkg");
  ServerProcess server({"--reference", url, "--drain-seconds", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  {
    auto channel = Connect(server.target());
    ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
    v1::ReferenceInfo info;
    ASSERT_TRUE(Info(channel, &info).ok());
    EXPECT_EQ(info.path(), url);
    EXPECT_EQ(info.sha256(), Sha(store_a_));
    EXPECT_EQ(info.generation(), 1);

    // A roll-out: publish, SIGHUP, and the replica reports the new store's hash.
    Publish(store_b_, dir_.File("www"), "ref.gpkg");
    server.Signal(SIGHUP);
    for (int i = 0; i < 200 && info.generation() < 2; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      ASSERT_TRUE(Info(channel, &info).ok());
    }
    EXPECT_EQ(info.generation(), 2) << server.Stderr();
    EXPECT_EQ(info.sha256(), Sha(store_b_));
    EXPECT_THAT(server.Stderr(), HasSubstr("SIGHUP: reloaded " + url));
    EXPECT_THAT(server.Stderr(), HasSubstr("sha256 " + Sha(store_b_)));

    // The store vanishes from the web server: ReloadReference fails, the snapshot keeps serving.
    std::filesystem::remove(dir_.File("www/ref.gpkg"));
    grpc::ClientContext context;
    v1::ReloadReferenceResponse reloaded;
    const grpc::Status failed = v1::BoundaryValidator::NewStub(channel)->ReloadReference(
        &context, v1::ReloadReferenceRequest(), &reloaded);
    EXPECT_EQ(failed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(failed.error_message(), HasSubstr("still serving snapshot generation 2"));
    EXPECT_THAT(failed.error_message(), HasSubstr("not found (HTTP 404"));
    ASSERT_TRUE(Info(channel, &info).ok());
    EXPECT_EQ(info.sha256(), Sha(store_b_));
    EXPECT_THAT(info.last_failed_reload().error(), HasSubstr(url));
  }
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

TEST_F(RemoteReferenceTest, AnUnreachableStoreIsALoadErrorNotAUsageError) {
  // Port 1 on loopback: nothing listens. The flag is accepted (it is only fetched after the port
  // is bound) and the load fails naming the URL.
  ServerProcess server({"--reference", "/vsicurl/http://127.0.0.1:1/ref.gpkg"});
  EXPECT_GT(server.WaitForPort(), 0) << server.Stderr();
  EXPECT_EQ(server.WaitExit(), 1) << server.Stderr();
  EXPECT_THAT(server.Stderr(), HasSubstr("cannot load reference: "));
  EXPECT_THAT(server.Stderr(), HasSubstr("/vsicurl/http://127.0.0.1:1/ref.gpkg: cannot fetch"));
}

}  // namespace
}  // namespace pcnv::testing
