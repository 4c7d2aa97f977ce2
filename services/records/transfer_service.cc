#include "services/records/transfer_service.h"


#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

void ToProtoTransfer(const TransferRecord& t, const std::vector<std::string>& notices,
                     v1::Transfer* out) {
  out->set_transfer_id(t.transfer_id);
  out->set_case_id(t.case_id);
  out->set_case_number(t.case_number);
  out->set_from_district_code(t.from_district_code);
  out->set_to_district_code(t.to_district_code);
  out->set_to_office_id(t.to_office_id);
  out->set_status(static_cast<v1::TransferStatus>(static_cast<int>(t.status) + 1));
  *out->mutable_requested_on() = ToProtoDate(t.requested_on);
  *out->mutable_planned_move_on() = ToProtoDate(t.planned_move_on);
  *out->mutable_reply_due() = ToProtoDate(t.reply_due);
  if (t.report_due) *out->mutable_report_due() = ToProtoDate(*t.report_due);
  if (t.decided_on) *out->mutable_decided_on() = ToProtoDate(*t.decided_on);
  out->set_policy_version(t.policy_version);
  for (const auto& n : notices) out->add_notices(n);
}

bool IsOfficeId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// The decisions other than AcceptTransfer name no office.
const std::string& NoOffice() {
  static const std::string* const kNone = new std::string();
  return *kNone;
}

}  // namespace

absl::Status TransferServiceImpl::DoRequestTransfer(const auth::Principal& principal,
                                                    const v1::RequestTransferRequest& request,
                                                    v1::RequestTransferResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kTransfer); !st.ok()) {
    return AuditDenied(principal, "RequestTransfer", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!auth::IsDistrictCode(request.to_district_code())) {
    violations.push_back({"to_district_code", "must be a 6-digit district code"});
  }
  if (!IsOfficeId(request.to_office_id())) {
    violations.push_back({"to_office_id", "is required (letters, digits, - and _)"});
  }
  auto planned = DateField(request.planned_move_on(), "planned_move_on", &violations);
  if (!planned.has_value() && violations.empty()) {
    violations.push_back({"planned_move_on", "is required"});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  if (planned.has_value() && *planned < today) {
    violations.push_back({"planned_move_on", "must not be in the past"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  // Counted from the request, made today.
  const domain::RecordsPolicy& policy = PolicyOn(today);
  const domain::TransferPlan plan = domain::PlanTransfer(today, *planned, policy);
  NewTransfer nt;
  nt.transfer.transfer_id = ids::NewUuid();
  nt.transfer.to_district_code = request.to_district_code();
  nt.transfer.to_office_id = request.to_office_id();
  nt.transfer.requested_on = today;
  nt.transfer.planned_move_on = *planned;
  nt.transfer.reply_due = plan.reply_due;
  nt.transfer.policy_version = policy.version;
  nt.reason = request.reason();
  auto t = store_.RequestTransfer(
      principal, MutationOf(request.request_id(), request.case_id(), "RequestTransfer"), nt,
      [&](const TransferRecord& rec) {
        v1::TransferChanged payload;
        payload.set_case_id(rec.case_id);
        payload.set_transfer_id(rec.transfer_id);
        payload.set_from_district_code(rec.from_district_code);
        payload.set_to_district_code(rec.to_district_code);
        payload.set_status("REQUESTED");
        *payload.mutable_on() = ToProtoDate(today);
        return kafka::MakeEnvelope("ccms.records.transfer_requested", rec.case_id,
                                   rec.from_district_code, now, now, principal.subject, payload);
      });
  if (!t.ok()) return t.status();
  ToProtoTransfer(*t, plan.notices, response->mutable_transfer());
  return absl::OkStatus();
}

absl::Status TransferServiceImpl::DoDecideTransfer(const auth::Principal& principal,
                                                   domain::TransferStep step,
                                                   const TransferDecisionArgs& request,
                                                   v1::Transfer* transfer) {
  const std::string action = absl::StrCat("Transfer:", std::string(domain::TransferStepName(step)));
  if (auto st = domain::Authorize(principal, domain::CaseAction::kTransfer); !st.ok()) {
    return AuditDenied(principal, action, "", request.request_id, st);
  }
  if (auto st = CheckRequestId(request.request_id); !st.ok()) return st;
  if (auto st = CheckUuidField(request.transfer_id, "transfer_id", "a transfer id"); !st.ok()) {
    return st;
  }
  if (!request.to_office_id.empty() &&
      (step != domain::TransferStep::kAccept || !IsOfficeId(request.to_office_id))) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"to_office_id", "may be given only when accepting (letters, digits, - and _)"}});
  }
  if (auto st = CheckText(request.reason, "reason", 8000); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(request.on, "on", today);
  if (!on.ok()) return on.status();
  TransferDecision d{absl::AsciiStrToLower(request.request_id),
                     absl::AsciiStrToLower(request.transfer_id), step};
  auto t = store_.DecideTransfer(
      principal, d,
      [&](TransferRecord& rec) -> absl::Status {
        auto next = domain::NextTransferStatus(rec.status, step);
        if (!next.ok()) return next.status();
        if (*on < rec.requested_on) {
          return grpc_util::InvalidArgumentWithViolations(
              {{"on", "is before the transfer was requested"}});
        }
        rec.status = *next;
        rec.decided_on = *on;
        if (*next == domain::TransferStatus::kAccepted) {
          // A transfer follows the version in force when it was requested, which it names.
          rec.report_due = domain::ReportDue(*on, PolicyOn(rec.requested_on));
          if (!request.to_office_id.empty()) rec.to_office_id = request.to_office_id;
        }
        rec.decision_reason = request.reason;
        return absl::OkStatus();
      },
      [&](const TransferRecord& rec) {
        if (rec.status == domain::TransferStatus::kAccepted) {
          v1::CaseTransferred payload;
          payload.set_case_id(rec.case_id);
          payload.set_from_district_code(rec.from_district_code);
          payload.set_to_district_code(rec.to_district_code);
          payload.set_to_office_id(rec.to_office_id);
          *payload.mutable_effective_on() = ToProtoDate(*rec.decided_on);
          return kafka::MakeEnvelope("ccms.records.case_transferred", rec.case_id,
                                     rec.to_district_code, now, now, principal.subject, payload);
        }
        v1::TransferChanged payload;
        payload.set_case_id(rec.case_id);
        payload.set_transfer_id(rec.transfer_id);
        payload.set_from_district_code(rec.from_district_code);
        payload.set_to_district_code(rec.to_district_code);
        payload.set_status(std::string(domain::TransferStatusName(rec.status)));
        *payload.mutable_on() = ToProtoDate(*rec.decided_on);
        const std::string type = absl::StrCat(
            "ccms.records.transfer_",
            absl::AsciiStrToLower(std::string(domain::TransferStatusName(rec.status))));
        const bool receiving_side = rec.status != domain::TransferStatus::kConsented;
        return kafka::MakeEnvelope(
            type, rec.case_id,
            receiving_side && rec.status == domain::TransferStatus::kCompleted
                ? rec.to_district_code
                : rec.from_district_code,
            now, now, principal.subject, payload);
      });
  if (!t.ok()) return t.status();
  ToProtoTransfer(*t, {}, transfer);
  return absl::OkStatus();
}

absl::Status TransferServiceImpl::DoListTransfers(const auth::Principal& principal,
                                                  const v1::ListTransfersRequest& request,
                                                  v1::ListTransfersResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListTransfers", "", "", st);
  }
  std::vector<FieldViolation> violations;
  DistrictFilterField(request.district_code(), &violations);
  const int page_size = CheckPageSize(request.page_size(), 50, 500, &violations);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("x1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    } else {
      after = *cursor;
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  std::optional<domain::TransferStatus> status;
  if (request.status() != v1::TRANSFER_STATUS_UNSPECIFIED) {
    status = static_cast<domain::TransferStatus>(static_cast<int>(request.status()) - 1);
  }
  auto rows =
      store_.ListTransfers(principal, request.district_code(), status, after, page_size + 1);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    ToProtoTransfer((*rows)[i], {}, response->add_transfers());
  }
  if (static_cast<int>(rows->size()) > page_size) {
    response->set_next_page_token(EncodeToken("x1:", (*rows)[page_size - 1].transfer_id));
  }
  return absl::OkStatus();
}

