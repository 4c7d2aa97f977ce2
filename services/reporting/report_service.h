#pragma once

#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/reporting_store.h"

namespace ccms::reporting {

// ccms.reporting.v1.ReportingService: the indicator definitions and report runs over the
// projections (docs/reporting.md). Reads only; no audit row (reports hold counts, no person).
class ReportServiceImpl final : public v1::ReportingService::CallbackService {
 public:
  ReportServiceImpl(ReportStore& store, grpc_util::CallExecutor& executor,
                    const domain::IndicatorDefs& defs, int minor_threshold,
                    const time::Clock& clock)
      : store_(store),
        executor_(executor),
        defs_(defs),
        minor_threshold_(minor_threshold),
        clock_(clock) {}

  grpc::ServerUnaryReactor* ListIndicators(grpc::CallbackServerContext* context,
                                           const v1::ListIndicatorsRequest* request,
                                           v1::ListIndicatorsResponse* response) override;
  grpc::ServerUnaryReactor* RunReport(grpc::CallbackServerContext* context,
                                      const v1::RunReportRequest* request,
                                      v1::RunReportResponse* response) override;

  absl::Status DoListIndicators(const auth::Principal& principal,
                                const v1::ListIndicatorsRequest& request,
                                v1::ListIndicatorsResponse* response);
  absl::Status DoRunReport(const auth::Principal& principal, const v1::RunReportRequest& request,
                           v1::RunReportResponse* response);

 private:
  ReportStore& store_;
  grpc_util::CallExecutor& executor_;
  const domain::IndicatorDefs& defs_;
  int minor_threshold_;
  const time::Clock& clock_;
};

}  // namespace ccms::reporting
