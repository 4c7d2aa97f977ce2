#include "services/employment/pg_referral_store.h"

#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/pg_resettlement_store.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;
using domain::ReferralStatus;

#define CCMS_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// The referral, its case and its partner, in the order ReadRow reads them.
#define CCMS_REFERRAL_SELECT \
  "SELECT r.referral_id::text, r.referral_code, r.case_id::text, r.district_code,"               \
  " r.partner_id::text, r.agency_id, r.kind, r.status, r.referred_on::text, r.age_on_referral,"  \
  " r.age_basis, r.given_name_enc, array_to_string(r.skills, '|'), r.availability, r.minor,"     \
  " r.guardian_consent, r.consent_recorded_on::text, r.consent_override_reason,"                 \
  " r.sent_on::text, r.answer_due_on::text, r.escalated_on::text, r.reason_code, r.created_by,"  \
  " r.policy_version, " CCMS_MICROS("r.created_at") ", c.lost_contact, c.district_code,"         \
  " c.office_id, c.status, c.minor, c.age_at_judgment, c.judgment_date::text, c.closed_on::text," \
  " p.status, array_to_string(p.districts_served, ',')"                                          \
  " FROM referrals r JOIN cases c ON c.case_id = r.case_id"                                      \
  " JOIN partners p ON p.partner_id = r.partner_id"

// Staff: the case's district among theirs; a partner ($4 its agency): its own, sent referrals.
#define CCMS_REFERRAL_SCOPE                                            \
  " (($4 = '' AND ($2::boolean OR r.district_code = ANY($3::text[])))" \
  " OR ($4 <> '' AND r.agency_id = $4 AND r.status <> 'DRAFT'))"

constexpr db::Query kGetReferral = {"employment_get_referral", CCMS_REFERRAL_SELECT
                                    " WHERE r.referral_id = $1::uuid AND" CCMS_REFERRAL_SCOPE};
constexpr db::Query kLockReferral = {"employment_lock_referral", CCMS_REFERRAL_SELECT
                                     " WHERE r.referral_id = $1::uuid AND" CCMS_REFERRAL_SCOPE
                                     " FOR UPDATE OF r"};
constexpr db::Query kListReferrals = {
    "employment_list_referrals", CCMS_REFERRAL_SELECT
    " WHERE ($1 = '' OR r.district_code = $1) AND" CCMS_REFERRAL_SCOPE
    " AND ($5 = '' OR r.case_id = NULLIF($5, '')::uuid)"
    " AND ($6 = '' OR r.status = $6)"
    " AND (NOT $7::boolean OR (r.status = 'SENT' AND r.escalated_on IS NOT NULL))"
    " AND ($8 = '' OR r.referral_id > NULLIF($8, '')::uuid)"
    " AND ($10 = '' OR (r.status IN ('DRAFT', 'SENT', 'ACCEPTED', 'INTERVIEW', 'OFFERED')"
    " AND EXISTS (SELECT 1 FROM partner_contracts k WHERE k.partner_id = r.partner_id"
    " AND k.district_code = r.district_code) AND NOT EXISTS (SELECT 1 FROM partner_contracts k"
    " WHERE k.partner_id = r.partner_id AND k.district_code = r.district_code"
    " AND k.status = 'ACTIVE' AND k.starts_on <= NULLIF($10, '')::date"
    " AND k.ends_on >= NULLIF($10, '')::date)))"
    " ORDER BY r.referral_id LIMIT $9"};
constexpr db::Query kSteps = {
    "employment_referral_steps",
    "SELECT referral_id::text, from_status, to_status, reason_code, on_date::text, recorded_by, "
    CCMS_MICROS("recorded_at") " FROM referral_steps WHERE referral_id = ANY($1::uuid[])"
    " ORDER BY referral_id, seq"};
constexpr db::Query kLockCase = {
    "employment_lock_case_for_referral",
    "SELECT c.case_id::text, c.district_code, c.office_id, c.status, c.minor, c.age_at_judgment,"
    " c.judgment_date::text, c.lost_contact, c.closed_on::text FROM cases c"
    " WHERE c.case_id = $1::uuid AND ($2::boolean OR c.district_code = ANY($3::text[]))"
    " FOR UPDATE"};
constexpr db::Query kPartnerBrief = {
    "employment_partner_brief",
    "SELECT p.partner_id::text, p.agency_id, p.status, array_to_string(p.districts_served, ',')"
    " FROM partners p WHERE p.partner_id = $1::uuid AND ($2::boolean OR"
    " p.district_code = ANY($3::text[]) OR p.districts_served && $3::text[])"};
