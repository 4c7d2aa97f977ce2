#pragma once

#include "ccms/education/v1/session_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/session_store.h"

namespace ccms::education {

// The event of one case's attendance at `session` (ccms.education.attendance_recorded): codes,
// minutes and ids only, never the behaviour note. Also the consumer's, for an approved leave.
events::v1::Envelope AttendanceEvent(const SessionRecord& session, const std::string& case_id,
                                     const AttendanceRecord& attendance, absl::Time now,
                                     const std::string& actor);

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

 private:
  void Fill(const SessionRecord& s, v1::Session* out) const;
  absl::Status Fill(const EnrolmentRecord& e, v1::Enrolment* out) const;

  SessionStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
  const crypto::PiiCipher& cipher_;
};

}  // namespace ccms::education
