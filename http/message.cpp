#include "http/message.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace ratchet {

std::string HttpRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void HttpResponse::set_header(const std::string& name, std::string value) {
  headers.erase(name);
  headers.emplace(name, std::move(value));
}

HttpResponse HttpResponse::of(const Error& error) {
  HttpResponse r;
  r.status = error.status;
  r.errno_ = error.errno_;
  r.body = error.body();
  return r;
}

std::string media_type(const std::string& header) {
  std::string type = header.substr(0, header.find(';'));
  size_t b = type.find_first_not_of(' ');
  size_t e = type.find_last_not_of(' ');
  if (b == std::string::npos) return "";
  type = type.substr(b, e - b + 1);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

std::vector<std::string> header_list(const std::string& value) {
  std::vector<std::string> items;
  for (size_t start = 0; start <= value.size();) {
    size_t end = std::min(value.find(',', start), value.size());
    size_t first = value.find_first_not_of(" \t", start);
    if (first < end) items.push_back(value.substr(first, value.find_last_not_of(" \t", end - 1) + 1 - first));
    start = end + 1;
  }
  return items;
}

std::vector<std::pair<std::string, std::string>> parse_query(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = pair.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
      out.emplace_back(httplib::detail::decode_url(key, true),
                       httplib::detail::decode_url(value, true));
    }
    start = end + 1;
  }
  return out;
}

std::string encode_query_value(const std::string& value) {
  return httplib::detail::encode_query_param(value);
}

std::string encode_path(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if (std::isalnum(c) || (c != 0 && std::strchr("-._~!$&'()*+,;=:@/", c) != nullptr)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace ratchet