// The partner's contracts with a district (the contract rule; contracts are the district
// bureau's records, no one's personal data).
constexpr db::Query kContractsOf = {
    "employment_partner_contracts_with_district",
    "SELECT starts_on::text, ends_on::text, status FROM partner_contracts"
    " WHERE partner_id = $1::uuid AND district_code = $2 ORDER BY contract_id"};
constexpr db::Query kInsertReferral = {
    "employment_insert_referral",
    "INSERT INTO referrals (referral_id, referral_code, case_id, district_code, partner_id,"
    " agency_id, kind, status, referred_on, age_on_referral, age_basis, given_name_enc, skills,"
    " availability, minor, guardian_consent, created_by, policy_version, created_at, updated_at)"
    " VALUES ($1::uuid, $2, $3::uuid, $4, $5::uuid, $6, $7, $8, $9::date, $10, $11, $12,"
    " string_to_array($13, '|'), $14, $15, $16, $17, $18, to_timestamp($19::bigint / 1000000.0),"
    " to_timestamp($19::bigint / 1000000.0))"};
constexpr db::Query kUpdateReferral = {
    "employment_update_referral",
    "UPDATE referrals SET status = $2, consent_recorded_on = NULLIF($3, '')::date,"
    " consent_override_reason = $4, sent_on = NULLIF($5, '')::date,"
    " answer_due_on = NULLIF($6, '')::date, escalated_on = NULLIF($7, '')::date,"
    " reason_code = $8, district_code = $9, updated_at = now() WHERE referral_id = $1::uuid"};
constexpr db::Query kInsertStep = {
    "employment_insert_referral_step",
    "INSERT INTO referral_steps (referral_id, seq, from_status, to_status, reason_code, on_date,"
    " recorded_by, recorded_at) SELECT $1::uuid, coalesce(max(seq), 0) + 1, $2, $3, $4, $5::date,"
    " $6, to_timestamp($7::bigint / 1000000.0) FROM referral_steps WHERE referral_id = $1::uuid"};
constexpr db::Query kDueForEscalation = {"employment_due_for_escalation", CCMS_REFERRAL_SELECT
                                         " WHERE r.status = 'SENT' AND r.escalated_on IS NULL"
                                         " AND r.answer_due_on < $1::date AND NOT c.lost_contact"
                                         " ORDER BY r.answer_due_on, r.referral_id LIMIT $2"
                                         " FOR UPDATE OF r SKIP LOCKED"};
constexpr db::Query kMoveReferrals = {
    "employment_move_referrals",
    "UPDATE referrals SET district_code = $2, updated_at = now() WHERE case_id = $1::uuid"};
constexpr db::Query kOpenReferralsOfCase = {
    "employment_open_referrals_of_case", CCMS_REFERRAL_SELECT
    " WHERE r.case_id = $1::uuid"
    " AND r.status IN ('DRAFT', 'SENT', 'ACCEPTED', 'INTERVIEW', 'OFFERED')"
    " ORDER BY r.referral_id FOR UPDATE OF r"};

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return std::nullopt;
  return time::ParseDate(f.c_str());
}

std::string DayText(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? time::FormatDate(*d) : std::string();
}

std::vector<domain::ContractSpan> ContractsOf(pqxx::transaction_base& tx,
                                              const std::string& partner_id,
                                              const std::string& district) {
  std::vector<domain::ContractSpan> out;
  for (const auto& r : tx.exec_prepared(Name(kContractsOf), partner_id, district)) {
    out.push_back({time::ParseDate(r[0].c_str()).value_or(absl::CivilDay()),
                   time::ParseDate(r[1].c_str()).value_or(absl::CivilDay()),
                   r[2].as<std::string>()});
  }
  return out;
}

struct Row {
  ReferralRecord referral;
  domain::CaseView case_view;
  PartnerBrief partner;
};

