// The security matrix's records server: ccms-records in-process (RecordsHarness) and a request
// builder per method of its nine services, each aimed at an object of the cell's district.
// Reads share one object per district; a call that changes its object gets a fresh one, made
// as the city admin, in the state the call needs (a leave requested, an order running, ...).
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "tests/integration/records_harness.h"
#include "tests/security/security_matrix.h"

namespace ccms::testing::matrix {
namespace {

namespace v1 = records::v1;
using absl::CivilDay;
using google::protobuf::Message;
using grpc_util::ToProtoDate;
using CaseStub = v1::CaseService::Stub;
using SupervisionStub = v1::SupervisionService::Stub;
using SanctionStub = v1::SanctionService::Stub;
using LeaveStub = v1::LeaveService::Stub;
using OrderStub = v1::OrderService::Stub;
using IntakeStub = v1::IntakeService::Stub;
using TransferStub = v1::TransferService::Stub;
using DischargeStub = v1::DischargeService::Stub;

// A case to open: probation from 2025-01-10, reported for intake 2025-01-15 (none: pending).
struct CaseSpec {
  common::v1::SentenceKind kind = common::v1::SENTENCE_KIND_PROBATION;
  CivilDay end = CivilDay(2028, 1, 9);
  std::optional<CivilDay> reported_on = CivilDay(2025, 1, 15);
};

template <typename Req>
std::unique_ptr<Message> Own(Req req) {
  return std::make_unique<Req>(std::move(req));
}

template <typename Req>
Req WithCase(const std::string& case_id) {
  Req req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(case_id);
  return req;
}

class RecordsMatrixServer : public MatrixServer {
 public:
  static std::vector<std::string> ServiceNames() {
    std::vector<std::string> names = RecordsServiceNames();
    names.push_back(ops::v1::DeadLetterService::service_full_name());
    names.push_back(ops::v1::AuditChainService::service_full_name());
    return names;
  }

  RecordsMatrixServer() : admin_(h_.Token(auth::Role::kCityAdmin, {"*"}, "matrix-fixtures")) {
    InstallBuilders();
  }

  std::shared_ptr<grpc::Channel> Channel() override { return h_.channel(); }
  std::string DatabaseDsn() override { return h_.db().dsn(); }
  bool HasServiceBuilder(const std::string& method) const override {
    return builders_.count(method) > 0;
  }

  absl::StatusOr<std::unique_ptr<Message>> BuildServiceRequest(const std::string& method,
                                                               const Target& target) override {
    auto it = builders_.find(method);
    if (it == builders_.end()) return absl::NotFoundError("no request builder for " + method);
    fixture_error_ = absl::OkStatus();
    std::unique_ptr<Message> request = it->second(target.district);
    if (!fixture_error_.ok()) return fixture_error_;
    return request;
  }

 private:
  using Builder = std::function<std::unique_ptr<Message>(const std::string& district)>;

  google::type::Date Day(int days_from_today) const {
    return ToProtoDate(h_.Today() + days_from_today);
  }

  // Calls records as the city admin; a failure becomes the Build's error.
  template <typename Stub, typename Req, typename Resp>
  Resp Rec(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& req) {
    Resp resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = (h_.StubFor<Stub>().*rpc)(ctx.get(), req, &resp);
    if (!st.ok() && fixture_error_.ok()) {
      fixture_error_ = absl::InternalError(absl::StrCat("fixture ", Req::descriptor()->name(), ": ",
                                                        st.error_code(), " ", st.error_message()));
    }
    return resp;
  }

  // A person never seen before: a fresh birth date per case.
  std::string NextIdNumber() {
    const CivilDay birth = CivilDay(1970, 1, 1) + (seq_++);
    return MakeIdNumber(
        absl::StrFormat("%04d%02d%02d", static_cast<int>(birth.year()), birth.month(), birth.day()),
        11);
  }

