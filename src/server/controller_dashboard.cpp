// Controller fallback: the dashboard's static files (web_dir) at /, for GET and HEAD; 404 for
// anything else. Like every statistics route it needs the store (the pages read /stat...).
//
// A request path is never joined onto the directory as it is: it must not contain "..", and
// the file it names, symbolic links resolved, must be a regular file inside web_dir.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;
namespace fs = std::filesystem;

namespace {

// The file under `root` that `path` ("/x/y.js") names, or "" when there is none.
fs::path file_under(const std::string& root, std::string path) {
  if (path.empty() || path == "/") path = "/index.html";
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) return {};
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return {};
  fs::path p = fs::weakly_canonical(base / path.substr(1), ec);
  if (ec || !fs::is_regular_file(p, ec)) return {};
  auto [end, rest] = std::mismatch(base.begin(), base.end(), p.begin(), p.end());
  if (end != base.end() || rest == p.end()) return {};
  return p;
}

std::string content_type(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".html"  ? "text/html; charset=utf-8"
         : ext == ".js"  ? "text/javascript; charset=utf-8"
         : ext == ".css" ? "text/css; charset=utf-8"
         : ext == ".svg" ? "image/svg+xml"
                         : "application/octet-stream";
}

}  // namespace

void set_dashboard(Controller& c) {
  const ControllerOptions* o = &c.options();
  c.set_fallback({"", {}, Access::kRead, true,
                  [o](http::Request&& req, http::ResponderPtr r, Access) {
                    fs::path p;
                    if ((req.method == "GET" || req.method == "HEAD") && !o->web_dir.empty()) {
                      p = file_under(o->web_dir, req.path);
                    }
                    std::ifstream in(p, std::ios::binary);
                    if (p.empty() || !in) {
                      r->send(http::Response::error(404, "unknown command: " + req.path));
                      return;
                    }
                    http::Response resp = http::Response::text(std::string(
                        (std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
                    resp.content_type = content_type(p);
                    r->send(std::move(resp));
                  }});
}

}  // namespace mw::server
