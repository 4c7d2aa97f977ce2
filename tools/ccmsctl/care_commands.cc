#include "tools/ccmsctl/care_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "ccms/education/v1/counselling_service.grpc.pb.h"
#include "ccms/education/v1/feedback_service.grpc.pb.h"
#include "ccms/education/v1/legal_test_service.grpc.pb.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace ev1 = ::ccms::education::v1;

struct ListFlags {
  std::string district;
  bool overdue = false;
  int page_size = 0;
  std::string page_token;
};

// A list subcommand of `parent`: --district, --overdue, --page-size, --page-token.
CLI::App* AddList(CLI::App* parent, const char* name, const char* what,
                  const std::shared_ptr<ListFlags>& flags) {
  CLI::App* l = parent->add_subcommand(name, what);
  l->add_option("--district", flags->district, "This district (required unless you see all)")
      ->check(DistrictValidator());
  l->add_flag("--overdue", flags->overdue, "Only the overdue ones");
  l->add_option("--page-size", flags->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", flags->page_token, "From a previous page");
  return l;
}

GlobalOptions ForEducation(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.education_addr;
  return options;
}

void PrintNextPage(const std::string& token) {
  if (!token.empty()) std::cout << "next page: --page-token " << token << "\n";
}

}  // namespace

void AddCareCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* counselling =
      app.add_subcommand("counselling", "Education: psychological help (urgent contacts)");
  counselling->require_subcommand(1);
  counselling->fallthrough();
  auto urgent = std::make_shared<ListFlags>();
  AddList(counselling, "urgent", "Urgent counselling contacts due after crisis flags", urgent)
      ->callback([&global, action, urgent] {
        *action = [&global, urgent] {
          if (int rc = RequireToken(global); rc != kExitOk) return rc;
          const GlobalOptions options = ForEducation(global);
          ev1::ListUrgentContactsRequest req;
          req.set_district_code(urgent->district);
          req.set_overdue_only(urgent->overdue);
          req.set_page_size(urgent->page_size);
          req.set_page_token(urgent->page_token);
          ev1::ListUrgentContactsResponse resp;
          auto ctx = NewCallContext(options, true);
          grpc::Status st = ev1::CounsellingService::NewStub(Connect(options))
                                ->ListUrgentContacts(ctx.get(), req, &resp);
          if (!st.ok()) return ReportRpcError(st, options);
          return PrintResponse(options, resp, [&] {
            Table table({"CASE", "DISTRICT", "CRISIS", "RAISED", "DUE", "OVERDUE"});
            for (const auto& u : resp.items()) {
              table.AddRow({u.case_id(), u.district_code(), u.crisis_kind(),
                            FormatTimestamp(u.raised_at()), FormatTimestamp(u.due_at()),
                            u.overdue() ? "OVERDUE" : "-"});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
        };
      });

  CLI::App* legal = app.add_subcommand("legal-test", "Education: legal-knowledge tests");
  legal->require_subcommand(1);
  legal->fallthrough();
  auto retakes = std::make_shared<ListFlags>();
  AddList(legal, "retakes", "Retakes due after a failed test", retakes)
      ->callback([&global, action, retakes] {
        *action = [&global, retakes] {
          if (int rc = RequireToken(global); rc != kExitOk) return rc;
          const GlobalOptions options = ForEducation(global);
          ev1::ListRetakesDueRequest req;
          req.set_district_code(retakes->district);
          req.set_overdue_only(retakes->overdue);
          req.set_page_size(retakes->page_size);
          req.set_page_token(retakes->page_token);
          ev1::ListRetakesDueResponse resp;
          auto ctx = NewCallContext(options, true);
          grpc::Status st = ev1::LegalTestService::NewStub(Connect(options))
                                ->ListRetakesDue(ctx.get(), req, &resp);
          if (!st.ok()) return ReportRpcError(st, options);
          return PrintResponse(options, resp, [&] {
            Table table({"CASE", "DISTRICT", "PAPER", "RETAKE DUE", "OVERDUE"});
            for (const auto& r : resp.items()) {
              table.AddRow({r.case_id(), r.district_code(), r.paper_id(),
                            FormatProtoDate(r.retake_due_on()), r.overdue() ? "OVERDUE" : "-"});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
        };
      });

  CLI::App* feedback = app.add_subcommand("feedback", "Education: satisfaction and complaints");
  feedback->require_subcommand(1);
  feedback->fallthrough();
  auto complaints = std::make_shared<ListFlags>();
  AddList(feedback, "complaints", "Complaints still open or in handling, by deadline", complaints)
      ->callback([&global, action, complaints] {
        *action = [&global, complaints] {
          if (int rc = RequireToken(global); rc != kExitOk) return rc;
          const GlobalOptions options = ForEducation(global);
          ev1::ListComplaintsRequest req;
          req.set_district_code(complaints->district);
          req.set_overdue_only(complaints->overdue);
          req.set_page_size(complaints->page_size);
          req.set_page_token(complaints->page_token);
          ev1::ListComplaintsResponse resp;
          auto ctx = NewCallContext(options, true);
          grpc::Status st = ev1::FeedbackService::NewStub(Connect(options))
                                ->ListComplaints(ctx.get(), req, &resp);
          if (!st.ok()) return ReportRpcError(st, options);
          return PrintResponse(options, resp, [&] {
            Table table({"COMPLAINT", "CASE", "STATUS", "RECEIVED", "HANDLE BY", "OVERDUE"});
            for (const auto& c : resp.items()) {
              table.AddRow(
                  {c.complaint_id(), c.case_id(),
                   EnumLabel(ev1::ComplaintStatus_descriptor(), c.status(), "COMPLAINT_STATUS_"),
                   FormatProtoDate(c.received_on()), FormatProtoDate(c.handle_by()),
                   c.overdue() ? "OVERDUE" : "-"});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
        };
      });
}

}  // namespace ccms::ctl
