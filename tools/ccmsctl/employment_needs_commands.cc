#include "tools/ccmsctl/employment_needs_commands.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ccms/employment/v1/needs_service.grpc.pb.h"
#include "ccms/employment/v1/opening_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/employment_command_support.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace mv1 = ::ccms::employment::v1;
using employment_cli::Call;
using employment_cli::OrDash;
using employment_cli::Parse;
using employment_cli::PrintNextPage;
using employment_cli::SetDate;
using employment_cli::YesNo;

constexpr char kMethodPrefix[] = "SURVEY_METHOD_";
constexpr char kWishPrefix[] = "WORK_WISH_";
constexpr char kPlanStatusPrefix[] = "CAREER_PLAN_STATUS_";
constexpr char kOpeningStatusPrefix[] = "OPENING_STATUS_";

struct Flags {
  std::string id;
  std::string case_id;
  std::string method;
  std::string wish;
  std::string ability;
  std::vector<std::string> gaps;
  std::string housing;
  std::string livelihood;
  std::string schooling;
  std::string family;
  std::string on;
  std::string goal;
  std::vector<std::string> sectors;
  std::vector<std::string> skills;
  std::vector<std::string> certificates;  // CODE:ISSUER:YYYY-MM-DD
  std::string partner;
  std::string district;
  std::string title;
  std::string sector;
  int hours = 0;
  std::string closes;
  int places = 0;
  int filled = 0;
  std::vector<std::string> excluded;
  std::vector<int> work_days;  // ISO 1 = Monday .. 7 = Sunday
  std::string shift_start;     // HH:MM, Asia/Shanghai
  std::string shift_end;
  std::string reason;
  bool include_closed = false;
  bool all = false;
  int max = 0;
  int page_size = 0;
  std::string page_token;
  std::string request_id;
};

std::string RequestId(const Flags& f) {
  return f.request_id.empty() ? NewRequestId() : f.request_id;
}

