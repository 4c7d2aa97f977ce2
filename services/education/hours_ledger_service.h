#pragma once

#include "ccms/education/v1/hours_ledger_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/domain/education_policy.h"
#include "services/education/hours_ledger_store.h"

namespace ccms::education {

// ccms.education.v1.HoursLedgerService: the monthly hours ledger, the intake and discharge
// windows and individual education stepped up (issue 14 items 6-8; docs/education.md, "Hours
// ledger"). Reads compute from the stored facts with the domain's rules; a closed month is
// answered as it was frozen.
class HoursLedgerServiceImpl final : public v1::HoursLedgerService::CallbackService {
 public:
  HoursLedgerServiceImpl(HoursLedgerStore& store, grpc_util::CallExecutor& executor,
                         const domain::EducationPolicies& policies, const time::Clock& clock)
      : store_(store), executor_(executor), policies_(policies), clock_(clock) {}

  grpc::ServerUnaryReactor* GetHoursLedger(grpc::CallbackServerContext* context,
                                           const v1::GetHoursLedgerRequest* request,
                                           v1::GetHoursLedgerResponse* response) override;
  grpc::ServerUnaryReactor* CloseHoursMonth(grpc::CallbackServerContext* context,
                                            const v1::CloseHoursMonthRequest* request,
                                            v1::CloseHoursMonthResponse* response) override;
  grpc::ServerUnaryReactor* GrantHoursWaiver(grpc::CallbackServerContext* context,
                                             const v1::GrantHoursWaiverRequest* request,
                                             v1::GrantHoursWaiverResponse* response) override;
  grpc::ServerUnaryReactor* ListHoursShortfalls(grpc::CallbackServerContext* context,
                                                const v1::ListHoursShortfallsRequest* request,
                                                v1::ListHoursShortfallsResponse* response) override;
  grpc::ServerUnaryReactor* ListEducationWindows(
      grpc::CallbackServerContext* context, const v1::ListEducationWindowsRequest* request,
      v1::ListEducationWindowsResponse* response) override;
  grpc::ServerUnaryReactor* ListIndividualEducationDue(
      grpc::CallbackServerContext* context, const v1::ListIndividualEducationDueRequest* request,
      v1::ListIndividualEducationDueResponse* response) override;

  // The work of each RPC, without gRPC.
  absl::Status DoGetHoursLedger(const auth::Principal& principal,
                                const v1::GetHoursLedgerRequest& request,
                                v1::GetHoursLedgerResponse* response);
  absl::Status DoCloseHoursMonth(const auth::Principal& principal,
                                 const v1::CloseHoursMonthRequest& request,
                                 v1::CloseHoursMonthResponse* response);
  absl::Status DoGrantHoursWaiver(const auth::Principal& principal,
                                  const v1::GrantHoursWaiverRequest& request,
                                  v1::GrantHoursWaiverResponse* response);
  absl::Status DoListHoursShortfalls(const auth::Principal& principal,
                                     const v1::ListHoursShortfallsRequest& request,
                                     v1::ListHoursShortfallsResponse* response);
  absl::Status DoListEducationWindows(const auth::Principal& principal,
                                      const v1::ListEducationWindowsRequest& request,
                                      v1::ListEducationWindowsResponse* response);
  absl::Status DoListIndividualEducationDue(const auth::Principal& principal,
                                            const v1::ListIndividualEducationDueRequest& request,
                                            v1::ListIndividualEducationDueResponse* response);

  // The month's ledger of `data` as the service answers it: the frozen one when closed.
  v1::MonthLedger MonthOf(const CaseLedgerData& data, absl::CivilMonth month) const;

 private:
  HoursLedgerStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::EducationPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