  v1::Case OpenCase(const std::string& district, const CaseSpec& spec = {}) {
    v1::OpenCaseRequest req = ValidOpenCase(NextIdNumber(), district);
    req.mutable_sentence()->set_kind(spec.kind);
    *req.mutable_sentence()->mutable_end_date() = ToProtoDate(spec.end);
    v1::Case c = Rec(&CaseStub::OpenCase, req).case_();
    Made(district, c.case_id());
    if (spec.reported_on.has_value()) {
      auto check_in = WithCase<v1::RecordIntakeCheckInRequest>(c.case_id());
      *check_in.mutable_reported_on() = ToProtoDate(*spec.reported_on);
      c = Rec(&CaseStub::RecordIntakeCheckIn, check_in).case_();
    }
    return c;
  }
  std::string ActiveCase(const std::string& district, const CaseSpec& spec = {}) {
    return OpenCase(district, spec).case_id();
  }
  std::string PendingCase(const std::string& district) {
    return OpenCase(district, {.reported_on = std::nullopt}).case_id();
  }
  // The district's case for reads, made once (with a leave, so lists have an item).
  const std::string& ReadCase(const std::string& district) {
    std::string& id = read_cases_[district];
    if (id.empty()) {
      id = ActiveCase(district);
      RequestLeave(district, id, 5, 3);
    }
    return id;
  }
  // The district's investigation for reads, made once.
  const std::string& ReadInvestigation(const std::string& district) {
    std::string& id = read_investigations_[district];
    if (id.empty()) id = Commission(district);
    return id;
  }

