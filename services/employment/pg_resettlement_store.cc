#include "services/employment/pg_resettlement_store.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "ccms/employment/v1/employment_events.pb.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

#define CCMS_RESETTLEMENT_COLUMNS                                                             \
  "r.item_id::text, r.case_id::text, c.district_code, r.status, r.end_date::text,"            \
  " r.raised_on::text, r.due_on::text, r.closed_on::text, coalesce(r.referral_id::text, '')," \
  " r.reason_code, r.policy_version"

// The case's item that is not cancelled (at most one), locked.
constexpr db::Query kCurrentOfCase = {
    "employment_resettlement_current_of_case",
    "SELECT " CCMS_RESETTLEMENT_COLUMNS
    " FROM resettlement_items r JOIN cases c ON c.case_id = r.case_id"
    " WHERE r.case_id = $1::uuid AND r.status <> 'CANCELLED' FOR UPDATE OF r"};
constexpr db::Query kLockItem = {
    "employment_lock_resettlement_item",
    "SELECT " CCMS_RESETTLEMENT_COLUMNS
    " FROM resettlement_items r JOIN cases c ON c.case_id = r.case_id WHERE r.item_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE OF r"};
constexpr db::Query kReadItem = {
    "employment_read_resettlement_item",
    "SELECT " CCMS_RESETTLEMENT_COLUMNS
    " FROM resettlement_items r JOIN cases c ON c.case_id = r.case_id WHERE r.item_id = $1::uuid"};
constexpr db::Query kInsertItem = {
    "employment_insert_resettlement_item",
    "INSERT INTO resettlement_items (item_id, case_id, status, end_date, raised_on, due_on,"
    " policy_version) VALUES ($1::uuid, $2::uuid, 'OPEN', $3::date, $4::date, $5::date, $6)"};
constexpr db::Query kUpdateItem = {
    "employment_update_resettlement_item",
    "UPDATE resettlement_items SET status = $2, end_date = $3::date, due_on = $4::date,"
    " closed_on = NULLIF($5, '')::date, referral_id = NULLIF($6, '')::uuid, reason_code = $7,"
    " updated_at = now() WHERE item_id = $1::uuid"};
// Open items (or every item of one case, $4), in the caller's districts, by id for paging.
constexpr db::Query kList = {
    "employment_list_resettlement_items",
    "SELECT " CCMS_RESETTLEMENT_COLUMNS
    " FROM resettlement_items r JOIN cases c ON c.case_id = r.case_id"
    " WHERE ($2::boolean OR c.district_code = ANY($3::text[]))"
    " AND ($1 = '' OR c.district_code = $1)"
    " AND (($4 = '' AND r.status = 'OPEN') OR r.case_id = NULLIF($4, '')::uuid)"
    " AND (NOT $5::boolean OR (r.status = 'OPEN' AND r.due_on < $6::date))"
    " AND ($7 = '' OR r.item_id > NULLIF($7, '')::uuid) ORDER BY r.item_id LIMIT $8"};

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : std::string();
}

ResettlementRecord ItemOf(const pqxx::row& r) {
  ResettlementRecord x;
  x.item.item_id = r[0].as<std::string>();
  x.case_id = r[1].as<std::string>();
  x.district_code = r[2].as<std::string>();
  x.item.status = domain::ResettlementStatusOf(r[3].as<std::string>())
                      .value_or(domain::ResettlementStatus::kOpen);
  x.item.end_date = DayOf(r[4]).value_or(absl::CivilDay());
  x.item.raised_on = DayOf(r[5]).value_or(absl::CivilDay());
  x.item.due_on = DayOf(r[6]).value_or(absl::CivilDay());
  x.item.closed_on = DayOf(r[7]);
  x.item.referral_id = r[8].as<std::string>();
  x.item.reason_code = r[9].as<std::string>();
  x.policy_version = r[10].as<std::string>();
  return x;
}

void Update(pqxx::work& tx, const ResettlementRecord& x) {
  tx.exec_prepared(Name(kUpdateItem), x.item.item_id,
                   std::string(domain::ResettlementStatusName(x.item.status)),
                   time::FormatDate(x.item.end_date), time::FormatDate(x.item.due_on),
                   DayText(x.item.closed_on), x.item.referral_id, x.item.reason_code);
}

std::optional<ResettlementRecord> CurrentOfCase(pqxx::work& tx, const std::string& case_id) {
  pqxx::result r = tx.exec_prepared(Name(kCurrentOfCase), case_id);
  if (r.empty()) return std::nullopt;
  return ItemOf(r[0]);
}

}  // namespace

events::v1::Envelope ResettlementEvent(std::string_view type, const ResettlementRecord& x,
                                       absl::CivilDay on, absl::Time now,
                                       const std::string& actor) {
  v1::ResettlementItemChanged ev;
  ev.set_item_id(x.item.item_id);
  ev.set_case_id(x.case_id);
  ev.set_district_code(x.district_code);
  ev.set_status(std::string(domain::ResettlementStatusName(x.item.status)));
  *ev.mutable_end_date() = grpc_util::ToProtoDate(x.item.end_date);
  *ev.mutable_raised_on() = grpc_util::ToProtoDate(x.item.raised_on);
  *ev.mutable_due_on() = grpc_util::ToProtoDate(x.item.due_on);
  *ev.mutable_on() = grpc_util::ToProtoDate(on);
  ev.set_referral_id(x.item.referral_id);
  ev.set_reason_code(x.item.reason_code);
  ev.set_policy_version(x.policy_version);
  return kafka::MakeEnvelope(type, x.case_id, x.district_code, now, now, actor, ev);
}

