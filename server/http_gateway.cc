#include "server/http_gateway.h"

#include <grpcpp/client_context.h>
#include <httplib.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "server/http_routes.h"
#include "server/web_assets.h"

namespace pcnv::server {
namespace {

using google::protobuf::Message;
using Stub = v1::BoundaryValidator::Stub;

// Replies of one call, read one message at a time whatever the RPC's shape.
class ReplyStream {
 public:
  virtual ~ReplyStream() = default;
  virtual bool Read(Message* reply) = 0;
  virtual grpc::Status Finish() = 0;
};

// A unary RPC: the call is made on the first Read.
class UnaryReply : public ReplyStream {
 public:
  explicit UnaryReply(std::function<grpc::Status(Message*)> call) : call_(std::move(call)) {}
  bool Read(Message* reply) override {
    if (called_) return false;
    called_ = true;
    status_ = call_(reply);
    return status_.ok();
  }
  grpc::Status Finish() override { return status_; }

 private:
  std::function<grpc::Status(Message*)> call_;
  bool called_ = false;
  grpc::Status status_;
};

// A server-streaming or bidirectional RPC's reader.
template <class Reader, class Reply>
class StreamedReply : public ReplyStream {
 public:
  explicit StreamedReply(std::unique_ptr<Reader> reader) : reader_(std::move(reader)) {}
  bool Read(Message* reply) override { return reader_->Read(static_cast<Reply*>(reply)); }
  grpc::Status Finish() override { return reader_->Finish(); }

 private:
  std::unique_ptr<Reader> reader_;
};

// ValidateStream: the chunks are written from a thread of their own while the caller reads,
// since the server answers each chunk with a progress event that must be read before it can
// take the next (the in-process transport holds no unread messages).
class BidiReply : public ReplyStream {
 public:
  using Stream = grpc::ClientReaderWriter<v1::ValidateStreamRequest, v1::ValidateStreamResponse>;
  BidiReply(std::unique_ptr<Stream> stream, const std::vector<std::unique_ptr<Message>>& chunks)
      : stream_(std::move(stream)), writer_([this, &chunks] {
          for (const std::unique_ptr<Message>& chunk : chunks) {
            // A chunk the server refuses ends the writes; Finish then says why.
            if (!stream_->Write(static_cast<const v1::ValidateStreamRequest&>(*chunk))) break;
          }
          stream_->WritesDone();
        }) {}
  ~BidiReply() override {
    if (writer_.joinable()) writer_.join();
  }
  bool Read(Message* reply) override {
    return stream_->Read(static_cast<v1::ValidateStreamResponse*>(reply));
  }
  grpc::Status Finish() override {
    writer_.join();
    return stream_->Finish();
  }

