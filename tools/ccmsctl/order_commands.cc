#include "tools/ccmsctl/order_commands.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "ccms/records/v1/order_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::OrderService;

EnumFlag Grounds() { return EnumFlag(v1::MonitoringGround_descriptor(), "MONITORING_GROUND_"); }
EnumFlag EndReasons() {
  return EnumFlag(v1::MonitoringEndReason_descriptor(), "MONITORING_END_REASON_");
}
EnumFlag OrderStatuses() {
  return EnumFlag(v1::MonitoringOrderStatus_descriptor(), "MONITORING_ORDER_STATUS_");
}
EnumFlag Outcomes() {
  return EnumFlag(v1::MedicalReviewOutcome_descriptor(), "MEDICAL_REVIEW_OUTCOME_");
}
EnumFlag DueKinds() { return EnumFlag(v1::MedicalDueKind_descriptor(), "MEDICAL_DUE_KIND_"); }

// Prints the order of an OrderMonitoring, RenewMonitoring or EndMonitoring response.
template <typename Response>
int PrintOrder(const GlobalOptions& global, const Response& response) {
  return PrintResponse(global, response, [&] {
    const v1::MonitoringOrder& o = response.order();
    std::vector<std::string> grounds;
    for (int g : o.grounds()) grounds.push_back(Grounds().Label(g));
    PrintKeyValues({{"order id", o.order_id()},
                    {"status", OrderStatuses().LabelOrDash(o.status())},
                    {"grounds", absl::StrJoin(grounds, ", ")},
                    {"starts on", FormatProtoDate(o.starts_on())},
                    {"ends on", FormatProtoDate(o.ends_on())},
                    {"renewals", std::to_string(o.renewals())},
                    {"ended on", o.has_ended_on() ? FormatProtoDate(o.ended_on()) : "-"},
                    {"policy version", o.policy_version()}},
                   std::cout);
  });
}

struct Flags {
  std::string case_id, order_id, request_id, on, until, reason, district, as_of, page_token;
  std::string institution, outcome, details;
  std::vector<std::string> grounds;
  int within_days = -1;
  int page_size = 0;
  bool all = false;
};

std::string RequestId(const Flags& f) {
  return f.request_id.empty() ? NewRequestId() : f.request_id;
}

int RunOrder(const GlobalOptions& global, const Flags& f) {
  v1::OrderMonitoringRequest request;
  request.set_request_id(RequestId(f));
  request.set_case_id(f.case_id);
  for (const auto& g : f.grounds) {
    request.add_grounds(static_cast<v1::MonitoringGround>(Grounds().Parse(g)));
  }
  if (!f.on.empty()) *request.mutable_starts_on() = ProtoDate(f.on);
  *request.mutable_ends_on() = ProtoDate(f.until);
  v1::OrderMonitoringResponse response;
  if (int rc = Call(global, &OrderService::Stub::OrderMonitoring, request, &response)) return rc;
  return PrintOrder(global, response);
}

int RunRenew(const GlobalOptions& global, const Flags& f) {
  v1::RenewMonitoringRequest request;
  request.set_request_id(RequestId(f));
  request.set_case_id(f.case_id);
  request.set_order_id(f.order_id);
  if (!f.on.empty()) *request.mutable_renewed_on() = ProtoDate(f.on);
  *request.mutable_new_ends_on() = ProtoDate(f.until);
  v1::RenewMonitoringResponse response;
  if (int rc = Call(global, &OrderService::Stub::RenewMonitoring, request, &response)) return rc;
  return PrintOrder(global, response);
}

int RunEnd(const GlobalOptions& global, const Flags& f) {
  v1::EndMonitoringRequest request;
  request.set_request_id(RequestId(f));
  request.set_case_id(f.case_id);
  request.set_order_id(f.order_id);
  if (!f.on.empty()) *request.mutable_ended_on() = ProtoDate(f.on);
  request.set_reason(static_cast<v1::MonitoringEndReason>(EndReasons().Parse(f.reason)));
  v1::EndMonitoringResponse response;
  if (int rc = Call(global, &OrderService::Stub::EndMonitoring, request, &response)) return rc;
  return PrintOrder(global, response);
}

