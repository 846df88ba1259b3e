// `pcnv validate --server` security flags (--token-file, --tls, --tls-ca, --tls-cert, --tls-key)
// and their environment fallbacks, without a server: every mistake is a usage error (exit 2)
// naming the flag or variable and the file, found before any input is read, and no message holds
// a token. Calls against real servers are in tests/server/cli_security_test.cc.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;
using testing::WriteFile;

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
constexpr char kToken[] = "cli-token-0123456789abcdef";

class SecurityFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(pem_, kPem);
    WriteFile(token_file_, std::string(kToken) + "\n");
  }

  // `pcnv validate --server 127.0.0.1:1` (nothing listens there) with a practices file that does
  // not exist, so a run that gets past the security settings fails on the input instead. `env`
  // entries (NAME=VALUE) are set on top of an environment without any PCNV_* security variable.
  CommandResult Validate(const std::vector<std::string>& flags,
                         const std::vector<std::string>& env = {}, bool with_server = true) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    for (const char* name : {"PCNV_TOKEN", "PCNV_TOKEN_FILE", "PCNV_TLS", "PCNV_TLS_ROOT_CERTS",
                             "PCNV_TLS_CLIENT_CERT", "PCNV_TLS_CLIENT_KEY"}) {
      argv.insert(argv.end(), {"-u", name});
    }
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {PCNV_CLI, "validate", "--practices", missing_practices_, "--out",
                             tmp_.File("r.json")});
    if (with_server) argv.insert(argv.end(), {"--server", "127.0.0.1:1"});
    argv.insert(argv.end(), flags.begin(), flags.end());
    return testing::Run(argv);
  }

  // Exit 2 with `pcnv: error:` and every one of `must_name`.
  static void ExpectUsageError(const CommandResult& r, const std::vector<std::string>& must_name) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    for (const std::string& s : must_name) EXPECT_THAT(r.err, HasSubstr(s));
    EXPECT_THAT(r.err, Not(HasSubstr(kToken)));
  }
  // Got past the security settings: the error is the missing practices file.
  void ExpectPastSecurity(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(missing_practices_));
    EXPECT_THAT(r.err, Not(HasSubstr(kToken)));
  }

  TempDir tmp_;
  std::string missing_practices_ = tmp_.File("no-such-practices.csv");
  std::string pem_ = tmp_.File("ca.crt");
  std::string token_file_ = tmp_.File("token");
};

TEST_F(SecurityFlagsTest, GoodSettingsGetPastTheChecks) {
  ExpectPastSecurity(Validate({"--token-file", token_file_, "--tls-ca", pem_}));
  ExpectPastSecurity(Validate({"--tls", "--tls-cert", pem_, "--tls-key", pem_}));
  ExpectPastSecurity(Validate({}, {"PCNV_TOKEN_FILE=" + token_file_, "PCNV_TLS=yes",
                                   "PCNV_TLS_CLIENT_CERT=" + pem_, "PCNV_TLS_CLIENT_KEY=" + pem_}));
  ExpectPastSecurity(Validate({}, {std::string("PCNV_TOKEN=") + kToken}));
}

TEST_F(SecurityFlagsTest, EachFlagNeedsServer) {
  for (const std::vector<std::string>& flags :
       std::vector<std::vector<std::string>>{{"--token-file", token_file_},
                                             {"--tls"},
                                             {"--tls-ca", pem_},
                                             {"--tls-cert", pem_, "--tls-key", pem_}}) {
    const CommandResult r = Validate(flags, {}, /*with_server=*/false);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(flags[0] + " requires --server"));
  }
  // The variables alone never stop an in-process run: they may be exported for other runs.
  const CommandResult r =
      Validate({}, {"PCNV_TOKEN_FILE=/no/such/token", "PCNV_TLS_ROOT_CERTS=/no/such.pem"},
               /*with_server=*/false);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("PCNV_")));
}

