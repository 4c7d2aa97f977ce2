// DischargeService: the daily-performance report (日常表现综合评估报告, issue 17 item 12), the
// discharge paperwork that is due with the personal summary.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/discharge_service.h"
#include "services/records/domain/access.h"
#include "services/records/domain/discharge_rules.h"

namespace ccms::records {
namespace {

// A staff account id: 1..64 of letters, digits, '-', '_', '.', '@' (never a name).
bool IsAccountId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' &&
        ch != '.' && ch != '@') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status DischargeServiceImpl::DoRecordPerformanceReport(
    const auth::Principal& principal, const v1::RecordPerformanceReportRequest& request,
    v1::RecordPerformanceReportResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RecordPerformanceReport", request.case_id(),
                       request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const std::string author = request.author().empty() ? principal.subject : request.author();
  if (!IsAccountId(author)) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"author", "must be a staff account id (at most 64 of letters, digits, - _ . @)"}});
  }
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.completed_on(), "completed_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  absl::CivilDay window_opens;
  std::string policy_version;
  auto result = store_.RecordPerformanceReport(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordPerformanceReport"),
      *on, author,
      [&](const CaseRecord& c) {
        // Due with the summary: the window counted back from the end of the term, by the
        // version in force then.
        const domain::RecordsPolicy& policy = PolicyOn(c.end_date);
        policy_version = policy.version;
        window_opens = domain::SummaryWindowOpens(c.end_date, policy);
        return domain::CheckPerformanceReport(c.status, c.end_date, *on, policy);
      },
      [&](const CaseRecord& c) {
        v1::PerformanceReportRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        *payload.mutable_completed_on() = grpc_util::ToProtoDate(*on);
        return kafka::MakeEnvelope("ccms.records.performance_report_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  *response->mutable_window_opens() = grpc_util::ToProtoDate(window_opens);
  response->set_author(author);
  response->set_policy_version(policy_version);
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(DischargeServiceImpl, RecordPerformanceReport)

}  // namespace ccms::records