int RunExpiring(const GlobalOptions& global, const Flags& f) {
  v1::ListMonitoringExpiringRequest request;
  request.set_district_code(f.district);
  if (!f.as_of.empty()) *request.mutable_as_of() = ProtoDate(f.as_of);
  if (f.within_days >= 0) request.set_within_days(f.within_days);
  request.set_page_size(f.page_size);
  request.set_page_token(f.page_token);
  v1::ListMonitoringExpiringResponse all;
  if (int rc =
          FetchPages(global, &OrderService::Stub::ListMonitoringExpiring, f.all, request, &all)) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.items().empty()) {
      std::cout << "no monitoring order expires in the window\n";
    } else {
      Table table({"CASE NUMBER", "DISTRICT", "ORDER", "ENDS ON", "DAYS LEFT"});
      for (const auto& it : all.items()) {
        table.AddRow({it.case_number(), it.district_code(), it.order_id(),
                      FormatProtoDate(it.ends_on()), std::to_string(it.days_left())});
      }
      table.Print(std::cout);
      PrintKeyValues({{"rule", all.items(0).rule()}}, std::cout);
    }
    PrintKeyValues({{"policy version", all.policy_version()}}, std::cout);
    HintNextPage("items", all.next_page_token());
  });
}

int RunReport(const GlobalOptions& global, const Flags& f) {
  v1::RecordHealthReportRequest request;
  request.set_request_id(RequestId(f));
  request.set_case_id(f.case_id);
  if (!f.on.empty()) *request.mutable_received_on() = ProtoDate(f.on);
  v1::RecordHealthReportResponse response;
  if (int rc = Call(global, &OrderService::Stub::RecordHealthReport, request, &response)) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"report id", response.report_id()},
                    {"next report due", FormatProtoDate(response.next_due())}},
                   std::cout);
  });
}

int RunReview(const GlobalOptions& global, const Flags& f) {
  v1::RecordMedicalReviewRequest request;
  request.set_request_id(RequestId(f));
  request.set_case_id(f.case_id);
  if (!f.on.empty()) *request.mutable_reviewed_on() = ProtoDate(f.on);
  request.set_institution(f.institution);
  request.set_outcome(static_cast<v1::MedicalReviewOutcome>(Outcomes().Parse(f.outcome)));
  request.set_details(f.details);
  v1::RecordMedicalReviewResponse response;
  if (int rc = Call(global, &OrderService::Stub::RecordMedicalReview, request, &response)) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"review id", response.review_id()},
                    {"next review due", FormatProtoDate(response.next_due())}},
                   std::cout);
  });
}

int RunDue(const GlobalOptions& global, const Flags& f) {
  v1::ListMedicalDueRequest request;
  request.set_district_code(f.district);
  if (!f.as_of.empty()) *request.mutable_as_of() = ProtoDate(f.as_of);
  request.set_within_days(std::max(f.within_days, 0));
  request.set_page_size(f.page_size);
  request.set_page_token(f.page_token);
  v1::ListMedicalDueResponse all;
  if (int rc = FetchPages(global, &OrderService::Stub::ListMedicalDue, f.all, request, &all)) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.items().empty()) {
      std::cout << "nothing due\n";
    } else {
      Table table({"CASE NUMBER", "DISTRICT", "OFFICE", "KIND", "DUE", "DAYS OVERDUE", "RULE"});
      for (const auto& it : all.items()) {
        table.AddRow({it.case_number(), it.district_code(), it.office_id(),
                      DueKinds().LabelOrDash(it.kind()), FormatProtoDate(it.due()),
                      std::to_string(it.days_overdue()), it.rule()});
      }
      table.Print(std::cout);
    }
    PrintKeyValues({{"policy version", all.policy_version()}}, std::cout);
    HintNextPage("items", all.next_page_token());
  });
}

using Run = int (*)(const GlobalOptions&, const Flags&);

