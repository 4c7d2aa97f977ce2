#pragma once

#include "ccms/records/v1/records_service.grpc.pb.h"
#include "common/crypto/pii_cipher.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.RecordsService: each one authorizes the principal, validates
// the request with the pure domain rules, and calls the store. Handlers run on the worker pool
// (CallExecutor), never on gRPC's callback threads.
class RecordsServiceImpl final : public v1::RecordsService::CallbackService {
 public:
  RecordsServiceImpl(RecordsStore& store, grpc_util::CallExecutor& executor,
                     const crypto::PiiCipher& cipher, const time::Clock& clock)
      : store_(store), executor_(executor), cipher_(cipher), clock_(clock) {}

  grpc::ServerUnaryReactor* OpenCase(grpc::CallbackServerContext* context,
                                     const v1::OpenCaseRequest* request,
                                     v1::OpenCaseResponse* response) override;
  grpc::ServerUnaryReactor* RecordIntakeCheckIn(grpc::CallbackServerContext* context,
                                                const v1::RecordIntakeCheckInRequest* request,
                                                v1::RecordIntakeCheckInResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* context,
                                      const v1::ListCasesRequest* request,
                                      v1::ListCasesResponse* response) override;

  // The handlers' bodies, callable without a server (unit tests).
  absl::Status DoOpenCase(const auth::Principal& principal, const v1::OpenCaseRequest& request,
                          v1::OpenCaseResponse* response);
  absl::Status DoRecordIntakeCheckIn(const auth::Principal& principal,
                                     const v1::RecordIntakeCheckInRequest& request,
                                     v1::RecordIntakeCheckInResponse* response);
  absl::Status DoGetCase(const auth::Principal& principal, const v1::GetCaseRequest& request,
                         v1::GetCaseResponse* response);
  absl::Status DoListCases(const auth::Principal& principal, const v1::ListCasesRequest& request,
                           v1::ListCasesResponse* response);

 private:
  RecordsStore& store_;
  grpc_util::CallExecutor& executor_;
  const crypto::PiiCipher& cipher_;
  const time::Clock& clock_;
};

}  // namespace ccms::records