  std::string RequestLeave(const std::string& district, const std::string& case_id, int starts_in,
                           int days) {
    auto req = WithCase<v1::RequestLeaveRequest>(case_id);
    *req.mutable_start_date() = Day(starts_in);
    *req.mutable_end_date() = Day(starts_in + days - 1);
    req.set_destination("上海市浦东新区");
    req.set_reason("探望住院的母亲");
    const std::string id = Rec(&LeaveStub::RequestLeave, req).leave().leave_id();
    Made(district, id);
    return id;
  }
  std::string GrantStanding(const std::string& district, const std::string& case_id) {
    auto req = WithCase<v1::GrantStandingApprovalRequest>(case_id);
    req.set_destination("天津市");
    req.set_purpose("routine work travel");
    *req.mutable_valid_from() = Day(0);
    *req.mutable_valid_until() = Day(90);
    const std::string id =
        Rec(&LeaveStub::GrantStandingApproval, req).standing_approval().standing_approval_id();
    Made(district, id);
    return id;
  }
  std::string Order(const std::string& district, const std::string& case_id) {
    auto req = WithCase<v1::OrderMonitoringRequest>(case_id);
    req.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
    *req.mutable_starts_on() = Day(0);
    *req.mutable_ends_on() = Day(60);
    const std::string id = Rec(&OrderStub::OrderMonitoring, req).order().order_id();
    Made(district, id);
    return id;
  }
  std::string Sanction(const std::string& district, const std::string& case_id) {
    auto req = WithCase<v1::IssueSanctionRequest>(case_id);
    req.set_kind(v1::SANCTION_KIND_WARNING);
    req.set_reason("reason text");
    const std::string id = Rec(&SanctionStub::IssueSanction, req).sanction_id();
    Made(district, id);
    return id;
  }
  // A revocation request on the grounds of a re-offence during the term.
  std::string RevocationRequest(const std::string& district, const std::string& case_id) {
    auto reoffence = WithCase<v1::RecordReoffenceRequest>(case_id);
    reoffence.set_reported_by("某区公安分局");
    *reoffence.mutable_occurred_on() = Day(-1);
    reoffence.set_offence_category("theft");
    Rec(&SanctionStub::RecordReoffence, reoffence);
    auto req = WithCase<v1::IssueSanctionRequest>(case_id);
    req.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
    req.add_grounds(v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);
    req.set_reason("reason text");
    const std::string id = Rec(&SanctionStub::IssueSanction, req).sanction_id();
    Made(district, id);
    return id;
  }
  std::string Commission(const std::string& district) {
    v1::CommissionInvestigationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_office_id("office-1");
    req.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
    req.set_commissioning_body_name("某区人民法院");
    req.set_person_name("调查对象");
    req.set_id_number(NextIdNumber());
    req.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    const std::string id =
        Rec(&IntakeStub::CommissionInvestigation, req).investigation().investigation_id();
    Made(district, id);
    return id;
  }
  // A transfer of a fresh case of `from` to `to`, taken through `steps` decisions (consent,
  // then accept). The case and the transfer belong to both districts' sides.
  std::string Transfer(const std::string& from, const std::string& to, int steps) {
    const std::string case_id = ActiveCase(from);
    if (to == kDistrictA) NotForeign(case_id);  // the receiving side sees the transfer's case
    auto req = WithCase<v1::RequestTransferRequest>(case_id);
    req.set_to_district_code(to);
    req.set_to_office_id("office-t");
    *req.mutable_planned_move_on() = Day(40);
    const std::string id = Rec(&TransferStub::RequestTransfer, req).transfer().transfer_id();
    Made(from, id);
    Made(to, id);
    if (from == kDistrictA || to == kDistrictA) NotForeign(id);
    if (steps >= 1) Decide(&TransferStub::ConsentTransfer, id);
    if (steps >= 2) Decide(&TransferStub::AcceptTransfer, id);
    return id;
  }
  template <typename Req, typename Resp>
  void Decide(grpc::Status (TransferStub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
              const std::string& transfer_id) {
    Req req;
    req.set_request_id(ids::NewUuid());
    req.set_transfer_id(transfer_id);
    Rec(rpc, req);
  }
  template <typename Req>
  Req Decision(const std::string& transfer_id) {
    Req req;
    req.set_request_id(ids::NewUuid());
    req.set_transfer_id(transfer_id);
    req.set_reason("decided");
    return req;
  }

  void InstallBuilders() {
    auto add = [this](const std::string& service, const std::string& method, Builder b) {
      builders_[absl::StrCat("ccms.records.v1.", service, "/", method)] = std::move(b);
    };
    // ---- CaseService ----
    add("CaseService", "OpenCase",
        [this](const std::string& d) { return Own(ValidOpenCase(NextIdNumber(), d)); });
    add("CaseService", "RecordIntakeCheckIn", [this](const std::string& d) {
      auto req = WithCase<v1::RecordIntakeCheckInRequest>(PendingCase(d));
      *req.mutable_reported_on() = ToProtoDate(CivilDay(2025, 1, 15));
      return Own(req);
    });
    add("CaseService", "GetCase", [this](const std::string& d) {
      v1::GetCaseRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
    add("CaseService", "GetCaseFacts", [this](const std::string& d) {
      v1::GetCaseFactsRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
    add("CaseService", "ListCases", [this](const std::string& d) {
      ReadCase(d);
      v1::ListCasesRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("CaseService", "GetCaseTimeline", [this](const std::string& d) {
      v1::GetCaseTimelineRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
    add("CaseService", "ExportCases", [this](const std::string& d) {
      ReadCase(d);
      v1::ExportCasesRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("CaseService", "RecordSentenceChange", [this](const std::string& d) {
      auto req = WithCase<v1::RecordSentenceChangeRequest>(ActiveCase(d));
      req.set_kind(v1::SENTENCE_CHANGE_KIND_REDUCTION);
      req.set_court("某市中级人民法院");
      req.set_document_number("(2026)刑更123号");
      *req.mutable_new_end_date() = ToProtoDate(CivilDay(2027, 12, 31));
      return Own(req);
    });
    // ---- SupervisionService ----
    add("SupervisionService", "RecordContact", [this](const std::string& d) {
      auto req = WithCase<v1::RecordContactRequest>(ActiveCase(d));
      req.set_kind(v1::CONTACT_KIND_HOME_VISIT);
      req.set_notes("notes of the visit");
      return Own(req);
    });
    add("SupervisionService", "MarkLostContact", [this](const std::string& d) {
      auto req = WithCase<v1::MarkLostContactRequest>(ActiveCase(d));
      *req.mutable_since() = Day(-10);
      return Own(req);
    });
    add("SupervisionService", "MarkFoundAgain", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto lost = WithCase<v1::MarkLostContactRequest>(case_id);
      *lost.mutable_since() = Day(-30);
      Rec(&SupervisionStub::MarkLostContact, lost);
      auto req = WithCase<v1::MarkFoundAgainRequest>(case_id);
      *req.mutable_found_on() = Day(-18);
      req.mutable_liability()->set_reason(v1::LOST_CONTACT_REASON_PERSON_ABSCONDED);
      return Own(req);
    });
    add("SupervisionService", "ListOverdue", [this](const std::string& d) {
      ReadCase(d);
      v1::ListOverdueRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    // ---- SanctionService ----
    add("SanctionService", "RecordViolation", [this](const std::string& d) {
      auto req = WithCase<v1::RecordViolationRequest>(ActiveCase(d));
      req.set_kind(v1::VIOLATION_KIND_LATE_REPORTING);
      req.set_facts("came two days late");
      return Own(req);
    });
    add("SanctionService", "RecordReoffence", [this](const std::string& d) {
      auto req = WithCase<v1::RecordReoffenceRequest>(ActiveCase(d));
      req.set_reported_by("某区公安分局");
      *req.mutable_occurred_on() = Day(-1);
      req.set_offence_category("theft");
      req.set_detained(true);
      return Own(req);
    });
    add("SanctionService", "RecordRevocationDecision", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::RecordRevocationDecisionRequest>(case_id);
      req.set_sanction_id(RevocationRequest(d, case_id));
      req.set_decision(v1::REVOCATION_DECISION_REFUSED);
      req.set_document_number("(2026)京0101刑更1号");
      return Own(req);
    });
    add("SanctionService", "RecordRevocationDetention", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::RecordRevocationDetentionRequest>(case_id);
      req.set_sanction_id(RevocationRequest(d, case_id));
      return Own(req);
    });
    add("SanctionService", "IssueSanction", [this](const std::string& d) {
      auto req = WithCase<v1::IssueSanctionRequest>(ActiveCase(d));
      req.set_kind(v1::SANCTION_KIND_WARNING);
      req.set_reason("reason text");
      return Own(req);
    });
    add("SanctionService", "MarkSanctionCorrected", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::MarkSanctionCorrectedRequest>(case_id);
      req.set_sanction_id(Sanction(d, case_id));
      return Own(req);
    });
    add("SanctionService", "RecordCommendation", [this](const std::string& d) {
      auto req = WithCase<v1::RecordCommendationRequest>(ActiveCase(d));
      req.set_reason("volunteered at the community centre");
      return Own(req);
    });
    add("SanctionService", "GetSanctionStatus", [this](const std::string& d) {
      v1::GetSanctionStatusRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
    // ---- LeaveService ----
    add("LeaveService", "RequestLeave", [this](const std::string& d) {
      auto req = WithCase<v1::RequestLeaveRequest>(ActiveCase(d));
      *req.mutable_start_date() = Day(5);
      *req.mutable_end_date() = Day(7);
      req.set_destination("上海市浦东新区");
      req.set_reason("探望住院的母亲");
      return Own(req);
    });
    add("LeaveService", "ApproveLeave", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::ApproveLeaveRequest>(case_id);
      req.set_leave_id(RequestLeave(d, case_id, 5, 3));
      return Own(req);
    });
    add("LeaveService", "RejectLeave", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::RejectLeaveRequest>(case_id);
      req.set_leave_id(RequestLeave(d, case_id, 5, 3));
      req.set_reason("the court hearing is that week");
      return Own(req);
    });
    add("LeaveService", "CancelLeave", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::CancelLeaveRequest>(case_id);
      req.set_leave_id(RequestLeave(d, case_id, 5, 3));
      return Own(req);
    });
    add("LeaveService", "RecordLeaveReturn", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      const std::string leave_id = RequestLeave(d, case_id, 0, 3);
      auto approve = WithCase<v1::ApproveLeaveRequest>(case_id);
      approve.set_leave_id(leave_id);
      Rec(&LeaveStub::ApproveLeave, approve);
      auto req = WithCase<v1::RecordLeaveReturnRequest>(case_id);
      req.set_leave_id(leave_id);
      return Own(req);
    });
    add("LeaveService", "GrantStandingApproval", [this](const std::string& d) {
      auto req = WithCase<v1::GrantStandingApprovalRequest>(ActiveCase(d));
      req.set_destination("天津市");
      req.set_purpose("routine work travel");
      *req.mutable_valid_until() = Day(90);
      return Own(req);
    });
    add("LeaveService", "RevokeStandingApproval", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::RevokeStandingApprovalRequest>(case_id);
      req.set_standing_approval_id(GrantStanding(d, case_id));
      req.set_reason("no longer needed");
      return Own(req);
    });
    add("LeaveService", "ListLeaves", [this](const std::string& d) {
      v1::ListLeavesRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
    add("LeaveService", "ListLeavesNotReturned", [this](const std::string& d) {
      ReadCase(d);
      v1::ListLeavesNotReturnedRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    // ---- OrderService ----
    add("OrderService", "OrderMonitoring", [this](const std::string& d) {
      auto req = WithCase<v1::OrderMonitoringRequest>(ActiveCase(d));
      req.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
      *req.mutable_ends_on() = Day(60);
      return Own(req);
    });
    add("OrderService", "RenewMonitoring", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::RenewMonitoringRequest>(case_id);
      req.set_order_id(Order(d, case_id));
      *req.mutable_new_ends_on() = Day(80);
      return Own(req);
    });
    add("OrderService", "EndMonitoring", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::EndMonitoringRequest>(case_id);
      req.set_order_id(Order(d, case_id));
      req.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
      return Own(req);
    });
    add("OrderService", "RecordMonitoringOutage", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d);
      auto req = WithCase<v1::RecordMonitoringOutageRequest>(case_id);
      req.set_order_id(Order(d, case_id));
      // Within today (the order's first day), before now.
      const absl::Time midnight =
          absl::FromCivil(absl::CivilSecond(h_.Today()), time::ShanghaiTimeZone());
      const absl::Duration since = absl::Now() - midnight;
      *req.mutable_started_at() = grpc_util::ToProtoTimestamp(midnight);
      *req.mutable_ended_at() =
          grpc_util::ToProtoTimestamp(midnight + std::min(absl::Minutes(1), since / 2));
      req.set_cause(v1::OUTAGE_CAUSE_SWITCHED_OFF);
      return Own(req);
    });
    add("OrderService", "ListMonitoringExpiring", [this](const std::string& d) {
      ReadCase(d);
      v1::ListMonitoringExpiringRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("OrderService", "RecordHealthReport", [this](const std::string& d) {
      auto req = WithCase<v1::RecordHealthReportRequest>(
          ActiveCase(d, {.kind = common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON}));
      *req.mutable_received_on() = Day(-10);
      return Own(req);
    });
    add("OrderService", "RecordMedicalReview", [this](const std::string& d) {
      auto req = WithCase<v1::RecordMedicalReviewRequest>(
          ActiveCase(d, {.kind = common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON}));
      *req.mutable_reviewed_on() = Day(-10);
      req.set_institution("Hospital No. 3");
      req.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
      return Own(req);
    });
    add("OrderService", "ListMedicalDue", [this](const std::string& d) {
      ReadCase(d);
      v1::ListMedicalDueRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    // ---- IntakeService ----
    add("IntakeService", "CommissionInvestigation", [this](const std::string& d) {
      v1::CommissionInvestigationRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_district_code(d);
      req.set_office_id("office-1");
      req.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
      req.set_commissioning_body_name("某区人民法院");
      req.set_person_name("调查对象");
      req.set_id_number(NextIdNumber());
      req.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
      return Own(req);
    });
    add("IntakeService", "RecordInvestigationConclusion", [this](const std::string& d) {
      v1::RecordInvestigationConclusionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_investigation_id(Commission(d));
      req.set_conclusion(v1::INVESTIGATION_CONCLUSION_SUITABLE);
      req.set_reasons("stable family, employed");
      return Own(req);
    });
    add("IntakeService", "WithdrawInvestigation", [this](const std::string& d) {
      v1::WithdrawInvestigationRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_investigation_id(Commission(d));
      req.set_reason("the court withdrew the commission");
      return Own(req);
    });
    add("IntakeService", "GetInvestigation", [this](const std::string& d) {
      v1::GetInvestigationRequest req;
      req.set_investigation_id(ReadInvestigation(d));
      return Own(req);
    });
    add("IntakeService", "ListInvestigations", [this](const std::string& d) {
      ReadInvestigation(d);
      v1::ListInvestigationsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("IntakeService", "RecordHandoverNotification", [this](const std::string& d) {
      auto req = WithCase<v1::RecordHandoverNotificationRequest>(PendingCase(d));
      *req.mutable_notified_on() = ToProtoDate(CivilDay(2025, 1, 12));
      return Own(req);
    });
    add("IntakeService", "RecordIntakeAnnouncement", [this](const std::string& d) {
      auto req = WithCase<v1::RecordIntakeAnnouncementRequest>(ActiveCase(d));
      *req.mutable_announced_on() = ToProtoDate(CivilDay(2025, 1, 16));
      req.add_present_staff_ids("staff-1");
      return Own(req);
    });
    add("IntakeService", "SetSupervisionTeam", [this](const std::string& d) {
      auto req = WithCase<v1::SetSupervisionTeamRequest>(ActiveCase(d));
      req.set_officer_id("officer-1");
      req.set_social_worker_id("sw-1");
      return Own(req);
    });
    add("IntakeService", "GetHandoverAndIntake", [this](const std::string& d) {
      v1::GetHandoverAndIntakeRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
    add("IntakeService", "RecordExitRestriction", [this](const std::string& d) {
      auto req = WithCase<v1::RecordExitRestrictionRequest>(ActiveCase(d));
      req.set_action(v1::EXIT_RESTRICTION_ACTION_FILED);
      *req.mutable_done_on() = ToProtoDate(CivilDay(2025, 1, 18));
      req.set_authority("exit-and-entry administration");
      return Own(req);
    });
    // ---- TransferService: the sending district requests and consents, the receiving one
    // accepts, rejects and completes; the target district is the side that acts. ----
    add("TransferService", "RequestTransfer", [this](const std::string& d) {
      auto req = WithCase<v1::RequestTransferRequest>(ActiveCase(d));
      req.set_to_district_code(kDistrictC);
      req.set_to_office_id("office-c");
      *req.mutable_planned_move_on() = Day(40);
      req.set_reason("moved for work");
      return Own(req);
    });
    add("TransferService", "ConsentTransfer", [this](const std::string& d) {
      return Own(Decision<v1::ConsentTransferRequest>(Transfer(d, kDistrictC, 0)));
    });
    add("TransferService", "AcceptTransfer", [this](const std::string& d) {
      return Own(Decision<v1::AcceptTransferRequest>(Transfer(kDistrictC, d, 1)));
    });
    add("TransferService", "RejectTransfer", [this](const std::string& d) {
      return Own(Decision<v1::RejectTransferRequest>(Transfer(kDistrictC, d, 1)));
    });
    add("TransferService", "CompleteTransfer", [this](const std::string& d) {
      return Own(Decision<v1::CompleteTransferRequest>(Transfer(kDistrictC, d, 2)));
    });
    add("TransferService", "RecordFileHandover", [this](const std::string& d) {
      v1::RecordFileHandoverRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_transfer_id(Transfer(kDistrictC, d, 2));
      return Own(req);
    });
    add("TransferService", "ListTransfers", [this](const std::string& d) {
      std::string& made = listed_transfers_[d];
      if (made.empty()) made = Transfer(d, kDistrictC, 0);
      v1::ListTransfersRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    // ---- DischargeService ----
    add("DischargeService", "Discharge", [this](const std::string& d) {
      auto req = WithCase<v1::DischargeRequest>(ActiveCase(d, {.end = h_.Today() - 1}));
      req.set_certificate_number("CERT-1");
      req.set_announced(true);
      return Own(req);
    });
    add("DischargeService", "CloseCase", [this](const std::string& d) {
      auto req = WithCase<v1::CloseCaseRequest>(ActiveCase(d));
      req.set_reason(v1::CASE_CLOSE_REASON_DECEASED);
      return Own(req);
    });
    add("DischargeService", "RecordDischargeSummary", [this](const std::string& d) {
      return Own(
          WithCase<v1::RecordDischargeSummaryRequest>(ActiveCase(d, {.end = h_.Today() + 20})));
    });
    add("DischargeService", "RecordFollowUpVisit", [this](const std::string& d) {
      const std::string case_id = ActiveCase(d, {.end = h_.Today() - 1});
      auto discharge = WithCase<v1::DischargeRequest>(case_id);
      discharge.set_certificate_number("CERT-0");
      discharge.set_announced(true);
      Rec(&DischargeStub::Discharge, discharge);
      return Own(WithCase<v1::RecordFollowUpVisitRequest>(case_id));
    });
    add("DischargeService", "ListDischargesDue", [this](const std::string& d) {
      ReadCase(d);
      v1::ListDischargesDueRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("DischargeService", "ListFollowUpsDue", [this](const std::string& d) {
      ReadCase(d);
      v1::ListFollowUpsDueRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("DischargeService", "RecordPerformanceReport", [this](const std::string& d) {
      return Own(
          WithCase<v1::RecordPerformanceReportRequest>(ActiveCase(d, {.end = h_.Today() + 20})));
    });
    // ---- AuditService ----
    add("AuditService", "ListAuditEntries", [this](const std::string& d) {
      v1::ListAuditEntriesRequest req;
      req.set_case_id(ReadCase(d));
      return Own(req);
    });
  }

  RecordsHarness h_;
  const std::string admin_;
  std::map<std::string, Builder> builders_;
  absl::Status fixture_error_;
  int seq_ = 0;
  std::map<std::string, std::string> read_cases_;
  std::map<std::string, std::string> read_investigations_;
  std::map<std::string, std::string> listed_transfers_;
};

}  // namespace

CCMS_MATRIX_SERVER("records", RecordsMatrixServer);

}  // namespace ccms::testing::matrix
