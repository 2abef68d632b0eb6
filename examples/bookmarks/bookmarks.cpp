#include "bookmarks.h"

#include <algorithm>
#include <cctype>

namespace bookmarks {
namespace {

using ratchet::ErrorDetail;
using ratchet::Json;

bool is_web_url(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    std::string s(scheme);
    if (url.size() > s.size() && url.compare(0, s.size(), s) == 0) return true;
  }
  return false;
}

void check(const Json& data, std::vector<ErrorDetail>& problems) {
  auto url = data.find("url");
  if (url == data.end()) {
    problems.push_back({"body", std::string("data.url"), "Required"});
  } else if (!url->is_string() || !is_web_url(url->get<std::string>())) {
    problems.push_back({"body", std::string("data.url"), "url should be an http or https URL"});
  }
  auto title = data.find("title");
  if (title != data.end() && !title->is_string()) {
    problems.push_back({"body", std::string("data.title"), "title should be a string"});
  }
}

// "https://Example.org:8080/a?b" -> "example.org"
void add_domain(Json& data, const Json* /*old*/) {
  std::string url = data["url"].get<std::string>();
  size_t start = url.find("://") + 3;
  size_t end = url.find_first_of(":/?#", start);
  std::string domain = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::transform(domain.begin(), domain.end(), domain.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  data["domain"] = domain;
}

}  // namespace

void add_bookmarks(ratchet::Registry& registry) {
  registry.add({.name = "bookmark",
                .plural = "bookmarks",
                .per_user = true,
                .ids = ratchet::uuid_ids(),
                .check = check,
                .process = add_domain});
}

}  // namespace bookmarks
