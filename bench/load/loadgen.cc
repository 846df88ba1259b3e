// pcnv-bench-load: the interactive load benchmark (bench/README.md, issue 6 point 5).
//
//   pcnv-bench-load --target HOST:PORT --workload DIR [--clients 1,4,16] [--seconds 10]
//                   [--max-calls C] [--warmup-seconds 1] [--pcns M | --pcn-codes U1,U2]
//                   [--channel per-client|shared] [--token T] [--server-pid PID]
//                   [--deadline-ms 60000] [--slowest K] [--rate R] [--service-config FILE]
//                   [--interval-seconds S] [--chaos-fraction F] [--allow-status CODE,...]
//
// Builds one pcnv.v1.ValidateRequest per PCN of the workload (its membership rows, with the
// practice locations of practices.csv, its practices' list sizes and distribution rows only:
// what a portal sends when a user re-validates one PCN), then for each N in --clients runs N
// client threads calling Validate, each cycling over the requests from its own starting point,
// for --seconds (or until --max-calls calls in all), after --warmup-seconds of unrecorded calls
// made the same way. Two modes:
//
// - closed loop (default): each client sends its next call as soon as the last returns (no
//   think time). This measures saturation throughput; latency is then about N / throughput
//   (Little's law). Latency is the client's steady_clock time around the blocking call.
// - open loop (--rate R, calls/s offered by all N clients together): client i of N sends its
//   k-th call at the scheduled time t0 + (k + i/N) * N/R (the clients evenly staggered), or, if
//   it is behind schedule (its previous call still running at that time), as soon as the
//   previous call returns. Latency is completion time minus the call's SCHEDULED send time, so
//   time a call waited behind a slow predecessor counts (no coordinated omission). Calls
//   scheduled in the --seconds window but not sent when it ends are counted as unsent; if the
//   unsent calls are more than 1% of those due, the offered rate was not sustained and a line
//   says so (with the offered and achieved rates). calls/s is measured as in the closed loop.
//
// Client CPU is kept off the server's cores (they share the machine): each request is
// serialized once, up front, and every call sends those bytes (a grpc::ByteBuffer: each call
// takes a reference to it, nothing is encoded again) through the generic API (grpc::GenericStub,
// method /pcnv.v1.BoundaryValidator/Validate, one CompletionQueue per client thread); replies
// arrive as bytes and are parsed only for the sample below.
//
// What is checked. Every call: its status is OK (any other status fails the run) and its reply
// is not empty. Fully parsed as a pcnv.v1.ValidateResponse, and checked to hold a report of
// exactly one PCN, the one asked for: the first reply for each distinct request in the process
// (whichever phase and client it arrives in, warm-up included; every request sent at least once
// is so checked), and each client's calls 0, 64, 128, ... of every phase (warm-up and measured).
// A reply that is not parsed is not known to be a well-formed ValidateResponse about the right
// PCN: the sample is what says the server answers each request correctly. A reply that fails any
// check fails the run: the message is printed and the exit status is 1. Prints a table per N and
// one machine-readable `load N=...` line per N (bench/run.sh greps them).
//
// --channel per-client (default): one channel and TCP connection per client thread, as N
// independent callers would have; shared: one channel (one HTTP/2 connection) for all threads.
// --server-pid: also report the server's CPU time per call (from /proc/PID/stat) and how many
// cores other processes kept busy meanwhile (/proc/stat minus client and server): a measurement
// with "other cores" well above 0 was disturbed.
// --pcns M: M PCNs evenly spaced in code order; --pcn-codes: just these (to profile one
// request); --slowest K: after the table, the PCNs of the K slowest calls per N.
// --service-config FILE: a gRPC service config (JSON) for every channel, e.g.
// deploy/lb/grpc-service-config.json with a target of several replicas
// (ipv4:127.0.0.1:P1,127.0.0.1:P2 or dns:///NAME:PORT) for client-side balancing (tests/fleet).
//
// For the reliability runs (bench/reliability/, docs/RELIABILITY.md):
// --interval-seconds S: after each N's table row, one `interval` line per S seconds of the
//   measured window (the calls that completed in it: count, rate, p50, p99, max), to show that
//   the tail stays flat over a long run.
// --chaos-fraction F: each call is, with probability F (a fixed-seed generator per client, so
//   runs repeat), a badly behaved one: half of those carry a deadline of 1-30 ms, the other half
//   are cancelled by the client 0-20 ms after they start. Their acceptable outcomes are OK,
//   CANCELLED and DEADLINE_EXCEEDED (counted, and kept out of the latency figures); any other
//   status still fails the run. The other calls are checked as always.
// --allow-status CODES: statuses (e.g. RESOURCE_EXHAUSTED) counted as refused rather than failing
//   the run: a burst far above capacity may be shed, but must not fail in any other way.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench/fail.h"
#include "geo/io/readers.h"
#include "pcnv/v1/validator.pb.h"
#include "server/limits.h"
#include "wire/convert.h"

