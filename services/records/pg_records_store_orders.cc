// PgRecordsStore: electronic monitoring orders and the health reports and medical reviews of
// temporary execution outside prison.
#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/one_statement.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"
#include "services/records/pg_records_store.h"

namespace ccms::records {
namespace {

using namespace pg_internal;  // NOLINT: the store's own helpers

#define CCMS_ORDER_COLUMNS                                                        \
  "o.order_id::text, o.case_id::text, c.case_number, c.district_code, o.grounds," \
  " o.starts_on::text, o.ends_on::text, o.original_ends_on::text, o.renewals,"    \
  " o.ended_on::text, o.end_reason, o.approved_by, o.policy_version"

constexpr db::Query kOrderSanctions = {
    "records_order_sanctions",
    "SELECT kind, issued_on::text, corrected_on IS NOT NULL, court_decision FROM sanctions"
    " WHERE case_id = $1"};
constexpr db::Query kOrdersOfCase = {
    "records_orders_of_case",
    "SELECT order_id::text, starts_on::text, ends_on::text, ended_on::text"
    " FROM monitoring_orders WHERE case_id = $1 ORDER BY starts_on"};
constexpr db::Query kInsertOrder = {
    "records_insert_monitoring_order",
    "INSERT INTO monitoring_orders (order_id, case_id, grounds, starts_on, original_ends_on,"
    " ends_on, policy_version, approved_by) VALUES ($1, $2, $3, $4::date, $5::date, $5::date, $6,"
    " $7)"};
// The order within the caller's district scope (through its case).
constexpr db::Query kGetOrder = {
    "records_get_monitoring_order",
    "SELECT " CCMS_ORDER_COLUMNS
    " FROM monitoring_orders o JOIN cases c ON c.case_id = o.case_id"
    " WHERE o.order_id = $1 AND ($2::boolean OR c.district_code = ANY($3::text[]))"};
constexpr db::Query kLockOrderOfCase = {
    "records_lock_monitoring_order",
    "SELECT " CCMS_ORDER_COLUMNS
    " FROM monitoring_orders o JOIN cases c ON c.case_id = o.case_id"
    " WHERE o.order_id = $1 AND o.case_id = $2 FOR UPDATE OF o"};
constexpr db::Query kUpdateOrder = {
    "records_update_monitoring_order",
    "UPDATE monitoring_orders SET ends_on = $2::date, renewals = $3, ended_on = $4::date,"
    " end_reason = $5 WHERE order_id = $1"};
constexpr db::Query kInsertRenewal = {
    "records_insert_monitoring_renewal",
    "INSERT INTO monitoring_renewals (renewal_id, order_id, renewed_on, previous_ends_on,"
    " new_ends_on, policy_version, approved_by) VALUES ($1, $2, $3::date, $4::date, $5::date, $6,"
    " $7)"};
// Running on $4 (started, not ended by then) and ending in [$4, $5]; active cases in scope.
constexpr db::Query kMonitoringExpiring = {
    "records_monitoring_expiring",
    "SELECT " CCMS_ORDER_COLUMNS
    " FROM monitoring_orders o JOIN cases c ON c.case_id = o.case_id"
    " WHERE ($1::boolean OR c.district_code = ANY($2::text[]))"
    " AND ($3 = '' OR c.district_code = $3) AND c.status = 'ACTIVE'"
    " AND o.starts_on <= $4::date AND (o.ended_on IS NULL OR o.ended_on > $4::date)"
    " AND o.ends_on >= $4::date AND o.ends_on <= $5::date"
    " AND (o.ends_on, o.order_id) > ($6::date,"
    " COALESCE(NULLIF($7, '')::uuid, '00000000-0000-0000-0000-000000000000'))"
    " ORDER BY o.ends_on, o.order_id LIMIT $8"};
constexpr db::Query kInsertHealthReport = {
    "records_insert_health_report",
    "INSERT INTO health_reports (report_id, case_id, received_on, recorded_by)"
    " VALUES ($1, $2, $3::date, $4)"};
constexpr db::Query kInsertMedicalReview = {
    "records_insert_medical_review",
    "INSERT INTO medical_reviews (review_id, case_id, reviewed_on, institution, outcome, details,"
    " recorded_by) VALUES ($1, $2, $3::date, $4, $5, $6, $7)"};
// The active cases temporarily outside prison (cases_outside_prison, V018: ~1 in 40 of the
// active cases, which are 3% of a city's), then each one's last health report and medical
// review. The district is a branch of its own (`$3 <> ''`), as in the other lists: with
// `($3 = '' OR ...)` the generic plan could not use it (0.6 s at a million cases, reading
// every active case of the city; docs/benchmarks.md, "City scale").
#define CCMS_MEDICAL_FILTERS                                                                \
  " AND ($1::boolean OR o.district_code = ANY($2::text[])) AND o.status = 'ACTIVE'"         \
  " AND o.sentence_kind = 'TEMPORARY_OUTSIDE_PRISON' AND o.intake_reported_on IS NOT NULL"  \
  " AND o.case_id > COALESCE(NULLIF($4, '')::uuid, '00000000-0000-0000-0000-000000000000')" \
  " AND ($7 = '' OR o.case_id = NULLIF($7, '')::uuid) ORDER BY o.case_id LIMIT $6)"
constexpr db::Query kMedicalCandidates = {
    "records_medical_candidates",
    "SELECT c.case_id::text, c.case_number, c.district_code, c.office_id,"
    " c.intake_reported_on::text,"
    " (SELECT max(received_on) FROM health_reports h WHERE h.case_id = c.case_id"
    "   AND h.received_on <= $5::date)::text,"
    " (SELECT max(reviewed_on) FROM medical_reviews m WHERE m.case_id = c.case_id"
    "   AND m.reviewed_on <= $5::date)::text"
    " FROM ((SELECT o.case_id FROM cases o WHERE $3 <> '' AND o.district_code = "
    "$3" CCMS_MEDICAL_FILTERS
    " UNION ALL"
    " (SELECT o.case_id FROM cases o WHERE $3 = ''" CCMS_MEDICAL_FILTERS
    ") ids JOIN cases c ON c.case_id = ids.case_id"
    " ORDER BY c.case_id LIMIT $6"};
#undef CCMS_MEDICAL_FILTERS

std::optional<absl::CivilDay> MaybeDate(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return DateOf(f);
}

MonitoringOrderRecord RowToOrder(const pqxx::row& r) {
  MonitoringOrderRecord o;
  o.order_id = r[0].as<std::string>();
  o.case_id = r[1].as<std::string>();
  o.case_number = r[2].as<std::string>();
  o.district_code = r[3].as<std::string>();
  for (absl::string_view g : absl::StrSplit(r[4].as<std::string>(), ',', absl::SkipEmpty())) {
    if (auto parsed = domain::ParseMonitoringGround(std::string(g))) o.grounds.push_back(*parsed);
  }
  o.starts_on = DateOf(r[5]);
  o.ends_on = DateOf(r[6]);
  o.original_ends_on = DateOf(r[7]);
  o.renewals = r[8].as<int>();
  o.ended_on = MaybeDate(r[9]);
  o.end_reason = domain::ParseMonitoringEndReason(r[10].as<std::string>());
  o.approved_by = r[11].as<std::string>();
  o.policy_version = r[12].as<std::string>();
  return o;
}

std::string GroundsText(const std::vector<domain::MonitoringGround>& grounds) {
  std::vector<std::string> names;
  for (auto g : grounds) names.emplace_back(domain::MonitoringGroundName(g));
  return absl::StrJoin(names, ",");
}

}  // namespace

std::vector<db::Query> PgRecordsStore::OrderQueries() {
  return {kOrderSanctions,     kOrdersOfCase,        kInsertOrder,      kGetOrder,
          kLockOrderOfCase,    kUpdateOrder,         kInsertRenewal,    kMonitoringExpiring,
          kInsertHealthReport, kInsertMedicalReview, kMedicalCandidates};
}

absl::StatusOr<MonitoringOrderRecord> PgRecordsStore::OrderMonitoring(
    const auth::Principal& principal, const CaseMutation& m, const MonitoringOrderRecord& order,
    const MonitoringOrderDecider& decide, const MonitoringEventFactory& make_event) {
  MonitoringOrderRecord written = order;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        domain::LadderFacts ladder;
        ladder.sentence_kind = c.sentence_kind;
        for (const auto& row : tx.exec_prepared(Name(kOrderSanctions), c.case_id)) {
          auto kind = domain::ParseSanctionKind(row[0].as<std::string>());
          if (kind.has_value())
            ladder.sanctions.push_back(
                {*kind, DateOf(row[1]), row[2].as<bool>(),
                 row[3].is_null() ? std::nullopt
                                  : domain::ParseRevocationDecision(row[3].as<std::string>())});
        }
        std::vector<domain::MonitoringOrderFacts> existing;
        for (const auto& row : tx.exec_prepared(Name(kOrdersOfCase), c.case_id)) {
          existing.push_back(
              {row[0].as<std::string>(), DateOf(row[1]), DateOf(row[2]), MaybeDate(row[3])});
        }
        if (absl::Status st = decide(c, ladder, existing); !st.ok()) return st;
        written.case_id = c.case_id;
        written.case_number = c.case_number;
        written.district_code = c.district_code;
        written.approved_by = principal.subject;
        tx.exec_prepared(Name(kInsertOrder), written.order_id, c.case_id,
                         GroundsText(written.grounds), time::FormatDate(written.starts_on),
                         time::FormatDate(written.ends_on), written.policy_version,
                         principal.subject);
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, written));
        return written.order_id;
      });
  if (!result.ok()) return result.status();
  return written;
}

