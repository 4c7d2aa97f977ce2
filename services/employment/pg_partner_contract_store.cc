#include "services/employment/pg_partner_contract_store.h"

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/employment/topics.h"

namespace ccms::employment {
namespace {

using db::Name;

// The partner is reached through district $2: registered in it or serving it, and $2 is one of
// the caller's districts ($3 all, $4 the caller's).
constexpr db::Query kPartnerServesDistrict = {
    "employment_partner_serves_district",
    "SELECT 1 FROM partners p WHERE p.partner_id = $1::uuid"
    " AND (p.district_code = $2 OR $2 = ANY(p.districts_served))"
    " AND ($3::boolean OR $2 = ANY($4::text[]))"};
// The partner is visible to the caller (as PartnerService.GetPartner sees it).
constexpr db::Query kPartnerVisible = {
    "employment_partner_visible",
    "SELECT 1 FROM partners p WHERE p.partner_id = $1::uuid AND ($2::boolean OR"
    " p.district_code = ANY($3::text[]) OR p.districts_served && $3::text[])"};
constexpr db::Query kInsertContract = {
    "employment_insert_partner_contract",
    "INSERT INTO partner_contracts (contract_id, partner_id, district_code, scope_code,"
    " starts_on, ends_on, amount_fen, status, recorded_by, created_at) VALUES ($1::uuid,"
    " $2::uuid, $3, $4, $5::date, $6::date, $7, $8, $9, to_timestamp($10::bigint / 1000000.0))"};
#define CCMS_CONTRACT_COLUMNS                                                   \
  "c.contract_id::text, c.partner_id::text, c.district_code, c.scope_code,"     \
  " c.starts_on::text, c.ends_on::text, c.amount_fen, c.status, c.recorded_by," \
  " (extract(epoch FROM c.created_at) * 1000000)::bigint"
constexpr db::Query kListContracts = {
    "employment_list_partner_contracts",
    "SELECT " CCMS_CONTRACT_COLUMNS
    " FROM partner_contracts c WHERE c.partner_id = $1::uuid"
    " AND ($2::boolean OR c.district_code = ANY($3::text[]))"
    " AND ($4 = '' OR c.contract_id > NULLIF($4, '')::uuid) ORDER BY c.contract_id LIMIT $5"};
// The contract end: ACTIVE contracts past their end, locked (a second sweeper skips them).
constexpr db::Query kContractsPastEnd = {
    "employment_partner_contracts_past_end",
    "SELECT " CCMS_CONTRACT_COLUMNS
    " FROM partner_contracts c WHERE c.status = 'ACTIVE' AND c.ends_on < $1::date"
    " ORDER BY c.ends_on, c.contract_id LIMIT $2 FOR UPDATE SKIP LOCKED"};
constexpr db::Query kCompleteContract = {
    "employment_complete_partner_contract",
    "UPDATE partner_contracts SET status = 'COMPLETED' WHERE contract_id = $1::uuid"};
constexpr db::Query kOpenReferralsWithPartner = {
    "employment_open_referrals_with_partner",
    "SELECT count(*) FROM referrals r WHERE r.partner_id = $1::uuid AND r.district_code = $2"
    " AND r.status IN ('DRAFT', 'SENT', 'ACCEPTED', 'INTERVIEW', 'OFFERED')"};
constexpr db::Query kOtherContractInForce = {
    "employment_other_partner_contract_in_force",
    "SELECT 1 FROM partner_contracts WHERE partner_id = $1::uuid AND district_code = $2"
    " AND contract_id <> $3::uuid AND status = 'ACTIVE' AND starts_on <= $4::date"
    " AND ends_on >= $4::date LIMIT 1"};
constexpr db::Query kEvaluationExists = {
    "employment_partner_evaluation_exists",
    "SELECT 1 FROM partner_evaluations WHERE partner_id = $1::uuid AND district_code = $2"
    " AND period_from = $3::date AND period_to = $4::date"};
constexpr db::Query kInsertEvaluation = {
    "employment_insert_partner_evaluation",
    "INSERT INTO partner_evaluations (evaluation_id, partner_id, district_code, period_from,"
    " period_to, criteria, scores, result_code, evaluated_by, evaluated_on) VALUES ($1::uuid,"
    " $2::uuid, $3, $4::date, $5::date, string_to_array($6, ','),"
    " string_to_array($7, ',')::integer[], $8, $9, $10::date)"};
constexpr db::Query kListEvaluations = {
    "employment_list_partner_evaluations",
    "SELECT e.evaluation_id::text, e.partner_id::text, e.district_code, e.period_from::text,"
    " e.period_to::text, array_to_string(e.criteria, ','), array_to_string(e.scores, ','),"
    " e.result_code, e.evaluated_by, e.evaluated_on::text FROM partner_evaluations e"
    " WHERE e.partner_id = $1::uuid AND ($2::boolean OR e.district_code = ANY($3::text[]))"
    " AND ($4 = '' OR e.evaluation_id > NULLIF($4, '')::uuid) ORDER BY e.evaluation_id LIMIT $5"};

absl::CivilDay Day(const pqxx::field& f) {
  return time::ParseDate(f.c_str()).value_or(absl::CivilDay());
}

ContractRecord ContractOf(const pqxx::row& r) {
  ContractRecord c;
  c.contract_id = r[0].as<std::string>();
  c.partner_id = r[1].as<std::string>();
  c.district_code = r[2].as<std::string>();
  c.scope_code = r[3].as<std::string>();
  c.starts_on = Day(r[4]);
  c.ends_on = Day(r[5]);
  c.amount_fen = r[6].as<int64_t>();
  c.status = r[7].as<std::string>();
  c.recorded_by = r[8].as<std::string>();
  c.created_at = absl::FromUnixMicros(r[9].as<int64_t>());
  return c;
}

EvaluationRecord EvaluationOf(const pqxx::row& r) {
  EvaluationRecord e;
  e.evaluation_id = r[0].as<std::string>();
  e.partner_id = r[1].as<std::string>();
  e.district_code = r[2].as<std::string>();
  e.period_from = Day(r[3]);
  e.period_to = Day(r[4]);
  const std::vector<std::string> criteria = absl::StrSplit(r[5].as<std::string>(), ',');
  const std::vector<std::string> scores = absl::StrSplit(r[6].as<std::string>(), ',');
  for (size_t i = 0; i < criteria.size() && i < scores.size(); ++i) {
    int score = 0;
    if (!absl::SimpleAtoi(scores[i], &score)) score = 0;
    e.scores.push_back({criteria[i], score});
  }
  e.result_code = r[7].as<std::string>();
  e.evaluated_by = r[8].as<std::string>();
  e.evaluated_on = Day(r[9]);
  return e;
}

void AuditRefusal(db::ConnectionPool& pool, const auth::Principal& principal,
                  std::string_view method, const absl::Status& st, const std::string& request_id) {
  if (st.code() != absl::StatusCode::kNotFound) return;
  (void)pool.InSeparateTransaction(
      [principal, method = std::string(method), request_id](pqxx::work& tx) {
        db::AppendAudit(tx, principal, method, "", "NOT_FOUND", request_id);
        return absl::OkStatus();
      });
}

absl::Status PartnerServes(pqxx::work& tx, const auth::Principal& principal,
                           const std::string& partner_id, const std::string& district) {
  const db::DistrictScope scope = db::ScopeOf(principal);
  if (tx.exec_prepared(Name(kPartnerServesDistrict), partner_id, district, scope.all,
                       scope.districts)
          .empty()) {
    return absl::NotFoundError("partner not found");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ContractRecord> PgPartnerContractStore::RecordContract(
    const auth::Principal& principal, const ContractRecord& c,
    const std::vector<events::v1::Envelope>& events, const std::string& request_id) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    if (auto s = PartnerServes(tx, principal, c.partner_id, c.district_code); !s.ok()) return s;
    tx.exec_prepared(Name(kInsertContract), c.contract_id, c.partner_id, c.district_code,
                     c.scope_code, time::FormatDate(c.starts_on), time::FormatDate(c.ends_on),
                     c.amount_fen, c.status, c.recorded_by, absl::ToUnixMicros(c.created_at));
    for (const auto& e : events) kafka::AppendToOutbox(tx, kEmploymentTopic, e);
    db::AppendAudit(tx, principal, "RecordPartnerContract", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordPartnerContract", st, request_id);
    return st;
  }
  if (!events.empty() && signal_ != nullptr) signal_->Notify();
  return c;
}

absl::StatusOr<EvaluationRecord> PgPartnerContractStore::RecordEvaluation(
    const auth::Principal& principal, const EvaluationRecord& e,
    const std::vector<events::v1::Envelope>& events, const std::string& request_id) {
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    if (auto s = PartnerServes(tx, principal, e.partner_id, e.district_code); !s.ok()) return s;
    if (!tx.exec_prepared(Name(kEvaluationExists), e.partner_id, e.district_code,
                          time::FormatDate(e.period_from), time::FormatDate(e.period_to))
             .empty()) {
      return absl::AlreadyExistsError(
          "the district has evaluated this partner for this period already");
    }
    std::vector<std::string> criteria;
    std::vector<std::string> scores;
    for (const auto& s : e.scores) {
      criteria.push_back(s.criterion);
      scores.push_back(std::to_string(s.score));
    }
    tx.exec_prepared(Name(kInsertEvaluation), e.evaluation_id, e.partner_id, e.district_code,
                     time::FormatDate(e.period_from), time::FormatDate(e.period_to),
                     absl::StrJoin(criteria, ","), absl::StrJoin(scores, ","), e.result_code,
                     e.evaluated_by, time::FormatDate(e.evaluated_on));
    for (const auto& ev : events) kafka::AppendToOutbox(tx, kEmploymentTopic, ev);
    db::AppendAudit(tx, principal, "RecordPartnerEvaluation", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "RecordPartnerEvaluation", st, request_id);
    return st;
  }
  if (!events.empty() && signal_ != nullptr) signal_->Notify();
  return e;
}

absl::StatusOr<ChildPage<ContractRecord>> PgPartnerContractStore::ListContracts(
    const auth::Principal& principal, const PartnerChildFilter& f) {
  ChildPage<ContractRecord> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kPartnerVisible), f.partner_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("partner not found");
    }
    pqxx::result r = tx.exec_prepared(Name(kListContracts), f.partner_id, scope.all,
                                      scope.districts, f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_id = page.items.back().contract_id;
        break;
      }
      page.items.push_back(ContractOf(row));
    }
    db::AppendAudit(tx, principal, "ListPartnerContracts", "", std::to_string(page.items.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "ListPartnerContracts", st, "");
    return st;
  }
  return page;
}