void AddRequestId(CLI::App* c, Flags* f) {
  c->add_option("--request-id", f->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
}

void PrintPlan(const mv1::CareerPlan& p) {
  PrintKeyValues(
      {{"plan id", p.plan_id()},
       {"case id", p.case_id()},
       {"version", std::to_string(p.version())},
       {"status", EnumLabel(mv1::CareerPlanStatus_descriptor(), p.status(), kPlanStatusPrefix)},
       {"goal", p.goal_code()},
       {"sectors", OrDash(absl::StrJoin(p.sector_codes(), ", "))},
       {"target skills", OrDash(absl::StrJoin(p.target_skill_codes(), ", "))},
       {"drafted on", FormatProtoDate(p.drafted_on())},
       {"agreed on", FormatProtoDate(p.agreed_on())}},
      std::cout);
}

void PrintOpening(const mv1::Opening& o) {
  PrintKeyValues(
      {{"opening id", o.opening_id()},
       {"code", o.opening_code()},
       {"partner id", o.partner_id()},
       {"district", o.district_code()},
       {"title", o.title()},
       {"sector", o.sector_code()},
       {"hours per week", std::to_string(o.hours_per_week())},
       {"required skills", OrDash(absl::StrJoin(o.required_skill_codes(), ", "))},
       {"closes on", FormatProtoDate(o.closes_on())},
       {"places",
        std::to_string(o.places_filled()) + " of " + std::to_string(o.places()) + " filled"},
       {"excluded categories", OrDash(absl::StrJoin(o.excluded_offence_categories(), ", "))},
       {"status", EnumLabel(mv1::OpeningStatus_descriptor(), o.status(), kOpeningStatusPrefix)},
       {"close reason", OrDash(o.close_reason_code())},
       {"schedule",
        o.has_schedule()
            ? absl::StrCat("days ", absl::StrJoin(o.schedule().days_of_week(), ","), " ",
                           o.schedule().start_local_time(), "-", o.schedule().end_local_time())
            : "-"}},
      std::cout);
}

void AddNeedsCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("needs", "Needs surveys, career plans, skills profiles");
  cmd->require_subcommand(1);

  auto sv = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("survey", "Record a needs survey of a case's person");
  s->add_option("CASE_ID", sv->case_id, "The case id")->required()->check(UuidValidator());
  s->add_option("--method", sv->method, "interview or home_visit")->required();
  s->add_option("--wish", sv->wish, "wants_work, not_now or does_not_want")->required();
  s->add_option("--ability", sv->ability, "A code of employment.needs.ability_codes")->required();
  s->add_option("--gap", sv->gaps, "A skill gap (employment.skills.codes), repeatable");
  s->add_option("--housing", sv->housing, "employment.needs.housing_codes")->required();
  s->add_option("--livelihood", sv->livelihood, "employment.needs.livelihood_codes")->required();
  s->add_option("--schooling", sv->schooling, "employment.needs.schooling_codes")->required();
  s->add_option("--family", sv->family, "employment.needs.family_codes")->required();
  s->add_option("--on", sv->on, "Surveyed on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(s, sv.get());
  s->callback([&global, action, sv] {
    *action = [&global, sv] {
      mv1::RecordNeedsSurveyRequest req;
      req.set_request_id(RequestId(*sv));
      req.set_case_id(sv->case_id);
      req.set_method(
          Parse<mv1::SurveyMethod>(mv1::SurveyMethod_descriptor(), kMethodPrefix, sv->method));
      req.set_wish_to_work(Parse<mv1::WorkWish>(mv1::WorkWish_descriptor(), kWishPrefix, sv->wish));
      req.set_ability_code(sv->ability);
      for (const auto& g : sv->gaps) req.add_skill_gap_codes(g);
      req.set_housing_code(sv->housing);
      req.set_livelihood_code(sv->livelihood);
      req.set_schooling_code(sv->schooling);
      req.set_family_code(sv->family);
      SetDate(sv->on, req.mutable_surveyed_on());
      return Call<mv1::RecordNeedsSurveyResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::NeedsService::NewStub(ch)->RecordNeedsSurvey(ctx, req, resp);
          },
          [](const auto& resp) {
            PrintKeyValues({{"survey id", resp.survey().survey_id()},
                            {"surveyed on", FormatProtoDate(resp.survey().surveyed_on())},
                            {"policy version", resp.survey().policy_version()}},
                           std::cout);
          });
    };
  });

  auto dr = std::make_shared<Flags>();
  CLI::App* d = cmd->add_subcommand("plan-draft", "Draft a new version of the case's career plan");
  d->add_option("CASE_ID", dr->case_id, "The case id")->required()->check(UuidValidator());
  d->add_option("--goal", dr->goal, "employment.career_plan.goal_codes")->required();
  d->add_option("--sector", dr->sectors, "A target sector, repeatable");
  d->add_option("--skill", dr->skills, "A target skill, repeatable");
  d->add_option("--on", dr->on, "Drafted on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(d, dr.get());
  d->callback([&global, action, dr] {
    *action = [&global, dr] {
      mv1::DraftCareerPlanRequest req;
      req.set_request_id(RequestId(*dr));
      req.set_case_id(dr->case_id);
      req.set_goal_code(dr->goal);
      for (const auto& x : dr->sectors) req.add_sector_codes(x);
      for (const auto& x : dr->skills) req.add_target_skill_codes(x);
      SetDate(dr->on, req.mutable_drafted_on());
      return Call<mv1::DraftCareerPlanResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::NeedsService::NewStub(ch)->DraftCareerPlan(ctx, req, resp);
          },
          [](const auto& resp) { PrintPlan(resp.plan()); });
    };
  });

  auto ag = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("plan-agree", "The person agreed to a draft version");
  a->add_option("PLAN_ID", ag->id, "The plan version's id")->required()->check(UuidValidator());
  a->add_option("--on", ag->on, "Agreed on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(a, ag.get());
  a->callback([&global, action, ag] {
    *action = [&global, ag] {
      mv1::AgreeCareerPlanRequest req;
      req.set_request_id(RequestId(*ag));
      req.set_plan_id(ag->id);
      SetDate(ag->on, req.mutable_agreed_on());
      return Call<mv1::AgreeCareerPlanResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::NeedsService::NewStub(ch)->AgreeCareerPlan(ctx, req, resp);
          },
          [](const auto& resp) { PrintPlan(resp.plan()); });
    };
  });

  auto sk = std::make_shared<Flags>();
  CLI::App* k = cmd->add_subcommand("skills", "Replace the case's skills profile");
  k->add_option("CASE_ID", sk->case_id, "The case id")->required()->check(UuidValidator());
  k->add_option("--skill", sk->skills, "A skill code, repeatable");
  k->add_option("--certificate", sk->certificates,
                "CODE:ISSUER:YYYY-MM-DD, repeatable (e.g. WELDER:BJ_HRSS:2025-06-30)");
  AddRequestId(k, sk.get());
  k->callback([&global, action, sk] {
    *action = [&global, sk] {
      mv1::RecordSkillsProfileRequest req;
      req.set_request_id(RequestId(*sk));
      req.set_case_id(sk->case_id);
      for (const auto& x : sk->skills) req.add_skill_codes(x);
      for (const auto& c : sk->certificates) {
        std::vector<std::string> parts = absl::StrSplit(c, ':');
        auto* cert = req.add_certificates();
        if (!parts.empty()) cert->set_certificate_code(parts[0]);
        if (parts.size() > 1) cert->set_issuer_code(parts[1]);
        if (parts.size() > 2) SetDate(parts[2], cert->mutable_obtained_on());
      }
      return Call<mv1::RecordSkillsProfileResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::NeedsService::NewStub(ch)->RecordSkillsProfile(ctx, req, resp);
          },
          [](const auto& resp) {
            PrintKeyValues({{"case id", resp.profile().case_id()},
                            {"skills", OrDash(absl::StrJoin(resp.profile().skill_codes(), ", "))},
                            {"certificates", std::to_string(resp.profile().certificates_size())}},
                           std::cout);
          });
    };
  });

  auto gt = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A case's surveys, plan versions and skills");
  g->add_option("CASE_ID", gt->case_id, "The case id")->required()->check(UuidValidator());
  g->callback([&global, action, gt] {
    *action = [&global, gt] {
      mv1::GetCaseNeedsRequest req;
      req.set_case_id(gt->case_id);
      return Call<mv1::GetCaseNeedsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::NeedsService::NewStub(ch)->GetCaseNeeds(ctx, req, resp);
          },
          [](const auto& resp) {
            Table surveys({"SURVEYED", "METHOD", "WISH", "ABILITY", "GAPS", "HOUSING", "LIVELIHOOD",
                           "SCHOOLING", "FAMILY"});
            for (const auto& s : resp.surveys()) {
              surveys.AddRow({FormatProtoDate(s.surveyed_on()),
                              EnumLabel(mv1::SurveyMethod_descriptor(), s.method(), kMethodPrefix),
                              EnumLabel(mv1::WorkWish_descriptor(), s.wish_to_work(), kWishPrefix),
                              s.ability_code(), OrDash(absl::StrJoin(s.skill_gap_codes(), ",")),
                              s.housing_code(), s.livelihood_code(), s.schooling_code(),
                              s.family_code()});
            }
            surveys.Print(std::cout);
            Table plans({"PLAN", "VERSION", "STATUS", "GOAL", "DRAFTED", "AGREED"});
            for (const auto& p : resp.plans()) {
              plans.AddRow(
                  {p.plan_id(), std::to_string(p.version()),
                   EnumLabel(mv1::CareerPlanStatus_descriptor(), p.status(), kPlanStatusPrefix),
                   p.goal_code(), FormatProtoDate(p.drafted_on()), FormatProtoDate(p.agreed_on())});
            }
            plans.Print(std::cout);
            std::cout << "skills: " << OrDash(absl::StrJoin(resp.profile().skill_codes(), ", "))
                      << "\n";
            for (const auto& c : resp.profile().certificates()) {
              std::cout << "certificate: " << c.certificate_code() << " " << c.issuer_code() << " "
                        << FormatProtoDate(c.obtained_on()) << "\n";
            }
          });
    };
  });
}

void AddOpeningCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("opening", "Job openings and their ranking for a case");
  cmd->require_subcommand(1);

  auto po = std::make_shared<Flags>();
  CLI::App* p = cmd->add_subcommand("post", "Post an opening (a partner's token, or staff)");
  p->add_option("--partner", po->partner, "The partner's id (staff; a partner may omit it)")
      ->check(UuidValidator());
  p->add_option("--district", po->district, "Its district")->required()->check(DistrictValidator());
  p->add_option("--title", po->title, "The job")->required();
  p->add_option("--sector", po->sector, "employment.openings.sectors")->required();
  p->add_option("--hours", po->hours, "Hours per week (1-84)")
      ->required()
      ->check(CLI::Range(1, 84));
  p->add_option("--skill", po->skills, "A required skill code, repeatable");
  p->add_option("--closes", po->closes, "Closing day YYYY-MM-DD")
      ->required()
      ->check(DateValidator());
  p->add_option("--places", po->places, "Places (1-500)")->required()->check(CLI::Range(1, 500));
  p->add_option("--exclude", po->excluded, "An offence category it cannot take, repeatable");
  p->add_option("--work-day", po->work_days,
                "A working day, 1 (Monday) to 7 (Sunday), repeatable, in order")
      ->check(CLI::Range(1, 7));
  p->add_option("--shift-start", po->shift_start, "The shift's start, HH:MM (Asia/Shanghai)");
  p->add_option("--shift-end", po->shift_end,
                "The shift's end, HH:MM; at or before the start: the next day");
  AddRequestId(p, po.get());
  p->callback([&global, action, po] {
    *action = [&global, po] {
      mv1::PostOpeningRequest req;
      req.set_request_id(RequestId(*po));
      req.set_partner_id(po->partner);
      req.set_district_code(po->district);
      req.set_title(po->title);
      req.set_sector_code(po->sector);
      req.set_hours_per_week(po->hours);
      for (const auto& x : po->skills) req.add_required_skill_codes(x);
      SetDate(po->closes, req.mutable_closes_on());
      req.set_places(po->places);
      for (const auto& x : po->excluded) req.add_excluded_offence_categories(x);
      if (!po->work_days.empty() || !po->shift_start.empty() || !po->shift_end.empty()) {
        for (int d : po->work_days) req.mutable_schedule()->add_days_of_week(d);
        req.mutable_schedule()->set_start_local_time(po->shift_start);
        req.mutable_schedule()->set_end_local_time(po->shift_end);
      }
      return Call<mv1::PostOpeningResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::OpeningService::NewStub(ch)->PostOpening(ctx, req, resp);
          },
          [](const auto& resp) { PrintOpening(resp.opening()); });
    };
  });

  auto cl = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("close", "Close an opening");
  c->add_option("OPENING_ID", cl->id, "The opening id")->required()->check(UuidValidator());
  c->add_option("--reason", cl->reason, "employment.openings.close_reasons")->required();
  AddRequestId(c, cl.get());
  c->callback([&global, action, cl] {
    *action = [&global, cl] {
      mv1::CloseOpeningRequest req;
      req.set_request_id(RequestId(*cl));
      req.set_opening_id(cl->id);
      req.set_reason_code(cl->reason);
      return Call<mv1::CloseOpeningResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::OpeningService::NewStub(ch)->CloseOpening(ctx, req, resp);
          },
          [](const auto& resp) { PrintOpening(resp.opening()); });
    };
  });

  auto fi = std::make_shared<Flags>();
  CLI::App* f = cmd->add_subcommand("filled", "Record the places filled so far");
  f->add_option("OPENING_ID", fi->id, "The opening id")->required()->check(UuidValidator());
  f->add_option("--filled", fi->filled, "Places filled (0..places)")
      ->required()
      ->check(CLI::Range(0, 500));
  AddRequestId(f, fi.get());
  f->callback([&global, action, fi] {
    *action = [&global, fi] {
      mv1::RecordOpeningFilledRequest req;
      req.set_request_id(RequestId(*fi));
      req.set_opening_id(fi->id);
      req.set_places_filled(fi->filled);
      return Call<mv1::RecordOpeningFilledResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::OpeningService::NewStub(ch)->RecordOpeningFilled(ctx, req, resp);
          },
          [](const auto& resp) { PrintOpening(resp.opening()); });
    };
  });

  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Openings (staff: their districts; a partner: own)");
  l->add_option("--district", ls->district, "Only this district")->check(DistrictValidator());
  l->add_flag("--include-closed", ls->include_closed, "Closed ones too");
  l->add_option("--page-size", ls->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListOpeningsRequest req;
      req.set_district_code(ls->district);
      req.set_include_closed(ls->include_closed);
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListOpeningsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::OpeningService::NewStub(ch)->ListOpenings(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"OPENING", "CODE", "DISTRICT", "SECTOR", "HOURS", "FILLED", "PLACES",
                         "CLOSES", "STATUS"});
            for (const auto& o : resp.openings()) {
              table.AddRow(
                  {o.opening_id(), o.opening_code(), o.district_code(), o.sector_code(),
                   std::to_string(o.hours_per_week()), std::to_string(o.places_filled()),
                   std::to_string(o.places()), FormatProtoDate(o.closes_on()),
                   EnumLabel(mv1::OpeningStatus_descriptor(), o.status(), kOpeningStatusPrefix)});
            }
            table.Print(std::cout);
            if (!resp.next_page_token().empty()) {
              std::cout << "next page: --page-token " << resp.next_page_token() << "\n";
            }
          });
    };
  });

  auto rk = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("rank", "Openings ranked for a case, with their reasons");
  r->add_option("CASE_ID", rk->case_id, "The case id")->required()->check(UuidValidator());
  r->add_flag("--all", rk->all, "Also the ineligible ones (closed, full, excluded)");
  r->add_option("--max", rk->max, "At most this many (default 20)")->check(CLI::Range(1, 200));
  r->callback([&global, action, rk] {
    *action = [&global, rk] {
      mv1::RankOpeningsForCaseRequest req;
      req.set_case_id(rk->case_id);
      req.set_include_ineligible(rk->all);
      req.set_max_results(rk->max);
      return Call<mv1::RankOpeningsForCaseResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::OpeningService::NewStub(ch)->RankOpeningsForCase(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"RANK", "SCORE", "OPENING", "DISTRICT", "SECTOR", "REASONS", "CLASHES"});
            for (const auto& x : resp.openings()) {
              table.AddRow({x.eligible() ? std::to_string(x.rank()) : "-",
                            std::to_string(x.score()), x.opening().opening_id(),
                            x.opening().district_code(), x.opening().sector_code(),
                            absl::StrJoin(x.reason_codes(), ","),
                            std::to_string(x.clashing_session_ids_size())});
            }
            table.Print(std::cout);
            std::cout << "education sessions ahead: " << resp.education_sessions_ahead() << "\n";
          });
    };
  });
}

}  // namespace

void AddEmploymentNeedsCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  AddNeedsCommands(group, global, action);
  AddOpeningCommands(group, global, action);
}

}  // namespace ccms::ctl
