// pcnv-server: serves pcnv.v1.BoundaryValidator over one immutable reference snapshot.
//
//   pcnv-server --reference REF.gpkg [--host 127.0.0.1] [--port 0] [--grace-seconds 10]
//
// Start-up order matters to callers: the port is bound and printed first, with grpc.health.v1
// reporting NOT_SERVING; the (possibly slow) reference load follows, then SERVING. So scripts
// and tests read the port at once and poll health, and orchestrators never route to a replica
// without data. SIGTERM/SIGINT drain in-flight calls for up to --grace-seconds, then cancel.
//
// Flags are parsed here and nowhere else.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "geo/io/reference_store.h"
#include "server/limits.h"
#include "server/service.h"

namespace {

constexpr char kServiceName[] = "pcnv.v1.BoundaryValidator";

struct Flags {
  std::string reference;
  std::string host = "127.0.0.1";
  int port = 0;
  int grace_seconds = 10;
};

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus(serving);  // the overall ("") status
  health->SetServingStatus(kServiceName, serving);
}

int Serve(const Flags& flags) {
  // Block the shutdown signals in every thread (gRPC's and GDAL's threads inherit this mask);
  // one thread collects them with sigwait, outside any signal-handler context, so it may call
  // into gRPC freely.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  pcnv::server::BoundaryValidatorService service("pcnv " PCNV_VERSION);
  grpc::ServerBuilder builder;
  const std::string address = flags.host + ":" + std::to_string(flags.port);
  int bound_port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(pcnv::wire::kMaxMessageBytes);
  builder.SetMaxSendMessageSize(pcnv::wire::kMaxMessageBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    std::fprintf(stderr, "pcnv-server: cannot listen on %s\n", address.c_str());
    return 1;
  }
  SetServing(*server, false);
  std::printf("pcnv-server listening on %s:%d\n", flags.host.c_str(), bound_port);
  std::fflush(stdout);

  std::atomic<bool> load_failed{false};
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (!load_failed) {
      std::fprintf(stderr, "pcnv-server: %s received; draining calls for up to %d s\n",
                   sig == SIGINT ? "SIGINT" : "SIGTERM", flags.grace_seconds);
    }
    // Report NOT_SERVING first so load balancers stop sending new calls while we drain.
    server->GetHealthCheckService()->Shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(flags.grace_seconds));
  });

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::shared_ptr<const pcnv::ReferenceData>> reference =
      pcnv::io::LoadReferenceStore(flags.reference);
  int exit_code = 0;
  if (reference.ok()) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "pcnv-server: loaded %s (%zu areas, %zu postcodes) in %.1f s\n",
                 flags.reference.c_str(), (*reference)->areas().size(),
                 (*reference)->postcode_count(), secs);
    service.SetReference(*std::move(reference));
    SetServing(*server, true);
  } else {
    std::fprintf(stderr, "pcnv-server: cannot load reference: %s\n",
                 std::string(reference.status().message()).c_str());
    exit_code = 1;
    load_failed = true;
    // Wake the waiter the same way a real signal would, so there is one shutdown path.
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
  }

  server->Wait();
  signal_waiter.join();
  if (exit_code == 0) std::fprintf(stderr, "pcnv-server: stopped\n");
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"pcnv-server: validates NHS England PCN geography over gRPC (pcnv.v1)"};
  app.add_option("--reference", flags.reference,
                 "Reference store (GeoPackage from `pcnv reference build`)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--host", flags.host, "Address to listen on")->capture_default_str();
  app.add_option("--port", flags.port, "Port; 0 picks a free one (printed on stdout)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--grace-seconds", flags.grace_seconds,
                 "On SIGTERM/SIGINT, how long in-flight calls may finish before cancellation")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2, as every pcnv binary does (--help still exits 0).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return Serve(flags);
}