TEST_F(SecurityFlagsTest, UnreadableFilesNameTheFlagAndTheFile) {
  const std::string missing = tmp_.File("missing.pem");
  ExpectUsageError(Validate({"--token-file", missing}), {"--token-file", missing, "cannot read"});
  ExpectUsageError(Validate({"--tls-ca", missing}), {"--tls-ca", missing, "cannot read"});
  ExpectUsageError(Validate({"--tls-cert", missing, "--tls-key", pem_}),
                   {"--tls-cert", missing, "cannot read"});
  ExpectUsageError(Validate({"--tls-cert", pem_, "--tls-key", missing}),
                   {"--tls-key", missing, "cannot read"});
  ExpectUsageError(Validate({"--tls-ca", tmp_.path()}), {"--tls-ca", tmp_.path(), "directory"});
  // The same files through the environment name the variable.
  ExpectUsageError(Validate({}, {"PCNV_TLS_ROOT_CERTS=" + missing}),
                   {"PCNV_TLS_ROOT_CERTS", missing});
  ExpectUsageError(Validate({}, {"PCNV_TOKEN_FILE=" + missing}), {"PCNV_TOKEN_FILE", missing});
  // Not PEM at all: said now, not as a failed handshake later.
  ExpectUsageError(Validate({"--tls-ca", token_file_}), {"--tls-ca", token_file_, "not a PEM"});
}

TEST_F(SecurityFlagsTest, CertificateAndKeyGoTogether) {
  ExpectUsageError(Validate({"--tls-cert", pem_}), {"--tls-cert needs --tls-key"});
  ExpectUsageError(Validate({"--tls-key", pem_}), {"--tls-key needs --tls-cert"});
  ExpectUsageError(Validate({}, {"PCNV_TLS_CLIENT_CERT=" + pem_}),
                   {"PCNV_TLS_CLIENT_CERT needs PCNV_TLS_CLIENT_KEY"});
  // A flag never pairs with a variable: the pair comes from one place.
  ExpectUsageError(Validate({"--tls-cert", pem_}, {"PCNV_TLS_CLIENT_KEY=" + pem_}),
                   {"--tls-cert needs --tls-key"});
}

TEST_F(SecurityFlagsTest, FlagsWinOverTheEnvironment) {
  const std::string missing = tmp_.File("missing");
  ExpectPastSecurity(Validate({"--token-file", token_file_}, {"PCNV_TOKEN_FILE=" + missing}));
  ExpectPastSecurity(Validate({"--token-file", token_file_},
                              {"PCNV_TOKEN_FILE=" + missing, "PCNV_TOKEN=other-token-000000000"}));
  ExpectPastSecurity(Validate({"--tls-ca", pem_}, {"PCNV_TLS_ROOT_CERTS=" + missing}));
  ExpectPastSecurity(
      Validate({"--tls-cert", pem_, "--tls-key", pem_},
               {"PCNV_TLS_CLIENT_CERT=" + missing, "PCNV_TLS_CLIENT_KEY=" + missing}));
  // Two variables for the one token is ambiguous.
  ExpectUsageError(Validate({}, {"PCNV_TOKEN_FILE=" + token_file_, "PCNV_TOKEN=x"}),
                   {"PCNV_TOKEN_FILE and PCNV_TOKEN are both set"});
}

TEST_F(SecurityFlagsTest, TokenFilesHoldOneToken) {
  const std::string empty = tmp_.File("empty"), two = tmp_.File("two");
  WriteFile(empty, "\n\n");
  WriteFile(two, std::string(kToken) + "\n" + kToken + "\n");
  ExpectUsageError(Validate({"--token-file", empty}), {"--token-file", empty, "is empty"});
  ExpectUsageError(Validate({"--token-file", two}), {"--token-file", two, "one token"});
  ExpectUsageError(Validate({}, {"PCNV_TLS=maybe"}), {"PCNV_TLS", "maybe"});
}

}  // namespace
}  // namespace pcnv
