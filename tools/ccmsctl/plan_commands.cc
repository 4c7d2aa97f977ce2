#include "tools/ccmsctl/plan_commands.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ccms/education/v1/catalogue_service.grpc.pb.h"
#include "ccms/education/v1/correction_plan_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "google/protobuf/util/json_util.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace ev1 = ::ccms::education::v1;

constexpr char kPlanStatusPrefix[] = "PLAN_STATUS_";
constexpr char kReasonPrefix[] = "REVISION_REASON_";
constexpr char kKindPrefix[] = "CATALOGUE_ITEM_KIND_";
constexpr char kContentKindPrefix[] = "CONTENT_KIND_";
constexpr char kModulePrefix[] = "EDUCATION_MODULE_";

GlobalOptions ForEducation(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.education_addr;
  return options;
}

void SetDate(const std::string& text, google::type::Date* out) {
  if (text.empty()) return;
  if (auto d = time::ParseDate(text)) *out = grpc_util::ToProtoDate(*d);
}

std::string OrDash(const std::string& v) { return v.empty() ? "-" : v; }

// A PlanContent from a JSON file (the proto's JSON: needCodes, goals, steps, measures).
absl::Status ReadContent(const std::string& path, ev1::PlanContent* out) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto st = google::protobuf::util::JsonStringToMessage(text.str(), out);
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a plan's content: ", std::string(st.message())));
  }
  return absl::OkStatus();
}

void PrintPlan(const ev1::CasePlan& p) {
  const ev1::PlanVersion& v = p.plan();
  PrintKeyValues(
      {{"case id", p.case_id()},
       {"district", p.district_code()},
       {"version", p.has_plan() ? std::to_string(v.version()) : "-"},
       {"status", p.has_plan()
                      ? EnumLabel(ev1::PlanStatus_descriptor(), v.status(), kPlanStatusPrefix)
                      : "no plan"},
       {"person agreed", FormatProtoDate(v.person_agreed_on())},
       {"guardian agreed",
        v.guardian_required() ? FormatProtoDate(v.guardian_agreed_on()) : "not required"},
       {"approved", FormatProtoDate(v.approved_on())},
       {"active from", FormatProtoDate(v.active_from())},
       {"closed", FormatProtoDate(v.closed_on())},
       {"goals", std::to_string(v.content().goals_size())},
       {"steps", std::to_string(v.content().steps_size())},
       {"versions", std::to_string(p.versions_size())},
       {"revisions due", std::to_string(p.revisions_due_size())}},
      std::cout);
  if (p.revisions_due_size() > 0) {
    Table table({"REVISION", "REASON", "TRIGGERED", "DUE", "OVERDUE"});
    for (const auto& r : p.revisions_due()) {
      table.AddRow({r.revision_id(),
                    EnumLabel(ev1::RevisionReason_descriptor(), r.reason(), kReasonPrefix),
                    FormatProtoDate(r.triggered_on()), FormatProtoDate(r.due_on()),
                    r.overdue() ? "yes" : "no"});
    }
    table.Print(std::cout);
  }
}

struct Flags {
  std::string case_id;
  int version = 0;
  std::string content_file;
  std::string reason;
  std::string on;
  std::string guardian_on;
  std::string report;
  std::string district;
  std::string request_id;
  int page_size = 0;
  std::string page_token;
  // catalogue
  std::string kind;
  std::string content_kind;
  std::string module;
  std::string title;
  std::string description;
  double hours = 0;
  int year = 0;
  int month = 0;
  std::string item_id;
};

// Runs one plan call that answers a CasePlan.
template <typename Req, typename Resp>
int PlanCall(const GlobalOptions& global,
             grpc::Status (ev1::CorrectionPlanService::Stub::*method)(grpc::ClientContext*,
                                                                      const Req&, Resp*),
             const Req& req) {
  if (int rc = RequireToken(global); rc != kExitOk) return rc;
  const GlobalOptions options = ForEducation(global);
  Resp resp;
  auto ctx = NewCallContext(options, true);
  auto stub = ev1::CorrectionPlanService::NewStub(Connect(options));
  grpc::Status st = ((*stub).*method)(ctx.get(), req, &resp);
  if (!st.ok()) return ReportRpcError(st, options);
  return PrintResponse(options, resp, [&] { PrintPlan(resp.plan()); });
}

