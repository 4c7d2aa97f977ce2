#include "tools/ccmsctl/hours_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/education/v1/hours_ledger_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace ev1 = ::ccms::education::v1;

GlobalOptions ForEducation(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.education_addr;
  return options;
}

void SetDate(const std::string& text, google::type::Date* out) {
  if (text.empty()) return;
  if (auto d = time::ParseDate(text)) *out = grpc_util::ToProtoDate(*d);
}

std::string Hours(int minutes) {
  return absl::StrCat(minutes / 60, "h", minutes % 60 < 10 ? "0" : "", minutes % 60);
}

void PrintNextPage(const std::string& token) {
  if (!token.empty()) std::cout << "next page: --page-token " << token << "\n";
}

void PrintLedger(const ev1::MonthLedger& l) {
  PrintKeyValues({{"case", l.case_id()},
                  {"month", absl::StrCat(l.year(), "-", l.month() < 10 ? "0" : "", l.month())},
                  {"term days", absl::StrCat(l.term_days(), " of ", l.days_in_month())},
                  {"study", absl::StrCat(Hours(l.study().credited_minutes()), " of ",
                                         Hours(l.study().required_minutes()), ", short ",
                                         Hours(l.study().shortfall_minutes()))},
                  {"community service",
                   absl::StrCat(Hours(l.community_service().credited_minutes()), " of ",
                                Hours(l.community_service().required_minutes()), ", short ",
                                Hours(l.community_service().shortfall_minutes()))},
                  {"lost contact days", std::to_string(l.lost_contact_days())},
                  {"hospital days", std::to_string(l.hospital_days())},
                  {"closed", l.closed() ? absl::StrCat("yes, by ", l.closed_by()) : "no"},
                  {"policy", l.policy_version()}},
                 std::cout);
  Table table({"CODE", "KIND", "MINUTES", "DAYS", "ON", "REF"});
  for (const auto& line : l.lines()) {
    table.AddRow({line.code(), EnumLabel(ev1::HoursKind_descriptor(), line.kind(), "HOURS_KIND_"),
                  std::to_string(line.minutes()), std::to_string(line.days()),
                  line.has_on() ? FormatProtoDate(line.on()) : "-", line.ref()});
  }
  table.Print(std::cout);
}

struct ListFlags {
  std::string district;
  int year = 0;
  int month = 0;
  std::string kind;
  bool overdue = false;
  int page_size = 0;
  std::string page_token;
};

CLI::App* AddList(CLI::App* parent, const char* name, const char* what,
                  const std::shared_ptr<ListFlags>& f) {
  CLI::App* l = parent->add_subcommand(name, what);
  l->add_option("--district", f->district, "This district (required unless you see all)")
      ->check(DistrictValidator());
  l->add_option("--page-size", f->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", f->page_token, "From a previous page");
  return l;
}

}  // namespace

void AddHoursCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* hours = app.add_subcommand(
      "hours", "Education: monthly hours ledger, intake/discharge windows, individual education");
  hours->require_subcommand(1);
  hours->fallthrough();

  struct MonthFlags {
    std::string case_id;
    int year = 0;
    int month = 0;
    std::string request_id;
  };
  auto get = std::make_shared<MonthFlags>();
  CLI::App* g = hours->add_subcommand("get", "A month of a case's ledger, its windows, individual");
  g->add_option("case-id", get->case_id, "Case id")->required()->check(UuidValidator());
  g->add_option("--year", get->year, "Year (default this month)")->check(CLI::Range(2000, 2100));
  g->add_option("--month", get->month, "Month 1-12")->check(CLI::Range(1, 12));
  g->callback([&global, action, get] {
    *action = [&global, get] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::GetHoursLedgerRequest req;
      req.set_case_id(get->case_id);
      req.set_year(get->year);
      req.set_month(get->month);
      ev1::GetHoursLedgerResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st =
          ev1::HoursLedgerService::NewStub(Connect(options))->GetHoursLedger(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        PrintLedger(resp.ledger());
        for (const auto& w : resp.windows()) {
          std::cout << EnumLabel(ev1::WindowKind_descriptor(), w.kind(), "WINDOW_KIND_")
                    << " education: " << w.state() << " (due "
                    << (w.has_due_on() ? FormatProtoDate(w.due_on()) : "-") << ")\n";
        }
        std::cout << "individual sessions: " << resp.individual().held() << " of "
                  << resp.individual().required() << "\n";
      });
    };
  });

  auto close = std::make_shared<MonthFlags>();
  CLI::App* c = hours->add_subcommand("close", "Close (freeze) a month of a case's ledger");
  c->add_option("case-id", close->case_id, "Case id")->required()->check(UuidValidator());
  c->add_option("--year", close->year, "Year")->required()->check(CLI::Range(2000, 2100));
  c->add_option("--month", close->month, "Month 1-12")->required()->check(CLI::Range(1, 12));
  c->add_option("--request-id", close->request_id, "Idempotency key")->check(UuidValidator());
  c->callback([&global, action, close] {
    *action = [&global, close] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::CloseHoursMonthRequest req;
      req.set_request_id(close->request_id.empty() ? NewRequestId() : close->request_id);
      req.set_case_id(close->case_id);
      req.set_year(close->year);
      req.set_month(close->month);
      ev1::CloseHoursMonthResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = ev1::HoursLedgerService::NewStub(Connect(options))
                            ->CloseHoursMonth(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        if (resp.already_closed()) std::cout << "(closed before: the frozen month)\n";
        PrintLedger(resp.ledger());
      });
    };
  });

  struct WaiveFlags {
    std::string case_id;
    std::string scope;
    std::string reason;
    std::string from;
    std::string until;
    std::string request_id;
  };
  auto waive = std::make_shared<WaiveFlags>();
  CLI::App* w = hours->add_subcommand("waive", "Waive the requirement for a period (office staff)");
  w->add_option("case-id", waive->case_id, "Case id")->required()->check(UuidValidator());
  w->add_option("--scope", waive->scope, "study, community_service or both")
      ->required()
      ->check(CLI::IsMember({"study", "community_service", "both"}));
  w->add_option("--reason", waive->reason, "A waiver reason code of the policy (ILLNESS, ...)")
      ->required();
  w->add_option("--from", waive->from, "First day YYYY-MM-DD")->required()->check(DateValidator());
  w->add_option("--until", waive->until, "Last day YYYY-MM-DD")->required()->check(DateValidator());
  w->add_option("--request-id", waive->request_id, "Idempotency key")->check(UuidValidator());
  w->callback([&global, action, waive] {
    *action = [&global, waive] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::GrantHoursWaiverRequest req;
      req.set_request_id(waive->request_id.empty() ? NewRequestId() : waive->request_id);
      req.set_case_id(waive->case_id);
      ev1::WaiverScope scope = ev1::WAIVER_SCOPE_BOTH;
      ev1::WaiverScope_Parse("WAIVER_SCOPE_" + absl::AsciiStrToUpper(waive->scope), &scope);
      req.set_scope(scope);
      req.set_reason_code(absl::AsciiStrToUpper(waive->reason));
      SetDate(waive->from, req.mutable_from_date());
      SetDate(waive->until, req.mutable_until_date());
      ev1::GrantHoursWaiverResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = ev1::HoursLedgerService::NewStub(Connect(options))
                            ->GrantHoursWaiver(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        std::cout << "waiver " << resp.waiver().waiver_id() << " from "
                  << FormatProtoDate(resp.waiver().from_date()) << " until "
                  << FormatProtoDate(resp.waiver().until_date()) << "\n";
      });
    };
  });

  auto shortfalls = std::make_shared<ListFlags>();
  CLI::App* s = AddList(hours, "shortfalls", "Cases short of their hours in a month", shortfalls);
  s->add_option("--year", shortfalls->year, "Year (default this month)")
      ->check(CLI::Range(2000, 2100));
  s->add_option("--month", shortfalls->month, "Month 1-12")->check(CLI::Range(1, 12));
  s->callback([&global, action, shortfalls] {
    *action = [&global, shortfalls] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ListHoursShortfallsRequest req;
      req.set_district_code(shortfalls->district);
      req.set_year(shortfalls->year);
      req.set_month(shortfalls->month);
      req.set_page_size(shortfalls->page_size);
      req.set_page_token(shortfalls->page_token);
      ev1::ListHoursShortfallsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = ev1::HoursLedgerService::NewStub(Connect(options))
                            ->ListHoursShortfalls(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"CASE", "DISTRICT", "STUDY SHORT", "SERVICE SHORT", "CLOSED", "MARKS"});
        for (const auto& x : resp.items()) {
          std::string marks = x.lost_contact() ? "LOST_CONTACT" : "";
          if (x.hospital()) marks += marks.empty() ? "HOSPITAL" : ",HOSPITAL";
          table.AddRow({x.case_id(), x.district_code(), Hours(x.study_shortfall_minutes()),
                        Hours(x.community_service_shortfall_minutes()), x.closed() ? "yes" : "-",
                        marks.empty() ? "-" : marks});
        }
        table.Print(std::cout);
        PrintNextPage(resp.next_page_token());
      });
    };
  });

  auto windows = std::make_shared<ListFlags>();
  CLI::App* wl = AddList(hours, "windows", "Intake / discharge education due or overdue", windows);
  wl->add_option("--kind", windows->kind, "intake or discharge (default both)")
      ->check(CLI::IsMember({"intake", "discharge"}));
  wl->add_flag("--overdue", windows->overdue, "Only the overdue ones");
  wl->callback([&global, action, windows] {
    *action = [&global, windows] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ListEducationWindowsRequest req;
      req.set_district_code(windows->district);
      if (windows->kind == "intake") req.set_kind(ev1::WINDOW_KIND_INTAKE);
      if (windows->kind == "discharge") req.set_kind(ev1::WINDOW_KIND_DISCHARGE);
      req.set_overdue_only(windows->overdue);
      req.set_page_size(windows->page_size);
      req.set_page_token(windows->page_token);
      ev1::ListEducationWindowsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = ev1::HoursLedgerService::NewStub(Connect(options))
                            ->ListEducationWindows(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"CASE", "DISTRICT", "KIND", "STATE", "OPENS", "DUE"});
        for (const auto& x : resp.items()) {
          table.AddRow({x.case_id(), x.district_code(),
                        EnumLabel(ev1::WindowKind_descriptor(), x.kind(), "WINDOW_KIND_"),
                        x.state(), FormatProtoDate(x.opens_on()), FormatProtoDate(x.due_on())});
        }
        table.Print(std::cout);
        PrintNextPage(resp.next_page_token());
      });
    };
  });

  auto individual = std::make_shared<ListFlags>();
  AddList(hours, "individual", "Cases below their individual sessions this month", individual)
      ->callback([&global, action, individual] {
        *action = [&global, individual] {
          if (int rc = RequireToken(global); rc != kExitOk) return rc;
          const GlobalOptions options = ForEducation(global);
          ev1::ListIndividualEducationDueRequest req;
          req.set_district_code(individual->district);
          req.set_page_size(individual->page_size);
          req.set_page_token(individual->page_token);
          ev1::ListIndividualEducationDueResponse resp;
          auto ctx = NewCallContext(options, true);
          grpc::Status st = ev1::HoursLedgerService::NewStub(Connect(options))
                                ->ListIndividualEducationDue(ctx.get(), req, &resp);
          if (!st.ok()) return ReportRpcError(st, options);
          return PrintResponse(options, resp, [&] {
            Table table({"CASE", "DISTRICT", "HELD", "REQUIRED", "WHY"});
            for (const auto& x : resp.items()) {
              std::string why;
              for (const auto& r : x.reasons()) why += (why.empty() ? "" : ",") + r;
              table.AddRow({x.case_id(), x.district_code(), std::to_string(x.held()),
                            std::to_string(x.required()), why.empty() ? "-" : why});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
        };
      });
}

}  // namespace ccms::ctl