void PgResettlementStore::OnDischargeApproaching(pqxx::work& tx, const domain::CaseView& c,
                                                 absl::CivilDay end_date, absl::CivilDay today,
                                                 const domain::EmploymentPolicy& policy,
                                                 absl::Time now) {
  std::optional<ResettlementRecord> current = CurrentOfCase(tx, c.case_id);
  std::optional<domain::ResettlementItem> item;
  if (current.has_value()) item = current->item;
  const domain::ResettlementRaise raise = domain::OnDischargeApproaching(
      c, item, end_date, today, policy.resettlement_due_days_before_end);
  if (raise.action == domain::ResettlementRaise::Action::kNone) return;
  ResettlementRecord x;
  x.item = raise.item;
  x.case_id = c.case_id;
  x.district_code = c.district_code;
  if (raise.action == domain::ResettlementRaise::Action::kOpened) {
    x.item.item_id = ids::NewUuid();
    x.policy_version = policy.version;
    tx.exec_prepared(Name(kInsertItem), x.item.item_id, x.case_id,
                     time::FormatDate(x.item.end_date), time::FormatDate(x.item.raised_on),
                     time::FormatDate(x.item.due_on), x.policy_version);
  } else {
    x.policy_version = current->policy_version;
    Update(tx, x);
  }
  kafka::AppendToOutbox(
      tx, kEmploymentTopic,
      ResettlementEvent("ccms.employment.resettlement_due", x, today, now, "ccms-employment"));
}

void PgResettlementStore::SatisfyOnReferralSent(pqxx::work& tx, const std::string& case_id,
                                                const std::string& referral_id,
                                                absl::CivilDay sent_on, absl::Time now,
                                                const std::string& actor) {
  std::optional<ResettlementRecord> current = CurrentOfCase(tx, case_id);
  if (!current.has_value()) return;
  auto satisfied = domain::SatisfyOnReferralSent(current->item, referral_id, sent_on);
  if (!satisfied.has_value()) return;
  ResettlementRecord x = *current;
  x.item = *satisfied;
  Update(tx, x);
  kafka::AppendToOutbox(tx, kEmploymentTopic,
                        ResettlementEvent("ccms.employment.resettlement_satisfied", x,
                                          *x.item.closed_on, now, actor));
}

void PgResettlementStore::CancelOnCaseClosed(pqxx::work& tx, const std::string& case_id,
                                             absl::CivilDay on, absl::Time now) {
  std::optional<ResettlementRecord> current = CurrentOfCase(tx, case_id);
  if (!current.has_value() || current->item.status != domain::ResettlementStatus::kOpen) return;
  ResettlementRecord x = *current;
  x.item.status = domain::ResettlementStatus::kCancelled;
  x.item.closed_on = std::max(on, x.item.raised_on);
  x.item.reason_code = "CASE_CLOSED";
  Update(tx, x);
  kafka::AppendToOutbox(tx, kEmploymentTopic,
                        ResettlementEvent("ccms.employment.resettlement_cancelled", x,
                                          *x.item.closed_on, now, "ccms-employment"));
}

absl::StatusOr<ResettlementRecord> PgResettlementStore::Decline(
    const auth::Principal& principal, const std::string& item_id, const std::string& request_id,
    const ResettlementDecision& decide) {
  ResettlementRecord out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockItem), item_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("resettlement item not found");
    const ResettlementRecord current = ItemOf(r[0]);
    case_id = current.case_id;
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    auto write = decide(*c, current);
    if (!write.ok()) return write.status();
    if (write->update.has_value()) Update(tx, *write->update);
    for (const auto& ev : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "DeclineResettlement", case_id, "OK", request_id);
    pqxx::result after = tx.exec_prepared(Name(kReadItem), item_id);
    if (after.empty()) return absl::InternalError("resettlement item row missing");
    out = ItemOf(after[0]);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    if (st.code() == absl::StatusCode::kNotFound) {
      (void)pool_.InSeparateTransaction([principal, case_id, request_id](pqxx::work& tx) {
        db::AppendAudit(tx, principal, "DeclineResettlement", case_id, "NOT_FOUND", request_id);
        return absl::OkStatus();
      });
    }
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<std::pair<std::vector<ResettlementRecord>, std::string>> PgResettlementStore::List(
    const auth::Principal& principal, const ResettlementFilter& f) {
  std::pair<std::vector<ResettlementRecord>, std::string> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kList), f.district_code, scope.all, scope.districts, f.case_id,
                         f.overdue_only, time::FormatDate(f.as_of), f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.first.size()) == f.page_size) {
        page.second = page.first.back().item.item_id;
        break;
      }
      page.first.push_back(ItemOf(row));
    }
    db::AppendAudit(tx, principal, "ListResettlementItems", f.case_id,
                    std::to_string(page.first.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<db::Query> PgResettlementStore::Queries() {
  return {kCurrentOfCase, kLockItem, kReadItem, kInsertItem, kUpdateItem, kList};
}

}  // namespace ccms::employment
