// The nine handler classes of ccms-records together, each over its area's fake store: the role
// matrix (every RPC of every service, checked against the generated descriptors), the audit of
// denials, and the policy versions across areas.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "services/records/audit_service.h"
#include "services/records/case_service.h"
#include "services/records/discharge_service.h"
#include "services/records/intake_service.h"
#include "services/records/leave_service.h"
#include "services/records/order_service.h"
#include "services/records/sanction_service.h"
#include "services/records/supervision_service.h"
#include "services/records/transfer_service.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"
#include "tests/services/records/two_versions.h"

namespace ccms::records::testing {
namespace {

// All nine handler classes, built as RecordsWiring builds them, over one fake store each; their
// denials all land in audit_.
class AllServicesTest : public HandlerTest {
 protected:
  AllServicesTest()
      : cases_(case_store_, context_),
        supervision_(supervision_store_, context_),
        sanctions_(sanction_store_, context_),
        leave_(leave_store_, context_),
        orders_(order_store_, context_),
        intake_(intake_store_, context_),
        transfers_(transfer_store_, context_),
        discharge_(discharge_store_, context_),
        audit_service_(audit_, context_) {}

  FakeCaseStore case_store_;
  FakeSupervisionStore supervision_store_;
  FakeSanctionStore sanction_store_;
  FakeLeaveStore leave_store_;
  FakeOrderStore order_store_;
  FakeIntakeStore intake_store_;
  FakeTransferStore transfer_store_;
  FakeDischargeStore discharge_store_;
  CaseServiceImpl cases_;
  SupervisionServiceImpl supervision_;
  SanctionServiceImpl sanctions_;
  LeaveServiceImpl leave_;
  OrderServiceImpl orders_;
  IntakeServiceImpl intake_;
  TransferServiceImpl transfers_;
  DischargeServiceImpl discharge_;
  AuditServiceImpl audit_service_;
};

TEST_F(AllServicesTest, DeniedCallsAreAudited) {
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  v1::IssueSanctionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_kind(v1::SANCTION_KIND_WARNING);
  v1::IssueSanctionResponse resp;
  EXPECT_EQ(sanctions_.DoIssueSanction(sw, req, &resp).code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(audit_.audited.size(), 1u);
  EXPECT_EQ(audit_.audited[0], "IssueSanction:DENIED");
  // Social workers do record contacts.
  v1::RecordContactRequest contact;
  contact.set_request_id(ids::NewUuid());
  contact.set_case_id(ids::NewUuid());
  contact.set_kind(v1::CONTACT_KIND_HOME_VISIT);
  v1::RecordContactResponse contact_resp;
  EXPECT_TRUE(supervision_.DoRecordContact(sw, contact, &contact_resp).ok());
  contact.mutable_occurred_on()->set_year(2027);
  contact.mutable_occurred_on()->set_month(1);
  contact.mutable_occurred_on()->set_day(1);
  EXPECT_EQ(supervision_.DoRecordContact(sw, contact, &contact_resp).code(),
            absl::StatusCode::kInvalidArgument);
}

// Role × RPC: every RPC either admits a role or refuses it with PERMISSION_DENIED, as
// docs/records.md's table says. Requests are minimal; admitted calls may fail for other reasons.
TEST_F(AllServicesTest, RoleMatrix) {
  using auth::Role;
  const std::string case_id = ids::NewUuid();
  const std::string rid = ids::NewUuid();
  // The case as locked, the same in every area's store.
  CaseRecord stored;
  stored.case_id = case_id;
  stored.status = domain::CaseStatus::kPendingIntake;
  stored.judgment_effective_date = absl::CivilDay(2026, 11, 20);
  for (CaseRecord* s : {&case_store_.stored, &leave_store_.stored, &order_store_.stored,
                        &intake_store_.stored, &discharge_store_.stored, &sanction_store_.stored}) {
    *s = stored;
  }
  transfer_store_.transfer.status = domain::TransferStatus::kConsented;
  transfer_store_.transfer.requested_on = absl::CivilDay(2026, 11, 1);
  using Call = std::function<absl::Status(const auth::Principal&)>;
  auto req_case = [&](auto& r) {
    r.set_request_id(rid);
    r.set_case_id(case_id);
  };
  const std::set<Role> all = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kSocialWorker,
                              Role::kCityAdmin,   Role::kAuditor,        Role::kPartner,
                              Role::kOps,         Role::kService};
  const std::set<Role> readers = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kSocialWorker,
                                  Role::kCityAdmin,   Role::kAuditor,        Role::kService};
  const std::set<Role> office = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin};
  const std::set<Role> case_workers = {Role::kOfficeStaff, Role::kDistrictBureau,
                                       Role::kSocialWorker, Role::kCityAdmin};
  const std::set<Role> exporters = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin,
                                    Role::kAuditor};
  // Bureau approvals (leave over the office's limit, monitoring orders, renewals, early ends).
  const std::set<Role> bureau = {Role::kDistrictBureau, Role::kCityAdmin};
  leave_store_.leave.leave_id = ids::NewUuid();
  leave_store_.leave.start_date = absl::CivilDay(2026, 11, 25);
  leave_store_.leave.end_date = absl::CivilDay(2026, 11, 27);
  leave_store_.standing.valid_until = absl::CivilDay(2027, 1, 1);
  auto leave_req = [&](auto& r) {
    req_case(r);
    r.set_leave_id(leave_store_.leave.leave_id);
    r.set_reason("r");
  };
  auto day = [](google::type::Date* d, int y, int m, int dd) {
    d->set_year(y);
    d->set_month(m);
    d->set_day(dd);
  };
  const std::set<Role> auditors = {Role::kAuditor, Role::kCityAdmin};
  struct Row {
    std::string rpc;
    std::set<Role> allowed;
    Call call;
  };
  const std::vector<Row> rows = {
      {"CaseService.OpenCase", office,
       [&](const auth::Principal& p) {
         v1::OpenCaseResponse r;
         return cases_.DoOpenCase(p, Valid(), &r);
       }},
      {"CaseService.RecordIntakeCheckIn", office,
       [&](const auth::Principal& p) {
         v1::RecordIntakeCheckInRequest q;
         req_case(q);
         v1::RecordIntakeCheckInResponse r;
         return cases_.DoRecordIntakeCheckIn(p, q, &r);
       }},
      {"CaseService.GetCase", readers,
       [&](const auth::Principal& p) {
         v1::GetCaseRequest q;
         q.set_case_id(case_id);
         v1::GetCaseResponse r;
         return cases_.DoGetCase(p, q, &r);
       }},
      // The case facts (no name, ID number, phone, address or offence): services, and the roles
      // that may read the whole case anyway. Partners and ops may not.
      {"CaseService.GetCaseFacts", readers,
       [&](const auth::Principal& p) {
         v1::GetCaseFactsRequest q;
         q.set_case_id(case_id);
         v1::GetCaseFactsResponse r;
         return cases_.DoGetCaseFacts(p, q, &r);
       }},
      {"CaseService.ListCases", readers,
       [&](const auth::Principal& p) {
         v1::ListCasesResponse r;
         return cases_.DoListCases(p, v1::ListCasesRequest(), &r);
       }},
      {"SupervisionService.RecordContact", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordContactRequest q;
         req_case(q);
         q.set_kind(v1::CONTACT_KIND_CHECK_IN_PHONE);
         v1::RecordContactResponse r;
         return supervision_.DoRecordContact(p, q, &r);
       }},
      {"SupervisionService.MarkLostContact", office,
       [&](const auth::Principal& p) {
         v1::MarkLostContactRequest q;
         req_case(q);
         v1::MarkLostContactResponse r;
         return supervision_.DoMarkLostContact(p, q, &r);
       }},
      {"SupervisionService.MarkFoundAgain", office,
       [&](const auth::Principal& p) {
         v1::MarkFoundAgainRequest q;
         req_case(q);
         v1::MarkFoundAgainResponse r;
         return supervision_.DoMarkFoundAgain(p, q, &r);
       }},
      {"SanctionService.RecordViolation", office,
       [&](const auth::Principal& p) {
         v1::RecordViolationRequest q;
         req_case(q);
         q.set_kind(v1::VIOLATION_KIND_OTHER);
         v1::RecordViolationResponse r;
         return sanctions_.DoRecordViolation(p, q, &r);
       }},
      {"SanctionService.IssueSanction", office,
       [&](const auth::Principal& p) {
         v1::IssueSanctionRequest q;
         req_case(q);
         q.set_kind(v1::SANCTION_KIND_ADMONITION);
         v1::IssueSanctionResponse r;
         return sanctions_.DoIssueSanction(p, q, &r);
       }},
      {"SanctionService.MarkSanctionCorrected", office,
       [&](const auth::Principal& p) {
         v1::MarkSanctionCorrectedRequest q;
         req_case(q);
         q.set_sanction_id(ids::NewUuid());
         v1::MarkSanctionCorrectedResponse r;
         return sanctions_.DoMarkSanctionCorrected(p, q, &r);
       }},
      {"SanctionService.RecordCommendation", office,
       [&](const auth::Principal& p) {
         v1::RecordCommendationRequest q;
         req_case(q);
         v1::RecordCommendationResponse r;
         return sanctions_.DoRecordCommendation(p, q, &r);
       }},
      {"SanctionService.GetSanctionStatus", readers,
       [&](const auth::Principal& p) {
         v1::GetSanctionStatusRequest q;
         q.set_case_id(case_id);
         v1::GetSanctionStatusResponse r;
         return sanctions_.DoGetSanctionStatus(p, q, &r);
       }},
      {"SupervisionService.ListOverdue", readers,
       [&](const auth::Principal& p) {
         v1::ListOverdueRequest q;
         q.set_district_code("110101");
         v1::ListOverdueResponse r;
         return supervision_.DoListOverdue(p, q, &r);
       }},
      {"CaseService.GetCaseTimeline", readers,
       [&](const auth::Principal& p) {
         v1::GetCaseTimelineRequest q;
         q.set_case_id(case_id);
         v1::GetCaseTimelineResponse r;
         return cases_.DoGetCaseTimeline(p, q, &r);
       }},
      {"AuditService.ListAuditEntries", auditors,
       [&](const auth::Principal& p) {
         v1::ListAuditEntriesResponse r;
         return audit_service_.DoListAuditEntries(p, v1::ListAuditEntriesRequest(), &r);
       }},
      {"TransferService.RequestTransfer", office,
       [&](const auth::Principal& p) {
         v1::RequestTransferRequest q;
         req_case(q);
         q.set_to_district_code("310101");
         q.set_to_office_id("o");
         v1::RequestTransferResponse r;
         return transfers_.DoRequestTransfer(p, q, &r);
       }},
      {"TransferService.AcceptTransfer", office,
       [&](const auth::Principal& p) {
         v1::AcceptTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         v1::AcceptTransferResponse r;
         return transfers_.DoAcceptTransfer(p, q, &r);
       }},
      {"TransferService.ConsentTransfer", office,
       [&](const auth::Principal& p) {
         v1::ConsentTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         q.set_reason("r");
         v1::ConsentTransferResponse r;
         return transfers_.DoConsentTransfer(p, q, &r);
       }},
      {"TransferService.RejectTransfer", office,
       [&](const auth::Principal& p) {
         v1::RejectTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         q.set_reason("r");
         v1::RejectTransferResponse r;
         return transfers_.DoRejectTransfer(p, q, &r);
       }},
      {"TransferService.CompleteTransfer", office,
       [&](const auth::Principal& p) {
         v1::CompleteTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         q.set_reason("r");
         v1::CompleteTransferResponse r;
         return transfers_.DoCompleteTransfer(p, q, &r);
       }},
      {"TransferService.ListTransfers", readers,
       [&](const auth::Principal& p) {
         v1::ListTransfersResponse r;
         return transfers_.DoListTransfers(p, v1::ListTransfersRequest(), &r);
       }},
      {"SanctionService.RecordReoffence", office,
       [&](const auth::Principal& p) {
         v1::RecordReoffenceRequest q;
         req_case(q);
         q.set_reported_by("a public security bureau");
         q.set_offence_category("theft");
         day(q.mutable_occurred_on(), 2026, 11, 20);
         v1::RecordReoffenceResponse r;
         return sanctions_.DoRecordReoffence(p, q, &r);
       }},
      {"CaseService.RecordSentenceChange", office,
       [&](const auth::Principal& p) {
         v1::RecordSentenceChangeRequest q;
         req_case(q);
         q.set_kind(v1::SENTENCE_CHANGE_KIND_REDUCTION);
         q.set_court("court");
         q.set_document_number("doc");
         day(q.mutable_new_end_date(), 2027, 1, 1);
         v1::RecordSentenceChangeResponse r;
         return cases_.DoRecordSentenceChange(p, q, &r);
       }},
      {"DischargeService.Discharge", office,
       [&](const auth::Principal& p) {
         v1::DischargeRequest q;
         req_case(q);
         q.set_certificate_number("c");
         v1::DischargeResponse r;
         return discharge_.DoDischarge(p, q, &r);
       }},
      {"OrderService.OrderMonitoring", bureau,
       [&](const auth::Principal& p) {
         v1::OrderMonitoringRequest q;
         req_case(q);
         q.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
         q.mutable_ends_on()->set_year(2026);
         q.mutable_ends_on()->set_month(12);
         q.mutable_ends_on()->set_day(22);
         v1::OrderMonitoringResponse r;
         return orders_.DoOrderMonitoring(p, q, &r);
       }},
      {"OrderService.RenewMonitoring", bureau,
       [&](const auth::Principal& p) {
         v1::RenewMonitoringRequest q;
         req_case(q);
         q.set_order_id(ids::NewUuid());
         q.mutable_new_ends_on()->set_year(2027);
         q.mutable_new_ends_on()->set_month(1);
         q.mutable_new_ends_on()->set_day(5);
         v1::RenewMonitoringResponse r;
         return orders_.DoRenewMonitoring(p, q, &r);
       }},
      {"OrderService.EndMonitoring", bureau,
       [&](const auth::Principal& p) {
         v1::EndMonitoringRequest q;
         req_case(q);
         q.set_order_id(ids::NewUuid());
         q.set_reason(v1::MONITORING_END_REASON_OTHER);
         v1::EndMonitoringResponse r;
         return orders_.DoEndMonitoring(p, q, &r);
       }},
      {"OrderService.ListMonitoringExpiring", readers,
       [&](const auth::Principal& p) {
         v1::ListMonitoringExpiringRequest q;
         q.set_district_code("110101");
         v1::ListMonitoringExpiringResponse r;
         return orders_.DoListMonitoringExpiring(p, q, &r);
       }},
      {"OrderService.RecordHealthReport", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordHealthReportRequest q;
         req_case(q);
         v1::RecordHealthReportResponse r;
         return orders_.DoRecordHealthReport(p, q, &r);
       }},
      {"OrderService.RecordMedicalReview", office,
       [&](const auth::Principal& p) {
         v1::RecordMedicalReviewRequest q;
         req_case(q);
         q.set_institution("hospital");
         q.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
         v1::RecordMedicalReviewResponse r;
         return orders_.DoRecordMedicalReview(p, q, &r);
       }},
      {"OrderService.ListMedicalDue", readers,
       [&](const auth::Principal& p) {
         v1::ListMedicalDueRequest q;
         q.set_district_code("110101");
         v1::ListMedicalDueResponse r;
         return orders_.DoListMedicalDue(p, q, &r);
       }},
      {"DischargeService.CloseCase", office,
       [&](const auth::Principal& p) {
         v1::CloseCaseRequest q;
         req_case(q);
         q.set_reason(v1::CASE_CLOSE_REASON_DECEASED);
         v1::CloseCaseResponse r;
         return discharge_.DoCloseCase(p, q, &r);
       }},
      {"DischargeService.RecordDischargeSummary", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordDischargeSummaryRequest q;
         req_case(q);
         v1::RecordDischargeSummaryResponse r;
         return discharge_.DoRecordDischargeSummary(p, q, &r);
       }},
      {"DischargeService.RecordFollowUpVisit", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordFollowUpVisitRequest q;
         req_case(q);
         v1::RecordFollowUpVisitResponse r;
         return discharge_.DoRecordFollowUpVisit(p, q, &r);
       }},
      {"DischargeService.ListDischargesDue", readers,
       [&](const auth::Principal& p) {
         v1::ListDischargesDueRequest q;
         q.set_district_code("110101");
         v1::ListDischargesDueResponse r;
         return discharge_.DoListDischargesDue(p, q, &r);
       }},
      {"DischargeService.ListFollowUpsDue", readers,
       [&](const auth::Principal& p) {
         v1::ListFollowUpsDueRequest q;
         q.set_district_code("110101");
         v1::ListFollowUpsDueResponse r;
         return discharge_.DoListFollowUpsDue(p, q, &r);
       }},
      {"CaseService.ExportCases", exporters,
       [&](const auth::Principal& p) {
         v1::ExportCasesRequest q;
         q.set_district_code("110101");
         v1::ExportCasesResponse r;
         return cases_.DoExportCases(p, q, &r);
       }},
      // Leave.
      {"LeaveService.RequestLeave", case_workers,
       [&](const auth::Principal& p) {
         v1::RequestLeaveRequest q;
         req_case(q);
         day(q.mutable_start_date(), 2026, 12, 1);
         day(q.mutable_end_date(), 2026, 12, 3);
         q.set_destination("d");
         v1::RequestLeaveResponse r;
         return leave_.DoRequestLeave(p, q, &r);
       }},
      {"LeaveService.ApproveLeave", office,
       [&](const auth::Principal& p) {
         v1::ApproveLeaveRequest q;
         leave_req(q);
         v1::ApproveLeaveResponse r;
         return leave_.DoApproveLeave(p, q, &r);
       }},
      {"LeaveService.RejectLeave", office,
       [&](const auth::Principal& p) {
         v1::RejectLeaveRequest q;
         leave_req(q);
         v1::RejectLeaveResponse r;
         return leave_.DoRejectLeave(p, q, &r);
       }},
      {"LeaveService.CancelLeave", case_workers,
       [&](const auth::Principal& p) {
         v1::CancelLeaveRequest q;
         leave_req(q);
         v1::CancelLeaveResponse r;
         return leave_.DoCancelLeave(p, q, &r);
       }},
      {"LeaveService.RecordLeaveReturn", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordLeaveReturnRequest q;
         req_case(q);
         q.set_leave_id(leave_store_.leave.leave_id);
         v1::RecordLeaveReturnResponse r;
         return leave_.DoRecordLeaveReturn(p, q, &r);
       }},
      {"LeaveService.GrantStandingApproval", bureau,
       [&](const auth::Principal& p) {
         v1::GrantStandingApprovalRequest q;
         req_case(q);
         q.set_destination("d");
         day(q.mutable_valid_until(), 2027, 1, 1);
         v1::GrantStandingApprovalResponse r;
         return leave_.DoGrantStandingApproval(p, q, &r);
       }},
      {"LeaveService.RevokeStandingApproval", bureau,
       [&](const auth::Principal& p) {
         v1::RevokeStandingApprovalRequest q;
         req_case(q);
         q.set_standing_approval_id(ids::NewUuid());
         v1::RevokeStandingApprovalResponse r;
         return leave_.DoRevokeStandingApproval(p, q, &r);
       }},
      {"LeaveService.ListLeaves", readers,
       [&](const auth::Principal& p) {
         v1::ListLeavesRequest q;
         q.set_case_id(case_id);
         v1::ListLeavesResponse r;
         return leave_.DoListLeaves(p, q, &r);
       }},
      {"LeaveService.ListLeavesNotReturned", readers,
       [&](const auth::Principal& p) {
         v1::ListLeavesNotReturnedRequest q;
         q.set_district_code("110101");
         v1::ListLeavesNotReturnedResponse r;
         return leave_.DoListLeavesNotReturned(p, q, &r);
       }},
      // Pre-sentence investigations, handover and intake.
      {"IntakeService.CommissionInvestigation", office,
       [&](const auth::Principal& p) {
         v1::CommissionInvestigationResponse r;
         return intake_.DoCommissionInvestigation(p, ValidCommission(), &r);
       }},
      {"IntakeService.RecordInvestigationConclusion", office,
       [&](const auth::Principal& p) {
         v1::RecordInvestigationConclusionRequest q;
         q.set_request_id(rid);
         q.set_investigation_id(ids::NewUuid());
         q.set_conclusion(v1::INVESTIGATION_CONCLUSION_SUITABLE);
         q.set_reasons("r");
         v1::RecordInvestigationConclusionResponse r;
         return intake_.DoRecordInvestigationConclusion(p, q, &r);
       }},
      {"IntakeService.WithdrawInvestigation", office,
       [&](const auth::Principal& p) {
         v1::WithdrawInvestigationRequest q;
         q.set_request_id(rid);
         q.set_investigation_id(ids::NewUuid());
         v1::WithdrawInvestigationResponse r;
         return intake_.DoWithdrawInvestigation(p, q, &r);
       }},
      {"IntakeService.GetInvestigation", readers,
       [&](const auth::Principal& p) {
         v1::GetInvestigationRequest q;
         q.set_investigation_id(ids::NewUuid());
         v1::GetInvestigationResponse r;
         return intake_.DoGetInvestigation(p, q, &r);
       }},
      {"IntakeService.ListInvestigations", readers,
       [&](const auth::Principal& p) {
         v1::ListInvestigationsRequest q;
         q.set_overdue_only(true);
         v1::ListInvestigationsResponse r;
         return intake_.DoListInvestigations(p, q, &r);
       }},
      {"IntakeService.RecordHandoverNotification", office,
       [&](const auth::Principal& p) {
         v1::RecordHandoverNotificationRequest q;
         req_case(q);
         v1::RecordHandoverNotificationResponse r;
         return intake_.DoRecordHandoverNotification(p, q, &r);
       }},
      {"IntakeService.RecordIntakeAnnouncement", office,
       [&](const auth::Principal& p) {
         v1::RecordIntakeAnnouncementRequest q;
         req_case(q);
         q.add_present_staff_ids("staff-1");
         v1::RecordIntakeAnnouncementResponse r;
         return intake_.DoRecordIntakeAnnouncement(p, q, &r);
       }},
      {"IntakeService.SetSupervisionTeam", office,
       [&](const auth::Principal& p) {
         v1::SetSupervisionTeamRequest q;
         req_case(q);
         q.set_officer_id("officer-1");
         v1::SetSupervisionTeamResponse r;
         return intake_.DoSetSupervisionTeam(p, q, &r);
       }},
      {"IntakeService.GetHandoverAndIntake", readers,
       [&](const auth::Principal& p) {
         v1::GetHandoverAndIntakeRequest q;
         q.set_case_id(case_id);
         v1::GetHandoverAndIntakeResponse r;
         return intake_.DoGetHandoverAndIntake(p, q, &r);
       }},
      {"DischargeService.RecordPerformanceReport", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordPerformanceReportRequest q;
         req_case(q);
         v1::RecordPerformanceReportResponse r;
         return discharge_.DoRecordPerformanceReport(p, q, &r);
       }},
      {"IntakeService.RecordExitRestriction", office,
       [&](const auth::Principal& p) {
         v1::RecordExitRestrictionRequest q;
         req_case(q);
         q.set_action(v1::EXIT_RESTRICTION_ACTION_FILED);
         q.set_authority("exit-and-entry administration");
         v1::RecordExitRestrictionResponse r;
         return intake_.DoRecordExitRestriction(p, q, &r);
       }},
      // Follow-through (issue 17 items 6-8).
      {"OrderService.RecordMonitoringOutage", office,
       [&](const auth::Principal& p) {
         v1::RecordMonitoringOutageRequest q;
         req_case(q);
         q.set_order_id(ids::NewUuid());
         q.mutable_started_at()->set_seconds(1795000000);
         q.mutable_ended_at()->set_seconds(1795003600);
         q.set_cause(v1::OUTAGE_CAUSE_SWITCHED_OFF);
         v1::RecordMonitoringOutageResponse r;
         return orders_.DoRecordMonitoringOutage(p, q, &r);
       }},
      {"SanctionService.RecordRevocationDecision", office,
       [&](const auth::Principal& p) {
         v1::RecordRevocationDecisionRequest q;
         req_case(q);
         q.set_sanction_id(ids::NewUuid());
         q.set_decision(v1::REVOCATION_DECISION_REFUSED);
         q.set_document_number("(2026)京0101刑更1号");
         v1::RecordRevocationDecisionResponse r;
         return sanctions_.DoRecordRevocationDecision(p, q, &r);
       }},
      {"SanctionService.RecordRevocationDetention", office,
       [&](const auth::Principal& p) {
         v1::RecordRevocationDetentionRequest q;
         req_case(q);
         q.set_sanction_id(ids::NewUuid());
         v1::RecordRevocationDetentionResponse r;
         return sanctions_.DoRecordRevocationDetention(p, q, &r);
       }},
      {"TransferService.RecordFileHandover", office,
       [&](const auth::Principal& p) {
         v1::RecordFileHandoverRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         v1::RecordFileHandoverResponse r;
         return transfers_.DoRecordFileHandover(p, q, &r);
       }},
  };
  // Every RPC of the nine services has its row, and every row names one of them: the RPCs come
  // from the generated descriptors, so an RPC added to a proto fails here until it has a row.
  const std::vector<std::string> services = {
      v1::CaseService::service_full_name(),     v1::SupervisionService::service_full_name(),
      v1::SanctionService::service_full_name(), v1::LeaveService::service_full_name(),
      v1::OrderService::service_full_name(),    v1::IntakeService::service_full_name(),
      v1::TransferService::service_full_name(), v1::DischargeService::service_full_name(),
      v1::AuditService::service_full_name()};
  std::set<std::string> rpcs;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    EXPECT_EQ(service->file()->package(), "ccms.records.v1") << name;
    for (int i = 0; i < service->method_count(); ++i) {
      rpcs.insert(std::string(service->name()) + "." + std::string(service->method(i)->name()));
    }
  }
  std::set<std::string> covered;
  for (const Row& row : rows) {
    EXPECT_TRUE(covered.insert(row.rpc).second) << "two rows for " << row.rpc;
    EXPECT_EQ(rpcs.count(row.rpc), 1u) << "a row for no RPC: " << row.rpc;
  }
  for (const std::string& rpc : rpcs) {
    EXPECT_EQ(covered.count(rpc), 1u) << "no row for " << rpc;
  }

  for (const Row& row : rows) {
    for (Role role : all) {
      auth::Principal p;
      p.subject = "matrix";
      p.role = role;
      p.all_districts = role != Role::kOfficeStaff && role != Role::kDistrictBureau &&
                        role != Role::kSocialWorker && role != Role::kPartner;
      if (!p.all_districts && role != Role::kPartner) p.districts = {"110101"};
      if (role == Role::kPartner) p.agency_id = "agency";
      const size_t audited_before = audit_.audited.size();
      const absl::Status st = row.call(p);
      SCOPED_TRACE(row.rpc + " as " + std::string(auth::RoleName(role)));
      if (row.allowed.count(role)) {
        EXPECT_NE(st.code(), absl::StatusCode::kPermissionDenied) << st;
      } else {
        EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << st;
        // Each handler class writes its denials to the context's audit log: one DENIED row.
        ASSERT_EQ(audit_.audited.size(), audited_before + 1);
        EXPECT_TRUE(absl::EndsWith(audit_.audited.back(), ":DENIED")) << audit_.audited.back();
      }
    }
  }
}

