#pragma once

#include "ccms/education/v1/counselling_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/counselling_store.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education {

// ccms.education.v1.CounsellingService: psychological help (seed 7.5; docs/education.md,
// "Psychological help"). Roles: domain/access.h, and domain::AuthorizePsychFile for the file;
// district scope in the store's SQL. The file's text is encrypted here with `cipher` (context
// "education.psych_file") and never leaves in an event or a log.
class CounsellingServiceImpl final : public v1::CounsellingService::CallbackService {
 public:
  static constexpr char kPsychFileContext[] = "education.psych_file";

  CounsellingServiceImpl(CounsellingStore& store, grpc_util::CallExecutor& executor,
                         const domain::EducationPolicies& policies, const time::Clock& clock,
                         const crypto::PiiCipher& cipher)
      : store_(store), executor_(executor), policies_(policies), clock_(clock), cipher_(cipher) {}

  grpc::ServerUnaryReactor* RegisterExpert(grpc::CallbackServerContext* context,
                                           const v1::RegisterExpertRequest* request,
                                           v1::RegisterExpertResponse* response) override;
  grpc::ServerUnaryReactor* ListExperts(grpc::CallbackServerContext* context,
                                        const v1::ListExpertsRequest* request,
                                        v1::ListExpertsResponse* response) override;
  grpc::ServerUnaryReactor* RecordCounsellingSession(
      grpc::CallbackServerContext* context, const v1::RecordCounsellingSessionRequest* request,
      v1::RecordCounsellingSessionResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePsychFile(grpc::CallbackServerContext* context,
                                            const v1::UpdatePsychFileRequest* request,
                                            v1::UpdatePsychFileResponse* response) override;
  grpc::ServerUnaryReactor* GetPsychFile(grpc::CallbackServerContext* context,
                                         const v1::GetPsychFileRequest* request,
                                         v1::GetPsychFileResponse* response) override;
  grpc::ServerUnaryReactor* MakeReferral(grpc::CallbackServerContext* context,
                                         const v1::MakeReferralRequest* request,
                                         v1::MakeReferralResponse* response) override;
  grpc::ServerUnaryReactor* RecordReferralOutcome(
      grpc::CallbackServerContext* context, const v1::RecordReferralOutcomeRequest* request,
      v1::RecordReferralOutcomeResponse* response) override;
  grpc::ServerUnaryReactor* ListUrgentContacts(grpc::CallbackServerContext* context,
                                               const v1::ListUrgentContactsRequest* request,
                                               v1::ListUrgentContactsResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoRegisterExpert(const auth::Principal& principal,
                                const v1::RegisterExpertRequest& request,
                                v1::RegisterExpertResponse* response);
  absl::Status DoListExperts(const auth::Principal& principal,
                             const v1::ListExpertsRequest& request,
                             v1::ListExpertsResponse* response);
  absl::Status DoRecordCounsellingSession(const auth::Principal& principal,
                                          const v1::RecordCounsellingSessionRequest& request,
                                          v1::RecordCounsellingSessionResponse* response);
  absl::Status DoUpdatePsychFile(const auth::Principal& principal,
                                 const v1::UpdatePsychFileRequest& request,
                                 v1::UpdatePsychFileResponse* response);
  absl::Status DoGetPsychFile(const auth::Principal& principal,
                              const v1::GetPsychFileRequest& request,
                              v1::GetPsychFileResponse* response);
  absl::Status DoMakeReferral(const auth::Principal& principal,
                              const v1::MakeReferralRequest& request,
                              v1::MakeReferralResponse* response);
  absl::Status DoRecordReferralOutcome(const auth::Principal& principal,
                                       const v1::RecordReferralOutcomeRequest& request,
                                       v1::RecordReferralOutcomeResponse* response);
  absl::Status DoListUrgentContacts(const auth::Principal& principal,
                                    const v1::ListUrgentContactsRequest& request,
                                    v1::ListUrgentContactsResponse* response);

 private:
  CounsellingStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
  const crypto::PiiCipher& cipher_;
};

}  // namespace ccms::education
