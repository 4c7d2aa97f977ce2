#include "common/server/audit_chain_service.h"

#include "absl/strings/escaping.h"
#include "common/db/audit_chain.h"
#include "common/grpc/unary_handler.h"
#include "common/log/log.h"

namespace ccms::server {
namespace {

absl::Status Authorize(const auth::Principal& p) {
  if (p.role == auth::Role::kAuditor || p.role == auth::Role::kCityAdmin) return absl::OkStatus();
  return absl::PermissionDeniedError("the audit chain is for the roles auditor and city_admin");
}

ops::v1::AuditChainProblem ToProto(db::AuditChainProblem p) {
  switch (p) {
    case db::AuditChainProblem::kNone:
      return ops::v1::AUDIT_CHAIN_PROBLEM_UNSPECIFIED;
    case db::AuditChainProblem::kContentChanged:
      return ops::v1::AUDIT_CHAIN_PROBLEM_CONTENT_CHANGED;
    case db::AuditChainProblem::kRowMissing:
      return ops::v1::AUDIT_CHAIN_PROBLEM_ROW_MISSING;
    case db::AuditChainProblem::kChainBroken:
      return ops::v1::AUDIT_CHAIN_PROBLEM_CHAIN_BROKEN;
    case db::AuditChainProblem::kUnsealed:
      return ops::v1::AUDIT_CHAIN_PROBLEM_UNSEALED;
    case db::AuditChainProblem::kUnknownEncoding:
      return ops::v1::AUDIT_CHAIN_PROBLEM_UNKNOWN_ENCODING;
  }
  return ops::v1::AUDIT_CHAIN_PROBLEM_UNSPECIFIED;
}

}  // namespace

CCMS_UNARY_HANDLER(AuditChainServiceImpl, VerifyAuditChain)

absl::Status AuditChainServiceImpl::DoVerifyAuditChain(
    const auth::Principal& principal, const ops::v1::VerifyAuditChainRequest& request,
    ops::v1::VerifyAuditChainResponse* response) {
  if (absl::Status st = Authorize(principal); !st.ok()) return st;
  if (request.unsealed_grace_minutes() < 0 || request.unsealed_grace_minutes() > 10080) {
    return absl::InvalidArgumentError("unsealed_grace_minutes must be 0..10080");
  }
  const absl::Duration grace = request.unsealed_grace_minutes() == 0
                                   ? absl::Minutes(10)
                                   : absl::Minutes(request.unsealed_grace_minutes());
  return pool_.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    auto report = db::VerifyAuditChain(conn, grace);
    if (!report.ok()) return report.status();
    response->set_ok(report->problem == db::AuditChainProblem::kNone);
    response->set_rows_verified(report->rows_verified);
    response->set_head_seq(report->head_seq);
    response->set_head_hash(absl::BytesToHexString(report->head_hash));
    response->set_problem(ToProto(report->problem));
    response->set_audit_id(report->audit_id);
    response->set_seq(report->seq);
    response->set_detail(report->detail);
    response->set_unsealed_rows(report->unsealed_rows);
    log::Info("audit_chain_verified",
              {{"ok", response->ok()},
               {"rows_verified", report->rows_verified},
               {"problem", std::string(db::AuditChainProblemName(report->problem))},
               {"audit_id", report->audit_id},
               {"role", std::string(auth::RoleName(principal.role))}});
    return absl::OkStatus();
  });
}

}  // namespace ccms::server
