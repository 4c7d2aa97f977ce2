#include "tools/ccmsctl/leave_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ccms/records/v1/leave_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::LeaveService;

std::string DateOrDash(const google::type::Date& d) {
  return d.year() == 0 ? "-" : FormatProtoDate(d);
}
std::string StatusLabel(v1::LeaveStatus s) {
  return EnumLabel(v1::LeaveStatus_descriptor(), s, "LEAVE_STATUS_");
}
std::string LevelLabel(v1::LeaveApprovalLevel l) {
  return EnumLabel(v1::LeaveApprovalLevel_descriptor(), l, "LEAVE_APPROVAL_LEVEL_");
}

void PrintLeave(const v1::Leave& l) {
  PrintKeyValues(
      {{"leave id", l.leave_id()},
       {"status", StatusLabel(l.status())},
       {"dates", FormatProtoDate(l.start_date()) + " to " + FormatProtoDate(l.end_date()) + " (" +
                     std::to_string(l.days()) + " days)"},
       {"destination", l.destination()},
       {"decided by", LevelLabel(l.approval_level())},
       {"rule", l.approval_rule()},
       {"decision due",
        FormatProtoDate(l.decision_due()) + (l.decision_overdue() ? " (overdue)" : "")},
       {"decided on", DateOrDash(l.decided_on())},
       {"returned on", DateOrDash(l.returned_on())},
       {"days late", std::to_string(l.days_late())},
       {"violation id", OrDash(l.violation_id())}},
      std::cout);
}

void PrintStanding(const v1::StandingApproval& s) {
  PrintKeyValues(
      {{"standing approval id", s.standing_approval_id()},
       {"destination", s.destination()},
       {"valid", FormatProtoDate(s.valid_from()) + " to " + FormatProtoDate(s.valid_until())},
       {"revoked on", DateOrDash(s.revoked_on())},
       {"work away",
        s.has_work_away()
            ? absl::StrCat("guarantor ", YesNo(s.work_away().guarantor()), ", fixed residence ",
                           YesNo(s.work_away().fixed_residence()), ", job since ",
                           DateOrDash(s.work_away().job_held_since()), ", relative assisting ",
                           YesNo(s.work_away().relative_assisting()))
            : "no"}},
      std::cout);
}

struct Flags {
  std::string case_id, leave_id, standing_id, start, end, on, destination, reason, request_id,
      district, page_token;
  int page_size = 0;
  // grant-standing --work-away: the conditions shown (外出务工).
  bool work_away = false, guarantor = false, fixed_residence = false, relative = false;
  std::string job_since;
};

std::string RequestId(const Flags& f) {
  return f.request_id.empty() ? NewRequestId() : f.request_id;
}

int RunRequest(const GlobalOptions& g, const Flags& f) {
  v1::RequestLeaveRequest q;
  q.set_request_id(RequestId(f));
  q.set_case_id(f.case_id);
  *q.mutable_start_date() = ProtoDate(f.start);
  *q.mutable_end_date() = ProtoDate(f.end);
  q.set_destination(f.destination);
  q.set_reason(f.reason);
  q.set_standing_approval_id(f.standing_id);
  v1::RequestLeaveResponse r;
  if (int rc = Call(g, &LeaveService::Stub::RequestLeave, q, &r); rc != kExitOk) return rc;
  return PrintResponse(g, r, [&] { PrintLeave(r.leave()); });
}

// approve / reject / cancel share their flags.
template <typename Request, typename Response>
int RunDecide(const GlobalOptions& g, const Flags& f,
              Method<LeaveService::Stub, Request, Response> method) {
  Request q;
  q.set_request_id(RequestId(f));
  q.set_case_id(f.case_id);
  q.set_leave_id(f.leave_id);
  q.set_reason(f.reason);
  Response r;
  if (int rc = Call(g, method, q, &r); rc != kExitOk) return rc;
  return PrintResponse(g, r, [&] { PrintLeave(r.leave()); });
}
int RunApprove(const GlobalOptions& g, const Flags& f) {
  return RunDecide(g, f, &LeaveService::Stub::ApproveLeave);
}
int RunReject(const GlobalOptions& g, const Flags& f) {
  return RunDecide(g, f, &LeaveService::Stub::RejectLeave);
}
int RunCancel(const GlobalOptions& g, const Flags& f) {
  return RunDecide(g, f, &LeaveService::Stub::CancelLeave);
}