namespace {

using Clock = std::chrono::steady_clock;

using ::pcnv::bench::Check;
using ::pcnv::bench::Die;

struct Flags {
  std::string target;
  std::string workload;
  std::vector<int> clients = {1, 4, 16};
  double seconds = 10;
  int64_t max_calls = 0;  // 0: bounded by --seconds only
  double warmup_seconds = 1;
  int pcns = 0;                        // 0: every PCN
  std::vector<std::string> pcn_codes;  // --pcn-codes: only these (to study one request)
  bool shared_channel = false;
  std::string token;
  int server_pid = 0;
  int deadline_ms = 60000;
  int slowest = 0;  // print the PCNs of the K slowest calls per N
  double rate = 0;  // --rate: open loop, calls/s offered by all clients together; 0: closed loop
  std::string service_config;      // --service-config: the JSON itself
  double interval_seconds = 0;     // --interval-seconds: per-interval lines after each N
  double chaos_fraction = 0;       // --chaos-fraction: share of calls that cancel or time out
  std::set<int> allowed_statuses;  // --allow-status: gRPC codes counted as refused, not failed
};

constexpr char kUsage[] =
    "usage: pcnv-bench-load --target HOST:PORT --workload DIR [--clients 1,4,16] [--seconds S] "
    "[--max-calls C] [--warmup-seconds W] [--pcns M | --pcn-codes U1,U2] "
    "[--channel per-client|shared] [--token T] "
    "[--server-pid PID] [--deadline-ms MS] [--slowest K] [--rate R] [--service-config FILE] "
    "[--interval-seconds S] [--chaos-fraction F] [--allow-status CODE,...]";

int ToInt(const std::string& flag, const std::string& text, int lo) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < lo || v > 1000000000) {
    Die(absl::StrFormat("%s: '%s' is not a whole number >= %d", flag, text, lo));
  }
  return static_cast<int>(v);
}

double ToSeconds(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
    Die(absl::StrFormat("%s: '%s' is not a number of seconds >= 0", flag, text));
  }
  return v;
}

// A gRPC status code from its name (RESOURCE_EXHAUSTED), as --allow-status takes it.
int StatusCodeFromName(const std::string& name) {
  for (int code = 0; code <= 16; ++code) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == name) return code;
  }
  Die("--allow-status: '" + name + "' is not a gRPC status code name (e.g. RESOURCE_EXHAUSTED)");
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) Die(kUsage);
    const std::string v = argv[++i];
    if (a == "--target") {
      f.target = v;
    } else if (a == "--workload") {
      f.workload = v;
    } else if (a == "--clients") {
      f.clients.clear();
      for (absl::string_view n : absl::StrSplit(v, ',')) {
        f.clients.push_back(ToInt("--clients", std::string(n), 1));
      }
    } else if (a == "--seconds") {
      f.seconds = ToSeconds(a, v);
    } else if (a == "--max-calls") {
      f.max_calls = ToInt(a, v, 0);
    } else if (a == "--warmup-seconds") {
      f.warmup_seconds = ToSeconds(a, v);
    } else if (a == "--pcns") {
      f.pcns = ToInt(a, v, 0);
    } else if (a == "--pcn-codes") {
      f.pcn_codes = absl::StrSplit(v, ',', absl::SkipEmpty());
    } else if (a == "--channel") {
      if (v != "per-client" && v != "shared") Die("--channel: per-client or shared");
      f.shared_channel = v == "shared";
    } else if (a == "--token") {
      f.token = v;
    } else if (a == "--server-pid") {
      f.server_pid = ToInt(a, v, 1);
    } else if (a == "--deadline-ms") {
      f.deadline_ms = ToInt(a, v, 1);
    } else if (a == "--slowest") {
      f.slowest = ToInt(a, v, 0);
    } else if (a == "--service-config") {
      std::ifstream in(v);
      std::stringstream json;
      json << in.rdbuf();
      if (!in || json.str().empty()) Die("--service-config: cannot read " + v);
      f.service_config = json.str();
    } else if (a == "--interval-seconds") {
      f.interval_seconds = ToSeconds(a, v);
    } else if (a == "--chaos-fraction") {
      char* end = nullptr;
      f.chaos_fraction = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(f.chaos_fraction >= 0 && f.chaos_fraction <= 1)) {
        Die(absl::StrFormat("--chaos-fraction: '%s' is not a number from 0 to 1", v));
      }
    } else if (a == "--allow-status") {
      for (absl::string_view name : absl::StrSplit(v, ',', absl::SkipEmpty())) {
        f.allowed_statuses.insert(StatusCodeFromName(std::string(name)));
      }
    } else if (a == "--rate") {
      char* end = nullptr;
      f.rate = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !std::isfinite(f.rate) || f.rate <= 0) {
        Die(absl::StrFormat("--rate: '%s' is not a number of calls/s > 0", v));
      }
    } else {
      Die(kUsage);
    }
  }
  if (f.target.empty() || f.workload.empty()) Die(kUsage);
  if (f.seconds <= 0 && f.max_calls == 0) Die("--seconds 0 needs --max-calls");
  return f;
}

