#pragma once

#include <string>
#include <vector>

#include "ccms/education/v1/session_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/grpc/status.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/partner_session_store.h"
#include "services/education/session_store.h"

namespace ccms::education {

// The event of one case's attendance at `session` (ccms.education.attendance_recorded): codes,
// minutes and ids only, never the behaviour note. Also the consumer's, for an approved leave.
events::v1::Envelope AttendanceEvent(const SessionRecord& session, const std::string& case_id,
                                     const AttendanceRecord& attendance, absl::Time now,
                                     const std::string& actor);

// The event of one case's place in `session` changing (ccms.education.enrolment_changed):
// `status` is ENROLLED, WAITLISTED, WITHDRAWN, SESSION_CANCELLED or SESSION_MOVED;
// `case_district` the case's district (the event's). Codes, times and ids only.
events::v1::Envelope EnrolmentChangedEvent(const SessionRecord& session, const std::string& case_id,
                                           const std::string& case_district,
                                           const std::string& status, absl::Time now,
                                           const std::string& actor);

// One person's attendance as a caller gave it (case id resolved, outcome and excuse checked).
struct AttendanceInput {
  std::string case_id;
  domain::Outcome outcome = domain::Outcome::kAbsent;
  std::string excuse;  // "" unless EXCUSED
  bool notice = false;
  std::string note;  // plain text; "" none
};

// The bulk attendance path's decision on the locked session (RecordAttendance's, and the partner
// view's RecordPartnerAttendance): a SCHEDULED session that has started, each entry an ENROLLED
// case (FAILED_PRECONDITION "entries[i]: ..." otherwise); the service credits the minutes from the
// session and the outcome (policy in force on the session's day), encrypts notes with `cipher`,
// and raises one attendance_recorded event per entry.
absl::StatusOr<SessionWrite> DecideAttendance(const SessionContext& context,
                                              const std::vector<AttendanceInput>& entries,
                                              const domain::EducationPolicies& policies,
                                              const crypto::PiiCipher& cipher,
                                              const std::string& recorded_by,
                                              const std::string& actor, absl::Time now);

// The page token of a session list (ListSessions, and the partner view's ListPartnerSessions):
// "<start in Unix microseconds>.<session id>" of the page's last session.
std::string SessionPageToken(const SessionRecord& last);
// Reads a non-empty `token` into `filter`'s cursor (after_start, after_session_id), or adds the
// page_token violation to `violations` when it is not a token of this list.
void ReadSessionPageToken(const std::string& token, SessionFilter* filter,
                          std::vector<grpc_util::FieldViolation>* violations);

// ccms.education.v1.SessionService: sessions (one or a recurring series), enrolment with a
// capacity and a waitlist, attendance with the hours the service credits (docs/education.md,
// "Sessions"). Roles: domain/access.h (write: schedule, enrol, record; read: get, list); district
// scope in the store's SQL. Behaviour notes are encrypted with `cipher` and never leave in events.
class SessionServiceImpl final : public v1::SessionService::CallbackService {
 public:
  // The AAD context of a behaviour note's blob (PiiCipher).
  static constexpr char kNoteContext[] = "education.attendance.note";

  SessionServiceImpl(SessionStore& store, grpc_util::CallExecutor& executor,
                     const domain::EducationPolicies& policies, const time::Clock& clock,
                     const crypto::PiiCipher& cipher)
      : store_(store), executor_(executor), policies_(policies), clock_(clock), cipher_(cipher) {}

  grpc::ServerUnaryReactor* ScheduleSession(grpc::CallbackServerContext* context,
                                            const v1::ScheduleSessionRequest* request,
                                            v1::ScheduleSessionResponse* response) override;
  grpc::ServerUnaryReactor* CancelSession(grpc::CallbackServerContext* context,
                                          const v1::CancelSessionRequest* request,
                                          v1::CancelSessionResponse* response) override;
  grpc::ServerUnaryReactor* MoveSession(grpc::CallbackServerContext* context,
                                        const v1::MoveSessionRequest* request,
                                        v1::MoveSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::GetSessionResponse* response) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* context,
                                         const v1::ListSessionsRequest* request,
                                         v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* EnrolCase(grpc::CallbackServerContext* context,
                                      const v1::EnrolCaseRequest* request,
                                      v1::EnrolCaseResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawEnrolment(grpc::CallbackServerContext* context,
                                              const v1::WithdrawEnrolmentRequest* request,
                                              v1::WithdrawEnrolmentResponse* response) override;
  grpc::ServerUnaryReactor* RecordAttendance(grpc::CallbackServerContext* context,
                                             const v1::RecordAttendanceRequest* request,
                                             v1::RecordAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* SetPartnerViewName(grpc::CallbackServerContext* context,
                                               const v1::SetPartnerViewNameRequest* request,
                                               v1::SetPartnerViewNameResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoScheduleSession(const auth::Principal& principal,
                                 const v1::ScheduleSessionRequest& request,
                                 v1::ScheduleSessionResponse* response);
  absl::Status DoCancelSession(const auth::Principal& principal,
                               const v1::CancelSessionRequest& request,
                               v1::CancelSessionResponse* response);
  absl::Status DoMoveSession(const auth::Principal& principal,
                             const v1::MoveSessionRequest& request,
                             v1::MoveSessionResponse* response);
  absl::Status DoGetSession(const auth::Principal& principal, const v1::GetSessionRequest& request,
                            v1::GetSessionResponse* response);
  absl::Status DoListSessions(const auth::Principal& principal,
                              const v1::ListSessionsRequest& request,
                              v1::ListSessionsResponse* response);
  absl::Status DoEnrolCase(const auth::Principal& principal, const v1::EnrolCaseRequest& request,
                           v1::EnrolCaseResponse* response);
  absl::Status DoWithdrawEnrolment(const auth::Principal& principal,
                                   const v1::WithdrawEnrolmentRequest& request,
                                   v1::WithdrawEnrolmentResponse* response);
  absl::Status DoRecordAttendance(const auth::Principal& principal,
                                  const v1::RecordAttendanceRequest& request,
                                  v1::RecordAttendanceResponse* response);
  absl::Status DoSetPartnerViewName(const auth::Principal& principal,
                                    const v1::SetPartnerViewNameRequest& request,
                                    v1::SetPartnerViewNameResponse* response);

  // The store of the partner view's names (SetPartnerViewName); set once while wiring.
  void SetPartnerStore(PartnerSessionStore* store) { partner_store_ = store; }

  // The AAD context of a given name's blob shown in the partner view (PiiCipher).
  static constexpr char kGivenNameContext[] = "education.partner_view.given_name";

 private:
  void Fill(const SessionRecord& s, v1::Session* out) const;
  absl::Status Fill(const EnrolmentRecord& e, v1::Enrolment* out) const;

  SessionStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
  const crypto::PiiCipher& cipher_;
  PartnerSessionStore* partner_store_ = nullptr;
};

}  // namespace ccms::education
