#include "store/pending.h"

namespace ratchet {

int Pending::Layer::find(std::string_view key, std::string* value) const {
  auto it = writes.find(key);
  if (it != writes.end()) {
    if (!it->second) return 0;
    *value = *it->second;
    return 1;
  }
  for (const auto& [begin, end] : deleted_ranges) {
    if (key >= begin && key < end) return 0;
  }
  return -1;
}

bool Pending::get(std::string_view key, std::string* value) const {
  for (const Layer* layer : {&building_, &sealed_}) {
    int found = layer->find(key, value);
    if (found >= 0) return found == 1;
  }
  return base_->get(key, value);
}

void Pending::put(std::string key, std::string value) {
  building_.writes[key] = value;
  batch_.put(std::move(key), std::move(value));
}

void Pending::del(std::string key) {
  building_.writes[key] = std::nullopt;
  batch_.del(std::move(key));
}

void Pending::del_range(std::string begin, std::string end) {
  auto& w = building_.writes;
  w.erase(w.lower_bound(begin), w.lower_bound(end));
  building_.deleted_ranges.emplace_back(begin, end);
  batch_.del_range(std::move(begin), std::move(end));
}

Batch Pending::seal() {
  sealed_ = std::move(building_);
  building_ = Layer{};
  Batch out = std::move(batch_);
  batch_.clear();
  return out;
}

void Pending::clear() {
  building_ = Layer{};
  sealed_ = Layer{};
  batch_.clear();
}

}  // namespace ratchet
