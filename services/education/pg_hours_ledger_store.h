#pragma once

#include <optional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/community_service_hours.h"
#include "services/education/domain/education_policy.h"
#include "services/education/hours_ledger_store.h"
#include "services/education/session_store.h"

namespace ccms::education {

// HoursLedgerStore on PostgreSQL (hours_waivers, hours_months, lost_contact_periods,
// individual_step_ups, education_window_completions of migrations/V005; attendance and sessions
// of V003; cases of V001).
class PgHoursLedgerStore final : public HoursLedgerStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgHoursLedgerStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal,
                     const CommunityServiceHours& community_service)
      : pool_(pool), signal_(signal), community_service_(community_service) {}

  absl::StatusOr<CaseLedgerData> Load(const auth::Principal& principal, const std::string& case_id,
                                      std::string_view method) override;
  absl::StatusOr<ClosedMonthRecord> CloseMonth(const auth::Principal& principal,
                                               const std::string& case_id,
                                               const std::string& request_id,
                                               absl::CivilMonth month,
                                               const CloseMonthDecision& decide) override;
  absl::StatusOr<domain::HoursWaiver> GrantWaiver(const auth::Principal& principal,
                                                  const std::string& case_id,
                                                  const std::string& request_id,
                                                  const WaiverDecision& decide) override;
  absl::StatusOr<LedgerPage> List(const auth::Principal& principal, std::string_view method,
                                  const LedgerListFilter& filter,
                                  const std::function<bool(const CaseLedgerData&)>& keep) override;

  // The case's data inside a transaction (no scope check, no audit): the consumer and List.
  static CaseLedgerData LoadData(pqxx::transaction_base& tx, CaseRow row,
                                 const CommunityServiceHours& community_service);

  // Records' lost contact and the step-up triggers, inside the consumer's transaction; a case
  // education has not heard of is skipped. A redelivered event changes nothing.
  static void MarkLostContact(pqxx::work& tx, const std::string& case_id,
                              const std::string& period_id, absl::CivilDay since);
  static void MarkFound(pqxx::work& tx, const std::string& case_id, const std::string& period_id,
                        std::optional<absl::CivilDay> since, absl::CivilDay found_on);
  static void AddStepUp(pqxx::work& tx, const std::string& case_id,
                        const domain::StepUpTrigger& trigger);

  // After an attendance is written (session_store.h's hook): an ATTENDED or LATE at an INTAKE or
  // DISCHARGE session that completes the case's window records the completion once and puts
  // ccms.education.intake_education_completed / discharge_education_completed in the outbox.
  static void OnAttendance(pqxx::work& tx, const SessionRecord& session, const std::string& case_id,
                           const AttendanceRecord& attendance,
                           const domain::EducationPolicies& policies, absl::Time now);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
  const CommunityServiceHours& community_service_;
};

}  // namespace ccms::education
