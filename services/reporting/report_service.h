#pragma once

#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/call_executor.h"
#include "common/grpc/status.h"
#include "common/time/clock.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/domain/reports.h"
#include "services/reporting/export_job_store.h"
#include "services/reporting/reporting_store.h"
#include "services/reporting/snapshot_store.h"
#include "services/reporting/worklist_store.h"

namespace ccms::reporting {

// ccms.reporting.v1.ReportingService: the indicator and report definitions, report runs over
// the projections (report_service.cc; reads, no audit row: reports hold counts, no person), and
// snapshots, their publication, restatements and exports, directly or as jobs
// (snapshot_handlers.cc; runs and publications are commands with an audit row), and the city-wide
// worklists (worklist_handlers.cc; reads of ids and codes, no audit row). docs/reporting.md.
class ReportServiceImpl final : public v1::ReportingService::CallbackService {
 public:
  // `consumer_group`: the projection consumer's group, whose applied positions a snapshot records.
  ReportServiceImpl(ReportStore& store, SnapshotStore& snapshots, WorklistStore& worklists,
                    ExportJobStore& jobs, grpc_util::CallExecutor& executor,
                    const domain::IndicatorDefs& defs, const domain::ReportDefs& reports,
                    int minor_threshold, std::string consumer_group, const time::Clock& clock)
      : store_(store),
        snapshots_(snapshots),
        worklists_(worklists),
        jobs_(jobs),
        executor_(executor),
        defs_(defs),
        reports_(reports),
        minor_threshold_(minor_threshold),
        consumer_group_(std::move(consumer_group)),
        clock_(clock) {}

  grpc::ServerUnaryReactor* ListIndicators(grpc::CallbackServerContext* context,
                                           const v1::ListIndicatorsRequest* request,
                                           v1::ListIndicatorsResponse* response) override;
  grpc::ServerUnaryReactor* RunReport(grpc::CallbackServerContext* context,
                                      const v1::RunReportRequest* request,
                                      v1::RunReportResponse* response) override;

  grpc::ServerUnaryReactor* RunSnapshot(grpc::CallbackServerContext* context,
                                        const v1::RunSnapshotRequest* request,
                                        v1::RunSnapshotResponse* response) override;
  grpc::ServerUnaryReactor* PublishReport(grpc::CallbackServerContext* context,
                                          const v1::PublishReportRequest* request,
                                          v1::PublishReportResponse* response) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context,
                                      const v1::GetReportRequest* request,
                                      v1::GetReportResponse* response) override;
  grpc::ServerUnaryReactor* DiffReport(grpc::CallbackServerContext* context,
                                       const v1::DiffReportRequest* request,
                                       v1::DiffReportResponse* response) override;
  grpc::ServerUnaryReactor* ExportReport(grpc::CallbackServerContext* context,
                                         const v1::ExportReportRequest* request,
                                         v1::ExportReportResponse* response) override;
  grpc::ServerUnaryReactor* StartExport(grpc::CallbackServerContext* context,
                                        const v1::StartExportRequest* request,
                                        v1::StartExportResponse* response) override;
  grpc::ServerUnaryReactor* GetExportJob(grpc::CallbackServerContext* context,
                                         const v1::GetExportJobRequest* request,
                                         v1::GetExportJobResponse* response) override;
  grpc::ServerUnaryReactor* ListWorklist(grpc::CallbackServerContext* context,
                                         const v1::ListWorklistRequest* request,
                                         v1::ListWorklistResponse* response) override;
  grpc::ServerUnaryReactor* GetExportChunk(grpc::CallbackServerContext* context,
                                           const v1::GetExportChunkRequest* request,
                                           v1::GetExportChunkResponse* response) override;

  absl::Status DoListIndicators(const auth::Principal& principal,
                                const v1::ListIndicatorsRequest& request,
                                v1::ListIndicatorsResponse* response);
  absl::Status DoRunReport(const auth::Principal& principal, const v1::RunReportRequest& request,
                           v1::RunReportResponse* response);
  absl::Status DoRunSnapshot(const auth::Principal& principal,
                             const v1::RunSnapshotRequest& request,
                             v1::RunSnapshotResponse* response);
  absl::Status DoPublishReport(const auth::Principal& principal,
                               const v1::PublishReportRequest& request,
                               v1::PublishReportResponse* response);
  absl::Status DoGetReport(const auth::Principal& principal, const v1::GetReportRequest& request,
                           v1::GetReportResponse* response);
  absl::Status DoDiffReport(const auth::Principal& principal, const v1::DiffReportRequest& request,
                            v1::DiffReportResponse* response);
  absl::Status DoExportReport(const auth::Principal& principal,
                              const v1::ExportReportRequest& request,
                              v1::ExportReportResponse* response);
  absl::Status DoStartExport(const auth::Principal& principal,
                             const v1::StartExportRequest& request,
                             v1::StartExportResponse* response);
  absl::Status DoGetExportJob(const auth::Principal& principal,
                              const v1::GetExportJobRequest& request,
                              v1::GetExportJobResponse* response);
  absl::Status DoListWorklist(const auth::Principal& principal,
                              const v1::ListWorklistRequest& request,
                              v1::ListWorklistResponse* response);
  absl::Status DoGetExportChunk(const auth::Principal& principal,
                                const v1::GetExportChunkRequest& request,
                                v1::GetExportChunkResponse* response);

 private:
  // A request's snapshot: the report, the period holding the day, the scope (a district, or the
  // city; and an office of the district, or every office) and the districts it counts for this
  // caller (snapshot_handlers.cc).
  struct Target {
    const domain::ReportDef* report = nullptr;
    domain::Period period;
    SnapshotKey key;
    std::set<std::string> districts;
  };
  absl::StatusOr<Target> ResolveTarget(const auth::Principal& principal,
                                       const std::string& report_id,
                                       const google::type::Date& period_day,
                                       const std::string& district_code,
                                       const std::string& office_id,
                                       std::vector<grpc_util::FieldViolation>* problems);
  // The version asked (0: the latest); NOT_FOUND when the snapshot has none.
  absl::StatusOr<int> ResolveVersion(const SnapshotKey& key, int version);
  // UNAVAILABLE "projections catching up" while the projections catch up (docs/reporting.md
  // "Catch-up"): a report computed then would show half-built figures as if complete.
  absl::Status RefuseWhileCatchingUp();

  ReportStore& store_;
  SnapshotStore& snapshots_;
  WorklistStore& worklists_;
  ExportJobStore& jobs_;
  grpc_util::CallExecutor& executor_;
  const domain::IndicatorDefs& defs_;
  const domain::ReportDefs& reports_;
  int minor_threshold_;
  std::string consumer_group_;
  const time::Clock& clock_;
};

}  // namespace ccms::reporting
