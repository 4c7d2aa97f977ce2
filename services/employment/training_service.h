#pragma once

#include <string>
#include <string_view>

#include "ccms/employment/v1/training_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/partner_store.h"
#include "services/employment/training_store.h"

namespace ccms::employment {

// The event of an enrolment or a completion (ccms.employment.training_enrolled /
// training_completed), keyed by the case: codes, dates, ids and counts only.
events::v1::Envelope TrainingEvent(std::string_view type, const EnrolmentRecord& e,
                                   const ProgrammeRecord& t, absl::CivilDay on,
                                   std::string_view recorded_by_kind, absl::Time now,
                                   const std::string& actor);

// ccms.employment.v1.TrainingService: skills-training programmes and enrolments
// (docs/employment.md "Training"). Staff roles: domain/access.h (kManagePartners registers,
// kWriteReferral enrols and records, kRead lists); the provider partner records attendance and
// completion and lists its own programmes.
class TrainingServiceImpl final : public v1::TrainingService::CallbackService {
 public:
  TrainingServiceImpl(TrainingStore& store, PartnerStore& partners,
                      grpc_util::CallExecutor& executor, const domain::EmploymentPolicies& policies,
                      const time::Clock& clock)
      : store_(store),
        partners_(partners),
        executor_(executor),
        policies_(policies),
        clock_(clock) {}

  grpc::ServerUnaryReactor* RegisterTrainingProgramme(
      grpc::CallbackServerContext* context, const v1::RegisterTrainingProgrammeRequest* request,
      v1::RegisterTrainingProgrammeResponse* response) override;
  grpc::ServerUnaryReactor* EnrolInTraining(grpc::CallbackServerContext* context,
                                            const v1::EnrolInTrainingRequest* request,
                                            v1::EnrolInTrainingResponse* response) override;
  grpc::ServerUnaryReactor* RecordTrainingAttendance(
      grpc::CallbackServerContext* context, const v1::RecordTrainingAttendanceRequest* request,
      v1::RecordTrainingAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* CompleteTraining(grpc::CallbackServerContext* context,
                                             const v1::CompleteTrainingRequest* request,
                                             v1::CompleteTrainingResponse* response) override;
  grpc::ServerUnaryReactor* ListTrainingProgrammes(
      grpc::CallbackServerContext* context, const v1::ListTrainingProgrammesRequest* request,
      v1::ListTrainingProgrammesResponse* response) override;
  grpc::ServerUnaryReactor* ListTrainingEnrolments(
      grpc::CallbackServerContext* context, const v1::ListTrainingEnrolmentsRequest* request,
      v1::ListTrainingEnrolmentsResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoRegisterTrainingProgramme(const auth::Principal& principal,
                                           const v1::RegisterTrainingProgrammeRequest& request,
                                           v1::RegisterTrainingProgrammeResponse* response);
  absl::Status DoEnrolInTraining(const auth::Principal& principal,
                                 const v1::EnrolInTrainingRequest& request,
                                 v1::EnrolInTrainingResponse* response);
  absl::Status DoRecordTrainingAttendance(const auth::Principal& principal,
                                          const v1::RecordTrainingAttendanceRequest& request,
                                          v1::RecordTrainingAttendanceResponse* response);
  absl::Status DoCompleteTraining(const auth::Principal& principal,
                                  const v1::CompleteTrainingRequest& request,
                                  v1::CompleteTrainingResponse* response);
  absl::Status DoListTrainingProgrammes(const auth::Principal& principal,
                                        const v1::ListTrainingProgrammesRequest& request,
                                        v1::ListTrainingProgrammesResponse* response);
  absl::Status DoListTrainingEnrolments(const auth::Principal& principal,
                                        const v1::ListTrainingEnrolmentsRequest& request,
                                        v1::ListTrainingEnrolmentsResponse* response);

 private:
  // Staff with `staff_action`, or a partner whose agency is registered and ACTIVE.
  absl::Status AuthorizeStaffOrProvider(const auth::Principal& principal,
                                        domain::Action staff_action);

  TrainingStore& store_;
  PartnerStore& partners_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
