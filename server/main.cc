// pcnv-server: serves pcnv.v1.BoundaryValidator over an immutable, reloadable reference snapshot.
//
//   pcnv-server --reference REF.gpkg [--host 127.0.0.1] [--port 0] [--grace-seconds 10]
//               [--tls-cert C --tls-key K [--tls-client-ca CA]] [--tokens-file F]
//               [--metrics-port P] [limits...]
//
// Every flag is documented in docs/SERVER.md; each also reads an environment variable
// (PCNV_<FLAG>, e.g. PCNV_TOKENS_FILE), the flag winning when both are given.
//
// Start-up order matters to callers: the metrics port (when asked for) and then the gRPC port
// are bound and printed first, with grpc.health.v1 reporting NOT_SERVING; the (possibly slow)
// reference load follows, then SERVING. So scripts and tests read the port at once and poll
// health, and orchestrators never route to a replica without data. SIGHUP re-reads the tokens
// file (when there is one) and reloads the reference store; either reload that fails keeps what
// was in force. SIGTERM/SIGINT drain in-flight calls for up to --grace-seconds, then cancel.
//
// Flags are parsed here and nowhere else.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/auth.h"
#include "server/limits.h"
#include "server/metrics.h"
#include "server/service.h"

namespace {

constexpr char kServiceName[] = "pcnv.v1.BoundaryValidator";

struct Flags {
  std::string reference;
  std::string host = "127.0.0.1";
  int port = 0;
  int grace_seconds = 10;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string tokens_file;
  int metrics_port = -1;  // -1: no metrics listener
  std::string metrics_host = "127.0.0.1";
  pcnv::server::ServerLimits limits;
  int report_cache_entries = pcnv::server::ReportCacheLimits{}.max_entries;
  int report_cache_mb = static_cast<int>(pcnv::server::ReportCacheLimits{}.max_bytes >> 20);
  int report_cache_ttl_seconds = 3600;
  bool log_calls = true;
};

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus(serving);  // the overall ("") status
  health->SetServingStatus(kServiceName, serving);
}

void Log(const std::string& line) { std::fputs(("pcnv-server: " + line + "\n").c_str(), stderr); }

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

