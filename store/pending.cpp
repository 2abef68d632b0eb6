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

void Pending::remember(const std::string& key, Undo& undo) {
  auto it = building_.writes.find(key);
  if (it == building_.writes.end()) {
    undo.writes.emplace_back(key, std::nullopt);
  } else {
    undo.writes.emplace_back(key, it->second);
  }
}

void Pending::put(std::string key, std::string value) {
  Undo undo;
  remember(key, undo);
  undo_.push_back(std::move(undo));
  building_.writes[std::move(key)] = std::move(value);
}

void Pending::del(std::string key) {
  Undo undo;
  remember(key, undo);
  undo_.push_back(std::move(undo));
  building_.writes[std::move(key)] = std::nullopt;
}

void Pending::del_range(std::string begin, std::string end) {
  auto& w = building_.writes;
  Undo undo;
  undo.added_range = true;
  for (auto it = w.lower_bound(begin); it != w.lower_bound(end); ++it) {
    undo.writes.emplace_back(it->first, it->second);
  }
  undo_.push_back(std::move(undo));
  w.erase(w.lower_bound(begin), w.lower_bound(end));
  building_.deleted_ranges.emplace_back(std::move(begin), std::move(end));
}

void Pending::rollback(const Mark& mark) {
  while (undo_.size() > mark.undo_size) {
    Undo& undo = undo_.back();
    if (undo.added_range) building_.deleted_ranges.pop_back();
    for (auto it = undo.writes.rbegin(); it != undo.writes.rend(); ++it) {
      if (it->second) {
        building_.writes[it->first] = *it->second;
      } else {
        building_.writes.erase(it->first);
      }
    }
    undo_.pop_back();
  }
}

void Pending::seal() {
  if (sealed_durable_) refresh();  // the base must hold what the overlay forgets
  sealed_ = std::move(building_);
  building_ = Layer{};
  undo_.clear();
}

void Pending::clear() {
  if (sealed_durable_) refresh();  // the base must hold what the overlay forgets
  undo_.clear();
  building_ = Layer{};
  sealed_ = Layer{};
  sealed_durable_ = false;
}

}  // namespace ratchet