 private:
  std::unique_ptr<Stream> stream_;
  std::thread writer_;
};

template <class T>
const T& As(const Message& m) {
  return static_cast<const T&>(m);
}

template <class T>
T* As(Message* m) {
  return static_cast<T*>(m);
}

// Starts the call of `method` with its request message(s): one, or a stream for ValidateStream.
using Opener = std::function<std::unique_ptr<ReplyStream>(
    Stub&, grpc::ClientContext*, const std::vector<std::unique_ptr<Message>>&)>;

template <class Request, class Reply>
Opener Unary(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Reply*)) {
  return [rpc](Stub& stub, grpc::ClientContext* ctx,
               const std::vector<std::unique_ptr<Message>>& in) -> std::unique_ptr<ReplyStream> {
    return std::make_unique<UnaryReply>([&stub, ctx, rpc, &request = *in[0]](Message* reply) {
      return (stub.*rpc)(ctx, As<Request>(request), As<Reply>(reply));
    });
  };
}

template <class Request, class Reply>
Opener ServerStreaming(std::unique_ptr<grpc::ClientReader<Reply>> (Stub::*rpc)(grpc::ClientContext*,
                                                                               const Request&)) {
  return [rpc](Stub& stub, grpc::ClientContext* ctx,
               const std::vector<std::unique_ptr<Message>>& in) -> std::unique_ptr<ReplyStream> {
    return std::make_unique<StreamedReply<grpc::ClientReader<Reply>, Reply>>(
        (stub.*rpc)(ctx, As<Request>(*in[0])));
  };
}

// One opener per RPC of validator.proto; a method the proto adds without one here stops the
// listener at start-up (Start checks), so none can be left unreachable over HTTP.
const std::map<std::string, Opener>& Openers() {
  static const auto* openers = new std::map<std::string, Opener>{
      {"Validate", Unary(&Stub::Validate)},
      {"ValidateChange", Unary(&Stub::ValidateChange)},
      {"GetReferenceInfo", Unary(&Stub::GetReferenceInfo)},
      {"ReloadReference", Unary(&Stub::ReloadReference)},
      {"ComputeCatchments", ServerStreaming(&Stub::ComputeCatchments)},
      {"SuggestFixes", ServerStreaming(&Stub::SuggestFixes)},
      {"ValidateStream",
       [](Stub& stub, grpc::ClientContext* ctx,
          const std::vector<std::unique_ptr<Message>>& in) -> std::unique_ptr<ReplyStream> {
         return std::make_unique<BidiReply>(stub.ValidateStream(ctx), in);
       }},
  };
  return *openers;
}

std::string ToJson(const Message& m) {
  std::string out;
  // lowerCamelCase names, as proto3's JSON mapping has them; the printer cannot fail on
  // messages this server made.
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

std::string StatusJson(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (status.error_details().empty() || !rpc.ParseFromString(status.error_details())) {
    rpc.Clear();
    rpc.set_code(status.error_code());
    rpc.set_message(status.error_message());
  }
  return ToJson(rpc);
}

void Fail(httplib::Response& res, const grpc::Status& status) {
  res.status = HttpStatusOf(status.error_code());
  res.set_content(StatusJson(status), "application/json");
}

// A body over the HTTP listener's limit (413).
grpc::Status TooBig(int64_t max_body) {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      absl::StrCat("the request body is larger than ", max_body,
                                   " bytes, the HTTP listener's limit"));
}

void BadRequest(httplib::Response& res, const std::string& why) {
  Fail(res, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, why));
}

// gRPC's timeout format (the grpc-timeout header): up to 8 digits and a unit, H M S m u n.
std::optional<std::chrono::nanoseconds> ParseTimeout(absl::string_view text) {
  if (text.size() < 2 || text.size() > 9) return std::nullopt;
  int64_t value = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &value) || value < 0) return std::nullopt;
  using std::chrono::nanoseconds;
  switch (text.back()) {
    case 'H':
      return std::chrono::hours(value);
    case 'M':
      return std::chrono::minutes(value);
    case 'S':
      return std::chrono::seconds(value);
    case 'm':
      return std::chrono::milliseconds(value);
    case 'u':
      return std::chrono::microseconds(value);
    case 'n':
      return nanoseconds(value);
    default:
      return std::nullopt;
  }
}

// The request message(s) of `route` from the body: one JSON object, or for a client stream one
// per non-blank line. Errors name the line.
absl::StatusOr<std::vector<std::unique_ptr<Message>>> ParseBody(const HttpRoute& route,
                                                                const std::string& body) {
  const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      route.method->input_type());
  google::protobuf::util::JsonParseOptions strict;  // unknown fields are errors: typos show
  std::vector<std::unique_ptr<Message>> messages;
  auto parse = [&](absl::string_view text, const std::string& where) -> absl::Status {
    std::unique_ptr<Message> m(prototype->New());
    if (!text.empty()) {
      const auto s =
          google::protobuf::util::JsonStringToMessage(std::string(text), m.get(), strict);
      if (!s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(where, " is not a ",
                                                       route.method->input_type()->full_name(),
                                                       " in JSON: ", std::string(s.message())));
      }
    }
    messages.push_back(std::move(m));
    return absl::OkStatus();
  };
  if (!route.method->client_streaming()) {
    if (!route.body && !body.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(route.verb, " ", route.path, " takes no body"));
    }
    if (absl::Status s = parse(absl::StripAsciiWhitespace(body), "the request body"); !s.ok()) {
      return s;
    }
    return messages;
  }
  int line = 0;
  for (absl::string_view text : absl::StrSplit(body, '\n')) {
    ++line;
    text = absl::StripAsciiWhitespace(text);
    if (text.empty()) continue;
    if (absl::Status s = parse(text, absl::StrCat("line ", line, " of the request body"));
        !s.ok()) {
      return s;
    }
  }
  return messages;
}

