#pragma once

#include <functional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/education_policy.h"
#include "services/education/session_store.h"

namespace ccms::education {

// SessionStore on PostgreSQL (tables sessions, enrolments, attendance; migrations/V003).
class PgSessionStore final : public SessionStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgSessionStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::Status Create(const auth::Principal& principal, std::string_view method,
                      const std::string& request_id, const std::vector<SessionRecord>& sessions,
                      const std::vector<events::v1::Envelope>& events) override;
  absl::StatusOr<SessionState> Mutate(const auth::Principal& principal,
                                      const std::string& session_id, std::string_view method,
                                      const std::string& request_id,
                                      const SessionDecision& decide) override;
  absl::StatusOr<EnrolResult> Enrol(const auth::Principal& principal, const std::string& session_id,
                                    const std::string& case_id, const std::string& request_id,
                                    const EnrolCheck& check) override;
  absl::StatusOr<WithdrawResult> Withdraw(const auth::Principal& principal,
                                          const std::string& session_id, const std::string& case_id,
                                          const std::string& request_id) override;
  absl::StatusOr<SessionState> Get(const auth::Principal& principal,
                                   const std::string& session_id) override;
  absl::StatusOr<SessionPage> List(const auth::Principal& principal,
                                   const SessionFilter& filter) override;

  // An enrolled case's sessions overlapping the days [first, last] (Asia/Shanghai) of an approved
  // leave, SCHEDULED and without an attendance yet (unscoped: the consumer's, inside its inbox
  // transaction). The caller records them EXCUSED with WriteAutomaticAttendance.
  struct LeaveOverlap {
    SessionRecord session;
  };
  static std::vector<LeaveOverlap> EnrolledSessionsDuring(pqxx::work& tx,
                                                          const std::string& case_id,
                                                          absl::Time from, absl::Time to);
  // Inserts an attendance unless one is recorded; whether it did.
  static bool WriteAutomaticAttendance(pqxx::work& tx, const std::string& session_id,
                                       const std::string& case_id, const AttendanceRecord& a);

  // Records EXCUSED (APPROVED_LEAVE, automatic) for each session of `case_id` that an approved
  // leave covering the days [leave.start_date, leave.end_date] (Asia/Shanghai) overlaps: enrolled,
  // SCHEDULED, without an attendance yet (a recorded one is never overwritten), with its
  // attendance_recorded event in the outbox. The consumer's, inside its inbox transaction.
  static absl::Status ExcuseForLeave(pqxx::work& tx, const std::string& case_id,
                                     const domain::LeaveFact& leave,
                                     const domain::EducationPolicies& policies, absl::Time now);

  // The session in the caller's reach (locked FOR UPDATE when `lock`) with its enrolments:
  // staff's by their districts, a partner's by its agency as the session's provider (the partner
  // view, pg_partner_session_store.h). NOT_FOUND outside it.
  static absl::StatusOr<SessionState> Load(pqxx::transaction_base& tx,
                                           const auth::Principal& principal,
                                           const std::string& session_id, bool lock);
  // The sessions `agency_id` delivers (provider PARTNER_AGENCY), by start then id, a page of
  // `filter` (its district is ignored); unaudited: the caller audits.
  static SessionPage ListOfAgency(pqxx::transaction_base& tx, const std::string& agency_id,
                                  const SessionFilter& filter);

  static std::vector<db::Query> Queries();

  // Called inside Mutate's transaction after each attendance it writes (the hours ledger's
  // window completions, pg_hours_ledger_store.h). Set once while wiring.
  using AttendanceHook = std::function<void(pqxx::work&, const SessionRecord&,
                                            const std::string& case_id, const AttendanceRecord&)>;
  void OnAttendanceWritten(AttendanceHook hook) { attendance_hook_ = std::move(hook); }

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
  AttendanceHook attendance_hook_;
};

}  // namespace ccms::education