// Reads a CCMS_REFERRAL_SELECT row; decrypts the given name when `cipher` is given.
absl::StatusOr<Row> ReadRow(const pqxx::row& r, const crypto::PiiCipher* cipher) {
  Row out;
  ReferralRecord& x = out.referral;
  x.referral_id = r[0].as<std::string>();
  x.referral_code = r[1].as<std::string>();
  x.case_id = r[2].as<std::string>();
  x.district_code = r[3].as<std::string>();
  x.partner_id = r[4].as<std::string>();
  x.agency_id = r[5].as<std::string>();
  x.kind = r[6].as<std::string>();
  x.status = domain::ParseStatus(r[7].as<std::string>()).value_or(ReferralStatus::kDraft);
  x.referred_on = DayOf(r[8]).value_or(absl::CivilDay());
  x.age_on_referral = r[9].as<int>();
  x.age_basis = r[10].as<std::string>();
  if (cipher != nullptr) {
    auto name =
        cipher->Decrypt(pqxx::binarystring(r[11]).str(), PgReferralStore::kGivenNameContext);
    if (!name.ok()) return name.status();
    x.given_name = *std::move(name);
  }
  const std::string skills = r[12].as<std::string>();
  if (!skills.empty()) x.skills = absl::StrSplit(skills, '|');
  x.availability = r[13].as<std::string>();
  x.minor = r[14].as<bool>();
  x.guardian_consent = r[15].as<bool>();
  x.consent_recorded_on = DayOf(r[16]);
  x.consent_override_reason = r[17].as<std::string>();
  x.sent_on = DayOf(r[18]);
  x.answer_due_on = DayOf(r[19]);
  x.escalated_on = DayOf(r[20]);
  x.reason_code = r[21].as<std::string>();
  x.created_by = r[22].as<std::string>();
  x.policy_version = r[23].as<std::string>();
  x.created_at = absl::FromUnixMicros(r[24].as<int64_t>());
  x.paused = r[25].as<bool>();
  domain::CaseView& c = out.case_view;
  c.case_id = x.case_id;
  c.district_code = r[26].as<std::string>();
  c.office_id = r[27].as<std::string>();
  c.status = domain::CaseStatusOf(r[28].as<std::string>());
  c.minor = r[29].as<bool>();
  if (!r[30].is_null()) c.age.age_at_judgment = r[30].as<int>();
  c.age.judgment_date = DayOf(r[31]);
  c.lost_contact = x.paused;
  c.closed_on = DayOf(r[32]);
  out.partner.partner_id = x.partner_id;
  out.partner.agency_id = x.agency_id;
  out.partner.status = r[33].as<std::string>();
  const std::string served = r[34].as<std::string>();
  if (!served.empty()) out.partner.districts_served = absl::StrSplit(served, ',');
  return out;
}

void LoadSteps(pqxx::transaction_base& tx, std::vector<ReferralRecord*> referrals) {
  if (referrals.empty()) return;
  std::vector<std::string> ids;
  std::map<std::string, ReferralRecord*> by_id;
  for (ReferralRecord* r : referrals) {
    ids.push_back(r->referral_id);
    by_id[r->referral_id] = r;
  }
  for (const auto& row : tx.exec_prepared(Name(kSteps), "{" + absl::StrJoin(ids, ",") + "}")) {
    auto it = by_id.find(row[0].as<std::string>());
    if (it == by_id.end()) continue;
    ReferralStepRecord s;
    s.from = domain::ParseStatus(row[1].as<std::string>()).value_or(ReferralStatus::kDraft);
    s.to = domain::ParseStatus(row[2].as<std::string>()).value_or(ReferralStatus::kDraft);
    s.reason_code = row[3].as<std::string>();
    s.on = DayOf(row[4]).value_or(absl::CivilDay());
    s.recorded_by = row[5].as<std::string>();
    s.recorded_at = absl::FromUnixMicros(row[6].as<int64_t>());
    it->second->steps.push_back(std::move(s));
  }
}

// The scope parameters of a principal: district scope, and the agency for a partner.
struct Reach {
  db::DistrictScope scope;
  std::string agency;
};
Reach ReachOf(const auth::Principal& p) {
  return Reach{db::ScopeOf(p), p.role == auth::Role::kPartner ? p.agency_id : std::string()};
}

absl::StatusOr<ReferralRecord> LoadOne(pqxx::transaction_base& tx, const Reach& reach,
                                       const std::string& referral_id, bool for_update,
                                       const crypto::PiiCipher& cipher, Row* row_out = nullptr) {
  pqxx::result r = tx.exec_prepared(Name(for_update ? kLockReferral : kGetReferral), referral_id,
                                    reach.scope.all, reach.scope.districts, reach.agency);
  if (r.empty()) return absl::NotFoundError("referral not found");
  auto row = ReadRow(r[0], &cipher);
  if (!row.ok()) return row.status();
  LoadSteps(tx, {&row->referral});
  if (row_out != nullptr) *row_out = *row;
  return row->referral;
}

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