// One call through the in-process channel, its replies written to `res`.
class Call {
 public:
  Call(const std::shared_ptr<grpc::Channel>& channel, const HttpRoute& route)
      : stub_(v1::BoundaryValidator::NewStub(channel)), route_(route) {}
  // A call whose replies were never all read (the client went before the stream began) is
  // cancelled, so the server stops working for nobody and a request writer thread ends.
  ~Call() {
    if (replies_ && !finished_) context_.TryCancel();
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  void Serve(const httplib::Request& req, const std::string& body, httplib::Response& res) {
    for (const char* header : {"Authorization", "X-Request-Id"}) {
      if (req.has_header(header)) {
        context_.AddMetadata(absl::AsciiStrToLower(header), req.get_header_value(header));
      }
    }
    const std::string timeout = req.has_header("X-Request-Timeout")
                                    ? req.get_header_value("X-Request-Timeout")
                                    : req.get_param_value("timeout");
    if (!timeout.empty()) {
      std::optional<std::chrono::nanoseconds> t = ParseTimeout(timeout);
      if (!t) {
        return BadRequest(res, absl::StrCat("X-Request-Timeout ", timeout,
                                            ": not a gRPC timeout such as 30S, 1500m or 2M"));
      }
      context_.set_deadline(std::chrono::system_clock::now() + *t);
    }
    absl::StatusOr<std::vector<std::unique_ptr<Message>>> requests = ParseBody(route_, body);
    if (!requests.ok()) return BadRequest(res, std::string(requests.status().message()));
    requests_ = *std::move(requests);
    if (requests_.empty()) return BadRequest(res, "the request body holds no message");

    replies_ = Openers().at(route_.method->name())(*stub_, &context_, requests_);
    first_.reset(google::protobuf::MessageFactory::generated_factory()
                     ->GetPrototype(route_.method->output_type())
                     ->New());
    // The HTTP status is decided by the first reply: a call refused outright is an HTTP error.
    if (!replies_->Read(first_.get())) {
      finished_ = true;
      return Fail(res, replies_->Finish());
    }
    if (!route_.method->server_streaming()) {
      finished_ = true;  // a unary call is complete once its one reply is in
      res.set_content(ToJson(*first_), "application/json");
    }
  }

  // For a streaming reply: writes the first message and every later one as NDJSON lines.
  bool Stream(httplib::DataSink& sink) {
    auto line = [&](const std::string& json) {
      const std::string text = json + "\n";
      return sink.write(text.data(), text.size());
    };
    bool writing = line(ToJson(*first_));
    while (writing && replies_->Read(first_.get())) writing = line(ToJson(*first_));
    if (!writing) context_.TryCancel();  // the client went away
    const grpc::Status status = replies_->Finish();
    finished_ = true;
    if (writing && !status.ok()) line(absl::StrCat(R"({"error": )", StatusJson(status), "}"));
    sink.done();
    return true;
  }

  bool streaming() const { return route_.method->server_streaming(); }

 private:
  std::unique_ptr<Stub> stub_;
  const HttpRoute& route_;
  grpc::ClientContext context_;
  std::vector<std::unique_ptr<Message>> requests_;
  std::unique_ptr<ReplyStream> replies_;
  std::unique_ptr<Message> first_;
  bool finished_ = false;
};

bool OriginAllowed(const std::vector<std::string>& allowed, const std::string& origin) {
  for (const std::string& a : allowed) {
    if (a == "*" || a == origin) return true;
  }
  return false;
}

std::string RegexOf(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

int HttpStatusOf(int grpc_code) {
  switch (static_cast<grpc::StatusCode>(grpc_code)) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 400;
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

absl::StatusOr<std::unique_ptr<HttpListener>> StartHttpGateway(
    const HttpGatewayOptions& options, const std::shared_ptr<grpc::Channel>& channel) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::BoundaryValidator::service_full_name());
  absl::StatusOr<std::vector<HttpRoute>> routes = HttpRoutes(*service);
  if (!routes.ok()) return routes.status();
  for (const HttpRoute& route : *routes) {
    if (!Openers().contains(route.method->name())) {
      return absl::FailedPreconditionError(
          absl::StrCat("HTTP route of ", route.method->full_name(), ": no caller in the gateway"));
    }
  }

  std::unique_ptr<httplib::Server> server;
  if (!options.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(
        options.tls_cert.c_str(), options.tls_key.c_str(),
        options.tls_client_ca.empty() ? nullptr : options.tls_client_ca.c_str());
    if (!tls->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("HTTP listener: cannot use the TLS certificate ", options.tls_cert,
                       " and key ", options.tls_key));
    }
    server = std::move(tls);
  } else {
    server = std::make_unique<httplib::Server>();
  }
  server->set_payload_max_length(static_cast<size_t>(options.max_body_bytes));

