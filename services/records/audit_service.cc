#include "services/records/audit_service.h"


#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "services/records/domain/access.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoTimestamp;

}  // namespace

absl::Status AuditServiceImpl::DoListAuditEntries(const auth::Principal& principal,
                                                  const v1::ListAuditEntriesRequest& request,
                                                  v1::ListAuditEntriesResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kReadAudit); !st.ok()) {
    return AuditDenied(principal, "ListAuditEntries", request.case_id(), "", st);
  }
  // The audit log is city-wide and its query is not scoped by district: a token limited to some
  // districts would read every other district's entries, so only an all-districts token reads it.
  if (!principal.all_districts) {
    return AuditDenied(
        principal, "ListAuditEntries", request.case_id(), "",
        absl::PermissionDeniedError("the audit log is read with an all-districts token (\"*\")"));
  }
  std::vector<FieldViolation> violations;
  AuditFilter f;
  OptionalUuidField(request.case_id(), "case_id", "a case id (UUID)", &violations);
  f.case_id = absl::AsciiStrToLower(request.case_id());
  OptionalUuidField(request.investigation_id(), "investigation_id", "an investigation id (UUID)",
                    &violations);
  f.investigation_id = absl::AsciiStrToLower(request.investigation_id());
  f.actor = request.actor();
  bool invalid = false;
  if (request.has_from()) {
    f.from = grpc_util::FromProtoTimestamp(request.from(), &invalid);
    if (invalid) violations.push_back({"from", "is not a valid time (years 1900 to 2199)"});
  }
  if (request.has_to()) {
    f.to = grpc_util::FromProtoTimestamp(request.to(), &invalid);
    if (invalid) violations.push_back({"to", "is not a valid time (years 1900 to 2199)"});
  }
  f.page_size = CheckPageSize(request.page_size(), 100, 1000, &violations);
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("a1:", request.page_token());
    if (!cursor.has_value() || !absl::SimpleAtoi(*cursor, &f.after_audit_id)) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const int page_size = f.page_size;
  f.page_size += 1;
  auto rows = store_.ListAudit(f);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    const AuditRow& r = (*rows)[i];
    auto* e = response->add_entries();
    e->set_audit_id(r.audit_id);
    *e->mutable_at() = ToProtoTimestamp(r.at);
    e->set_actor(r.actor);
    e->set_actor_role(r.actor_role);
    e->set_action(r.action);
    e->set_case_id(r.case_id);
    e->set_result(r.result);
    e->set_request_id(r.request_id);
    e->set_investigation_id(r.investigation_id);
  }
  if (static_cast<int>(rows->size()) > page_size) {
    response->set_next_page_token(
        EncodeToken("a1:", std::to_string((*rows)[page_size - 1].audit_id)));
  }
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(AuditServiceImpl, ListAuditEntries)

}  // namespace ccms::records