absl::StatusOr<MonitoringOrderRecord> PgRecordsStore::ChangeMonitoring(
    const auth::Principal& principal, const CaseMutation& m, const MonitoringChange& change,
    const MonitoringChangeDecider& decide, const MonitoringEventFactory& make_event) {
  MonitoringOrderRecord after;
  auto result =
      Mutate(principal, m, [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
        pqxx::result r = tx.exec_prepared(Name(kLockOrderOfCase), change.order_id, c.case_id);
        if (r.empty()) return absl::NotFoundError("monitoring order not found on this case");
        after = RowToOrder(r[0]);
        const absl::CivilDay previous_ends_on = after.ends_on;
        if (absl::Status st = decide(c, after); !st.ok()) return st;
        std::optional<std::string> ended_on;
        if (after.ended_on.has_value()) ended_on = time::FormatDate(*after.ended_on);
        tx.exec_prepared(Name(kUpdateOrder), after.order_id, time::FormatDate(after.ends_on),
                         after.renewals, ended_on ? ended_on->c_str() : nullptr,
                         after.end_reason.has_value()
                             ? std::string(domain::MonitoringEndReasonName(*after.end_reason))
                             : std::string());
        if (!change.renewal_id.empty()) {
          tx.exec_prepared(Name(kInsertRenewal), change.renewal_id, after.order_id,
                           time::FormatDate(change.on), time::FormatDate(previous_ends_on),
                           time::FormatDate(after.ends_on), after.policy_version,
                           principal.subject);
        }
        kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c, after));
        return after.order_id;
      });
  if (!result.ok()) return result.status();
  return after;
}