  // Routes are kept alive by the lambdas (the vector outlives none of them otherwise).
  auto kept = std::make_shared<std::vector<HttpRoute>>(*std::move(routes));
  auto guard = std::make_shared<SlowClientGuard>(options.slow_clients);
  for (const HttpRoute& route : *kept) {
    auto serve = [kept, channel, guard, &route](const httplib::Request& req,
                                                const std::string& body, httplib::Response& res) {
      guard->Serving(req.remote_addr, req.remote_port);  // its request is whole: not judged
      auto call = std::make_shared<Call>(channel, route);
      call->Serve(req, body, res);
      if (call->streaming() && res.status == -1) {
        res.set_chunked_content_provider(
            "application/x-ndjson",
            [call](size_t /*offset*/, httplib::DataSink& sink) { return call->Stream(sink); });
      }
    };
    if (route.verb == "GET") {
      server->Get(RegexOf(route.path), [serve](const httplib::Request& req,
                                               httplib::Response& res) { serve(req, "", res); });
      continue;
    }
    // The body is read here, not by httplib: whatever its Content-Type says, it is JSON (curl -d
    // calls it a form, which httplib would otherwise parse, and refuse past 8 KiB).
    // httplib refuses a Content-Length over the limit (413) but not a chunked body growing past
    // it: that is counted here. Up to as much again is read and dropped, so that the client
    // reads the 413 rather than a connection reset by unread bytes; past that reading stops
    // (httplib then reads what follows as a next request, under its own limits).
    const int64_t max_body = options.max_body_bytes;
    auto receive = [serve, max_body](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& read) {
      std::string body;
      int64_t received = 0;
      const bool complete = read([&](const char* data, size_t length) {
        received += static_cast<int64_t>(length);
        if (received <= max_body) body.append(data, length);
        return received <= 2 * max_body;
      });
      if (received > max_body) {
        Fail(res, TooBig(max_body));
        res.status = 413;
        return;
      }
      if (complete) serve(req, body, res);  // else httplib answers (413, 400)
    };
    server->Post(RegexOf(route.path), receive);
  }

  // The web page (clients/web) and what it loads, all from the binary (server/web_assets.h).
  auto serve_asset = [](std::string_view name, httplib::Response& res) {
    for (const WebAsset& asset : WebAssets()) {
      if (asset.name != name) continue;
      std::string type(asset.content_type);
      if (absl::StartsWith(type, "text/")) type += "; charset=utf-8";
      res.set_content(asset.body.data(), asset.body.size(), type.c_str());
      res.set_header("X-Content-Type-Options", "nosniff");
      // The page may talk to this server only; Leaflet sets styles from script.
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
      return;
    }
    Fail(res, grpc::Status(grpc::StatusCode::NOT_FOUND, "no file /web/" + std::string(name)));
  };
  server->Get("/", [serve_asset](const httplib::Request&, httplib::Response& res) {
    serve_asset("index.html", res);
  });
  server->Get("/web/(.+)", [serve_asset](const httplib::Request& req, httplib::Response& res) {
    serve_asset(req.matches[1].str(), res);
  });

  // Whatever httplib answers itself (no route, a body over the limit) gets a Status body too.
  const int64_t max_body = options.max_body_bytes;
  server->set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      Fail(res, grpc::Status(grpc::StatusCode::NOT_FOUND,
                             absl::StrCat("no route ", req.method, " ", req.path,
                                          " (docs/API.md lists them)")));
      res.status = 404;
    } else if (res.status == 413) {
      Fail(res, TooBig(max_body));
      res.status = 413;
    }
  });

  const std::vector<std::string> cors = options.cors_origins;
  server->Options(".*", [cors](const httplib::Request& req, httplib::Response& res) {
    res.status = 204;
    if (!OriginAllowed(cors, req.get_header_value("Origin"))) return;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers",
                   "Authorization, Content-Type, X-Request-Id, X-Request-Timeout");
    res.set_header("Access-Control-Max-Age", "600");
  });
  server->set_post_routing_handler([cors](const httplib::Request& req, httplib::Response& res) {
    const std::string origin = req.get_header_value("Origin");
    if (origin.empty() || !OriginAllowed(cors, origin)) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
  });

  return HttpListener::Start(std::move(server), options.host, options.port, "HTTP",
                             std::move(guard), options.threads);
}

}  // namespace pcnv::server