CLI::App* Sub(CLI::App* parent, const char* name, const char* help, const GlobalOptions& global,
              Action* action, std::shared_ptr<Flags> f, Run run) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->callback(
      [f, &global, action, run] { *action = [f, &global, run] { return run(global, *f); }; });
  return cmd;
}

void CaseAndRequest(CLI::App* cmd, Flags* f) {
  AddCaseId(cmd, &f->case_id);
  AddRequestId(cmd, &f->request_id);
}

void Paging(CLI::App* cmd, Flags* f) {
  cmd->add_option("--district", f->district,
                  "District code; required unless the token has all districts")
      ->check(DistrictValidator());
  cmd->add_option("--as-of", f->as_of, "As of this day; default: today in Asia/Shanghai")
      ->check(DateValidator());
  AddPaging(cmd, &f->page_size, &f->page_token, &f->all, "Items", 500);
}

}  // namespace

void AddOrderCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* monitoring = app.add_subcommand(
      "monitoring", "Electronic monitoring orders (电子定位, Law art. 29; district bureau)");
  monitoring->require_subcommand(1);
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd =
        Sub(monitoring, "order", "Order monitoring for a case", global, action, f, RunOrder);
    CaseAndRequest(cmd, f.get());
    cmd->add_option("--ground", f->grounds, "A ground of Law art. 29 (repeat for several)")
        ->required()
        ->check(CLI::IsMember(Grounds().Labels()));
    cmd->add_option("--from", f->on, "First day; default: today")->check(DateValidator());
    cmd->add_option("--until", f->until, "Last day (at most the policy's months)")
        ->required()
        ->check(DateValidator());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(monitoring, "renew", "Renew a running order before it expires", global,
                        action, f, RunRenew);
    CaseAndRequest(cmd, f.get());
    cmd->add_option("ORDER_ID", f->order_id, "The order id")->required()->check(UuidValidator());
    cmd->add_option("--until", f->until, "New last day")->required()->check(DateValidator());
    cmd->add_option("--on", f->on, "Day of the renewal; default: today")->check(DateValidator());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(monitoring, "end", "End an order early", global, action, f, RunEnd);
    CaseAndRequest(cmd, f.get());
    cmd->add_option("ORDER_ID", f->order_id, "The order id")->required()->check(UuidValidator());
    cmd->add_option("--reason", f->reason, "Why")
        ->required()
        ->check(CLI::IsMember(EndReasons().Labels()));
    cmd->add_option("--on", f->on, "Day it ends; default: today")->check(DateValidator());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(monitoring, "expiring", "Running orders that expire soon", global, action,
                        f, RunExpiring);
    Paging(cmd, f.get());
    cmd->add_option("--within-days", f->within_days, "Window in days (server default 7)")
        ->check(CLI::Range(0, 366));
  }
  CLI::App* medical = app.add_subcommand(
      "medical", "Temporary execution outside prison: health reports and medical reviews");
  medical->require_subcommand(1);
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd =
        Sub(medical, "report", "Record a monthly health report", global, action, f, RunReport);
    CaseAndRequest(cmd, f.get());
    cmd->add_option("--on", f->on, "Day received; default: today")->check(DateValidator());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd =
        Sub(medical, "review", "Record a medical review (病情复查)", global, action, f, RunReview);
    CaseAndRequest(cmd, f.get());
    cmd->add_option("--on", f->on, "Day of the review; default: today")->check(DateValidator());
    cmd->add_option("--institution", f->institution, "Hospital or institution")->required();
    cmd->add_option("--outcome", f->outcome, "Outcome")
        ->required()
        ->check(CLI::IsMember(Outcomes().Labels()));
    cmd->add_option("--details", f->details, "Details (kept in the file, never on the bus)");
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(medical, "due", "Health reports and medical reviews due or overdue", global,
                        action, f, RunDue);
    Paging(cmd, f.get());
    cmd->add_option("--within-days", f->within_days, "Also what falls due within N days")
        ->check(CLI::Range(0, 366));
  }
}

}  // namespace ccms::ctl
