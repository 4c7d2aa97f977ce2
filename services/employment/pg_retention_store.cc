#include "services/employment/pg_retention_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

// A check with its spell's fields, in the order CheckOf reads them.
#define CCMS_CHECK_SELECT                                                                 \
  "SELECT k.spell_id::text, k.day_offset, k.case_id::text, k.district_code, k.agency_id," \
  " k.due_on::text, k.confirm_by::text, k.status, k.confirmed_on::text, k.confirmed_by,"  \
  " k.confirmed_by_kind, coalesce(s.partner_id::text, ''), s.other_employer_code,"        \
  " coalesce(s.referral_id::text, ''), coalesce(r.referral_code, ''), s.started_on::text" \
  " FROM retention_checks k JOIN employment_spells s ON s.spell_id = k.spell_id"          \
  " LEFT JOIN referrals r ON r.referral_id = s.referral_id"

// Staff ($4 = ''): the check's district among theirs; a partner ($4 its agency): its own.
#define CCMS_CHECK_SCOPE                                               \
  " (($4 = '' AND ($2::boolean OR k.district_code = ANY($3::text[])))" \
  " OR ($4 <> '' AND k.agency_id = $4))"

#define CCMS_SPELL_SELECT                                                                   \
  "SELECT s.spell_id::text, s.case_id::text, s.district_code, s.employer_kind,"             \
  " coalesce(s.partner_id::text, ''), s.agency_id, s.other_employer_code,"                  \
  " coalesce(s.referral_id::text, ''), s.started_on::text, s.ended_on::text, s.end_reason," \
  " s.recorded_by, s.policy_version FROM employment_spells s"

constexpr db::Query kLockCase = {
    "employment_lock_case_for_spell",
    "SELECT 1 FROM cases c WHERE c.case_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kLockReferral = {
    "employment_lock_referral_for_spell",
    "SELECT r.referral_id::text, r.referral_code, r.case_id::text, r.partner_id::text,"
    " r.agency_id, r.status, EXISTS (SELECT 1 FROM employment_spells s"
    "  WHERE s.referral_id = r.referral_id)"
    " FROM referrals r WHERE r.referral_id = $1::uuid"
    " AND ($2::boolean OR r.district_code = ANY($3::text[])) FOR UPDATE OF r"};
constexpr db::Query kPartner = {
    "employment_partner_for_spell",
    "SELECT p.partner_id::text, p.agency_id, p.status, array_to_string(p.districts_served, ',')"
    " FROM partners p WHERE p.partner_id = $1::uuid"};
constexpr db::Query kInsertSpell = {
    "employment_insert_spell",
    "INSERT INTO employment_spells (spell_id, case_id, district_code, employer_kind, partner_id,"
    " agency_id, other_employer_code, referral_id, started_on, recorded_by, policy_version)"
    " VALUES ($1::uuid, $2::uuid, $3, $4, NULLIF($5, '')::uuid, $6, $7, NULLIF($8, '')::uuid,"
    " $9::date, $10, $11)"};
constexpr db::Query kInsertCheck = {
    "employment_insert_retention_check",
    "INSERT INTO retention_checks (spell_id, day_offset, case_id, district_code, agency_id,"
    " due_on, confirm_by, status) VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6::date, $7::date,"
    " $8)"};
constexpr db::Query kLockSpell = {
    "employment_lock_spell", CCMS_SPELL_SELECT
    " WHERE s.spell_id = $1::uuid"
    " AND ($2::boolean OR s.district_code = ANY($3::text[])) FOR UPDATE"};
constexpr db::Query kReadSpell = {"employment_read_spell",
                                  CCMS_SPELL_SELECT " WHERE s.spell_id = $1::uuid"};
constexpr db::Query kChecksOfSpell = {"employment_checks_of_spell", CCMS_CHECK_SELECT
                                      " WHERE k.spell_id = $1::uuid"
                                      " ORDER BY k.day_offset FOR UPDATE OF k"};
constexpr db::Query kEndSpell = {"employment_end_spell",
                                 "UPDATE employment_spells SET ended_on = $2::date, end_reason = $3"
                                 " WHERE spell_id = $1::uuid AND ended_on IS NULL"};
