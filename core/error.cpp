#include "ratchet/error.h"

#include <algorithm>

#include "ratchet/json.h"

namespace ratchet {

std::string Error::body() const {
  std::string out = "{\"code\":" + std::to_string(status) +
                    ",\"errno\":" + std::to_string(errno_) + ",\"error\":" + quote(error);
  if (!message.empty()) out += ",\"message\":" + quote(message);
  if (!details.empty()) out += ",\"details\":" + details;
  out += '}';
  return out;
}

namespace errors {
namespace {

Error make(int status, int errno_, std::string error, std::string message = {},
           std::string details = {}) {
  return Error{status, errno_, std::move(error), std::move(message), std::move(details)};
}

std::string missing_details(const std::string& id, const std::string& resource) {
  return "{\"id\":" + quote(id) + ",\"resource_name\":" + quote(resource) + "}";
}

}  // namespace

Error invalid(std::vector<ErrorDetail> details) {
  std::stable_sort(details.begin(), details.end(), [](const auto& a, const auto& b) {
    return a.name.value_or("") < b.name.value_or("");
  });
  Json list = Json::array();
  for (const auto& d : details) {
    list.push_back({{"location", d.location},
                    {"name", d.name ? Json(*d.name) : Json(nullptr)},
                    {"description", d.description}});
  }
  std::string message;
  if (!details.empty()) {
    const ErrorDetail& first = details.front();
    if (!first.name) {
      message = first.location + ": " + first.description;
    } else if (!first.name->empty() &&
               first.description.find(*first.name) != std::string::npos) {
      message = first.description;
    } else if (first.name->empty()) {
      message = first.description;
    } else {
      message = *first.name + " in " + first.location + ": " + first.description;
    }
  }
  return make(400, kInvalidParameters, "Invalid parameters", message, dump(list));
}

Error invalid(std::string location, std::optional<std::string> name,
              std::string description) {
  return invalid({ErrorDetail{std::move(location), std::move(name), std::move(description)}});
}

Error invalid_json(const std::string& parser_detail) {
  return invalid({{"body", std::string(), "Invalid JSON: " + parser_detail},
                  {"body", std::string(), "Required"}});
}

namespace {

// A JSON value as Python prints it (Kinto's messages quote repr()).
std::string python_repr(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "None";
    case Json::value_t::boolean: return v.get<bool>() ? "True" : "False";
    case Json::value_t::string: {
      std::string out = "'";
      for (char c : v.get_ref<const std::string&>()) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
      }
      return out + "'";
    }
    case Json::value_t::array: {
      std::string out = "[";
      for (const Json& item : v) out += (out.size() > 1 ? ", " : "") + python_repr(item);
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      for (const auto& [key, item] : v.items()) {
        out += (out.size() > 1 ? ", " : "") + python_repr(Json(key)) + ": " + python_repr(item);
      }
      return out + "}";
    }
    default: return dump(v);
  }
}

}  // namespace

ErrorDetail unrecognized_keys(std::string location, std::string name, const Json& unknown) {
  return {std::move(location), std::move(name),
          "Unrecognized keys in mapping: \"" + python_repr(unknown) + "\""};
}

ErrorDetail not_a_mapping(std::string location, std::string name, const Json& value) {
  return {std::move(location), std::move(name),
          "\"" + python_repr(value) +
              "\" is not a mapping type: Does not implement dict-like functionality."};
}

std::vector<ErrorDetail> body_not_an_object(const Json& body) {
  if (body.is_array()) return {not_a_mapping("body", "", body)};
  return {{"body", std::string(), "Should be a JSON object or an array"},
          {"body", std::string(), "Required"}};
}

Error bad_url() { return make(400, kInvalidParameters, "Bad Request", "Invalid URL path."); }

Error unknown_url() {
  return make(404, kMissingResource, "Not Found",
              "The resource you are looking for could not be found.");
}

Error version_not_available() {
  return make(404, kVersionNotAvailable, "Not Found",
              "The requested API version is not available on this server.");
}

Error object_missing(const std::string& id, const std::string& resource) {
  return make(404, kInvalidResourceId, "Not Found", {}, missing_details(id, resource));
}

Error parent_missing(const std::string& id, const std::string& resource) {
  return make(404, kMissingResource, "Not Found", {}, missing_details(id, resource));
}

Error unauthenticated() {
  return make(401, kMissingAuthToken, "Unauthorized",
              "Please authenticate yourself to use this endpoint.");
}

Error forbidden() {
  return make(403, kForbidden, "Forbidden", "This user cannot access this resource.");
}

Error not_allowed(const std::string& user_id) {
  return user_id.empty() ? unauthenticated() : forbidden();
}

Error method_not_allowed() {
  return make(405, kMethodNotAllowed, "Method Not Allowed",
              "Method not allowed on this endpoint.");
}

Error not_acceptable() {
  Error e = invalid("header", std::string("Accept"),
                    "Accept header should be one of ['application/json']");
  e.status = 406;
  return e;
}

Error unsupported_media_type(const std::vector<std::string>& allowed) {
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "'" : ", '") + a + "'";
  Error e = invalid("header", std::string("Content-Type"),
                    "Content-Type header should be one of [" + list + "]");
  e.status = 415;
  return e;
}

Error precondition_failed(const std::string& existing_json) {
  return make(412, kModifiedMeanwhile, "Precondition Failed", "Resource was modified meanwhile",
              existing_json.empty() ? std::string() : "{\"existing\":" + existing_json + "}");
}

Error too_large(size_t limit) {
  return make(413, kRequestTooLarge, "Request Entity Too Large",
              "Request body is larger than " + std::to_string(limit) + " bytes.");
}

Error unreadable_request(int status, size_t max_body_bytes) {
  switch (status) {
    case 413: return too_large(max_body_bytes);
    case 408:
      return make(408, kInvalidParameters, "Request Timeout",
                  "The request was not received in time.");
    case 414:
      return make(414, kInvalidParameters, "URI Too Long",
                  "The request target is longer than the server accepts.");
    case 431:
      return make(431, kInvalidParameters, "Request Header Fields Too Large",
                  "The request head has too many or too large header fields.");
    case 501:
      return make(501, kUndefined, "Not Implemented",
                  "Unsupported Transfer-Encoding: only chunked is supported.");
    default:
      return make(400, kInvalidParameters, "Bad Request", "Malformed HTTP request.");
  }
}

Error backend_unavailable() {
  return make(503, kBackend, "Service Unavailable",
              "Service temporary unavailable due to overloading or maintenance, please retry "
              "later.");
}

Error internal() {
  return make(500, kUndefined, "Internal Server Error",
              "A programmatic error occurred, developers have been informed.");
}

}  // namespace errors
}  // namespace ratchet
