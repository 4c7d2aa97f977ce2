#pragma once

#include "ccms/education/v1/feedback_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/feedback_store.h"

namespace ccms::education {

// ccms.education.v1.FeedbackService: satisfaction surveys and complaints (seed 9.2-9.3;
// docs/education.md, "Satisfaction and complaints"). A complaint's text is encrypted here with
// `cipher` (context "education.complaint") and never leaves in an event or a log.
class FeedbackServiceImpl final : public v1::FeedbackService::CallbackService {
 public:
  static constexpr char kComplaintContext[] = "education.complaint";

  FeedbackServiceImpl(FeedbackStore& store, grpc_util::CallExecutor& executor,
                      const domain::EducationPolicies& policies, const time::Clock& clock,
                      const crypto::PiiCipher& cipher)
      : store_(store), executor_(executor), policies_(policies), clock_(clock), cipher_(cipher) {}

  grpc::ServerUnaryReactor* PublishQuestionnaire(
      grpc::CallbackServerContext* context, const v1::PublishQuestionnaireRequest* request,
      v1::PublishQuestionnaireResponse* response) override;
  grpc::ServerUnaryReactor* RecordSurveyResponse(
      grpc::CallbackServerContext* context, const v1::RecordSurveyResponseRequest* request,
      v1::RecordSurveyResponseResponse* response) override;
  grpc::ServerUnaryReactor* FileComplaint(grpc::CallbackServerContext* context,
                                          const v1::FileComplaintRequest* request,
                                          v1::FileComplaintResponse* response) override;
  grpc::ServerUnaryReactor* UpdateComplaint(grpc::CallbackServerContext* context,
                                            const v1::UpdateComplaintRequest* request,
                                            v1::UpdateComplaintResponse* response) override;
  grpc::ServerUnaryReactor* ListComplaints(grpc::CallbackServerContext* context,
                                           const v1::ListComplaintsRequest* request,
                                           v1::ListComplaintsResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoPublishQuestionnaire(const auth::Principal& principal,
                                      const v1::PublishQuestionnaireRequest& request,
                                      v1::PublishQuestionnaireResponse* response);
  absl::Status DoRecordSurveyResponse(const auth::Principal& principal,
                                      const v1::RecordSurveyResponseRequest& request,
                                      v1::RecordSurveyResponseResponse* response);
  absl::Status DoFileComplaint(const auth::Principal& principal,
                               const v1::FileComplaintRequest& request,
                               v1::FileComplaintResponse* response);
  absl::Status DoUpdateComplaint(const auth::Principal& principal,
                                 const v1::UpdateComplaintRequest& request,
                                 v1::UpdateComplaintResponse* response);
  absl::Status DoListComplaints(const auth::Principal& principal,
                                const v1::ListComplaintsRequest& request,
                                v1::ListComplaintsResponse* response);

 private:
  FeedbackStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
  const crypto::PiiCipher& cipher_;
};

}  // namespace ccms::education