int RunReturn(const GlobalOptions& g, const Flags& f) {
  v1::RecordLeaveReturnRequest q;
  q.set_request_id(RequestId(f));
  q.set_case_id(f.case_id);
  q.set_leave_id(f.leave_id);
  if (!f.on.empty()) *q.mutable_returned_on() = ProtoDate(f.on);
  v1::RecordLeaveReturnResponse r;
  if (int rc = Call(g, &LeaveService::Stub::RecordLeaveReturn, q, &r); rc != kExitOk) return rc;
  return PrintResponse(g, r, [&] { PrintLeave(r.leave()); });
}

int RunGrant(const GlobalOptions& g, const Flags& f) {
  v1::GrantStandingApprovalRequest q;
  q.set_request_id(RequestId(f));
  q.set_case_id(f.case_id);
  q.set_destination(f.destination);
  q.set_purpose(f.reason);
  if (!f.start.empty()) *q.mutable_valid_from() = ProtoDate(f.start);
  *q.mutable_valid_until() = ProtoDate(f.end);
  if (f.work_away) {
    v1::WorkAwayConditions* w = q.mutable_work_away();
    w->set_guarantor(f.guarantor);
    w->set_fixed_residence(f.fixed_residence);
    if (!f.job_since.empty()) *w->mutable_job_held_since() = ProtoDate(f.job_since);
    w->set_relative_assisting(f.relative);
  }
  v1::GrantStandingApprovalResponse r;
  if (int rc = Call(g, &LeaveService::Stub::GrantStandingApproval, q, &r); rc != kExitOk) {
    return rc;
  }
  return PrintResponse(g, r, [&] { PrintStanding(r.standing_approval()); });
}

int RunRevoke(const GlobalOptions& g, const Flags& f) {
  v1::RevokeStandingApprovalRequest q;
  q.set_request_id(RequestId(f));
  q.set_case_id(f.case_id);
  q.set_standing_approval_id(f.standing_id);
  q.set_reason(f.reason);
  v1::RevokeStandingApprovalResponse r;
  if (int rc = Call(g, &LeaveService::Stub::RevokeStandingApproval, q, &r); rc != kExitOk) {
    return rc;
  }
  return PrintResponse(g, r, [&] { PrintStanding(r.standing_approval()); });
}

int RunList(const GlobalOptions& g, const Flags& f) {
  v1::ListLeavesRequest q;
  q.set_case_id(f.case_id);
  q.set_page_size(f.page_size);
  q.set_page_token(f.page_token);
  v1::ListLeavesResponse r;
  if (int rc = Call(g, &LeaveService::Stub::ListLeaves, q, &r); rc != kExitOk) return rc;
  return PrintResponse(g, r, [&] {
    Table table({"LEAVE ID", "STATUS", "START", "END", "DAYS", "LEVEL", "RETURNED", "LATE"});
    for (const v1::Leave& l : r.leaves()) {
      table.AddRow({l.leave_id(), StatusLabel(l.status()), FormatProtoDate(l.start_date()),
                    FormatProtoDate(l.end_date()), std::to_string(l.days()),
                    LevelLabel(l.approval_level()), DateOrDash(l.returned_on()),
                    std::to_string(l.days_late())});
    }
    table.Print(std::cout);
    for (const v1::StandingApproval& s : r.standing_approvals()) {
      std::cout << "\n";
      PrintStanding(s);
    }
    if (!r.next_page_token().empty()) {
      std::cerr << "more leaves: --page-token " << r.next_page_token() << "\n";
    }
  });
}

int RunNotReturned(const GlobalOptions& g, const Flags& f) {
  v1::ListLeavesNotReturnedRequest q;
  q.set_district_code(f.district);
  if (!f.on.empty()) *q.mutable_as_of() = ProtoDate(f.on);
  q.set_page_size(f.page_size);
  q.set_page_token(f.page_token);
  v1::ListLeavesNotReturnedResponse r;
  if (int rc = Call(g, &LeaveService::Stub::ListLeavesNotReturned, q, &r); rc != kExitOk) {
    return rc;
  }
  return PrintResponse(g, r, [&] {
    Table table({"CASE NUMBER", "DISTRICT", "LEAVE ID", "ENDED", "DAYS OVERDUE"});
    for (const v1::LeaveNotReturned& i : r.items()) {
      table.AddRow({i.case_number(), i.district_code(), i.leave_id(), FormatProtoDate(i.end_date()),
                    std::to_string(i.days_overdue())});
    }
    table.Print(std::cout);
    std::cout << "policy " << r.policy_version() << "\n";
    if (!r.next_page_token().empty()) {
      std::cerr << "more leaves: --page-token " << r.next_page_token() << "\n";
    }
  });
}

using Run = int (*)(const GlobalOptions&, const Flags&);

