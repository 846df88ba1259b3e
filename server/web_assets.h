// The web page pcnv-server serves at / on its HTTP listener (clients/web/README.md): the page's
// own files and Debian's Leaflet with its licence, compiled into the binary at build time
// (server/web_assets.cmake), so nothing is fetched from another site at run time.
#ifndef PCNV_SERVER_WEB_ASSETS_H_
#define PCNV_SERVER_WEB_ASSETS_H_

#include <string_view>
#include <vector>

namespace pcnv::server {

struct WebAsset {
  std::string_view name;  // served at /web/NAME; index.html at / too
  std::string_view content_type;
  std::string_view body;
};

const std::vector<WebAsset>& WebAssets();

}  // namespace pcnv::server

#endif  // PCNV_SERVER_WEB_ASSETS_H_
