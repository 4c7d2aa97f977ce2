#pragma once

// Request checks and helpers shared by the RecordsServiceImpl handler files
// (records_service*.cc). Not for other users.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/records/v1/records_service.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/status.h"
#include "google/type/date.pb.h"
#include "grpcpp/server_context.h"
#include "services/records/page_token.h"
#include "services/records/records_store.h"

namespace ccms::records {

// Reads an optional date field; a malformed one becomes a violation.
std::optional<absl::CivilDay> DateField(const google::type::Date& d, const char* field,
                                        std::vector<grpc_util::FieldViolation>* violations);
// A date field that must be given: missing (or all zero) and malformed are both violations.
std::optional<absl::CivilDay> RequiredDateField(const google::type::Date& d, const char* field,
                                                std::vector<grpc_util::FieldViolation>* violations);
// A date field that defaults to today and may not lie in the future.
absl::StatusOr<absl::CivilDay> DayNotInFuture(const google::type::Date& d, const char* field,
                                              absl::CivilDay today);

// The district filter of a list: a 6-digit code, required unless the caller sees all districts.
void CheckListDistrict(const auth::Principal& principal, const std::string& district,
                       std::vector<grpc_util::FieldViolation>* violations);
// A list's page size: `requested`, or `default_size` when 0; outside 1..max_size a violation.
int CheckPageSize(int requested, int default_size, int max_size,
                  std::vector<grpc_util::FieldViolation>* violations);

absl::Status CheckRequestId(const std::string& request_id);
absl::Status CheckCaseId(const std::string& case_id);
absl::Status CheckText(const std::string& text, const char* field, size_t max_bytes);

// The caller's x-request-id (an identifier; kept short and printable for the audit log).
std::string CallId(const grpc::ServerContextBase& context);

CaseMutation MutationOf(const std::string& request_id, const std::string& case_id,
                        const char* action);

// Enum conversions between the API and the domain.
domain::SentenceKind FromProto(common::v1::SentenceKind k);
common::v1::SentenceKind ToProto(domain::SentenceKind k);
domain::CaseStatus FromProto(v1::CaseStatus s);
v1::CaseStatus ToProto(domain::CaseStatus s);
common::v1::Sex ToProto(domain::Sex s);
common::v1::SupervisionLevel ToProtoLevel(domain::SupervisionLevel l);

}  // namespace ccms::records

// Defines RecordsServiceImpl::Rpc as a call of DoRpc on the worker pool; the READ variant
// passes the caller's x-request-id for the audit row.
#define CCMS_RECORDS_HANDLER(Rpc)                                                         \
  grpc::ServerUnaryReactor* RecordsServiceImpl::Rpc(grpc::CallbackServerContext* context, \
                                                    const v1::Rpc##Request* request,      \
                                                    v1::Rpc##Response* response) {        \
    return executor_.Run(context, *request, response,                                     \
                         [this, request, response](const auth::Principal& p) {            \
                           return Do##Rpc(p, *request, response);                         \
                         });                                                              \
  }
#define CCMS_RECORDS_READ_HANDLER(Rpc)                                                    \
  grpc::ServerUnaryReactor* RecordsServiceImpl::Rpc(grpc::CallbackServerContext* context, \
                                                    const v1::Rpc##Request* request,      \
                                                    v1::Rpc##Response* response) {        \
    return executor_.Run(context, *request, response,                                     \
                         [this, context, request, response](const auth::Principal& p) {   \
                           return Do##Rpc(p, *request, response, CallId(*context));       \
                         });                                                              \
  }
