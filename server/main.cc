// pcnv-server: serves pcnv.v1.BoundaryValidator over an immutable, reloadable reference snapshot.
//
//   pcnv-server --reference REF.gpkg|/vsicurl/URL [--host 127.0.0.1] [--port 0]
//               [--drain-seconds 5] [--grace-seconds 10] [keepalive and connection age...]
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
// was in force. SIGTERM/SIGINT: health turns NOT_SERVING at once, new calls are still accepted for
// --drain-seconds (so a load balancer or Kubernetes stops routing here before the port closes; a
// second signal ends that wait), then the port closes and in-flight calls get --grace-seconds to
// finish before they are cancelled.
//
// Flags are parsed in server/flags.cc; TLS and tokens are set up in server/credentials.cc.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "geo/version.h"
#include "server/credentials.h"
#include "server/flags.h"
#include "server/http_gateway.h"
#include "server/limits.h"
#include "server/metrics.h"
#include "server/server_log.h"
#include "server/service.h"
#include "server/snapshot_gauges.h"

namespace {

constexpr char kServiceName[] = "pcnv.v1.BoundaryValidator";

// grpc.health.v1 (what Kubernetes probes) and the metrics port's /ready (what HAProxy checks)
// say the same.
void SetServing(grpc::Server& server, pcnv::server::Metrics& metrics, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus(serving);  // the overall ("") status
  health->SetServingStatus(kServiceName, serving);
  metrics.SetServing(serving);
}

// Seconds as a gRPC millisecond channel argument (an int).
int Millis(int64_t seconds) { return static_cast<int>(std::min<int64_t>(seconds * 1000, INT_MAX)); }

// HTTP/2 connection management: keepalive pings both ways and a maximum connection age.
void AddConnectionArguments(const pcnv::server::ServerFlags& flags, grpc::ServerBuilder& builder) {
  if (flags.keepalive_time_seconds > 0) {
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(flags.keepalive_time_seconds));
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                               Millis(flags.keepalive_timeout_seconds));
    // Idle connections too (a proxy's pooled connection, a portal between calls): a peer that
    // vanished without closing is found and its connection freed. No limit on pings sent while
    // no data flows (gRPC's default stops after two).
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  } else {
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, INT_MAX);
  }
  // Clients' own keepalive pings, on idle connections too, as often as the flag allows (gRPC's
  // default answers a ping on an idle connection more often than every 2 hours with GOAWAY).
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Millis(flags.min_client_ping_interval_seconds));
  if (flags.max_connection_age_seconds > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               Millis(flags.max_connection_age_seconds));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               Millis(flags.max_connection_age_grace_seconds));
  }
}

void Log(absl::string_view line) { pcnv::server::ServerLog(line); }

// Blocks the signals we handle in every thread (gRPC's and GDAL's threads inherit this mask);
// one thread collects them with sigwait, outside any signal-handler context, so it may call
// into gRPC freely.
sigset_t BlockHandledSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

pcnv::server::ServiceOptions ServiceOptionsFor(const pcnv::server::ServerFlags& flags,
                                               const pcnv::server::TokenTable* tokens,
                                               pcnv::server::Metrics* metrics) {
  pcnv::server::ServiceOptions options;
  options.tool = pcnv::kToolName;
  options.reference_path = flags.reference;
  options.limits = flags.limits;
  options.report_cache = {.max_entries = flags.report_cache_entries,
                          .max_bytes = int64_t{flags.report_cache_mb} << 20,
                          .ttl = absl::Seconds(flags.report_cache_ttl_seconds)};
  options.tokens = tokens;
  options.metrics = metrics;
  options.log_calls = flags.log_calls;
  return options;
}