// The policy has two versions, the second from 2026-11-15 (mid-month): a person reports within 5
// days of the judgment instead of 10, a STRICT case reports every 3 days instead of 7. Each day's
// deadline comes from the version in force on the day it is counted from, and says which.
TEST_F(AllServicesTest, EachDayGetsTheDeadlineOfTheVersionInForceOnIt) {
  const domain::RecordsPolicies policies = TwoVersions();
  const HandlerContext context{audit_, executor_, cipher_, clock_, policies};  // today 2026-11-22
  CaseServiceImpl cases(case_store_, context);
  SupervisionServiceImpl supervision(supervision_store_, context);

  // Intake deadlines, counted from the judgment's effective date.
  auto open_with_judgment = [&](absl::CivilDay judgment) {
    v1::OpenCaseRequest req = Valid();
    for (auto* d : {req.mutable_sentence()->mutable_judgment_effective_date(),
                    req.mutable_sentence()->mutable_start_date()}) {
      d->set_year(static_cast<int>(judgment.year()));
      d->set_month(judgment.month());
      d->set_day(judgment.day());
    }
    v1::OpenCaseResponse resp;
    EXPECT_TRUE(cases.DoOpenCase(staff_, req, &resp).ok());
    return case_store_.last_open.validated.intake_deadline;
  };
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 13)), absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 14)), absl::CivilDay(2026, 11, 24));
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 15)), absl::CivilDay(2026, 11, 20));
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 16)), absl::CivilDay(2026, 11, 21));

  // A check-in on 11-21 is on time for a judgment of 11-14 and late for one of 11-15.
  auto late = [&](absl::CivilDay judgment) {
    case_store_.stored.status = domain::CaseStatus::kPendingIntake;
    case_store_.stored.judgment_effective_date = judgment;
    v1::RecordIntakeCheckInRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(ids::NewUuid());
    req.mutable_reported_on()->set_year(2026);
    req.mutable_reported_on()->set_month(11);
    req.mutable_reported_on()->set_day(21);
    v1::RecordIntakeCheckInResponse resp;
    const absl::Status st = cases.DoRecordIntakeCheckIn(staff_, req, &resp);
    EXPECT_TRUE(st.ok()) << st;
    return resp.case_().intake_late();
  };
  EXPECT_FALSE(late(absl::CivilDay(2026, 11, 14)));
  EXPECT_TRUE(late(absl::CivilDay(2026, 11, 15)));

  // The overdue list as of 11-21: never reported by the judgment's version, contacts by the
  // version of the last contact's day.
  auto pending = [](const std::string& id, absl::CivilDay judgment) {
    OverdueCandidate oc;
    oc.c.case_id = id;
    oc.c.status = domain::CaseStatus::kPendingIntake;
    oc.c.judgment_effective_date = judgment;
    oc.c.intake_deadline = judgment + (judgment < absl::CivilDay(2026, 11, 15) ? 10 : 5);
    return oc;
  };
  auto active = [](const std::string& id, absl::CivilDay last_phone_report) {
    OverdueCandidate oc;
    oc.c.case_id = id;
    oc.c.status = domain::CaseStatus::kActive;
    oc.c.intake_reported_on = absl::CivilDay(2026, 11, 1);  // STRICT
    // Self-reports, in-person check-ins and visits are up to date; a phone report is the latest
    // contact that counts as a report.
    for (int k = 0; k < 7; ++k) oc.last_by_kind[k] = absl::CivilDay(2026, 11, 20);
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCheckInPhone)] = last_phone_report;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCheckInInPerson)] =
        absl::CivilDay(2026, 11, 10);
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCheckInVideo)] = std::nullopt;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kHomeVisit)] = std::nullopt;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kWorkplaceVisit)] = std::nullopt;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCommunityVisit)] =
        absl::CivilDay(2026, 11, 10);
    oc.c.end_date = absl::CivilDay(2027, 10, 31);
    oc.exit_filed_on = absl::CivilDay(2026, 11, 1);  // the exit-restriction filing at intake
    return oc;
  };
  supervision_store_.overdue = {pending("p-before", absl::CivilDay(2026, 11, 14)),
                                pending("p-on", absl::CivilDay(2026, 11, 15)),
                                active("a-before", absl::CivilDay(2026, 11, 14)),
                                active("a-on", absl::CivilDay(2026, 11, 15))};
  v1::ListOverdueRequest req;
  req.set_district_code("110101");
  req.mutable_as_of()->set_year(2026);
  req.mutable_as_of()->set_month(11);
  req.mutable_as_of()->set_day(21);
  v1::ListOverdueResponse resp;
  ASSERT_TRUE(supervision.DoListOverdue(staff_, req, &resp).ok());
  std::map<std::string, std::string> rules;
  for (const auto& item : resp.items()) rules[item.case_id()] = item.rule();
  // p-before: due 11-24 (10 days, 2026.1), not yet overdue; p-on: due 11-20 (5 days, 2026.2).
  EXPECT_EQ(rules.count("p-before"), 0u);
  ASSERT_EQ(rules.count("p-on"), 1u);
  EXPECT_NE(rules["p-on"].find("report within 5 days"), std::string::npos) << rules["p-on"];
  EXPECT_NE(rules["p-on"].find("policy 2026.2"), std::string::npos) << rules["p-on"];
  // a-before: last report 11-14, due 11-21 (7d, 2026.1), due today, not overdue; a-on: last report
  // 11-15, due 11-18 (3d, 2026.2), 3 days overdue.
  EXPECT_EQ(rules.count("a-before"), 0u);
  ASSERT_EQ(rules.count("a-on"), 1u);
  EXPECT_NE(rules["a-on"].find("every 3d (policy 2026.2)"), std::string::npos) << rules["a-on"];
  for (const auto& item : resp.items()) {
    if (item.case_id() == "a-on") {
      EXPECT_EQ(item.days_overdue(), 3);
    }
  }
  EXPECT_EQ(resp.policy_version(), "2026.2");
}

}  // namespace
}  // namespace ccms::records::testing
