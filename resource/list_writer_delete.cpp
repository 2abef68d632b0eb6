// Deletes of one object and of a page of the list (PROTOCOL.md §3.4, §3.8).
// A delete is planned -- refused, or the ids it removes -- before it is
// applied, so that its owner closes the subtrees below only for deletes that
// will happen.
#include "resource/list_query.h"
#include "resource/list_writer.h"
#include "resource/render.h"
#include "core/acl.h"
#include "core/query.h"
#include "core/timestamp.h"
#include "store/catalog.h"

namespace ratchet {

std::vector<std::string> ListWriter::subtrees_to_close(const Op& op) {
  if (!has_children_ || op.verb != kDelete) return {};
  store_.refresh();
  DeletePlan plan = plan_delete(op);
  std::vector<std::string> uris;
  if (plan.refusal) return uris;
  for (const auto& id : plan.ids) uris.push_back(object_uri(type_, parent_, id));
  return uris;
}

ListWriter::DeletePlan ListWriter::plan_delete(const Op& op) {
  DeletePlan plan;
  catalog::StoredAcls acls(store_.reader());
  const Permissions& perms = ctx_.permissions;
  if (!op.plural) {
    plan.refusal = change_refusal(op, load_object(op.id), nullptr);
    if (!plan.refusal) plan.ids.push_back(op.id);
    return plan;
  }

  bool all = perms.can_write_all(acls, op.principals, type_, parent_);
  // Plural deletes run on committed state (needs_committed_state).
  ListReader committed(store_.committed_state(), store_.list());
  std::vector<ErrorDetail> ignored;        // the frontend reported them
  Query query = parse_query(op.params, now_ms(), ignored);
  // Without write on the whole list, only objects the caller may write
  // individually are deleted (§7.5).
  ListQuery list =
      all ? ListQuery(committed, query, [](std::string_view) { return true; }, ctx_.stopping)
          : ListQuery(committed, query,
                      committed.granted_ids(object_uri(type_, parent_, ""), op.principals,
                                            {"write"}),
                      ctx_.stopping);
  plan.page_size = ctx_.settings.page_size(query.limit);
  ListPage page = list.page(plan.page_size, /*tombstones=*/false);
  plan.refusal = first_refusal(
      op,
      [&] {
        return permission(all || !page.entries.empty() ||
                              perms.can_create(acls, op.principals, type_, parent_),
                          op);
      },
      [&] { return missing_parent(); },
      [&]() -> Refusal {  // a _token names a page only once
        if (!query.after || ctx_.delete_tokens.valid(query.token_nonce, now_ms())) return pass();
        return Result::of(errors::invalid("querystring", std::string("_token"),
                                          "_token was already used or has expired."));
      },
      [&] { return check_preconditions(op, false, {true, store_.timestamp(), ""}); }, pass);
  if (plan.refusal) return plan;
  for (auto& e : page.entries) plan.ids.push_back(std::move(e.id));
  plan.used_nonce = query.after ? query.token_nonce : "";
  plan.next_token = std::move(page.next_token);
  plan.next_nonce = std::move(page.next_nonce);
  return plan;
}

Result ListWriter::delete_object(const Op& op) {
  DeletePlan plan = plan_delete(op);
  if (plan.refusal) return *plan.refusal;
  StoredObject existing = load_object(op.id);
  int64_t ts = stamp(client_timestamp(op, existing));
  store_.remove(op.id, ts, existing);
  std::string tombstone = catalog::tombstone_text(op.id, ts);
  announce(op, "delete", op.id, tombstone, "");
  Result r;
  r.timestamp = ts;
  r.body = "{\"data\":" + tombstone + "}";
  return r;
}

Result ListWriter::delete_list(const Op& op) {
  DeletePlan plan = plan_delete(op);
  if (plan.refusal) return *plan.refusal;
  if (!plan.used_nonce.empty()) ctx_.delete_tokens.redeem(plan.used_nonce, now_ms());
  DataArray body;
  int64_t last = store_.timestamp();
  for (const std::string& id : plan.ids) {
    last = stamp(std::nullopt);
    store_.remove(id, last, load_object(id));
    std::string tombstone = catalog::tombstone_text(id, last);
    announce(op, "delete", id, tombstone, "");
    body.add(tombstone);
  }
  Result r;
  r.timestamp = last;
  r.body = std::move(body).finish();
  if (!plan.next_token.empty()) {
    ctx_.delete_tokens.issue(plan.next_nonce, now_ms(),
                             ctx_.settings.pagination_token_validity_seconds * 1000);
    r.next_token = std::move(plan.next_token);
    r.page_size = plan.page_size;
  }
  return r;
}

}  // namespace ratchet