absl::StatusOr<ChildPage<EvaluationRecord>> PgPartnerContractStore::ListEvaluations(
    const auth::Principal& principal, const PartnerChildFilter& f) {
  ChildPage<EvaluationRecord> page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    if (tx.exec_prepared(Name(kPartnerVisible), f.partner_id, scope.all, scope.districts).empty()) {
      return absl::NotFoundError("partner not found");
    }
    pqxx::result r = tx.exec_prepared(Name(kListEvaluations), f.partner_id, scope.all,
                                      scope.districts, f.after_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_id = page.items.back().evaluation_id;
        break;
      }
      page.items.push_back(EvaluationOf(row));
    }
    db::AppendAudit(tx, principal, "ListPartnerEvaluations", "", std::to_string(page.items.size()),
                    "");
    return absl::OkStatus();
  });
  if (!st.ok()) {
    AuditRefusal(pool_, principal, "ListPartnerEvaluations", st, "");
    return st;
  }
  return page;
}

absl::StatusOr<int> PgPartnerContractStore::EndContractsPastTheirEnd(
    absl::CivilDay today, int batch, const ContractEndedEvent& event_of) {
  int ended = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    ended = 0;
    for (const auto& row :
         tx.exec_prepared(Name(kContractsPastEnd), time::FormatDate(today), batch)) {
      ContractRecord c = ContractOf(row);
      tx.exec_prepared(Name(kCompleteContract), c.contract_id);
      c.status = "COMPLETED";
      const int open =
          tx.exec_prepared1(Name(kOpenReferralsWithPartner), c.partner_id, c.district_code)[0]
              .as<int>();
      const bool other = !tx.exec_prepared(Name(kOtherContractInForce), c.partner_id,
                                           c.district_code, c.contract_id, time::FormatDate(today))
                              .empty();
      kafka::AppendToOutbox(tx, kEmploymentTopic, event_of(c, open, other));
      ++ended;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (ended > 0 && signal_ != nullptr) signal_->Notify();
  return ended;
}

std::vector<db::Query> PgPartnerContractStore::Queries() {
  return {
      kPartnerServesDistrict, kPartnerVisible,           kInsertContract,      kListContracts,
      kEvaluationExists,      kInsertEvaluation,         kListEvaluations,     kContractsPastEnd,
      kCompleteContract,      kOpenReferralsWithPartner, kOtherContractInForce};
}

}  // namespace ccms::employment