absl::Status TransferServiceImpl::DoConsentTransfer(const auth::Principal& principal,
                                                    const v1::ConsentTransferRequest& request,
                                                    v1::ConsentTransferResponse* response) {
  return DoDecideTransfer(
      principal, domain::TransferStep::kConsent,
      {request.request_id(), request.transfer_id(), request.on(), NoOffice(), request.reason()},
      response->mutable_transfer());
}

absl::Status TransferServiceImpl::DoAcceptTransfer(const auth::Principal& principal,
                                                   const v1::AcceptTransferRequest& request,
                                                   v1::AcceptTransferResponse* response) {
  return DoDecideTransfer(principal, domain::TransferStep::kAccept,
                          {request.request_id(), request.transfer_id(), request.on(),
                           request.to_office_id(), request.reason()},
                          response->mutable_transfer());
}

absl::Status TransferServiceImpl::DoRejectTransfer(const auth::Principal& principal,
                                                   const v1::RejectTransferRequest& request,
                                                   v1::RejectTransferResponse* response) {
  return DoDecideTransfer(
      principal, domain::TransferStep::kReject,
      {request.request_id(), request.transfer_id(), request.on(), NoOffice(), request.reason()},
      response->mutable_transfer());
}

absl::Status TransferServiceImpl::DoCompleteTransfer(const auth::Principal& principal,
                                                     const v1::CompleteTransferRequest& request,
                                                     v1::CompleteTransferResponse* response) {
  return DoDecideTransfer(
      principal, domain::TransferStep::kComplete,
      {request.request_id(), request.transfer_id(), request.on(), NoOffice(), request.reason()},
      response->mutable_transfer());
}

CCMS_UNARY_HANDLER(TransferServiceImpl, RequestTransfer)
CCMS_UNARY_HANDLER(TransferServiceImpl, ConsentTransfer)
CCMS_UNARY_HANDLER(TransferServiceImpl, AcceptTransfer)
CCMS_UNARY_HANDLER(TransferServiceImpl, RejectTransfer)
CCMS_UNARY_HANDLER(TransferServiceImpl, CompleteTransfer)
CCMS_UNARY_HANDLER(TransferServiceImpl, ListTransfers)

}  // namespace ccms::records
