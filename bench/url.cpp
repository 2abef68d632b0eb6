#include "bench/url.h"

#include <charconv>
#include <sstream>

namespace bench {

std::optional<Url> parse_url(const std::string& text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<Url> {
    if (error) *error = "malformed URL '" + text + "': " + why;
    return std::nullopt;
  };
  const std::string scheme = "http://";
  if (text.rfind("https://", 0) == 0) return fail("https is not supported, use http://");
  if (text.rfind(scheme, 0) != 0) return fail("it must start with http://");
  std::string rest = text.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (path.find_first_of("?# ") != std::string::npos)
    return fail("the path may not hold a query, a fragment or spaces");
  if (authority.empty()) return fail("no host");
  if (authority.find('@') != std::string::npos)
    return fail("credentials in the URL are not supported (the benchmark makes its own users)");
  Url url;
  size_t colon = authority.rfind(':');
  if (authority.front() == '[') return fail("IPv6 literals are not supported");
  if (colon == std::string::npos) {
    url.host = authority;
  } else {
    url.host = authority.substr(0, colon);
    std::string port = authority.substr(colon + 1);
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
        value > 65535)
      return fail("bad port '" + port + "'");
    url.port = value;
  }
  if (url.host.empty()) return fail("no host");
  while (!path.empty() && path.back() == '/') path.pop_back();
  url.base = path;
  return url;
}

std::optional<std::vector<Url>> parse_url_list(const std::string& text, std::string* error) {
  std::vector<Url> urls;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto url = parse_url(item, error);
    if (!url) return std::nullopt;
    if (!urls.empty() && url->base != urls.front().base) {
      if (error) *error = "'" + item + "' has another path than '" + urls.front().str() +
                          "' (the nodes of a list must serve the same API path)";
      return std::nullopt;
    }
    urls.push_back(*url);
  }
  if (urls.empty() || text.back() == ',') {
    if (error) *error = "'" + text + "' is not a comma-separated list of URLs (an entry is empty)";
    return std::nullopt;
  }
  return urls;
}

std::string describe(const std::vector<Url>& urls) {
  std::string text = urls.front().str();
  if (urls.size() > 1) text += " + " + std::to_string(urls.size() - 1) + " more";
  return text;
}

std::optional<std::string> same_server_target(const Url& url, const std::string& absolute) {
  if (!absolute.empty() && absolute.front() == '/') return absolute;
  const std::string scheme = "http://";
  if (absolute.rfind(scheme, 0) != 0) return std::nullopt;
  size_t slash = absolute.find('/', scheme.size());
  std::string authority = absolute.substr(scheme.size(), slash - scheme.size());
  std::string expected = url.authority();
  bool same = authority == expected || (url.port == 80 && authority == url.host);
  if (!same) return std::nullopt;
  return slash == std::string::npos ? std::string("/") : absolute.substr(slash);
}

}  // namespace bench
