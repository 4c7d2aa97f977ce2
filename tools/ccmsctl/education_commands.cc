#include "tools/ccmsctl/education_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "ccms/education/v1/service_file_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace ev1 = ::ccms::education::v1;
using ev1::ServiceFileService;

constexpr char kStatusPrefix[] = "CASE_STATUS_";
constexpr char kFormPrefix[] = "CONTACT_FORM_";
constexpr char kReasonPrefix[] = "CONTACT_REASON_";

// The options with --education-addr as the address, so errors name the right server.
GlobalOptions ForEducation(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.education_addr;
  return options;
}

std::unique_ptr<ServiceFileService::Stub> NewStub(const GlobalOptions& options) {
  return ServiceFileService::NewStub(Connect(options));
}

std::string YesNo(bool v) { return v ? "yes" : "no"; }
std::string OrDash(const std::string& v) { return v.empty() ? "-" : v; }

void SetDate(const std::string& text, google::type::Date* out) {
  if (text.empty()) return;
  if (auto d = time::ParseDate(text)) *out = grpc_util::ToProtoDate(*d);
}

void PrintStatus(const ev1::ServiceFileStatus& s) {
  const ev1::CaseView& c = s.case_view();
  PrintKeyValues(
      {{"case id", c.case_id()},
       {"district", c.district_code()},
       {"status", EnumLabel(ev1::CaseStatus_descriptor(), c.status(), kStatusPrefix)},
       {"minor", YesNo(c.minor())},
       {"intake reported", FormatProtoDate(c.intake_reported_on())},
       {"intake announced", FormatProtoDate(c.intake_announced_on())},
       {"on leave today", YesNo(c.on_leave_today())},
       {"first contact due", FormatProtoDate(s.first_contact_due_on())},
       {"first contact",
        s.has_first_contact()
            ? FormatProtoDate(s.first_contact().contacted_on()) + " (" +
                  EnumLabel(ev1::ContactForm_descriptor(), s.first_contact().form(), kFormPrefix) +
                  (s.first_contact().late() ? ", late)" : ")")
            : (s.first_contact_overdue() ? "OVERDUE" : "-")},
       {"service file due", FormatProtoDate(s.service_file_due_on())},
       {"service file", s.has_service_file() ? FormatProtoDate(s.service_file().opened_on()) +
                                                   " (" + s.service_file().file_id() + ")"
                                             : (s.service_file_overdue() ? "OVERDUE" : "-")},
       {"causes", OrDash(absl::StrJoin(s.service_file().cause_codes(), ", "))},
       {"needs", OrDash(absl::StrJoin(s.service_file().need_codes(), ", "))},
       {"policy", OrDash(s.policy_version())}},
      std::cout);
}

struct Flags {
  std::string case_id;
  std::string on;
  std::vector<std::string> causes;
  std::vector<std::string> needs;
  std::string analysis;
  std::string form;
  std::string reason;
  std::string worker;
  std::string request_id;
  std::string district;
  bool overdue = false;
  int page_size = 0;
  std::string page_token;
};

}  // namespace

void AddEducationCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("service-file",
                                     "Education: first contact and service file (建档) of a case");
  cmd->require_subcommand(1);
  cmd->fallthrough();

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "The case as education knows it, its file and dues");
  g->add_option("CASE_ID", get->case_id, "The case id")->required()->check(UuidValidator());
  g->callback([&global, action, get] {
    *action = [&global, get] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::GetServiceFileRequest req;
      req.set_case_id(get->case_id);
      ev1::GetServiceFileResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetServiceFile(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintStatus(resp.status()); });
    };
  });

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Cases with their contact and file status");
  l->add_option("--district", list->district, "Only this district")->check(DistrictValidator());
  l->add_flag("--overdue", list->overdue, "Only cases whose contact or file is overdue");
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  l->callback([&global, action, list] {
    *action = [&global, list] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ListServiceFilesRequest req;
      req.set_district_code(list->district);
      req.set_overdue_only(list->overdue);
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      ev1::ListServiceFilesResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ListServiceFiles(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table(
            {"CASE", "DISTRICT", "STATUS", "MINOR", "CONTACT DUE", "CONTACT", "FILE DUE", "FILE"});
        for (const auto& s : resp.items()) {
          const auto& c = s.case_view();
          table.AddRow({c.case_id(), c.district_code(),
                        EnumLabel(ev1::CaseStatus_descriptor(), c.status(), kStatusPrefix),
                        YesNo(c.minor()), FormatProtoDate(s.first_contact_due_on()),
                        s.has_first_contact() ? FormatProtoDate(s.first_contact().contacted_on())
                                              : (s.first_contact_overdue() ? "OVERDUE" : "-"),
                        FormatProtoDate(s.service_file_due_on()),
                        s.has_service_file() ? FormatProtoDate(s.service_file().opened_on())
                                             : (s.service_file_overdue() ? "OVERDUE" : "-")});
        }
        table.Print(std::cout);
        if (!resp.next_page_token().empty()) {
          std::cout << "next page: --page-token " << resp.next_page_token() << "\n";
        }
      });
    };
  });

  auto open = std::make_shared<Flags>();
  CLI::App* o = cmd->add_subcommand("open", "Open the case's service file (once per case)");
  o->add_option("CASE_ID", open->case_id, "The case id")->required()->check(UuidValidator());
  o->add_option("--cause", open->causes, "A cause code of the policy (repeat)")->required();
  o->add_option("--need", open->needs, "A need code of the policy (repeat)")->required();
  o->add_option("--analysis", open->analysis, "The written analysis (stays in education)");
  o->add_option("--on", open->on, "Opened on YYYY-MM-DD (default today)")->check(DateValidator());
  o->add_option("--request-id", open->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
  o->callback([&global, action, open] {
    *action = [&global, open] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::OpenServiceFileRequest req;
      req.set_request_id(open->request_id.empty() ? NewRequestId() : open->request_id);
      req.set_case_id(open->case_id);
      for (const auto& c : open->causes) req.add_cause_codes(c);
      for (const auto& n : open->needs) req.add_need_codes(n);
      req.set_analysis(open->analysis);
      SetDate(open->on, req.mutable_opened_on());
      ev1::OpenServiceFileResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->OpenServiceFile(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintStatus(resp.status()); });
    };
  });

  auto contact = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("contact", "Record the first contact after intake");
  c->add_option("CASE_ID", contact->case_id, "The case id")->required()->check(UuidValidator());
  c->add_option("--form", contact->form, "How")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::ContactForm_descriptor(), kFormPrefix)));
  c->add_option("--reason", contact->reason, "intake (default) or referral")
      ->check(CLI::IsMember(EnumLabels(ev1::ContactReason_descriptor(), kReasonPrefix)));
  c->add_option("--on", contact->on, "Contacted on YYYY-MM-DD (default today)")
      ->check(DateValidator());
  c->add_option("--worker", contact->worker, "Who made it (default: the token's subject)");
  c->add_option("--request-id", contact->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
  c->callback([&global, action, contact] {
    *action = [&global, contact] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::RecordFirstContactRequest req;
      req.set_request_id(contact->request_id.empty() ? NewRequestId() : contact->request_id);
      req.set_case_id(contact->case_id);
      req.set_form(static_cast<ev1::ContactForm>(
          ParseEnumLabel(ev1::ContactForm_descriptor(), kFormPrefix, contact->form).value_or(0)));
      if (!contact->reason.empty()) {
        req.set_reason(static_cast<ev1::ContactReason>(
            ParseEnumLabel(ev1::ContactReason_descriptor(), kReasonPrefix, contact->reason)
                .value_or(0)));
      }
      SetDate(contact->on, req.mutable_contacted_on());
      req.set_worker_id(contact->worker);
      ev1::RecordFirstContactResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RecordFirstContact(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintStatus(resp.status()); });
    };
  });
}

}  // namespace ccms::ctl