// practices.csv of the workload (practice_code,postcode,easting,northing; EPSG:27700), written
// by pcnv-bench-workload: no quoting, so a plain split is exact.
absl::flat_hash_map<std::string, pcnv::Point> ReadPracticeLocations(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::string line;
  std::getline(in, line);
  if (line.rfind("practice_code,postcode,easting,northing", 0) != 0) {
    Die(path + ": expected the header practice_code,postcode,easting,northing");
  }
  absl::flat_hash_map<std::string, pcnv::Point> out;
  for (int row = 1; std::getline(in, line); ++row) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    char* ex = nullptr;
    char* ny = nullptr;
    const double x = f.size() == 4 ? std::strtod(f[2].c_str(), &ex) : 0;
    const double y = f.size() == 4 ? std::strtod(f[3].c_str(), &ny) : 0;
    if (f.size() != 4 || *ex != '\0' || *ny != '\0' || f[2].empty() || f[3].empty()) {
      Die(absl::StrFormat("%s row %d: '%s' is not code,postcode,easting,northing", path, row,
                          line));
    }
    out[f[0]] = pcnv::Point{x, y};
  }
  return out;
}

// The full name of BoundaryValidator.Validate (validator.grpc.pb.cc), for the generic stub.
constexpr char kValidateMethod[] = "/pcnv.v1.BoundaryValidator/Validate";

// Fully parse and check every kParseEvery-th reply of each client (calls 0, 64, ...), on top of
// the first reply of each distinct request.
constexpr int64_t kParseEvery = 64;

struct Workload {
  std::vector<std::string> codes;  // PCN code of each request
  std::vector<pcnv::v1::ValidateRequest> requests;
  // requests[i] serialized once; each call sends a reference to these bytes.
  std::vector<grpc::ByteBuffer> encoded;
};

