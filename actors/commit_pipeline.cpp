#include "actors/commit_pipeline.h"

#include <variant>

#include "resource/failure.h"

namespace ratchet {

CommitPipeline::CommitPipeline(Context& ctx, const ResourceType& type, std::string parent,
                               Port& port)
    : ctx_(ctx), port_(port), writer_(ctx, type, std::move(parent)) {}

void CommitPipeline::push(Reply rp, Op op) {
  queue_.push_back({std::move(rp), std::move(op)});
  run();
}

void CommitPipeline::flush(uint64_t seq) {
  if (seq == 0) {
    flush_queued_ = false;
  } else if (committing_ && seq == commit_seq_) {
    finish_commit();
  } else {
    return;  // already finished by drain()
  }
  if (!committing_) start_commit();
  run();
}

void CommitPipeline::closed() {
  Queued q = std::move(*closing_);
  closing_.reset();
  auto& reopen = building_.reopen;
  reopen.insert(reopen.end(), closing_uris_.begin(), closing_uris_.end());
  closing_uris_.clear();
  answer_later(std::move(q.rp), apply(q.op));
  run();
}

void CommitPipeline::drain() {
  while (committing_ || writer_.dirty() || !building_.answers.empty()) {
    if (!committing_) start_commit();
    if (committing_) {
      commit_done_.wait();
      finish_commit();
    }
  }
}

void CommitPipeline::refuse_queued(const Error& error) {
  if (closing_) closing_->rp(Result::of(error));
  if (!closing_uris_.empty()) port_.reopen(std::move(closing_uris_));
  closing_.reset();
  closing_uris_.clear();
  for (auto& q : queue_) q.rp(Result::of(error));
  queue_.clear();
}

void CommitPipeline::fail(const Error& error) {
  answer_staged(error);
  refuse_queued(error);
}

void CommitPipeline::answer_staged(const Error& error) {
  for (Stage* stage : {&sealed_, &building_}) {
    for (auto& [rp, result] : stage->answers) result = Result::of(error);
    deliver(*stage);
  }
}

bool CommitPipeline::idle() const {
  return !committing_ && !writer_.dirty() && building_.answers.empty() && queue_.empty() &&
         !closing_;
}

void CommitPipeline::run() {
  while (!closing_ && !queue_.empty()) {
    const Op& next = queue_.front().op;
    if (ListWriter::needs_committed_state(next) && (committing_ || writer_.dirty())) {
      request_flush();  // it runs once what precedes it is durable
      return;
    }
    Queued q = std::move(queue_.front());
    queue_.pop_front();
    handle(std::move(q));
  }
}

void CommitPipeline::handle(Queued q) {
  std::vector<std::string> uris;
  try {
    uris = writer_.subtrees_to_close(q.op);
  } catch (...) {
    q.rp(failure_result("delete planning"));
    return;
  }
  if (uris.empty()) {
    answer_later(std::move(q.rp), apply(q.op));
    return;
  }
  closing_ = std::move(q);
  closing_uris_ = uris;
  port_.close(uris);
}

Result CommitPipeline::apply(const Op& op) {
  try {
    return writer_.apply(op);
  } catch (...) {
    return failure_result("write");
  }
}

void CommitPipeline::answer_later(Reply rp, Result result) {
  building_.answers.emplace_back(std::move(rp), std::move(result));
  request_flush();
}

void CommitPipeline::request_flush() {
  if (flush_queued_) return;
  flush_queued_ = true;
  port_.flush_later();
}

void CommitPipeline::deliver(Stage& stage) {
  for (auto& [rp, result] : stage.answers) rp(std::move(result));
  if (!stage.reopen.empty()) port_.reopen(std::move(stage.reopen));
  stage = Stage{};
}

void CommitPipeline::start_commit() {
  if (!writer_.dirty()) {
    deliver(building_);
    return;
  }
  sealed_ = std::move(building_);
  building_ = Stage{};
  committing_ = true;
  Commit commit = writer_.seal();
  sealed_outboxes_ = posted_outboxes(commit);
  commit_done_ = port_.commit(std::move(commit), ++commit_seq_);
}

std::map<ListId, std::vector<std::string>> CommitPipeline::posted_outboxes(const Commit& commit) {
  std::map<ListId, std::vector<std::string>> out;
  for (const Change& change : commit.changes) {
    const auto* record = std::get_if<OutboxRecord>(&change);
    if (record && record->present) out[record->list].push_back(record->key);
  }
  return out;
}

void CommitPipeline::finish_commit() {
  committing_ = false;
  if (commit_done_.get()) {
    writer_.committed();
    ctx_.stats.batches_committed++;
    ctx_.stats.ops_committed += sealed_.answers.size();
    for (auto& [list, keys] : sealed_outboxes_) port_.consume_outbox(list, std::move(keys));
    sealed_outboxes_.clear();
    deliver(sealed_);
    return;
  }
  // What is being built was evaluated on top of the failed batch.
  answer_staged(errors::backend_unavailable());
  writer_.abandon();  // may throw: the actor stops then
}

}  // namespace ratchet
