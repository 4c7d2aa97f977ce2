#pragma once

#include "ccms/education/v1/partner_session_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/partner_session_store.h"

namespace ccms::education {

// ccms.education.v1.PartnerSessionService: the partner view of sessions (docs/education.md,
// "Partner view"). Only a partner principal with its agency (the kit has checked that its client
// certificate names the token's agency); the store keeps it to the sessions its agency delivers
// (anything else NOT_FOUND) and audits every read. Of the people enrolled it shows the reviewed
// allow-list (PartnerParticipant): the referral code of the enrolment, the given name the office
// recorded (never a minor's), the outcome and the minutes credited. Attendance goes through the
// staff's bulk path (DecideAttendance), named by referral code.
class PartnerSessionServiceImpl final : public v1::PartnerSessionService::CallbackService {
 public:
  PartnerSessionServiceImpl(PartnerSessionStore& store, grpc_util::CallExecutor& executor,
                            const domain::EducationPolicies& policies, const time::Clock& clock,
                            const crypto::PiiCipher& cipher)
      : store_(store), executor_(executor), policies_(policies), clock_(clock), cipher_(cipher) {}

  grpc::ServerUnaryReactor* ListPartnerSessions(grpc::CallbackServerContext* context,
                                                const v1::ListPartnerSessionsRequest* request,
                                                v1::ListPartnerSessionsResponse* response) override;
  grpc::ServerUnaryReactor* GetPartnerSession(grpc::CallbackServerContext* context,
                                              const v1::GetPartnerSessionRequest* request,
                                              v1::GetPartnerSessionResponse* response) override;
  grpc::ServerUnaryReactor* RecordPartnerAttendance(
      grpc::CallbackServerContext* context, const v1::RecordPartnerAttendanceRequest* request,
      v1::RecordPartnerAttendanceResponse* response) override;

  // The work of each RPC, without gRPC (tests call these with a partner principal).
  absl::Status DoListPartnerSessions(const auth::Principal& principal,
                                     const v1::ListPartnerSessionsRequest& request,
                                     v1::ListPartnerSessionsResponse* response);
  absl::Status DoGetPartnerSession(const auth::Principal& principal,
                                   const v1::GetPartnerSessionRequest& request,
                                   v1::GetPartnerSessionResponse* response);
  absl::Status DoRecordPartnerAttendance(const auth::Principal& principal,
                                         const v1::RecordPartnerAttendanceRequest& request,
                                         v1::RecordPartnerAttendanceResponse* response);

 private:
  absl::Status Fill(const PartnerParticipantRecord& p, v1::PartnerParticipant* out) const;

  PartnerSessionStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
  const crypto::PiiCipher& cipher_;
};

}  // namespace ccms::education