void Update(pqxx::work& tx, const ReferralRecord& r) {
  tx.exec_prepared(Name(kUpdateReferral), r.referral_id, std::string(domain::StatusName(r.status)),
                   DayText(r.consent_recorded_on), r.consent_override_reason, DayText(r.sent_on),
                   DayText(r.answer_due_on), DayText(r.escalated_on), r.reason_code,
                   r.district_code);
}

void InsertStep(pqxx::work& tx, const std::string& referral_id, const ReferralStepRecord& s) {
  tx.exec_prepared(Name(kInsertStep), referral_id, std::string(domain::StatusName(s.from)),
                   std::string(domain::StatusName(s.to)), s.reason_code, time::FormatDate(s.on),
                   s.recorded_by, absl::ToUnixMicros(s.recorded_at));
}

}  // namespace

absl::StatusOr<ReferralRecord> PgReferralStore::Create(const auth::Principal& principal,
                                                       const std::string& case_id,
                                                       const std::string& partner_id,
                                                       const std::string& request_id,
                                                       const CreateDecision& decide) {
  ReferralRecord out;
  bool wrote_events = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result c = tx.exec_prepared(Name(kLockCase), case_id, scope.all, scope.districts);
    if (c.empty()) return absl::NotFoundError("case not found");
    domain::CaseView view;
    view.case_id = c[0][0].as<std::string>();
    view.district_code = c[0][1].as<std::string>();
    view.office_id = c[0][2].as<std::string>();
    view.status = domain::CaseStatusOf(c[0][3].as<std::string>());
    view.minor = c[0][4].as<bool>();
    if (!c[0][5].is_null()) view.age.age_at_judgment = c[0][5].as<int>();
    view.age.judgment_date = DayOf(c[0][6]);
    view.lost_contact = c[0][7].as<bool>();
    view.closed_on = DayOf(c[0][8]);
    pqxx::result p = tx.exec_prepared(Name(kPartnerBrief), partner_id, scope.all, scope.districts);
    if (p.empty()) return absl::NotFoundError("partner not found");
    PartnerBrief partner;
    partner.partner_id = p[0][0].as<std::string>();
    partner.agency_id = p[0][1].as<std::string>();
    partner.status = p[0][2].as<std::string>();
    const std::string served = p[0][3].as<std::string>();
    if (!served.empty()) partner.districts_served = absl::StrSplit(served, ',');
    partner.contracts = ContractsOf(tx, partner_id, view.district_code);
    auto write = decide(view, partner);
    if (!write.ok()) return write.status();
    if (!write->insert.has_value()) return absl::InternalError("no referral to insert");
    const ReferralRecord& r = *write->insert;
    const std::string blob = cipher_.Encrypt(r.given_name, kGivenNameContext);
    tx.exec_prepared(Name(kInsertReferral), r.referral_id, r.referral_code, case_id,
                     r.district_code, partner_id, r.agency_id, r.kind,
                     std::string(domain::StatusName(r.status)), time::FormatDate(r.referred_on),
                     r.age_on_referral, r.age_basis, pqxx::binarystring(blob),
                     absl::StrJoin(r.skills, "|"), r.availability, r.minor, r.guardian_consent,
                     r.created_by, r.policy_version, absl::ToUnixMicros(r.created_at));
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    db::AppendAudit(tx, principal, "CreateReferral", case_id, "OK", request_id);
    auto after = LoadOne(tx, ReachOf(principal), r.referral_id, false, cipher_);
    if (!after.ok()) return after.status();
    out = *std::move(after);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "CreateReferral", case_id, st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<ReferralRecord> PgReferralStore::Mutate(const auth::Principal& principal,
                                                       const std::string& referral_id,
                                                       std::string_view method,
                                                       const std::string& request_id,
                                                       const ReferralDecision& decide) {
  ReferralRecord out;
  bool wrote_events = false;
  const Reach reach = ReachOf(principal);
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    Row row;
    auto current = LoadOne(tx, reach, referral_id, /*for_update=*/true, cipher_, &row);
    if (!current.ok()) return current.status();
    row.referral = *current;
    row.partner.contracts = ContractsOf(tx, row.referral.partner_id, row.referral.district_code);
    auto write = decide(row.referral, row.case_view, row.partner);
    if (!write.ok()) return write.status();
    if (write->update.has_value()) Update(tx, *write->update);
    if (write->step.has_value()) InsertStep(tx, referral_id, *write->step);
    for (const auto& e : write->events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    wrote_events = !write->events.empty();
    // A referral sent satisfies the case's resettlement item still due (its own event).
    if (write->update.has_value() && write->update->status == domain::ReferralStatus::kSent &&
        row.referral.status != domain::ReferralStatus::kSent &&
        write->update->sent_on.has_value() && write->step.has_value()) {
      PgResettlementStore::SatisfyOnReferralSent(tx, row.referral.case_id, referral_id,
                                                 *write->update->sent_on, write->step->recorded_at,
                                                 principal.subject);
      wrote_events = true;
    }
    db::AppendAudit(tx, principal, method, row.referral.case_id, "OK", request_id);
    auto after = LoadOne(tx, reach, referral_id, false, cipher_);
    if (!after.ok()) return after.status();
    out = *std::move(after);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, "", st, request_id);
    return st;
  }
  if (wrote_events && signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<ReferralRecord> PgReferralStore::Get(const auth::Principal& principal,
                                                    const std::string& referral_id,
                                                    std::string_view method) {
  ReferralRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto r = LoadOne(tx, ReachOf(principal), referral_id, false, cipher_);
    if (!r.ok()) return r.status();
    out = *std::move(r);
    db::AppendAudit(tx, principal, method, out.case_id, "OK", "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, method, "", st, "");
    return st;
  }
  return out;
}

absl::StatusOr<ReferralPage> PgReferralStore::List(const auth::Principal& principal,
                                                   const ReferralFilter& f,
                                                   std::string_view method) {
  ReferralPage page;
  const Reach reach = ReachOf(principal);
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared(
        Name(kListReferrals), f.district_code, reach.scope.all, reach.scope.districts, reach.agency,
        f.case_id, f.status, f.escalated_only, f.after_referral_id, f.page_size + 1,
        f.under_ended_contract_on.has_value() ? time::FormatDate(*f.under_ended_contract_on)
                                              : std::string());
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_referral_id = page.items.back().referral_id;
        break;
      }
      auto read = ReadRow(row, &cipher_);
      if (!read.ok()) return read.status();
      page.items.push_back(std::move(read->referral));
    }
    std::vector<ReferralRecord*> refs;
    for (auto& x : page.items) refs.push_back(&x);
    LoadSteps(tx, refs);
    db::AppendAudit(tx, principal, method, "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<int> PgReferralStore::EscalateDue(absl::CivilDay today, int limit,
                                                 const EscalationEvent& make_event) {
  int count = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_prepared(Name(kDueForEscalation), time::FormatDate(today), limit);
    for (const auto& row : r) {
      auto read = ReadRow(row, nullptr);
      if (!read.ok()) return read.status();
      ReferralRecord& x = read->referral;
      x.escalated_on = today;
      Update(tx, x);
      const int days = static_cast<int>(today - x.answer_due_on.value_or(today));
      kafka::AppendToOutbox(tx, kEmploymentTopic, make_event(x, days));
      ++count;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (count > 0 && signal_ != nullptr) signal_->Notify();
  return count;
}

void PgReferralStore::MoveReferrals(pqxx::work& tx, const std::string& case_id,
                                    const std::string& district_code) {
  tx.exec_prepared(Name(kMoveReferrals), case_id, district_code);
}

std::vector<ReferralRecord> PgReferralStore::LockOpenReferrals(pqxx::work& tx,
                                                               const std::string& case_id) {
  std::vector<ReferralRecord> out;
  for (const auto& row : tx.exec_prepared(Name(kOpenReferralsOfCase), case_id)) {
    auto read = ReadRow(row, nullptr);
    if (read.ok()) out.push_back(std::move(read->referral));
  }
  return out;
}

void PgReferralStore::WriteStep(pqxx::work& tx, const ReferralRecord& referral,
                                const ReferralStepRecord& step) {
  Update(tx, referral);
  InsertStep(tx, referral.referral_id, step);
}

std::vector<db::Query> PgReferralStore::Queries() {
  return {kGetReferral,      kLockReferral,  kListReferrals,      kSteps,          kContractsOf,
          kLockCase,         kPartnerBrief,  kInsertReferral,     kUpdateReferral, kInsertStep,
          kDueForEscalation, kMoveReferrals, kOpenReferralsOfCase};
}

}  // namespace ccms::employment