// TLS (and mTLS with a client CA) or plaintext, from the flags.
std::shared_ptr<grpc::ServerCredentials> Credentials(const Flags& flags, std::string* error) {
  if (flags.tls_cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  if (!ReadFile(flags.tls_cert, &pair.cert_chain) || !ReadFile(flags.tls_key, &pair.private_key)) {
    *error = "cannot read --tls-cert or --tls-key";
    return nullptr;
  }
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!flags.tls_client_ca.empty()) {
    if (!ReadFile(flags.tls_client_ca, &options.pem_root_certs)) {
      *error = "cannot read --tls-client-ca";
      return nullptr;
    }
    // Mutual TLS: a client without a certificate signed by this CA never gets a connection.
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

std::string Tokens(size_t n) { return absl::StrCat(n, n == 1 ? " token" : " tokens"); }

// SIGHUP: re-reads the tokens file into a new table and swaps it in, or keeps the old one and
// says why. Returns whether it succeeded.
bool ReloadTokens(pcnv::server::TokenTable& tokens, const std::string& path) {
  const absl::Status reloaded = tokens.Reload(path);
  if (reloaded.ok()) {
    Log(absl::StrCat("SIGHUP: reloaded --tokens-file ", path, " (", Tokens(tokens.size()), ")"));
    return true;
  }
  // The message names the file and line, never a token (server/auth.cc).
  Log(absl::StrCat("SIGHUP: --tokens-file not reloaded; the previous ", Tokens(tokens.size()),
                   " stay in force: ", reloaded.message()));
  return false;
}

// Gauges read at scrape time.
std::string SnapshotGauges(const pcnv::server::BoundaryValidatorService& service,
                           const std::atomic<int64_t>& token_reload_failures) {
  std::string out;
  std::shared_ptr<const pcnv::server::Snapshot> snapshot = service.snapshots().Current();
  out += "# HELP pcnv_reference_snapshot_age_seconds Time since the serving snapshot went live.\n";
  out += "# TYPE pcnv_reference_snapshot_age_seconds gauge\n";
  if (snapshot != nullptr) {
    absl::StrAppend(
        &out, "pcnv_reference_snapshot_age_seconds ",
        absl::StrFormat("%.3f", absl::ToDoubleSeconds(absl::Now() - snapshot->loaded_at)), "\n");
  }
  out += "# HELP pcnv_reference_snapshot_generation 1 at start-up, +1 per successful reload.\n";
  out += "# TYPE pcnv_reference_snapshot_generation gauge\n";
  absl::StrAppend(&out, "pcnv_reference_snapshot_generation ",
                  snapshot == nullptr ? 0 : snapshot->generation, "\n");
  out += "# HELP pcnv_heavy_calls_in_use Heavy calls running now.\n";
  out += "# TYPE pcnv_heavy_calls_in_use gauge\n";
  absl::StrAppend(&out, "pcnv_heavy_calls_in_use ", service.heavy_slots().in_use(), "\n");
  out += "# HELP pcnv_heavy_calls_capacity Heavy calls allowed at once (0: unlimited).\n";
  out += "# TYPE pcnv_heavy_calls_capacity gauge\n";
  absl::StrAppend(&out, "pcnv_heavy_calls_capacity ", service.heavy_slots().capacity(), "\n");
  out += "# HELP pcnv_tokens_reload_failures_total SIGHUP reloads of --tokens-file that failed.\n";
  out += "# TYPE pcnv_tokens_reload_failures_total counter\n";
  absl::StrAppend(&out, "pcnv_tokens_reload_failures_total ", token_reload_failures.load(), "\n");
  return out;
}

int Serve(const Flags& flags) {
  // Block the signals we handle in every thread (gRPC's and GDAL's threads inherit this mask);
  // one thread collects them with sigwait, outside any signal-handler context, so it may call
  // into gRPC freely.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<pcnv::server::TokenTable> tokens;
  if (!flags.tokens_file.empty()) {
    absl::StatusOr<pcnv::server::TokenTable> loaded =
        pcnv::server::TokenTable::Load(flags.tokens_file);
    if (!loaded.ok()) {
      Log(absl::StrCat("--tokens-file: ", loaded.status().message()));
      return 2;
    }
    tokens = std::make_unique<pcnv::server::TokenTable>(*std::move(loaded));
  } else {
    Log("warning: no --tokens-file; every caller may call every method, ReloadReference too");
  }
  std::string credentials_error;
  std::shared_ptr<grpc::ServerCredentials> credentials = Credentials(flags, &credentials_error);
  if (credentials == nullptr) {
    Log(credentials_error);
    return 2;
  }

  pcnv::server::Metrics metrics;
  pcnv::server::ServiceOptions options;
  options.tool = "pcnv " PCNV_VERSION;
  options.reference_path = flags.reference;
  options.limits = flags.limits;
  options.report_cache = {.max_entries = flags.report_cache_entries,
                          .max_bytes = int64_t{flags.report_cache_mb} << 20,
                          .ttl = absl::Seconds(flags.report_cache_ttl_seconds)};
  options.tokens = tokens.get();
  options.metrics = &metrics;
  options.log_calls = flags.log_calls;
  pcnv::server::BoundaryValidatorService service(options);
  std::atomic<int64_t> token_reload_failures{0};
  metrics.SetGauges([&service, &token_reload_failures] {
    return SnapshotGauges(service, token_reload_failures);
  });

  std::unique_ptr<pcnv::server::MetricsHttpServer> metrics_http;
  if (flags.metrics_port >= 0) {
    absl::StatusOr<std::unique_ptr<pcnv::server::MetricsHttpServer>> started =
        pcnv::server::MetricsHttpServer::Start(flags.metrics_host, flags.metrics_port, &metrics);
    if (!started.ok()) {
      Log(std::string(started.status().message()));
      return 1;
    }
    metrics_http = *std::move(started);
    std::printf("pcnv-server metrics on %s:%d\n", flags.metrics_host.c_str(), metrics_http->port());
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  const std::string address = flags.host + ":" + std::to_string(flags.port);
  int bound_port = 0;
  std::unique_ptr<grpc::Server> server = [&] {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address, credentials, &bound_port);
    builder.SetMaxReceiveMessageSize(flags.limits.max_request_bytes);
    builder.SetMaxSendMessageSize(pcnv::wire::kMaxMessageBytes);
    builder.RegisterService(&service);
    return builder.BuildAndStart();
  }();
  if (server == nullptr || bound_port == 0) {
    Log("cannot listen on " + address);
    return 1;
  }
  SetServing(*server, false);
  std::printf("pcnv-server listening on %s:%d\n", flags.host.c_str(), bound_port);
  std::fflush(stdout);

  std::atomic<bool> load_failed{false};
  std::thread signal_waiter([&] {
    int sig = 0;
    while (true) {
      sigwait(&signals, &sig);
      if (sig != SIGHUP) break;
      // A reload never stops the server; a failed one keeps the old tokens or snapshot. Tokens
      // first: they are quick, and a rotation should not wait for a large reference store.
      if (tokens != nullptr && !ReloadTokens(*tokens, flags.tokens_file)) ++token_reload_failures;
      const absl::Status reloaded = service.Reload();
      Log(reloaded.ok() ? absl::StrCat("SIGHUP: reloaded ", flags.reference, " (generation ",
                                       service.snapshots().Current()->generation, ")")
                        : absl::StrCat("SIGHUP: ", reloaded.message()));
    }
    if (!load_failed) {
      Log(absl::StrCat(sig == SIGINT ? "SIGINT" : "SIGTERM", " received; draining calls for up to ",
                       flags.grace_seconds, " s"));
    }
    // Report NOT_SERVING first so load balancers stop sending new calls while we drain.
    server->GetHealthCheckService()->Shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(flags.grace_seconds));
  });

  const absl::Status loaded = service.Reload();
  int exit_code = 0;
  if (loaded.ok()) {
    std::shared_ptr<const pcnv::server::Snapshot> snapshot = service.snapshots().Current();
    Log(absl::StrFormat("loaded %s (%d areas, %d postcodes) in %.1f s", flags.reference,
                        snapshot->data->areas().size(), snapshot->data->postcode_count(),
                        snapshot->load_seconds));
    SetServing(*server, true);
  } else {
    Log(absl::StrCat("cannot load reference: ", loaded.message()));
    exit_code = 1;
    load_failed = true;
    // Wake the waiter the same way a real signal would, so there is one shutdown path.
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
  }

  server->Wait();
  signal_waiter.join();
  if (exit_code == 0) Log("stopped");
  // Every call has finished and been logged. Exit without tearing gRPC down: the last gRPC
  // object's destructor runs grpc_shutdown, which waits up to 10 s for the transports of clients
  // that have not yet closed their connections, delaying every drain that had callers for
  // nothing. Freeing the snapshot is the operating system's job now.
  std::fflush(nullptr);
  std::_Exit(exit_code);
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  pcnv::server::ServerLimits& limits = flags.limits;
  CLI::App app{"pcnv-server: validates NHS England PCN geography over gRPC (pcnv.v1)"};
  app.add_option("--reference", flags.reference,
                 "Reference store (GeoPackage from `pcnv reference build`); SIGHUP and "
                 "ReloadReference re-read it")
      ->required()
      ->envname("PCNV_REFERENCE")
      ->check(CLI::ExistingFile);
  app.add_option("--host", flags.host, "Address to listen on")
      ->envname("PCNV_HOST")
      ->capture_default_str();
  app.add_option("--port", flags.port, "Port; 0 picks a free one (printed on stdout)")
      ->envname("PCNV_PORT")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--grace-seconds", flags.grace_seconds,
                 "On SIGTERM/SIGINT, how long in-flight calls may finish before cancellation")
      ->envname("PCNV_GRACE_SECONDS")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  CLI::Option* cert =
      app.add_option("--tls-cert", flags.tls_cert, "Server certificate chain (PEM); enables TLS")
          ->envname("PCNV_TLS_CERT")
          ->check(CLI::ExistingFile);
  CLI::Option* key = app.add_option("--tls-key", flags.tls_key, "Server private key (PEM)")
                         ->envname("PCNV_TLS_KEY")
                         ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_option("--tls-client-ca", flags.tls_client_ca,
                 "CA bundle (PEM) for client certificates; enables and requires mutual TLS")
      ->envname("PCNV_TLS_CLIENT_CA")
      ->check(CLI::ExistingFile)
      ->needs(cert);
  app.add_option("--tokens-file", flags.tokens_file,
                 "Bearer tokens, one `ROLE NAME TOKEN` per line (roles: read, admin); SIGHUP "
                 "re-reads it")
      ->envname("PCNV_TOKENS_FILE")
      ->check(CLI::ExistingFile);
  app.add_option("--metrics-port", flags.metrics_port,
                 "Serve Prometheus metrics at http://METRICS_HOST:PORT/metrics; 0 picks a free "
                 "port (printed on stdout); -1: off")
      ->envname("PCNV_METRICS_PORT")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  app.add_option("--metrics-host", flags.metrics_host, "Address of the metrics listener")
      ->envname("PCNV_METRICS_HOST")
      ->capture_default_str();
  app.add_option("--max-request-bytes", limits.max_request_bytes,
                 "Largest request message accepted")
      ->envname("PCNV_MAX_REQUEST_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(1024, pcnv::wire::kMaxMessageBytes));
  app.add_option("--max-rows", limits.max_rows,
                 "Most memberships + list-size + distribution rows in one request")
      ->envname("PCNV_MAX_ROWS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-features", limits.max_features, "Most declared boundaries in one request")
      ->envname("PCNV_MAX_FEATURES")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-vertices-per-geometry", limits.max_vertices_per_geometry,
                 "Most vertices in any one request geometry")
      ->envname("PCNV_MAX_VERTICES_PER_GEOMETRY")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-concurrent-heavy-calls", limits.max_concurrent_heavy_calls,
                 "Heavy calls (Validate) running at once; more are refused with "
                 "RESOURCE_EXHAUSTED; 0: no limit")
      ->envname("PCNV_MAX_CONCURRENT_HEAVY_CALLS")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--engine-concurrency", limits.engine_concurrency,
                 "Validations computing at once; more wait their turn in arrival order (within "
                 "their deadline); 0: one per core")
      ->envname("PCNV_ENGINE_CONCURRENCY")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--report-cache-entries", flags.report_cache_entries,
                 "Reports kept for ValidateChange's base_report_id (the oldest go first); 0: keep "
                 "none")
      ->envname("PCNV_REPORT_CACHE_ENTRIES")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--report-cache-mb", flags.report_cache_mb,
                 "Most MiB of kept reports (serialised size); a larger report is not kept")
      ->envname("PCNV_REPORT_CACHE_MB")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--report-cache-ttl", flags.report_cache_ttl_seconds,
                 "Seconds a kept report stays usable as a base")
      ->envname("PCNV_REPORT_CACHE_TTL")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("!--no-call-log", flags.log_calls, "Do not write the JSON line per call");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2, as every pcnv binary does (--help still exits 0).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return Serve(flags);
}