// One request per PCN: its membership rows (with locations), its practices' list-size and
// distribution rows. Every PCN, or --pcns M of them evenly spaced in code order.
Workload BuildRequests(const Flags& flags) {
  const std::string& dir = flags.workload;
  std::vector<pcnv::Membership> map =
      Check(pcnv::io::ReadPracticeMap(dir + "/gp-reg-pat-prac-map.csv"));
  std::vector<pcnv::ListSize> sizes =
      Check(pcnv::io::ReadListSizes(dir + "/gp-reg-pat-prac-all.csv"));
  pcnv::Distribution dist =
      Check(pcnv::io::ReadDistribution(dir + "/gp-reg-pat-prac-lsoa-all.csv"));
  const auto locations = ReadPracticeLocations(dir + "/practices.csv");

  std::map<std::string, std::vector<const pcnv::Membership*>> by_pcn;  // sorted by code
  for (const pcnv::Membership& m : map) {
    if (!m.pcn_code.empty() && m.pcn_code != pcnv::kUnallocatedPcn) {
      by_pcn[m.pcn_code].push_back(&m);
    }
  }
  absl::flat_hash_map<std::string, std::vector<const pcnv::ListSize*>> size_of;
  for (const pcnv::ListSize& s : sizes) size_of[s.practice_code].push_back(&s);
  absl::flat_hash_map<std::string, std::vector<const pcnv::DistributionRow*>> rows_of;
  for (const pcnv::DistributionRow& r : dist.rows) rows_of[r.practice_code].push_back(&r);

  std::vector<std::string> all;
  for (const auto& [code, members] : by_pcn) all.push_back(code);
  if (all.empty()) Die(dir + ": no PCN in gp-reg-pat-prac-map.csv");
  std::vector<std::string> chosen;
  const size_t m = flags.pcns == 0 ? all.size() : std::min<size_t>(flags.pcns, all.size());
  for (size_t i = 0; i < m; ++i) chosen.push_back(all[i * all.size() / m]);
  if (!flags.pcn_codes.empty()) {
    chosen = flags.pcn_codes;
    for (const std::string& code : chosen) {
      if (!by_pcn.contains(code)) Die("--pcn-codes: " + code + " is not a PCN of the map");
    }
  }

  Workload w;
  const pcnv::ValidationOptions options;  // majority method, default ruleset: every rule
  for (const std::string& code : chosen) {
    pcnv::ValidationInput input;
    input.list_sizes.emplace();
    input.distribution.emplace();
    input.distribution->level = dist.level;
    std::set<std::string> practices;
    for (const pcnv::Membership* member : by_pcn[code]) {
      pcnv::Membership copy = *member;
      if (auto it = locations.find(copy.practice_code); it != locations.end()) {
        copy.location = it->second;
      }
      input.memberships.push_back(std::move(copy));
      practices.insert(member->practice_code);
    }
    for (const std::string& p : practices) {
      if (auto it = size_of.find(p); it != size_of.end()) {
        for (const pcnv::ListSize* s : it->second) input.list_sizes->push_back(*s);
      }
      if (auto it = rows_of.find(p); it != rows_of.end()) {
        for (const pcnv::DistributionRow* r : it->second) input.distribution->rows.push_back(*r);
      }
    }
    w.codes.push_back(code);
    w.requests.push_back(pcnv::wire::MakeRequest(input, options));
  }
  for (size_t i = 0; i < w.requests.size(); ++i) {
    std::string bytes;
    if (!w.requests[i].SerializeToString(&bytes)) {
      Die("cannot serialize the request of " + w.codes[i]);
    }
    grpc::Slice slice(bytes);
    w.encoded.emplace_back(&slice, 1);
  }
  return w;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// utime + stime of another process, in seconds; -1 when it cannot be read.
double PidCpuSeconds(int pid) {
  if (pid == 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return -1;
  const size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; fields >> f && i <= 15; ++i) {  // fields 14 and 15: utime, stime
    if (i >= 14) ticks += std::strtod(f.c_str(), nullptr);
  }
  return ticks / sysconf(_SC_CLK_TCK);
}

// Busy CPU time of the whole machine (all cores), in seconds, from /proc/stat; -1 if unreadable.
double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu") {
    return -1;
  }
  return (user + nice + system + irq + softirq + steal) / sysconf(_SC_CLK_TCK);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const std::string& service_config) {
  grpc::ChannelArguments args;
  if (!service_config.empty()) args.SetServiceConfigJSON(service_config);
  args.SetMaxReceiveMessageSize(pcnv::wire::kMaxMessageBytes);
  args.SetMaxSendMessageSize(pcnv::wire::kMaxMessageBytes);
  // Without this, channels with equal arguments share one subchannel (one TCP connection) from
  // gRPC's global pool, and "one channel per client" would not be.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

struct Failure {
  std::atomic<bool> failed{false};
  std::string message;  // written once, by the thread that set `failed`
};

// Which requests have had a reply fully parsed and checked (the first reply of each), over the
// whole process.
struct FirstReplies {
  explicit FirstReplies(size_t n) : checked(new std::atomic<bool>[n]) {
    for (size_t i = 0; i < n; ++i) checked[i].store(false);
  }
  std::unique_ptr<std::atomic<bool>[]> checked;
};

// The reply check (the comment at the top of the file); empty when the reply passes. `reply` is
// consumed when parsed.
std::string CheckReply(const Workload& w, size_t request, bool parse, grpc::ByteBuffer& reply) {
  if (reply.Length() == 0) {
    return absl::StrFormat("Validate %s: empty reply", w.codes[request]);
  }
  if (!parse) return "";
  pcnv::v1::ValidateResponse response;
  if (!grpc::SerializationTraits<pcnv::v1::ValidateResponse>::Deserialize(&reply, &response).ok()) {
    return absl::StrFormat("Validate %s: the reply is not a ValidateResponse", w.codes[request]);
  }
  if (response.report().pcns_size() != 1 || response.report().pcns(0).code() != w.codes[request]) {
    return absl::StrFormat("Validate %s: the report holds %d PCNs, not just this one",
                           w.codes[request], response.report().pcns_size());
  }
  return "";
}

struct Call {
  double ms = 0;
  size_t request = 0;  // index into Workload::requests
  double done_s = 0;   // when it completed, in seconds from the start of the phase
};

struct Phase {
  std::vector<std::vector<Call>> calls;  // per client
  double wall_seconds = 0;
  int64_t errors = 0;
  // Open loop only: the calls scheduled in the window (at most max_calls), and how many of them
  // were not sent before the window closed (the clients were that far behind schedule).
  int64_t due = 0;
  int64_t unsent = 0;
  // --chaos-fraction: the badly behaved calls and how they ended; --allow-status: calls refused.
  int64_t chaos_calls = 0;
  int64_t chaos_ok = 0;
  int64_t chaos_cancelled = 0;
  int64_t chaos_deadline = 0;
  int64_t refused = 0;
};

// N clients calling until `seconds` have passed or `max_calls` calls were started: back to back
// (closed loop), or with --rate on the open-loop schedule (the comment at the top of the file).
Phase RunPhase(const Flags& flags, const Workload& w,
               const std::vector<std::unique_ptr<grpc::GenericStub>>& stubs, int n, double seconds,
               int64_t max_calls, bool record, FirstReplies& first, Failure& failure) {
  Phase phase;
  phase.calls.resize(n);
  const bool open = flags.rate > 0;
  std::atomic<int64_t> started{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> chaos_calls{0}, chaos_ok{0}, chaos_cancelled{0}, chaos_deadline{0};
  std::atomic<int64_t> refused{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  Clock::time_point start, end;
  std::vector<Clock::time_point> finished(n);
  // Open loop: client c's k-th call is due at start + (k * n + c) / rate seconds, that is
  // t0 + (k + c/n) * n/rate; with --seconds, client c has due[c] calls in the window (those with
  // k * n + c < seconds * rate), without it as many as --max-calls allows.
  std::vector<int64_t> due(n, std::numeric_limits<int64_t>::max());
  if (open && seconds > 0) {
    for (int c = 0; c < n; ++c) {
      const double x = seconds * flags.rate - c;
      due[c] = x > 0 ? static_cast<int64_t>(std::ceil(x / n)) : 0;
    }
  }
  std::vector<std::thread> threads;
  for (int c = 0; c < n; ++c) {
    threads.emplace_back([&, c] {
      grpc::GenericStub& stub = *stubs[flags.shared_channel ? 0 : c];
      grpc::CompletionQueue cq;  // this client's calls, one at a time
      std::vector<Call>& mine = phase.calls[c];
      if (record) mine.reserve(1 << 16);
      size_t next = (w.requests.size() * c) / n;  // spread the clients over the PCNs
      std::mt19937_64 chaos_random(0x9e3779b97f4a7c15ULL * (c + 1));  // fixed seed per client
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      for (int64_t k = 0; !failure.failed.load(); ++k) {
        // t0: where this call's latency is measured from. Closed loop: now. Open loop: its
        // scheduled send time, even when it is sent later because the previous call was still
        // running (the wait counts, as it would for a user).
        Clock::time_point t0 = Clock::now();
        if (seconds > 0 && t0 >= end) break;
        if (open) {
          if (k >= due[c]) break;
          const Clock::time_point scheduled =
              start + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>((k * n + c) / flags.rate));
          if (t0 < scheduled) std::this_thread::sleep_until(scheduled);
          t0 = scheduled;
        }
        if (max_calls > 0 && started.fetch_add(1) >= max_calls) break;
        sent.fetch_add(1);
        grpc::ClientContext context;
        // A badly behaved call (--chaos-fraction): a short deadline, or a cancel after a while.
        const bool chaos = flags.chaos_fraction > 0 && std::uniform_real_distribution<double>(0, 1)(
                                                           chaos_random) < flags.chaos_fraction;
        const bool chaos_cancels = chaos && (chaos_random() & 1) == 0;
        const int chaos_ms = chaos ? static_cast<int>(chaos_random() % (chaos_cancels ? 21 : 30)) +
                                         (chaos_cancels ? 0 : 1)
                                   : 0;
        context.set_deadline(
            std::chrono::system_clock::now() +
            std::chrono::milliseconds(chaos && !chaos_cancels ? chaos_ms : flags.deadline_ms));
        if (!flags.token.empty()) context.AddMetadata("authorization", "Bearer " + flags.token);
        grpc::ByteBuffer reply;
        grpc::Status status;
        // Blocking call on this thread's queue: start, then wait for its one completion.
        const std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> rpc =
            stub.PrepareUnaryCall(&context, kValidateMethod, w.encoded[next], &cq);
        rpc->StartCall();
        rpc->Finish(&reply, &status, &reply);
        void* tag = nullptr;
        bool ok = false;
        bool got = false;
        if (chaos_cancels) {
          // Wait until the cancel time; a call still running then is cancelled by the client.
          const auto cancel_at =
              std::chrono::system_clock::now() + std::chrono::milliseconds(chaos_ms);
          const grpc::CompletionQueue::NextStatus next_status = cq.AsyncNext(&tag, &ok, cancel_at);
          got = next_status == grpc::CompletionQueue::GOT_EVENT;
          if (next_status == grpc::CompletionQueue::TIMEOUT) {
            context.TryCancel();
            got = cq.Next(&tag, &ok);
          }
        } else {
          got = cq.Next(&tag, &ok);
        }
        const Clock::time_point t1 = Clock::now();
        std::string error;
        const auto code = static_cast<absl::StatusCode>(status.error_code());
        if (!got || tag != &reply || !ok) {
          error = absl::StrFormat("Validate %s: the completion queue failed", w.codes[next]);
        } else if (!status.ok() && flags.allowed_statuses.contains(status.error_code())) {
          refused.fetch_add(1);
          if (chaos) chaos_calls.fetch_add(1);
        } else if (chaos) {
          // OK (checked below), or the end the client asked for; anything else is a failure.
          chaos_calls.fetch_add(1);
          if (code == absl::StatusCode::kCancelled) {
            chaos_cancelled.fetch_add(1);
          } else if (code == absl::StatusCode::kDeadlineExceeded) {
            chaos_deadline.fetch_add(1);
          } else if (!status.ok()) {
            error = absl::StrFormat("Validate %s (a %s call): %s: %s", w.codes[next],
                                    chaos_cancels ? "cancelled" : "short-deadline",
                                    absl::StatusCodeToString(code), status.error_message());
          } else {
            chaos_ok.fetch_add(1);
            error = CheckReply(w, next, true, reply);
          }
        } else if (!status.ok()) {
          error = absl::StrFormat(
              "Validate %s: %s: %s", w.codes[next],
              absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
              status.error_message());
        } else {
          // The first reply for this request (a plain load first: the flag is set once, and a
          // read-modify-write on every call would bounce its cache line between the clients).
          std::atomic<bool>& seen = first.checked[next];
          const bool first_reply = !seen.load(std::memory_order_relaxed) && !seen.exchange(true);
          error = CheckReply(w, next, first_reply || k % kParseEvery == 0, reply);
        }
        if (!error.empty()) {
          errors.fetch_add(1);
          if (!failure.failed.exchange(true)) failure.message = error;
          break;
        }
        if (record && !chaos && status.ok()) {
          mine.push_back({std::chrono::duration<double, std::milli>(t1 - t0).count(), next,
                          std::chrono::duration<double>(t1 - start).count()});
        }
        next = (next + 1) % w.requests.size();
      }
      finished[c] = Clock::now();
      cq.Shutdown();
      void* tag = nullptr;
      bool ok = false;
      while (cq.Next(&tag, &ok)) {
      }
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  start = Clock::now();
  end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go.store(true);
  for (std::thread& t : threads) t.join();
  phase.wall_seconds =
      std::chrono::duration<double>(*std::max_element(finished.begin(), finished.end()) - start)
          .count();
  phase.errors = errors.load();
  phase.chaos_calls = chaos_calls.load();
  phase.chaos_ok = chaos_ok.load();
  phase.chaos_cancelled = chaos_cancelled.load();
  phase.chaos_deadline = chaos_deadline.load();
  phase.refused = refused.load();
  if (open) {
    phase.due = max_calls > 0 ? max_calls : 0;
    if (seconds > 0) {
      int64_t in_window = 0;
      for (int64_t d : due) in_window += d;
      phase.due = max_calls > 0 ? std::min(max_calls, in_window) : in_window;
    }
    phase.unsent = std::max<int64_t>(0, phase.due - sent.load());
  }
  return phase;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil is built with absl::Mutex deadlock detection on, and gRPC's mutexes are
  // absl::Mutexes: without this every lock gRPC takes updates a lock graph (a few % of the
  // client's CPU per call in perf). A debugging aid for gRPC's own locks, not a check of the
  // server.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const Flags flags = ParseFlags(argc, argv);
  const Clock::time_point read_start = Clock::now();
  const Workload w = BuildRequests(flags);
  std::vector<size_t> bytes, dist_rows, practices;
  for (const pcnv::v1::ValidateRequest& r : w.requests) {
    bytes.push_back(r.ByteSizeLong());
    dist_rows.push_back(r.distribution().rows_size());
    practices.push_back(r.memberships_size());
  }
  auto median = [](std::vector<size_t> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::cout << absl::StrFormat(
      "pcnv-bench-load: %d PCN requests from %s in %.1f s (median %d practices, %d distribution "
      "rows, %.1f KiB; largest %.1f KiB)\n",
      w.requests.size(), flags.workload,
      std::chrono::duration<double>(Clock::now() - read_start).count(), median(practices),
      median(dist_rows), median(bytes) / 1024.0,
      *std::max_element(bytes.begin(), bytes.end()) / 1024.0);
  std::cout << absl::StrFormat(
      "pcnv-bench-load: target %s, %s, %.1f s warm-up then %s per N\n", flags.target,
      flags.shared_channel ? "one shared channel" : "one channel per client", flags.warmup_seconds,
      flags.max_calls > 0
          ? absl::StrFormat("%d calls (at most %g s)", flags.max_calls, flags.seconds)
          : absl::StrFormat("%g s", flags.seconds));
  std::cout << (flags.rate > 0
                    ? absl::StrFormat(
                          "pcnv-bench-load: open loop, the N clients together offer %g calls/s "
                          "(client i sends call k at t0 + (k + i/N) * N/R, or when its previous "
                          "call returns if later); latency from each call's scheduled send time\n",
                          flags.rate)
                    : std::string("pcnv-bench-load: closed loop, each client sends its next call "
                                  "when the last returns; latency around each call\n"));
  std::cout << absl::StrFormat("%7s %8s %6s %9s %9s %8s %8s %8s %8s %11s %11s %7s\n", "clients",
                               "calls", "errors", "offered/s", "calls/s", "p50 ms", "p95 ms",
                               "p99 ms", "max ms", "client CPU", "server CPU", "others");
  std::cout << absl::StrFormat("%7s %8s %6s %9s %9s %8s %8s %8s %8s %11s %11s %7s\n", "", "", "",
                               "", "", "", "", "", "", "ms/call", "ms/call", "cores");
  std::cout.flush();

  std::vector<std::string> machine, slow;
  Failure failure;
  FirstReplies first(w.requests.size());
  for (int n : flags.clients) {
    std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
    for (int c = 0; c < (flags.shared_channel ? 1 : n); ++c) {
      stubs.push_back(
          std::make_unique<grpc::GenericStub>(MakeChannel(flags.target, flags.service_config)));
    }
    if (flags.warmup_seconds > 0) {
      RunPhase(flags, w, stubs, n, flags.warmup_seconds, 0, false, first, failure);
    }
    const double cpu0 = ProcessCpuSeconds();
    const double server0 = PidCpuSeconds(flags.server_pid);
    const double machine0 = MachineBusySeconds();
    Phase p = failure.failed ? Phase{}
                             : RunPhase(flags, w, stubs, n, flags.seconds, flags.max_calls, true,
                                        first, failure);
    const double cpu = ProcessCpuSeconds() - cpu0;
    const double server = PidCpuSeconds(flags.server_pid) - server0;
    const double busy = MachineBusySeconds() - machine0;
    if (failure.failed) {
      std::cerr << "pcnv-bench-load: FAIL with " << n << " clients: " << failure.message << "\n";
      std::cout << absl::StrFormat("load N=%d errors=%d FAILED\n", n,
                                   std::max<int64_t>(1, p.errors));
      return 1;
    }
    std::vector<Call> recorded;
    for (const auto& v : p.calls) recorded.insert(recorded.end(), v.begin(), v.end());
    std::sort(recorded.begin(), recorded.end(),
              [](const Call& a, const Call& b) { return a.ms < b.ms; });
    std::vector<double> all;
    for (const Call& call : recorded) all.push_back(call.ms);
    const int64_t calls = all.size();
    const double rps = p.wall_seconds > 0 ? calls / p.wall_seconds : 0;
    const double client_ms = calls > 0 ? 1000 * cpu / calls : 0;
    const double server_ms = calls > 0 && server0 >= 0 ? 1000 * server / calls : -1;
    // Cores other processes kept busy (only known when the server's CPU is).
    const double others = server0 >= 0 && machine0 >= 0 && p.wall_seconds > 0
                              ? std::max(0.0, (busy - cpu - server) / p.wall_seconds)
                              : -1;
    const double p50 = Percentile(all, 0.50), p95 = Percentile(all, 0.95),
                 p99 = Percentile(all, 0.99), max = all.empty() ? 0 : all.back();
    const bool open = flags.rate > 0;
    // Open loop: sustained unless more than 1% of the calls due in the window were never sent
    // (a client one call behind at the end is noise; a backlog growing all run is not).
    const bool sustained = !open || p.unsent <= p.due / 100;
    std::cout << absl::StrFormat(
        "%7d %8d %6d %9s %9.1f %8.2f %8.2f %8.2f %8.2f %11.2f %11s %7s\n", n, calls, p.errors,
        open ? absl::StrFormat("%.1f", flags.rate) : "-", rps, p50, p95, p99, max, client_ms,
        server_ms < 0 ? "-" : absl::StrFormat("%.2f", server_ms),
        others < 0 ? "-" : absl::StrFormat("%.2f", others));
    if (!sustained) {
      std::cout << absl::StrFormat(
          "  N=%d: offered rate NOT sustained: offered %.1f calls/s, achieved %.1f calls/s (%d of "
          "the %d calls due were never sent: the clients fell behind schedule)\n",
          n, flags.rate, rps, p.unsent, p.due);
    }
    if (p.chaos_calls > 0 || flags.chaos_fraction > 0) {
      std::cout << absl::StrFormat(
          "  N=%d: %d badly behaved calls (not in the figures above): %d OK, %d CANCELLED, %d "
          "DEADLINE_EXCEEDED\n",
          n, p.chaos_calls, p.chaos_ok, p.chaos_cancelled, p.chaos_deadline);
    }
    if (!flags.allowed_statuses.empty()) {
      std::cout << absl::StrFormat("  N=%d: %d calls refused with an allowed status\n", n,
                                   p.refused);
    }
    if (flags.interval_seconds > 0) {
      // The calls by completion time, one line per interval (the tail over a long run).
      // A call that completes after the window closes counts in the last interval.
      const double window = flags.seconds > 0 ? flags.seconds : p.wall_seconds;
      const auto window_last = std::max<int64_t>(
          0, static_cast<int64_t>(std::ceil(window / flags.interval_seconds)) - 1);
      std::map<int64_t, std::vector<double>> by_interval;
      for (const Call& call : recorded) {
        by_interval[std::min(window_last,
                             static_cast<int64_t>(call.done_s / flags.interval_seconds))]
            .push_back(call.ms);
      }
      for (auto& [i, ms] : by_interval) {
        std::sort(ms.begin(), ms.end());
        std::cout << absl::StrFormat(
            "interval N=%d t_s=%.0f calls=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", n,
            (i + 1) * flags.interval_seconds, ms.size(), ms.size() / flags.interval_seconds,
            Percentile(ms, 0.50), Percentile(ms, 0.99), ms.back());
      }
    }
    std::cout.flush();
    machine.push_back(absl::StrFormat(
        "load N=%d %s channel=%s calls=%d errors=%d seconds=%.3f rps=%.1f p50_ms=%.3f "
        "p95_ms=%.3f p99_ms=%.3f max_ms=%.3f client_cpu_ms=%.3f chaos_calls=%d chaos_ok=%d "
        "chaos_cancelled=%d chaos_deadline=%d refused=%d%s",
        n,
        open ? absl::StrFormat("mode=open offered_rps=%g due_calls=%d unsent_calls=%d "
                               "sustained=%s",
                               flags.rate, p.due, p.unsent, sustained ? "yes" : "no")
             : "mode=closed",
        flags.shared_channel ? "shared" : "per-client", calls, p.errors, p.wall_seconds, rps, p50,
        p95, p99, max, client_ms, p.chaos_calls, p.chaos_ok, p.chaos_cancelled, p.chaos_deadline,
        p.refused,
        server_ms < 0
            ? ""
            : absl::StrFormat(" server_cpu_ms=%.3f other_cores=%.2f", server_ms, others)));
    if (flags.slowest > 0) {
      // The slowest calls' PCNs, each PCN once: what the tail is made of.
      std::string line = absl::StrFormat("slowest N=%d:", n);
      std::set<size_t> seen;
      for (auto it = recorded.rbegin();
           it != recorded.rend() && seen.size() < size_t(flags.slowest); ++it) {
        if (!seen.insert(it->request).second) continue;
        const pcnv::v1::ValidateRequest& r = w.requests[it->request];
        absl::StrAppendFormat(&line, " %s %.1f ms (%d practices, %d rows);", w.codes[it->request],
                              it->ms, r.memberships_size(), r.distribution().rows_size());
      }
      slow.push_back(line);
    }
  }
  for (const std::string& line : slow) std::cout << line << "\n";
  for (const std::string& line : machine) std::cout << line << "\n";
  return 0;
}
