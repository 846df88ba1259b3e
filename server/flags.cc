// Flags are parsed here and nowhere else; main.cc only reads the ServerFlags this fills in.
#include "server/flags.h"

#include <optional>

#include "CLI/CLI.hpp"
#include "geo/io/remote_file.h"

namespace pcnv::server {
namespace {

// An existing file, or a network path: that one is only fetched when the store is loaded (after
// the port is bound), and an error then names it.
CLI::Validator ReferenceLocation() {
  return CLI::Validator(
      [](std::string& value) {
        return io::IsRemotePath(value) ? std::string() : CLI::ExistingFile(value);
      },
      "FILE|/vsicurl/URL");
}

}  // namespace

std::optional<int> ParseServerFlags(int argc, char** argv, ServerFlags* flags_out) {
  ServerFlags& flags = *flags_out;
  ServerLimits& limits = flags.limits;
  CLI::App app{"pcnv-server: validates NHS England PCN geography over gRPC (pcnv.v1)"};
  app.add_option("--reference", flags.reference,
                 "Reference store (GeoPackage from `pcnv reference build`): a file, or a GDAL "
                 "network path (/vsicurl/https://..., /vsis3/, /vsigs/, /vsiaz/) fetched whole; "
                 "SIGHUP and ReloadReference re-read (re-fetch) it")
      ->required()
      ->envname("PCNV_REFERENCE")
      ->check(ReferenceLocation());
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
  app.add_option("--drain-seconds", flags.drain_seconds,
                 "On SIGTERM, how long health reports NOT_SERVING while new calls are still "
                 "accepted (so a load balancer stops routing here), before --grace-seconds")
      ->envname("PCNV_DRAIN_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  app.add_option("--keepalive-time-seconds", flags.keepalive_time_seconds,
                 "Ping each client connection this often (HTTP/2 PING) to find dead peers; 0: off")
      ->envname("PCNV_KEEPALIVE_TIME_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_option("--keepalive-timeout-seconds", flags.keepalive_timeout_seconds,
                 "Close a connection whose ping is not answered within this")
      ->envname("PCNV_KEEPALIVE_TIMEOUT_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--max-connection-age-seconds", flags.max_connection_age_seconds,
                 "Ask clients to reconnect (GOAWAY) after a connection is this old (+-10%), so "
                 "load spreads over replicas added since; 0: no limit")
      ->envname("PCNV_MAX_CONNECTION_AGE_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400 * 365));
  app.add_option("--max-connection-age-grace-seconds", flags.max_connection_age_grace_seconds,
                 "Calls still running on a connection past its maximum age may finish within "
                 "this, then the connection closes")
      ->envname("PCNV_MAX_CONNECTION_AGE_GRACE_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400 * 365));
  app.add_option("--min-client-ping-interval-seconds", flags.min_client_ping_interval_seconds,
                 "Shortest interval allowed between a client's keepalive pings (also on idle "
                 "connections); clients pinging more often are disconnected")
      ->envname("PCNV_MIN_CLIENT_PING_INTERVAL_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
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
  app.add_option("--http-port", flags.http_port,
                 "Serve the same API as HTTP/1.1 + JSON at http://HTTP_HOST:PORT/v1/... "
                 "(docs/API.md); 0 picks a free port (printed on stdout); -1: off")
      ->envname("PCNV_HTTP_PORT")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  app.add_option("--http-host", flags.http_host, "Address of the HTTP/JSON listener")
      ->envname("PCNV_HTTP_HOST")
      ->capture_default_str();
  app.add_option("--http-cors-origin", flags.http_cors_origins,
                 "An origin whose web pages may call the HTTP/JSON API (CORS), e.g. "
                 "https://portal.example.nhs.uk; * for any; repeatable")
      ->envname("PCNV_HTTP_CORS_ORIGIN")
      ->delimiter(',');
  app.add_option("--max-request-bytes", limits.max_request_bytes,
                 "Largest request message accepted; for ValidateStream, the most bytes of all "
                 "chunks together")
      ->envname("PCNV_MAX_REQUEST_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(1024, wire::kMaxMessageBytes));
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
  app.add_option("--max-vertices-per-request", limits.max_vertices_per_request,
                 "Most vertices over all declared boundaries of one request")
      ->envname("PCNV_MAX_VERTICES_PER_REQUEST")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-request-memory-mb", limits.max_request_memory_mb,
                 "Most MiB of server memory one request may need, estimated from its size, rows "
                 "and vertices before it is converted")
      ->envname("PCNV_MAX_REQUEST_MEMORY_MB")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  app.add_option("--stream-idle-seconds", limits.stream_idle_seconds,
                 "End a streaming call (DEADLINE_EXCEEDED) whose client sends no chunk and reads "
                 "no event for this long; 0: never")
      ->envname("PCNV_STREAM_IDLE_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--max-call-seconds", limits.max_call_seconds,
                 "Most seconds of engine work for one validation, whatever the client's deadline; "
                 "then DEADLINE_EXCEEDED")
      ->envname("PCNV_MAX_CALL_SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 86400.0));
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
  return std::nullopt;
}

}  // namespace pcnv::server