CLI::App* Sub(CLI::App* parent, const GlobalOptions& global, Action* action, const char* name,
              const char* what, Run run, std::shared_ptr<Flags> flags, bool mutation) {
  CLI::App* cmd = parent->add_subcommand(name, what);
  SetAction(cmd, global, action, flags, run);
  if (mutation) AddRequestId(cmd, &flags->request_id);
  return cmd;
}

void AddLeaveId(CLI::App* cmd, Flags* f) {
  cmd->add_option("LEAVE_ID", f->leave_id, "The leave id (a UUID)")
      ->required()
      ->check(UuidValidator());
}
void AddPage(CLI::App* cmd, Flags* f) {
  cmd->add_option("--page-size", f->page_size, "Items per page")->check(CLI::Range(1, 500));
  cmd->add_option("--page-token", f->page_token, "Continue from a previous page");
}

}  // namespace

void AddLeaveCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* leave = app.add_subcommand("leave",
                                       "Leave (请假外出), its return (销假), standing "
                                       "approvals for work travel");
  leave->require_subcommand(1);
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd =
        Sub(leave, global, action, "request",
            "Record a leave request (or a trip under a standing approval)", RunRequest, f, true);
    AddCaseId(cmd, &f->case_id);
    cmd->add_option("--start", f->start, "First day")->required()->check(DateValidator());
    cmd->add_option("--end", f->end, "Last day")->required()->check(DateValidator());
    cmd->add_option("--destination", f->destination, "Where (kept in the file, never on the bus)");
    cmd->add_option("--reason", f->reason, "Why (kept in the file, never on the bus)");
    cmd->add_option("--standing", f->standing_id, "A trip under this standing approval")
        ->check(UuidValidator());
  }
  for (auto [name, what, run] :
       {std::tuple<const char*, const char*, Run>{
            "approve", "Approve a requested leave (by the right level)", RunApprove},
        {"reject", "Reject a requested leave, with --reason", RunReject},
        {"cancel", "Cancel a leave before it begins", RunCancel}}) {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(leave, global, action, name, what, run, f, true);
    AddCaseId(cmd, &f->case_id);
    AddLeaveId(cmd, f.get());
    cmd->add_option("--reason", f->reason, "Reason (kept in the file)");
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(leave, global, action, "return",
                        "Record the return from leave (销假); a late one records a violation",
                        RunReturn, f, true);
    AddCaseId(cmd, &f->case_id);
    AddLeaveId(cmd, f.get());
    cmd->add_option("--on", f->on, "Day of return; default: today in Asia/Shanghai")
        ->check(DateValidator());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(leave, global, action, "list", "A case's leaves and standing approvals",
                        RunList, f, false);
    AddCaseId(cmd, &f->case_id);
    AddPage(cmd, f.get());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(leave, global, action, "not-returned",
                        "Approved leaves past their last day with no return recorded",
                        RunNotReturned, f, false);
    cmd->add_option("--district", f->district,
                    "District code; required unless the token has all districts")
        ->check(DistrictValidator());
    cmd->add_option("--as-of", f->on, "As of this day; default: today in Asia/Shanghai")
        ->check(DateValidator());
    AddPage(cmd, f.get());
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(leave, global, action, "grant-standing",
                        "Grant a standing approval for routine cross-city work travel (bureau)",
                        RunGrant, f, true);
    AddCaseId(cmd, &f->case_id);
    cmd->add_option("--destination", f->destination, "Where")->required();
    cmd->add_option("--purpose", f->reason, "Why (kept in the file)");
    cmd->add_option("--from", f->start, "First valid day; default: today")->check(DateValidator());
    cmd->add_option("--until", f->end, "Last valid day (at most the policy's months)")
        ->required()
        ->check(DateValidator());
    cmd->add_flag("--work-away", f->work_away,
                  "Work away from home (外出务工): the policy's conditions are checked and every "
                  "missing one named");
    cmd->add_flag("--guarantor", f->guarantor, "With --work-away: a guarantor vouches (担保)");
    cmd->add_flag("--fixed-residence", f->fixed_residence,
                  "With --work-away: a fixed residence at the place of work");
    cmd->add_option("--job-since", f->job_since,
                    "With --work-away: the job at the place of work held since (YYYY-MM-DD)")
        ->check(DateValidator());
    cmd->add_flag("--relative-assisting", f->relative,
                  "With --work-away: a close relative there assists supervision");
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* cmd = Sub(leave, global, action, "revoke-standing",
                        "Revoke a standing approval (bureau)", RunRevoke, f, true);
    AddCaseId(cmd, &f->case_id);
    cmd->add_option("STANDING_ID", f->standing_id, "The standing approval id")
        ->required()
        ->check(UuidValidator());
    cmd->add_option("--reason", f->reason, "Reason (kept in the file)");
  }
}

}  // namespace ccms::ctl
