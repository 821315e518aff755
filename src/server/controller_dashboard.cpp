// Controller fallback: the dashboard's static files (web_dir) at /, for GET and HEAD; 404 for
// anything else. The files are served to anybody, as Rspamd serves its WebUI: they hold no
// data, and the page asks for the controller password before it reads any (/auth).
//
// A request path is never joined onto the directory as it is (style rule 16). It is refused
// (404) when its raw form holds an encoded separator or NUL (%2F, %5C, %00), or when its
// decoded form is absolute ("//etc/passwd"), has an empty, "." or ".." segment, a backslash
// or a control character. What is left is looked up under web_dir, symbolic links resolved:
// the file must stay inside web_dir (canonically) and be a regular file, checked again on
// the opened descriptor, and at most kMaxFileSize bytes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/fd.h"
#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxFileSize = 16 << 20;

bool has_encoded(std::string_view raw, std::string_view code) {
  for (size_t i = raw.find('%'); i != std::string_view::npos; i = raw.find('%', i + 1)) {
    if (i + 2 < raw.size() &&
        std::tolower(static_cast<unsigned char>(raw[i + 1])) == code[0] &&
        std::tolower(static_cast<unsigned char>(raw[i + 2])) == code[1]) {
      return true;
    }
  }
  return false;
}

// The relative path under web_dir that a request names, or "" when it names none we serve.
std::string relative_path(const http::Request& req) {
  std::string_view raw = req.target;
  raw = raw.substr(0, raw.find_first_of("?#"));
  for (std::string_view code : {"2f", "5c", "00"}) {
    if (has_encoded(raw, code)) return {};
  }
  std::string_view path = req.path;
  if (path.empty() || path.front() != '/') return {};
  path.remove_prefix(1);
  if (path.empty()) return "index.html";
  std::string out;
  while (true) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") return {};  // also "//x": absolute
    for (char c : seg) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f || c == '\\') return {};
    }
    if (!out.empty()) out.push_back('/');
    out.append(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The file under `root` that the request names, canonical, or "" when there is none.
fs::path file_under(const std::string& root, const http::Request& req) {
  std::string rel = relative_path(req);
  if (rel.empty()) return {};
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return {};
  fs::path p = fs::weakly_canonical(base / rel, ec);
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
  c.set_fallback({"", {}, Access::kNone, false,
                  [o](http::Request&& req, http::ResponderPtr r, Access) {
                    fs::path p;
                    if ((req.method == "GET" || req.method == "HEAD") && !o->web_dir.empty()) {
                      p = file_under(o->web_dir, req);
                    }
                    std::string body;
                    if (p.empty() ||
                        core::read_regular_file(p.string(), kMaxFileSize, false, body) != 0) {
                      r->send(http::Response::error(404, "unknown command: " + req.path));
                      return;
                    }
                    http::Response resp = http::Response::text(std::move(body));
                    resp.content_type = content_type(p);
                    r->send(std::move(resp));
                  }});
}

}  // namespace mw::server
