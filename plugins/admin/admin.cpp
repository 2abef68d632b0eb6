#include "plugins/admin/admin.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ratchet/settings.h"

namespace ratchet {
namespace {

namespace fs = std::filesystem;

constexpr char kSetting[] = "admin_assets_path";
// Kinto's: only the local origin, scripts and styles inline allowed.
constexpr char kPolicy[] =
    "default-src 'self'; img-src data: *; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'";
constexpr char kHelp[] = R"(<html>
<body>
  <h1>Kinto Admin</h1>
  <section>
    <h2>What's wrong?</h2>
    The Kinto Admin UI is a <a href="https://github.com/Kinto/kinto-admin/">JavaScript project</a>
    that ratchet bundles when it is built, with Node.js and the npm registry. This build has none.
  </section>
  <section>
    <h2>Build it</h2>
    <p>Run <code>scripts/setup</code> (or <code>admin/build.sh build/admin</code>) on a machine
    with <code>node</code> and <code>npm</code>, restart the server and refresh; or set
    <code>admin_assets_path</code> to the folder of another build.</p>
  </section>
  <section>
    <h2>...or use the online version</h2>
    The Kinto Admin is a static Web application: open
    <a href="http://kinto.github.io/kinto-admin/">http://kinto.github.io/kinto-admin/</a>
    and set the server address to this server's <em>/v1</em> URL.
  </section>
</body>
</html>
)";

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string content_type(const fs::path& path) {
  static const std::vector<std::pair<std::string, std::string>> kTypes{
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},
      {".ico", "image/x-icon"},              {".woff", "font/woff"},
      {".woff2", "font/woff2"},              {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  std::string ext = path.extension().string();
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

Page not_found() {
  Error e = errors::unknown_url();
  return Page{e.status, {}, e.body()};
}

// A file below the assets folder: no segment may leave it.
std::optional<fs::path> asset(const fs::path& root, const std::string& subpath) {
  fs::path relative(subpath);
  if (relative.has_root_path()) return std::nullopt;
  for (const fs::path& part : relative) {
    std::string p = part.string();
    if (p.empty() || p == "." || p == ".." || p.find('\\') != std::string::npos) return std::nullopt;
  }
  fs::path full = root / relative;
  std::error_code ec;
  if (!fs::is_regular_file(full, ec)) return std::nullopt;
  return full;
}

Page serve(const fs::path& root, const std::string& subpath) {
  if (subpath.empty()) {
    std::string body = read_file(root / "index.html").value_or(kHelp);
    return Page{200, {{"Content-Type", "text/html; charset=utf-8"},
                      {"Content-Security-Policy", kPolicy},
                      {"Cache-Control", "no-cache"}},
                std::move(body)};
  }
  auto path = asset(root, subpath);
  if (!path) return not_found();
  auto body = read_file(*path);
  if (!body) return not_found();
  return Page{200, {{"Content-Type", content_type(*path)}}, std::move(*body)};
}

}  // namespace

Plugin admin_plugin() {
  Plugin plugin{.name = "admin", .keys = {{.name = kSetting}}};
  plugin.includeme = [](Registry& registry, const Settings& settings) {
    fs::path root = settings.extra_or(kSetting, RATCHET_ADMIN_ASSETS);
    std::string version = read_file(root / "VERSION").value_or("");
    version.erase(version.find_last_not_of(" \t\r\n") + 1);
    registry.add_capability("admin", {{"description", "Serves the admin console."},
                                      {"url", "https://github.com/Kinto/kinto-admin/"},
                                      {"version", version}});
    registry.add_pages("/admin", [root](Objects&, const PageRequest& request) {
      return serve(root, request.subpath);
    });
  };
  return plugin;
}

}  // namespace ratchet
