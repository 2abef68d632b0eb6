#include "ratchet/json.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ratchet {
namespace {

// nlohmann's own DOM builder, refusing to open a container beyond the limit
// (its parser is iterative; only the depth of what it builds needs a bound).
class BoundedDom : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  using Base = nlohmann::detail::json_sax_dom_parser<Json>;
  explicit BoundedDom(Json& result) : Base(result, true) {}

  bool start_object(std::size_t n) {
    enter();
    return Base::start_object(n);
  }
  bool start_array(std::size_t n) {
    enter();
    return Base::start_array(n);
  }
  bool end_object() { --depth_; return Base::end_object(); }
  bool end_array() { --depth_; return Base::end_array(); }

 private:
  void enter() {
    if (++depth_ > kMaxJsonDepth) {
      std::string limit = std::to_string(kMaxJsonDepth);
      throw Json::parse_error::create(
          101, 0, "arrays and objects nest deeper than " + limit + " levels", nullptr);
    }
  }
  size_t depth_ = 0;
};

}  // namespace

// Invalid UTF-8 (which only a client's bytes can bring, e.g. echoed in an
// error message) is replaced rather than thrown on.
std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string quote(std::string_view s) { return dump(Json(s)); }

Json parse_json(std::string_view text) {
  Json result;
  BoundedDom dom(result);
  Json::sax_parse(text.begin(), text.end(), &dom);
  return result;
}

std::optional<Json> try_parse_json(std::string_view text) {
  try {
    return parse_json(text);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

size_t json_depth(const Json& value) {
  size_t deepest = 0;
  std::vector<std::pair<const Json*, size_t>> todo{{&value, 1}};
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, depth);
    for (const Json& child : *v) todo.emplace_back(&child, depth + 1);
  }
  return deepest;
}

size_t json_size(const Json& value, size_t cap) {
  size_t size = 0;
  std::vector<const Json*> todo{&value};
  while (!todo.empty() && size <= cap) {
    const Json* v = todo.back();
    todo.pop_back();
    switch (v->type()) {
      case Json::value_t::string: size += v->get_ref<const std::string&>().size() + 2; break;
      case Json::value_t::array:
        size += 2;
        for (auto it = v->begin(); it != v->end() && size <= cap; ++it) {
          size += 1;  // its comma
          todo.push_back(&*it);
        }
        break;
      case Json::value_t::object:
        size += 2;
        for (auto it = v->begin(); it != v->end() && size <= cap; ++it) {
          size += it.key().size() + 4;  // quotes, colon and comma
          todo.push_back(&*it);
        }
        break;
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
      case Json::value_t::number_float: size += 8; break;
      default: size += 4; break;  // null, true, false
    }
  }
  return size;
}

std::string json_error_message(const Json::exception& e) {
  std::string what = e.what();
  size_t tag = what.find("] ");
  return tag == std::string::npos ? what : what.substr(tag + 2);
}

}  // namespace ratchet
