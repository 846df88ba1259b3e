#include "server/http_routes.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"

namespace pcnv::server {

absl::StatusOr<std::vector<HttpRoute>> HttpRoutes(
    const google::protobuf::ServiceDescriptor& service) {
  std::vector<HttpRoute> routes;
  std::set<std::string> seen;
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service.method(i);
    auto refuse = [&](absl::string_view why) {
      return absl::FailedPreconditionError(
          absl::StrCat("HTTP route of ", method->full_name(), ": ", why));
    };
    if (!method->options().HasExtension(google::api::http)) {
      return refuse("no google.api.http annotation in the proto");
    }
    const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
    HttpRoute route;
    route.method = method;
    switch (rule.pattern_case()) {
      case google::api::HttpRule::kGet:
        if (!rule.body().empty()) return refuse("a GET route cannot have a body");
        route.verb = "GET";
        route.path = rule.get();
        route.body = false;
        break;
      case google::api::HttpRule::kPost:
        if (rule.body() != "*") return refuse("a POST route's body must be \"*\"");
        route.verb = "POST";
        route.path = rule.post();
        route.body = true;
        break;
      default:
        return refuse("only GET and POST routes are served");
    }
    if (!absl::StartsWith(route.path, "/") || absl::StrContains(route.path, "{")) {
      return refuse(absl::StrCat("path ", route.path, " is not a literal path"));
    }
    if (!rule.additional_bindings().empty() || !rule.response_body().empty()) {
      return refuse("additional_bindings and response_body are not served");
    }
    if (!seen.insert(route.path).second) {
      return refuse(absl::StrCat("path ", route.path, " is another method's too"));
    }
    routes.push_back(route);
  }
  return routes;
}

}  // namespace pcnv::server