// Binds the gRPC port (set in *port) and starts serving, reporting NOT_SERVING until the
// reference is loaded. Null when the port cannot be bound (logged).
std::unique_ptr<grpc::Server> StartGrpcServer(
    const pcnv::server::ServerFlags& flags,
    const std::shared_ptr<grpc::ServerCredentials>& credentials,
    pcnv::server::BoundaryValidatorService& service, pcnv::server::Metrics& metrics, int* port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  const std::string address = flags.host + ":" + std::to_string(flags.port);
  int bound_port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(flags.limits.max_request_bytes);
  builder.SetMaxSendMessageSize(pcnv::wire::kMaxMessageBytes);
  AddConnectionArguments(flags, builder);
  // gRPC's synchronous server keeps between 1 and 2 idle threads waiting for calls by default:
  // under load, the thread that takes the last waiting call starts a new one, and a thread
  // finishing its call ends if 2 already wait, so most calls pay for a thread's start and end (and
  // its allocator arena). Keep as many waiting threads as calls can run at once instead.
  const int heavy = flags.limits.max_concurrent_heavy_calls;
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              heavy > 0 ? heavy + 4 : 64);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    Log("cannot listen on " + address);
    return nullptr;
  }
  SetServing(*server, metrics, false);
  *port = bound_port;
  return server;
}

// The HTTP/JSON listener (server/http_gateway.h), when --http-port is set: its calls go to the
// gRPC server through an in-process channel. Null when off or when it cannot start (logged).
std::unique_ptr<pcnv::server::HttpListener> StartHttpListener(
    const pcnv::server::ServerFlags& flags, grpc::Server& server) {
  if (flags.http_port < 0) return nullptr;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // replies are as large as the server makes them
  args.SetMaxSendMessageSize(-1);     // and requests meet the server's own limit
  pcnv::server::HttpGatewayOptions options;
  options.host = flags.http_host;
  options.port = flags.http_port;
  options.cors_origins = flags.http_cors_origins;
  // JSON spells a request out in about three times the bytes of its protobuf form.
  options.max_body_bytes = int64_t{4} * flags.limits.max_request_bytes;
  options.tls_cert = flags.tls_cert;
  options.tls_key = flags.tls_key;
  options.tls_client_ca = flags.tls_client_ca;
  absl::StatusOr<std::unique_ptr<pcnv::server::HttpListener>> started =
      pcnv::server::StartHttpGateway(options, server.InProcessChannel(args));
  if (!started.ok()) {
    Log(started.status().message());
    return nullptr;
  }
  std::printf("pcnv-server http on %s:%d\n", flags.http_host.c_str(), (*started)->port());
  return *std::move(started);
}

// The drain period: waits `seconds` while the server keeps accepting calls, or less if SIGTERM
// or SIGINT comes again (an operator who means "now"). SIGHUP is not acted on any more.
void WaitOutDrain(const sigset_t& signals, int seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const timespec timeout{static_cast<time_t>(ns / 1000000000),
                           static_cast<long>(ns % 1000000000)};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig < 0 && errno == EAGAIN) return;  // the drain period is over
    if (sig == SIGTERM || sig == SIGINT) {
      Log("second signal: ending the drain period now");
      return;
    }
    if (sig == SIGHUP) Log("SIGHUP ignored: the server is stopping");
  }
}

// The signal thread's body: SIGHUP reloads, until SIGTERM or SIGINT (real, or sent by Serve
// when the first load fails) starts the drain.
void HandleSignals(const sigset_t& signals, const pcnv::server::ServerFlags& flags,
                   pcnv::server::TokenTable* tokens, std::atomic<int64_t>& token_reload_failures,
                   pcnv::server::BoundaryValidatorService& service, grpc::Server& server,
                   pcnv::server::Metrics& metrics, const std::atomic<bool>& load_failed) {
  int sig = 0;
  while (true) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    // A reload never stops the server; a failed one keeps the old tokens or snapshot. Tokens
    // first: they are quick, and a rotation should not wait for a large reference store.
    if (tokens != nullptr && !pcnv::server::ReloadTokens(*tokens, flags.tokens_file)) {
      ++token_reload_failures;
    }
    const absl::Status reloaded = service.Reload();
    if (reloaded.ok()) {
      std::shared_ptr<const pcnv::server::Snapshot> now = service.snapshots().Current();
      Log(absl::StrCat("SIGHUP: reloaded ", now->data->store_path(), " (generation ",
                       now->generation, ", sha256 ", now->data->store_sha256(), ")"));
    } else {
      Log(absl::StrCat("SIGHUP: ", reloaded.message()));
    }
  }
  // NOT_SERVING first (health and /ready), so load balancers and Kubernetes stop sending new
  // calls here; both stay so whatever SetServing runs later (a load that finishes now).
  server.GetHealthCheckService()->Shutdown();
  metrics.Stopping();
  if (!load_failed) {
    Log(absl::StrCat(sig == SIGINT ? "SIGINT" : "SIGTERM",
                     " received; draining: NOT_SERVING, still accepting calls for ",
                     flags.drain_seconds, " s, then in-flight calls get up to ",
                     flags.grace_seconds, " s"));
    WaitOutDrain(signals, flags.drain_seconds);
    Log(absl::StrCat("no longer accepting calls; in-flight calls get up to ", flags.grace_seconds,
                     " s"));
  }
  server.Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(flags.grace_seconds));
}

