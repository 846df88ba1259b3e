# The web page pcnv-server serves at / (server/web_assets.h): the page's files in clients/web
# (index.html, app.js, style.css) and the map library it draws with, Leaflet from Debian's
# libjs-leaflet with its copyright file, compiled into the server as data.
set(leaflet_dir /usr/share/javascript/leaflet)
if(NOT EXISTS ${leaflet_dir}/leaflet.min.js)
  message(FATAL_ERROR "Leaflet not found in ${leaflet_dir}: install Debian's libjs-leaflet "
                      "(deploy/install-deps.sh does)")
endif()
set(web_entries
  "index.html=${PROJECT_SOURCE_DIR}/clients/web/index.html=text/html"
  "app.js=${PROJECT_SOURCE_DIR}/clients/web/app.js=text/javascript"
  "style.css=${PROJECT_SOURCE_DIR}/clients/web/style.css=text/css"
  "leaflet.js=${leaflet_dir}/leaflet.min.js=text/javascript"
  "leaflet.css=${leaflet_dir}/leaflet.css=text/css"
  "images/layers.png=${leaflet_dir}/images/layers.png=image/png"
  "images/layers-2x.png=${leaflet_dir}/images/layers-2x.png=image/png"
  "images/marker-icon.png=${leaflet_dir}/images/marker-icon.png=image/png"
  "images/marker-icon-2x.png=${leaflet_dir}/images/marker-icon-2x.png=image/png"
  "images/marker-shadow.png=${leaflet_dir}/images/marker-shadow.png=image/png"
  "LEAFLET-LICENSE.txt=/usr/share/doc/libjs-leaflet/copyright=text/plain")
set(web_files)
foreach(entry IN LISTS web_entries)
  string(REPLACE "=" ";" parts "${entry}")
  list(GET parts 1 path)
  list(APPEND web_files ${path})
endforeach()
string(REPLACE ";" "|" web_entries_arg "${web_entries}")
set(web_cc ${CMAKE_CURRENT_BINARY_DIR}/web_assets.cc)
add_custom_command(
  OUTPUT ${web_cc}
  COMMAND ${CMAKE_COMMAND} -DOUT=${web_cc} "-DENTRIES=${web_entries_arg}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/embed_files.cmake
  DEPENDS ${web_files} ${CMAKE_CURRENT_SOURCE_DIR}/embed_files.cmake
  COMMENT "Embedding the web page and Leaflet"
  VERBATIM)
add_library(pcnv_web_assets STATIC ${web_cc})
target_include_directories(pcnv_web_assets PUBLIC ${PROJECT_SOURCE_DIR})
