#pragma once

#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.CaseService: opening a case, the intake check-in, reads,
// lists, the timeline and the export (minors' identities withheld).
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class CaseServiceImpl final : public v1::CaseService::CallbackService, private RecordsHandlers {
 public:
  CaseServiceImpl(CaseStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

  grpc::ServerUnaryReactor* OpenCase(grpc::CallbackServerContext* context,
                                     const v1::OpenCaseRequest* request,
                                     v1::OpenCaseResponse* response) override;
  grpc::ServerUnaryReactor* RecordIntakeCheckIn(grpc::CallbackServerContext* context,
                                                const v1::RecordIntakeCheckInRequest* request,
                                                v1::RecordIntakeCheckInResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseFacts(grpc::CallbackServerContext* context,
                                         const v1::GetCaseFactsRequest* request,
                                         v1::GetCaseFactsResponse* response) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* context,
                                      const v1::ListCasesRequest* request,
                                      v1::ListCasesResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseTimeline(grpc::CallbackServerContext* context,
                                            const v1::GetCaseTimelineRequest* request,
                                            v1::GetCaseTimelineResponse* response) override;
  grpc::ServerUnaryReactor* ExportCases(grpc::CallbackServerContext* context,
                                        const v1::ExportCasesRequest* request,
                                        v1::ExportCasesResponse* response) override;
  grpc::ServerUnaryReactor* RecordSentenceChange(
      grpc::CallbackServerContext* context, const v1::RecordSentenceChangeRequest* request,
      v1::RecordSentenceChangeResponse* response) override;

  // The facts scan (run periodically by the wiring): a case_facts_snapshot for every case whose
  // facts were never published, a case_facts_changed for every open case whose age band moved.
  // Returns how many events it wrote.
  absl::StatusOr<int> PublishCaseFacts();

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
  absl::Status DoOpenCase(const auth::Principal& principal, const v1::OpenCaseRequest& request,
                          v1::OpenCaseResponse* response);
  absl::Status DoRecordIntakeCheckIn(const auth::Principal& principal,
                                     const v1::RecordIntakeCheckInRequest& request,
                                     v1::RecordIntakeCheckInResponse* response);
  absl::Status DoGetCase(const auth::Principal& principal, const v1::GetCaseRequest& request,
                         v1::GetCaseResponse* response, const std::string& call_id = "");
  absl::Status DoGetCaseFacts(const auth::Principal& principal,
                              const v1::GetCaseFactsRequest& request,
                              v1::GetCaseFactsResponse* response, const std::string& call_id = "");
  absl::Status DoListCases(const auth::Principal& principal, const v1::ListCasesRequest& request,
                           v1::ListCasesResponse* response, const std::string& call_id = "");
  absl::Status DoGetCaseTimeline(const auth::Principal& principal,
                                 const v1::GetCaseTimelineRequest& request,
                                 v1::GetCaseTimelineResponse* response,
                                 const std::string& call_id = "");
  absl::Status DoExportCases(const auth::Principal& principal,
                             const v1::ExportCasesRequest& request,
                             v1::ExportCasesResponse* response, const std::string& call_id = "");
  absl::Status DoRecordSentenceChange(const auth::Principal& principal,
                                      const v1::RecordSentenceChangeRequest& request,
                                      v1::RecordSentenceChangeResponse* response);

 private:
  // case_opened's payload for `c`, with its age band on `today`.
  v1::CaseOpened CaseOpenedOf(const CaseRecord& c, absl::CivilDay today) const;

  CaseStore& store_;
};

}  // namespace ccms::records