constexpr db::Query kUpdateCheck = {
    "employment_update_retention_check",
    "UPDATE retention_checks SET status = $3, confirmed_on = NULLIF($4, '')::date,"
    " confirmed_by = $5, confirmed_by_kind = $6 WHERE spell_id = $1::uuid AND day_offset = $2"};
constexpr db::Query kLockCheck = {
    "employment_lock_retention_check", CCMS_CHECK_SELECT
    " WHERE k.spell_id = $1::uuid AND k.day_offset = $5 AND" CCMS_CHECK_SCOPE " FOR UPDATE OF k"};
// The due list ($5 false) and the overdue list ($5 true) as of $6 (domain::IsDue / IsOverdue);
// a partner's list ($4) takes its own checks with an optional status ($7).
constexpr db::Query kListChecks = {
    "employment_list_retention_checks", CCMS_CHECK_SELECT
    " WHERE" CCMS_CHECK_SCOPE
    " AND ($1 = '' OR k.district_code = $1)"
    " AND ($4 <> '' OR (NOT $5::boolean AND k.status = 'PENDING' AND k.due_on <= $6::date"
    "  AND $6::date <= k.confirm_by)"
    "  OR ($5::boolean AND k.status IN ('PENDING', 'MISSED') AND k.confirm_by < $6::date))"
    " AND ($7 = '' OR k.status = $7)"
    " AND ($8 = '' OR (k.spell_id, k.day_offset) > (NULLIF($8, '')::uuid, $9::integer))"
    " ORDER BY k.spell_id, k.day_offset LIMIT $10"};
constexpr db::Query kDueForMissing = {"employment_checks_due_for_missing", CCMS_CHECK_SELECT
                                      " WHERE k.status = 'PENDING' AND k.confirm_by < $1::date"
                                      " ORDER BY k.confirm_by, k.spell_id, k.day_offset LIMIT $2"
                                      " FOR UPDATE OF k SKIP LOCKED"};
constexpr db::Query kMoveSpells = {
    "employment_move_spells",
    "UPDATE employment_spells SET district_code = $2 WHERE case_id = $1::uuid"};
constexpr db::Query kMoveChecks = {
    "employment_move_retention_checks",
    "UPDATE retention_checks SET district_code = $2 WHERE case_id = $1::uuid"};
constexpr db::Query kCancelChecksAfter = {
    "employment_cancel_retention_checks_after",
    "UPDATE retention_checks SET status = 'CANCELLED' WHERE case_id = $1::uuid"
    " AND status = 'PENDING' AND due_on > $2::date"};

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : std::string();
}

CheckRecord CheckOf(const pqxx::row& r) {
  CheckRecord k;
  k.spell_id = r[0].as<std::string>();
  k.day_offset = r[1].as<int>();
  k.case_id = r[2].as<std::string>();
  k.district_code = r[3].as<std::string>();
  k.agency_id = r[4].as<std::string>();
  k.due_on = DayOf(r[5]).value_or(absl::CivilDay());
  k.confirm_by = DayOf(r[6]).value_or(absl::CivilDay());
  k.status = domain::CheckStatusOf(r[7].as<std::string>()).value_or(domain::CheckStatus::kPending);
  k.confirmed_on = DayOf(r[8]);
  k.confirmed_by = r[9].as<std::string>();
  k.confirmed_by_kind = r[10].as<std::string>();
  k.partner_id = r[11].as<std::string>();
  k.other_employer_code = r[12].as<std::string>();
  k.referral_id = r[13].as<std::string>();
  k.referral_code = r[14].as<std::string>();
  k.started_on = DayOf(r[15]).value_or(absl::CivilDay());
  return k;
}

SpellRecord SpellOf(const pqxx::row& r) {
  SpellRecord s;
  s.spell_id = r[0].as<std::string>();
  s.case_id = r[1].as<std::string>();
  s.district_code = r[2].as<std::string>();
  s.employer_kind = r[3].as<std::string>();
  s.partner_id = r[4].as<std::string>();
  s.agency_id = r[5].as<std::string>();
  s.other_employer_code = r[6].as<std::string>();
  s.referral_id = r[7].as<std::string>();
  s.started_on = DayOf(r[8]).value_or(absl::CivilDay());
  s.ended_on = DayOf(r[9]);
  s.end_reason = r[10].as<std::string>();
  s.recorded_by = r[11].as<std::string>();
  s.policy_version = r[12].as<std::string>();
  return s;
}