int Serve(const pcnv::server::ServerFlags& flags) {
  const sigset_t signals = BlockHandledSignals();
  absl::StatusOr<std::unique_ptr<pcnv::server::TokenTable>> tokens =
      pcnv::server::LoadTokens(flags.tokens_file);
  if (!tokens.ok()) {
    Log(tokens.status().message());
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      pcnv::server::MakeServerCredentials(flags);
  if (!credentials.ok()) {
    Log(credentials.status().message());
    return 2;
  }

  pcnv::server::Metrics metrics;
  pcnv::server::BoundaryValidatorService service(ServiceOptionsFor(flags, tokens->get(), &metrics));
  std::atomic<int64_t> token_reload_failures{0};
  pcnv::server::SnapshotGauges gauges(metrics.registry(), service, token_reload_failures);
  metrics.SetBeforeScrape([&gauges] { gauges.Update(); });
  std::unique_ptr<pcnv::server::HttpListener> metrics_http;
  if (flags.metrics_port >= 0) {
    absl::StatusOr<std::unique_ptr<pcnv::server::HttpListener>> started =
        pcnv::server::StartMetricsListener(flags.metrics_host, flags.metrics_port, &metrics);
    if (!started.ok()) {
      Log(started.status().message());
      return 1;
    }
    metrics_http = *std::move(started);
    std::printf("pcnv-server metrics on %s:%d\n", flags.metrics_host.c_str(), metrics_http->port());
  }
  int grpc_port = 0;
  std::unique_ptr<grpc::Server> server =
      StartGrpcServer(flags, *credentials, service, metrics, &grpc_port);
  if (server == nullptr) return 1;
  std::unique_ptr<pcnv::server::HttpListener> http = StartHttpListener(flags, *server);
  if (flags.http_port >= 0 && http == nullptr) return 1;
  // The gRPC port line last: a supervisor (or test) that waits for it finds every listener up.
  std::printf("pcnv-server listening on %s:%d\n", flags.host.c_str(), grpc_port);
  std::fflush(stdout);

  std::atomic<bool> load_failed{false};
  std::thread signal_waiter([&] {
    HandleSignals(signals, flags, tokens->get(), token_reload_failures, service, *server, metrics,
                  load_failed);
  });
  const absl::Status loaded = service.Reload();
  int exit_code = 0;
  if (loaded.ok()) {
    std::shared_ptr<const pcnv::server::Snapshot> snapshot = service.snapshots().Current();
    Log(absl::StrFormat("loaded %s (%d areas, %d postcodes, sha256 %s) in %.1f s",
                        snapshot->data->store_path(), snapshot->data->areas().size(),
                        snapshot->data->postcode_count(), snapshot->data->store_sha256(),
                        snapshot->load_seconds));
    SetServing(*server, metrics, true);
  } else {
    Log(absl::StrCat("cannot load reference: ", loaded.message()));
    exit_code = 1;
    load_failed = true;
    // Wake the waiter the same way a real signal would, so there is one shutdown path. SIGTERM
    // is blocked in every thread and collected by the waiter's sigwait: it ends no thread.
    // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread)
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
  // Debian's Abseil is built with absl::Mutex deadlock detection on, and gRPC's mutexes are
  // absl::Mutexes: every lock gRPC takes would update a process-wide lock graph under a global
  // spin lock (about 1% of the server's CPU in perf under the soak load, and a lock every
  // serving thread passes through). It checks gRPC's own locks, not pcnv's (server/mutex.h).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  pcnv::server::ServerFlags flags;
  if (std::optional<int> exit_code = pcnv::server::ParseServerFlags(argc, argv, &flags)) {
    return *exit_code;
  }
  return Serve(flags);
}