void AddCaseAndRequest(CLI::App* c, const std::shared_ptr<Flags>& f) {
  c->add_option("CASE_ID", f->case_id, "The case id")->required()->check(UuidValidator());
  c->add_option("--request-id", f->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
}
void AddVersion(CLI::App* c, const std::shared_ptr<Flags>& f) {
  c->add_option("--version", f->version, "The plan's version")
      ->required()
      ->check(CLI::Range(1, 10000));
}
std::string RequestId(const Flags& f) {
  return f.request_id.empty() ? NewRequestId() : f.request_id;
}

void PrintItems(const ev1::ListCatalogueItemsResponse& resp) {
  Table table({"ITEM", "KIND", "CONTENT", "MODULE", "HOURS", "DISTRICT", "TITLE"});
  for (const auto& i : resp.items()) {
    table.AddRow(
        {i.item_id(), EnumLabel(ev1::CatalogueItemKind_descriptor(), i.kind(), kKindPrefix),
         EnumLabel(ev1::ContentKind_descriptor(), i.content_kind(), kContentKindPrefix),
         i.module() == 0 ? "-"
                         : EnumLabel(ev1::EducationModule_descriptor(), i.module(), kModulePrefix),
         absl::StrCat(i.hours()), OrDash(i.district_code()), i.title()});
  }
  table.Print(std::cout);
  if (!resp.next_page_token().empty()) {
    std::cout << "next page: --page-token " << resp.next_page_token() << "\n";
  }
}

void AddCatalogueCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand(
      "catalogue", "Education: courses, themes, intake and discharge modules, the monthly theme");
  cmd->require_subcommand(1);
  cmd->fallthrough();

  auto add = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("add", "Add a course or theme");
  a->add_option("--kind", add->kind, "course or theme")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::CatalogueItemKind_descriptor(), kKindPrefix)));
  a->add_option("--content-kind", add->content_kind, "What it teaches")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::ContentKind_descriptor(), kContentKindPrefix)));
  a->add_option("--module", add->module, "An intake or discharge module")
      ->check(CLI::IsMember(EnumLabels(ev1::EducationModule_descriptor(), kModulePrefix)));
  a->add_option("--title", add->title, "Title")->required();
  a->add_option("--description", add->description, "Description");
  a->add_option("--hours", add->hours, "Hours a session of it is worth (0.5-40)")->required();
  a->add_option("--district", add->district, "A district's own item (default: city-wide)")
      ->check(DistrictValidator());
  a->add_option("--request-id", add->request_id, "Idempotency key")->check(UuidValidator());
  a->callback([&global, action, add] {
    *action = [&global, add] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::AddCatalogueItemRequest req;
      req.set_request_id(RequestId(*add));
      req.set_kind(static_cast<ev1::CatalogueItemKind>(
          ParseEnumLabel(ev1::CatalogueItemKind_descriptor(), kKindPrefix, add->kind).value_or(0)));
      req.set_content_kind(static_cast<ev1::ContentKind>(
          ParseEnumLabel(ev1::ContentKind_descriptor(), kContentKindPrefix, add->content_kind)
              .value_or(0)));
      if (!add->module.empty()) {
        req.set_module(static_cast<ev1::EducationModule>(
            ParseEnumLabel(ev1::EducationModule_descriptor(), kModulePrefix, add->module)
                .value_or(0)));
      }
      req.set_title(add->title);
      req.set_description(add->description);
      req.set_hours(add->hours);
      req.set_district_code(add->district);
      ev1::AddCatalogueItemResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st =
          ev1::CatalogueService::NewStub(Connect(options))->AddCatalogueItem(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        PrintKeyValues({{"item id", resp.item().item_id()}, {"title", resp.item().title()}},
                       std::cout);
      });
    };
  });

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "The catalogue's items");
  l->add_option("--content-kind", list->content_kind, "Only this content kind")
      ->check(CLI::IsMember(EnumLabels(ev1::ContentKind_descriptor(), kContentKindPrefix)));
  l->add_option("--module", list->module, "Only this module")
      ->check(CLI::IsMember(EnumLabels(ev1::EducationModule_descriptor(), kModulePrefix)));
  l->add_option("--district", list->district, "A district's items and the city-wide ones")
      ->check(DistrictValidator());
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  l->callback([&global, action, list] {
    *action = [&global, list] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ListCatalogueItemsRequest req;
      if (!list->content_kind.empty()) {
        req.set_content_kind(static_cast<ev1::ContentKind>(
            ParseEnumLabel(ev1::ContentKind_descriptor(), kContentKindPrefix, list->content_kind)
                .value_or(0)));
      }
      if (!list->module.empty()) {
        req.set_module(static_cast<ev1::EducationModule>(
            ParseEnumLabel(ev1::EducationModule_descriptor(), kModulePrefix, list->module)
                .value_or(0)));
      }
      req.set_district_code(list->district);
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      ev1::ListCatalogueItemsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = ev1::CatalogueService::NewStub(Connect(options))
                            ->ListCatalogueItems(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintItems(resp); });
    };
  });

  auto theme = std::make_shared<Flags>();
  CLI::App* t = cmd->add_subcommand("theme", "The monthly theme: show it, or set it (--set ITEM)");
  t->add_option("--year", theme->year, "Year")->required()->check(CLI::Range(2000, 2100));
  t->add_option("--month", theme->month, "Month")->required()->check(CLI::Range(1, 12));
  t->add_option("--set", theme->item_id, "Set it to this city-wide THEME item (city admin)")
      ->check(UuidValidator());
  t->add_option("--request-id", theme->request_id, "Idempotency key")->check(UuidValidator());
  t->callback([&global, action, theme] {
    *action = [&global, theme] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      auto stub = ev1::CatalogueService::NewStub(Connect(options));
      auto ctx = NewCallContext(options, true);
      auto print = [](const ev1::MonthlyTheme& m) {
        PrintKeyValues({{"month", absl::StrCat(m.year(), "-", m.month())},
                        {"item id", m.item().item_id()},
                        {"title", m.item().title()},
                        {"set by", m.set_by()}},
                       std::cout);
      };
      if (theme->item_id.empty()) {
        ev1::GetMonthlyThemeRequest req;
        req.set_year(theme->year);
        req.set_month(theme->month);
        ev1::GetMonthlyThemeResponse resp;
        grpc::Status st = stub->GetMonthlyTheme(ctx.get(), req, &resp);
        if (!st.ok()) return ReportRpcError(st, options);
        return PrintResponse(options, resp, [&] { print(resp.theme()); });
      }
      ev1::SetMonthlyThemeRequest req;
      req.set_request_id(RequestId(*theme));
      req.set_year(theme->year);
      req.set_month(theme->month);
      req.set_item_id(theme->item_id);
      ev1::SetMonthlyThemeResponse resp;
      grpc::Status st = stub->SetMonthlyTheme(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { print(resp.theme()); });
    };
  });
}

}  // namespace

void AddPlanCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd =
      app.add_subcommand("plan", "Education: the correction plan (一人一案) of a case, versioned");
  cmd->require_subcommand(1);
  cmd->fallthrough();

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A version of the plan (default the latest)");
  g->add_option("CASE_ID", get->case_id, "The case id")->required()->check(UuidValidator());
  g->add_option("--version", get->version, "The version (default the latest)")
      ->check(CLI::Range(1, 10000));
  g->callback([&global, action, get] {
    *action = [&global, get] {
      ev1::GetPlanRequest req;
      req.set_case_id(get->case_id);
      req.set_version(get->version);
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::GetPlan, req);
    };
  });

  auto draft = std::make_shared<Flags>();
  CLI::App* d = cmd->add_subcommand(
      "draft", "Draft the first version, or edit the draft (--version N); content from JSON");
  AddCaseAndRequest(d, draft);
  d->add_option("--content", draft->content_file, "The content as JSON (PlanContent)")
      ->required()
      ->check(CLI::ExistingFile);
  d->add_option("--version", draft->version, "The DRAFT version edited (default: a first plan)")
      ->check(CLI::Range(1, 10000));
  d->callback([&global, action, draft] {
    *action = [&global, draft] {
      ev1::DraftPlanRequest req;
      req.set_request_id(RequestId(*draft));
      req.set_case_id(draft->case_id);
      req.set_expected_version(draft->version);
      if (auto st = ReadContent(draft->content_file, req.mutable_content()); !st.ok()) {
        return ReportLocalError(st);
      }
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::DraftPlan, req);
    };
  });

  auto revise = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("revise", "A new DRAFT version of the ACTIVE one");
  AddCaseAndRequest(r, revise);
  AddVersion(r, revise);
  r->add_option("--reason", revise->reason, "Why")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::RevisionReason_descriptor(), kReasonPrefix)));
  r->add_option("--content", revise->content_file, "The content as JSON (PlanContent)")
      ->required()
      ->check(CLI::ExistingFile);
  r->callback([&global, action, revise] {
    *action = [&global, revise] {
      ev1::RevisePlanRequest req;
      req.set_request_id(RequestId(*revise));
      req.set_case_id(revise->case_id);
      req.set_expected_version(revise->version);
      req.set_reason(static_cast<ev1::RevisionReason>(
          ParseEnumLabel(ev1::RevisionReason_descriptor(), kReasonPrefix, revise->reason)
              .value_or(0)));
      if (auto st = ReadContent(revise->content_file, req.mutable_content()); !st.ok()) {
        return ReportLocalError(st);
      }
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::RevisePlan, req);
    };
  });

  auto agree = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("agree", "The person (and a minor's guardian) agreed");
  AddCaseAndRequest(a, agree);
  AddVersion(a, agree);
  a->add_option("--on", agree->on, "The person agreed on YYYY-MM-DD")
      ->required()
      ->check(DateValidator());
  a->add_option("--guardian-on", agree->guardian_on, "The guardian agreed on (a minor's plan)")
      ->check(DateValidator());
  a->callback([&global, action, agree] {
    *action = [&global, agree] {
      ev1::RecordPlanAgreementRequest req;
      req.set_request_id(RequestId(*agree));
      req.set_case_id(agree->case_id);
      req.set_version(agree->version);
      SetDate(agree->on, req.mutable_person_agreed_on());
      SetDate(agree->guardian_on, req.mutable_guardian_agreed_on());
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::RecordPlanAgreement, req);
    };
  });

  auto approve = std::make_shared<Flags>();
  CLI::App* p = cmd->add_subcommand("approve", "Approve an AGREED version (office staff)");
  AddCaseAndRequest(p, approve);
  AddVersion(p, approve);
  p->add_option("--on", approve->on, "Approved on (default today)")->check(DateValidator());
  p->callback([&global, action, approve] {
    *action = [&global, approve] {
      ev1::ApprovePlanRequest req;
      req.set_request_id(RequestId(*approve));
      req.set_case_id(approve->case_id);
      req.set_version(approve->version);
      SetDate(approve->on, req.mutable_approved_on());
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::ApprovePlan, req);
    };
  });

  auto activate = std::make_shared<Flags>();
  CLI::App* v = cmd->add_subcommand("activate", "Put an APPROVED version in force");
  AddCaseAndRequest(v, activate);
  AddVersion(v, activate);
  v->add_option("--from", activate->on, "Active from (default today)")->check(DateValidator());
  v->callback([&global, action, activate] {
    *action = [&global, activate] {
      ev1::ActivatePlanRequest req;
      req.set_request_id(RequestId(*activate));
      req.set_case_id(activate->case_id);
      req.set_version(activate->version);
      SetDate(activate->on, req.mutable_active_from());
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::ActivatePlan, req);
    };
  });

  auto close = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("close", "Close the ACTIVE version with the closing report");
  AddCaseAndRequest(c, close);
  AddVersion(c, close);
  c->add_option("--report", close->report, "The closing report (stays in education)")->required();
  c->add_option("--on", close->on, "Closed on (default today)")->check(DateValidator());
  c->callback([&global, action, close] {
    *action = [&global, close] {
      ev1::ClosePlanRequest req;
      req.set_request_id(RequestId(*close));
      req.set_case_id(close->case_id);
      req.set_version(close->version);
      req.set_closing_report(close->report);
      SetDate(close->on, req.mutable_closed_on());
      return PlanCall(global, &ev1::CorrectionPlanService::Stub::ClosePlan, req);
    };
  });

  auto overdue = std::make_shared<Flags>();
  CLI::App* o = cmd->add_subcommand("overdue", "Revisions past their due day, per district");
  o->add_option("--district", overdue->district, "Only this district")->check(DistrictValidator());
  o->add_option("--page-size", overdue->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  o->add_option("--page-token", overdue->page_token, "From a previous page");
  o->callback([&global, action, overdue] {
    *action = [&global, overdue] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ListOverdueRevisionsRequest req;
      req.set_district_code(overdue->district);
      req.set_page_size(overdue->page_size);
      req.set_page_token(overdue->page_token);
      ev1::ListOverdueRevisionsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = ev1::CorrectionPlanService::NewStub(Connect(options))
                            ->ListOverdueRevisions(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"CASE", "DISTRICT", "REASON", "TRIGGERED", "DUE", "VERSION"});
        for (const auto& r : resp.items()) {
          table.AddRow({r.case_id(), r.district_code(),
                        EnumLabel(ev1::RevisionReason_descriptor(), r.reason(), kReasonPrefix),
                        FormatProtoDate(r.triggered_on()), FormatProtoDate(r.due_on()),
                        std::to_string(r.plan_version())});
        }
        table.Print(std::cout);
        if (!resp.next_page_token().empty()) {
          std::cout << "next page: --page-token " << resp.next_page_token() << "\n";
        }
      });
    };
  });

  AddCatalogueCommands(app, global, action);
}

}  // namespace ccms::ctl