absl::StatusOr<std::vector<MonitoringOrderRecord>> PgRecordsStore::ListMonitoringExpiring(
    const auth::Principal& principal, const std::string& district_code, absl::CivilDay as_of,
    absl::CivilDay last_day, std::optional<absl::CivilDay> after_ends_on,
    const std::string& after_order_id, int limit) {
  std::vector<MonitoringOrderRecord> out;
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& r : tx.exec_prepared(
             Name(kMonitoringExpiring), scope.all, scope.districts, district_code,
             time::FormatDate(as_of), time::FormatDate(last_day),
             after_ends_on.has_value() ? time::FormatDate(*after_ends_on) : "0001-01-01",
             after_order_id, limit)) {
      out.push_back(RowToOrder(r));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordHealthReport(
    const auth::Principal& principal, const CaseMutation& m, const NewHealthReport& report,
    const MedicalRecordDecider& decide, const CaseEventFactory& make_event) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  if (absl::Status st = decide(c); !st.ok()) return st;
                  tx.exec_prepared(Name(kInsertHealthReport), report.report_id, c.case_id,
                                   time::FormatDate(report.received_on), principal.subject);
                  kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
                  return report.report_id;
                });
}

absl::StatusOr<MutationResult> PgRecordsStore::RecordMedicalReview(
    const auth::Principal& principal, const CaseMutation& m, const NewMedicalReview& review,
    const MedicalRecordDecider& decide, const CaseEventFactory& make_event) {
  return Mutate(principal, m,
                [&](pqxx::work& tx, const CaseRecord& c) -> absl::StatusOr<std::string> {
                  if (absl::Status st = decide(c); !st.ok()) return st;
                  tx.exec_prepared(Name(kInsertMedicalReview), review.review_id, c.case_id,
                                   time::FormatDate(review.reviewed_on), review.institution,
                                   std::string(domain::MedicalReviewOutcomeName(review.outcome)),
                                   review.details, principal.subject);
                  kafka::AppendToOutbox(tx, kRecordsTopic, make_event(c));
                  return review.review_id;
                });
}

absl::StatusOr<std::vector<MedicalCandidate>> PgRecordsStore::ListMedicalCandidates(
    const auth::Principal& principal, const std::string& district_code,
    const std::string& after_case_id, absl::CivilDay as_of, int limit,
    const std::string& only_case_id) {
  std::vector<MedicalCandidate> out;
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    for (const auto& r :
         tx.exec_prepared(Name(kMedicalCandidates), scope.all, scope.districts, district_code,
                          after_case_id, time::FormatDate(as_of), limit, only_case_id)) {
      MedicalCandidate mc;
      mc.c.case_id = r[0].as<std::string>();
      mc.c.case_number = r[1].as<std::string>();
      mc.c.district_code = r[2].as<std::string>();
      mc.c.office_id = r[3].as<std::string>();
      mc.c.intake_reported_on = MaybeDate(r[4]);
      mc.c.sentence_kind = domain::SentenceKind::kTemporaryOutsidePrison;
      mc.c.status = domain::CaseStatus::kActive;
      mc.last_health_report = MaybeDate(r[5]);
      mc.last_medical_review = MaybeDate(r[6]);
      out.push_back(std::move(mc));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ccms::records