// The spell with its checks, read in the same transaction (the checks locked).
absl::StatusOr<SpellRecord> SpellAfter(pqxx::transaction_base& tx, const std::string& spell_id) {
  pqxx::result r = tx.exec_prepared(Name(kReadSpell), spell_id);
  if (r.empty()) return absl::InternalError("spell row missing");
  SpellRecord s = SpellOf(r[0]);
  for (const auto& row : tx.exec_prepared(Name(kChecksOfSpell), spell_id)) {
    s.checks.push_back(CheckOf(row));
  }
  return s;
}

void WriteCheck(pqxx::transaction_base& tx, const CheckRecord& k) {
  tx.exec_prepared(Name(kUpdateCheck), k.spell_id, k.day_offset,
                   std::string(domain::CheckStatusName(k.status)), DayText(k.confirmed_on),
                   k.confirmed_by, k.confirmed_by_kind);
}

template <typename T>
absl::Status MoveInto(absl::StatusOr<T> value, T& out) {
  if (!value.ok()) return value.status();
  out = *std::move(value);
  return absl::OkStatus();
}

std::string AgencyOf(const auth::Principal& p) {
  return p.role == auth::Role::kPartner ? p.agency_id : std::string();
}

// The audit row of a call refused because its case, spell or check is out of reach.
void AuditRefusal(db::ConnectionPool& pool, const auth::Principal& principal,
                  std::string_view method, const std::string& case_id, const absl::Status& st,
                  const std::string& request_id) {
  if (st.code() != absl::StatusCode::kNotFound) return;
  (void)pool.InSeparateTransaction(
      [principal, method = std::string(method), case_id, request_id](pqxx::work& tx) {
        db::AppendAudit(tx, principal, method, case_id, "NOT_FOUND", request_id);
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<SpellRecord> PgRetentionStore::Start(const auth::Principal& principal,
                                                    const std::string& case_id,
                                                    const std::string& referral_id,
                                                    const std::string& partner_id,
                                                    const std::string& request_id,
                                                    const SpellStartDecision& decide) {
  SpellRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kLockCase), case_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("case not found");
    }
    SpellStartView view;
    auto c = PgCaseStore::Load(tx, case_id);
    if (!c.ok()) return c.status();
    view.case_view = *std::move(c);
    if (!referral_id.empty()) {
      pqxx::result r =
          tx.exec_prepared(Name(kLockReferral), referral_id, scope.all, scope.districts);
      if (r.empty()) return absl::NotFoundError("referral not found");
      ReferralRecord x;
      x.referral_id = r[0][0].as<std::string>();
      x.referral_code = r[0][1].as<std::string>();
      x.case_id = r[0][2].as<std::string>();
      x.partner_id = r[0][3].as<std::string>();
      x.agency_id = r[0][4].as<std::string>();
      x.status =
          domain::ParseStatus(r[0][5].as<std::string>()).value_or(domain::ReferralStatus::kDraft);
      view.referral = x;
      view.referral_has_spell = r[0][6].as<bool>();
    }
    const std::string employer = view.referral.has_value() ? view.referral->partner_id : partner_id;
    if (!employer.empty()) {
      pqxx::result p = tx.exec_prepared(Name(kPartner), employer);
      if (p.empty()) return absl::NotFoundError("partner not found");
      PartnerBrief b;
      b.partner_id = p[0][0].as<std::string>();
      b.agency_id = p[0][1].as<std::string>();
      b.status = p[0][2].as<std::string>();
      const std::string served = p[0][3].as<std::string>();
      if (!served.empty()) b.districts_served = absl::StrSplit(served, ',');
      view.partner = b;
    }
    auto write = decide(view);
    if (!write.ok()) return write.status();
    const SpellRecord& s = write->spell;
    tx.exec_prepared(Name(kInsertSpell), s.spell_id, s.case_id, s.district_code, s.employer_kind,
                     s.partner_id, s.agency_id, s.other_employer_code, s.referral_id,
                     time::FormatDate(s.started_on), s.recorded_by, s.policy_version);
    for (const CheckRecord& k : s.checks) {
      tx.exec_prepared(Name(kInsertCheck), s.spell_id, k.day_offset, s.case_id, s.district_code,
                       s.agency_id, time::FormatDate(k.due_on), time::FormatDate(k.confirm_by),
                       std::string(domain::CheckStatusName(k.status)));
    }
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "StartEmploymentSpell", case_id, "OK", request_id);
    return MoveInto(SpellAfter(tx, s.spell_id), out);
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "StartEmploymentSpell", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<SpellRecord> PgRetentionStore::End(const auth::Principal& principal,
                                                  const std::string& spell_id,
                                                  const std::string& request_id,
                                                  const SpellEndDecision& decide) {
  SpellRecord out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockSpell), spell_id, scope.all, scope.districts);
    if (r.empty()) return absl::NotFoundError("employment spell not found");
    case_id = r[0][1].as<std::string>();
    auto current = SpellAfter(tx, spell_id);
    if (!current.ok()) return current.status();
    auto write = decide(*current);
    if (!write.ok()) return write.status();
    const SpellRecord& s = write->spell;
    tx.exec_prepared(Name(kEndSpell), s.spell_id, DayText(s.ended_on), s.end_reason);
    for (const CheckRecord& k : s.checks) WriteCheck(tx, k);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "EndEmploymentSpell", case_id, "OK", request_id);
    return MoveInto(SpellAfter(tx, spell_id), out);
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "EndEmploymentSpell", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<CheckRecord> PgRetentionStore::Confirm(const auth::Principal& principal,
                                                      const std::string& spell_id, int day_offset,
                                                      const std::string& request_id,
                                                      const CheckDecision& decide) {
  CheckRecord out;
  bool wrote_events = false;
  std::string case_id;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kLockCheck), spell_id, scope.all, scope.districts,
                                      AgencyOf(principal), day_offset);
    if (r.empty()) return absl::NotFoundError("retention check not found");
    const CheckRecord current = CheckOf(r[0]);
    case_id = current.case_id;
    auto write = decide(current);
    if (!write.ok()) return write.status();
    WriteCheck(tx, write->check);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "ConfirmRetentionCheck", case_id, "OK", request_id);
    out = write->check;
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "ConfirmRetentionCheck", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<CheckPage> PgRetentionStore::List(const auth::Principal& principal,
                                                 const CheckFilter& f, std::string_view action) {
  CheckPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r =
        tx.exec_prepared(Name(kListChecks), f.district_code, scope.all, scope.districts,
                         AgencyOf(principal), f.overdue, time::FormatDate(f.as_of), f.status,
                         f.after_spell_id, f.after_day_offset, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        const CheckRecord& last = page.items.back();
        page.next_token = last.spell_id + "/" + std::to_string(last.day_offset);
        break;
      }
      page.items.push_back(CheckOf(row));
    }
    db::AppendAudit(tx, principal, action, "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<int> PgRetentionStore::SweepMissed(absl::CivilDay today, int limit,
                                                  const CheckDecision& decide) {
  int n = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared(Name(kDueForMissing), time::FormatDate(today), limit)) {
      auto write = decide(CheckOf(row));
      if (!write.ok()) return write.status();
      WriteCheck(tx, write->check);
      for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
      ++n;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (n > 0 && signal_ != nullptr) signal_->Notify();
  return n;
}

void PgRetentionStore::MoveSpells(pqxx::work& tx, const std::string& case_id,
                                  const std::string& district_code) {
  tx.exec_prepared(Name(kMoveSpells), case_id, district_code);
  tx.exec_prepared(Name(kMoveChecks), case_id, district_code);
}

int PgRetentionStore::CancelChecksOnCaseClosed(pqxx::work& tx, const std::string& case_id,
                                               absl::CivilDay closed_on) {
  return static_cast<int>(
      tx.exec_prepared(Name(kCancelChecksAfter), case_id, DayText(closed_on)).affected_rows());
}

std::vector<db::Query> PgRetentionStore::Queries() {
  return {kLockCase,      kLockReferral,  kPartner,    kInsertSpell,      kInsertCheck, kLockSpell,
          kReadSpell,     kChecksOfSpell, kEndSpell,   kUpdateCheck,      kLockCheck,   kListChecks,
          kDueForMissing, kMoveSpells,    kMoveChecks, kCancelChecksAfter};
}

}  // namespace ccms::employment
