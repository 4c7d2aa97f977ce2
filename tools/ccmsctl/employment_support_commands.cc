#include "tools/ccmsctl/employment_support_commands.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ccms/employment/v1/assistance_service.grpc.pb.h"
#include "ccms/employment/v1/partner_contract_service.grpc.pb.h"
#include "ccms/employment/v1/volunteer_service.grpc.pb.h"
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

constexpr char kContractStatusPrefix[] = "CONTRACT_STATUS_";
constexpr char kAssistanceKindPrefix[] = "ASSISTANCE_KIND_";
constexpr char kAssistanceStatusPrefix[] = "ASSISTANCE_STATUS_";
constexpr char kVolunteerKindPrefix[] = "VOLUNTEER_KIND_";

struct Flags {
  std::string id;
  std::string partner;
  std::string district;
  std::string scope;
  std::string starts_on;
  std::string ends_on;
  int64_t fen = 0;
  std::vector<std::string> scores;  // CRITERION=SCORE
  std::string result;
  std::string on;
  std::string case_id;
  std::string kind;
  std::string status;
  std::string granted_on;
  std::string reason;
  int year = 0;
  std::string name;
  std::string contact;
  std::vector<std::string> skills;
  std::vector<std::string> serves;
  std::vector<std::string> teams;
  int hours = 0;
  std::string activity;
  std::string team;
  std::string code;
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

std::string Yuan(int64_t fen) {
  return std::to_string(fen / 100) + "." + (fen % 100 < 10 ? "0" : "") + std::to_string(fen % 100);
}

void PrintContract(const mv1::PartnerContract& c) {
  PrintKeyValues(
      {{"contract id", c.contract_id()},
       {"partner id", c.partner_id()},
       {"district", c.district_code()},
       {"scope", c.scope_code()},
       {"period", FormatProtoDate(c.starts_on()) + " .. " + FormatProtoDate(c.ends_on())},
       {"amount (yuan)", Yuan(c.amount_fen())},
       {"status", EnumLabel(mv1::ContractStatus_descriptor(), c.status(), kContractStatusPrefix)}},
      std::cout);
}

void PrintEvaluation(const mv1::PartnerEvaluation& e) {
  std::vector<std::string> scores;
  for (const auto& s : e.scores())
    scores.push_back(s.criterion_code() + "=" + std::to_string(s.score()));
  PrintKeyValues(
      {{"evaluation id", e.evaluation_id()},
       {"partner id", e.partner_id()},
       {"district", e.district_code()},
       {"period", FormatProtoDate(e.period_from()) + " .. " + FormatProtoDate(e.period_to())},
       {"scores", absl::StrJoin(scores, ", ")},
       {"total", std::to_string(e.total_score())},
       {"result", e.result_code()},
       {"evaluated by", e.evaluated_by()},
       {"evaluated on", FormatProtoDate(e.evaluated_on())}},
      std::cout);
}

void PrintAssistance(const mv1::AssistanceRecord& a) {
  PrintKeyValues(
      {{"assistance id", a.assistance_id()},
       {"case id", a.case_id()},
       {"district", a.district_code()},
       {"kind", EnumLabel(mv1::AssistanceKind_descriptor(), a.kind(), kAssistanceKindPrefix)},
       {"status",
        EnumLabel(mv1::AssistanceStatus_descriptor(), a.status(), kAssistanceStatusPrefix)},
       {"amount (yuan)", Yuan(a.amount_fen())},
       {"applied on", FormatProtoDate(a.applied_on())},
       {"granted on", a.has_granted_on() ? FormatProtoDate(a.granted_on()) : "-"},
       {"ended on", a.has_ended_on() ? FormatProtoDate(a.ended_on()) : "-"},
       {"reason", OrDash(a.reason_code())}},
      std::cout);
}

void PrintVolunteer(const mv1::Volunteer& v) {
  PrintKeyValues(
      {{"volunteer id", v.volunteer_id()},
       {"kind", EnumLabel(mv1::VolunteerKind_descriptor(), v.kind(), kVolunteerKindPrefix)},
       {"name", v.name()},
       {"contact", OrDash(v.contact())},
       {"skills", OrDash(absl::StrJoin(v.skill_codes(), ", "))},
       {"district", v.district_code()},
       {"serves", absl::StrJoin(v.districts_served(), ", ")},
       {"teams", OrDash(absl::StrJoin(v.supervision_team_ids(), ", "))},
       {"hours", std::to_string(v.total_hours())},
       {"commendations", std::to_string(v.commendations())}},
      std::cout);
}

void AddContractCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand(
      "contract", "Purchased-service contracts and evaluations (考核) of partners");
  cmd->require_subcommand(1);

  auto rc = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("record", "Record a contract of the district with a partner");
  r->add_option("PARTNER_ID", rc->partner, "The partner id")->required()->check(UuidValidator());
  r->add_option("--district", rc->district, "The contracting district")
      ->required()
      ->check(DistrictValidator());
  r->add_option("--scope", rc->scope, "A code of employment.contract.scopes")->required();
  r->add_option("--from", rc->starts_on, "First day YYYY-MM-DD")
      ->required()
      ->check(DateValidator());
  r->add_option("--to", rc->ends_on, "Last day YYYY-MM-DD")->required()->check(DateValidator());
  r->add_option("--fen", rc->fen, "Amount in fen (1 yuan = 100 fen)")->required();
  AddRequestId(r, rc.get());
  r->callback([&global, action, rc] {
    *action = [&global, rc] {
      mv1::RecordPartnerContractRequest req;
      req.set_request_id(RequestId(*rc));
      req.set_partner_id(rc->partner);
      req.set_district_code(rc->district);
      req.set_scope_code(rc->scope);
      SetDate(rc->starts_on, req.mutable_starts_on());
      SetDate(rc->ends_on, req.mutable_ends_on());
      req.set_amount_fen(rc->fen);
      return Call<mv1::RecordPartnerContractResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerContractService::NewStub(ch)->RecordPartnerContract(ctx, req, resp);
          },
          [](const auto& resp) { PrintContract(resp.contract()); });
    };
  });

  auto ev = std::make_shared<Flags>();
  CLI::App* e = cmd->add_subcommand("evaluate", "Record an evaluation of a partner for a period");
  e->add_option("PARTNER_ID", ev->partner, "The partner id")->required()->check(UuidValidator());
  e->add_option("--district", ev->district, "The evaluating district")
      ->required()
      ->check(DistrictValidator());
  e->add_option("--from", ev->starts_on, "Period's first day")->required()->check(DateValidator());
  e->add_option("--to", ev->ends_on, "Period's last day")->required()->check(DateValidator());
  e->add_option("--score", ev->scores, "CRITERION=SCORE (0-100), repeated")->required();
  e->add_option("--result", ev->result, "A code of employment.evaluation.results")->required();
  e->add_option("--on", ev->on, "Evaluated on (default today)")->check(DateValidator());
  AddRequestId(e, ev.get());
  e->callback([&global, action, ev] {
    *action = [&global, ev] {
      mv1::RecordPartnerEvaluationRequest req;
      req.set_request_id(RequestId(*ev));
      req.set_partner_id(ev->partner);
      req.set_district_code(ev->district);
      SetDate(ev->starts_on, req.mutable_period_from());
      SetDate(ev->ends_on, req.mutable_period_to());
      for (const auto& s : ev->scores) {
        std::pair<std::string, std::string> kv = absl::StrSplit(s, absl::MaxSplits('=', 1));
        int score = -1;
        if (!absl::SimpleAtoi(kv.second, &score)) score = -1;
        auto* cs = req.add_scores();
        cs->set_criterion_code(kv.first);
        cs->set_score(score);
      }
      req.set_result_code(ev->result);
      SetDate(ev->on, req.mutable_evaluated_on());
      return Call<mv1::RecordPartnerEvaluationResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerContractService::NewStub(ch)->RecordPartnerEvaluation(ctx, req,
                                                                                     resp);
          },
          [](const auto& resp) { PrintEvaluation(resp.evaluation()); });
    };
  });

  auto lc = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "A partner's contracts of the caller's districts");
  l->add_option("PARTNER_ID", lc->partner, "The partner id")->required()->check(UuidValidator());
  l->add_option("--page-size", lc->page_size, "At most this many")->check(CLI::Range(1, 500));
  l->add_option("--page-token", lc->page_token, "From a previous page");
  l->callback([&global, action, lc] {
    *action = [&global, lc] {
      mv1::ListPartnerContractsRequest req;
      req.set_partner_id(lc->partner);
      req.set_page_size(lc->page_size);
      req.set_page_token(lc->page_token);
      return Call<mv1::ListPartnerContractsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerContractService::NewStub(ch)->ListPartnerContracts(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"CONTRACT", "DISTRICT", "SCOPE", "FROM", "TO", "YUAN", "STATUS"});
            for (const auto& c : resp.contracts()) {
              table.AddRow(
                  {c.contract_id(), c.district_code(), c.scope_code(),
                   FormatProtoDate(c.starts_on()), FormatProtoDate(c.ends_on()),
                   Yuan(c.amount_fen()),
                   EnumLabel(mv1::ContractStatus_descriptor(), c.status(), kContractStatusPrefix)});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });

  auto le = std::make_shared<Flags>();
  CLI::App* el = cmd->add_subcommand("evaluations", "A partner's evaluations");
  el->add_option("PARTNER_ID", le->partner, "The partner id")->required()->check(UuidValidator());
  el->add_option("--page-size", le->page_size, "At most this many")->check(CLI::Range(1, 500));
  el->add_option("--page-token", le->page_token, "From a previous page");
  el->callback([&global, action, le] {
    *action = [&global, le] {
      mv1::ListPartnerEvaluationsRequest req;
      req.set_partner_id(le->partner);
      req.set_page_size(le->page_size);
      req.set_page_token(le->page_token);
      return Call<mv1::ListPartnerEvaluationsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerContractService::NewStub(ch)->ListPartnerEvaluations(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"EVALUATION", "DISTRICT", "FROM", "TO", "TOTAL", "RESULT", "BY"});
            for (const auto& e : resp.evaluations()) {
              table.AddRow({e.evaluation_id(), e.district_code(), FormatProtoDate(e.period_from()),
                            FormatProtoDate(e.period_to()), std::to_string(e.total_score()),
                            e.result_code(), e.evaluated_by()});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

void AddAssistanceCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand(
      "assistance", "Welfare and relief (低保, 临时救助, 司法救助, ...) and the sums per year");
  cmd->require_subcommand(1);

  auto rec = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("record", "Record assistance of a case (applied or granted)");
  r->add_option("CASE_ID", rec->case_id, "The case id")->required()->check(UuidValidator());
  r->add_option("--kind", rec->kind, "What kind")
      ->required()
      ->check(CLI::IsMember(EnumLabels(mv1::AssistanceKind_descriptor(), kAssistanceKindPrefix)));
  r->add_option("--status", rec->status, "applied or granted")
      ->required()
      ->check(CLI::IsMember({"applied", "granted"}));
  r->add_option("--fen", rec->fen, "Amount in fen (a hardship payment needs one)");
  r->add_option("--applied-on", rec->on, "Applied on (default today)")->check(DateValidator());
  r->add_option("--granted-on", rec->granted_on, "Granted on (default the application's day)")
      ->check(DateValidator());
  AddRequestId(r, rec.get());
  r->callback([&global, action, rec] {
    *action = [&global, rec] {
      mv1::RecordAssistanceRequest req;
      req.set_request_id(RequestId(*rec));
      req.set_case_id(rec->case_id);
      req.set_kind(static_cast<mv1::AssistanceKind>(
          ParseEnumLabel(mv1::AssistanceKind_descriptor(), kAssistanceKindPrefix, rec->kind)
              .value_or(0)));
      req.set_status(static_cast<mv1::AssistanceStatus>(
          ParseEnumLabel(mv1::AssistanceStatus_descriptor(), kAssistanceStatusPrefix, rec->status)
              .value_or(0)));
      req.set_amount_fen(rec->fen);
      SetDate(rec->on, req.mutable_applied_on());
      SetDate(rec->granted_on, req.mutable_granted_on());
      return Call<mv1::RecordAssistanceResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::AssistanceService::NewStub(ch)->RecordAssistance(ctx, req, resp);
          },
          [](const auto& resp) { PrintAssistance(resp.assistance()); });
    };
  });

  auto ch = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("status", "Grant, refuse or end an assistance record");
  c->add_option("ASSISTANCE_ID", ch->id, "The record id")->required()->check(UuidValidator());
  c->add_option("--to", ch->status, "granted, refused or ended")
      ->required()
      ->check(CLI::IsMember({"granted", "refused", "ended"}));
  c->add_option("--fen", ch->fen, "granted: the amount granted (default the recorded one)");
  c->add_option("--reason", ch->reason, "refused, ended: a code of employment.assistance.*");
  c->add_option("--on", ch->on, "On (default today)")->check(DateValidator());
  AddRequestId(c, ch.get());
  c->callback([&global, action, ch] {
    *action = [&global, ch] {
      mv1::ChangeAssistanceStatusRequest req;
      req.set_request_id(RequestId(*ch));
      req.set_assistance_id(ch->id);
      req.set_to_status(static_cast<mv1::AssistanceStatus>(
          ParseEnumLabel(mv1::AssistanceStatus_descriptor(), kAssistanceStatusPrefix, ch->status)
              .value_or(0)));
      req.set_amount_fen(ch->fen);
      req.set_reason_code(ch->reason);
      SetDate(ch->on, req.mutable_on());
      return Call<mv1::ChangeAssistanceStatusResponse>(
          global,
          [&](auto chan, auto* ctx, auto* resp) {
            return mv1::AssistanceService::NewStub(chan)->ChangeAssistanceStatus(ctx, req, resp);
          },
          [](const auto& resp) { PrintAssistance(resp.assistance()); });
    };
  });

  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Assistance records of a district (or a case)");
  l->add_option("--district", ls->district, "The district (required unless all districts)")
      ->check(DistrictValidator());
  l->add_option("--case", ls->case_id, "Only this case")->check(UuidValidator());
  l->add_option("--page-size", ls->page_size, "At most this many")->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListAssistanceRequest req;
      req.set_district_code(ls->district);
      req.set_case_id(ls->case_id);
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListAssistanceResponse>(
          global,
          [&](auto chan, auto* ctx, auto* resp) {
            return mv1::AssistanceService::NewStub(chan)->ListAssistance(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"ASSISTANCE", "CASE", "KIND", "STATUS", "YUAN", "APPLIED", "GRANTED"});
            for (const auto& a : resp.records()) {
              table.AddRow(
                  {a.assistance_id(), a.case_id(),
                   EnumLabel(mv1::AssistanceKind_descriptor(), a.kind(), kAssistanceKindPrefix),
                   EnumLabel(mv1::AssistanceStatus_descriptor(), a.status(),
                             kAssistanceStatusPrefix),
                   Yuan(a.amount_fen()), FormatProtoDate(a.applied_on()),
                   a.has_granted_on() ? FormatProtoDate(a.granted_on()) : "-"});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });

  auto sm = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("sum", "What a district granted in a year, per kind");
  s->add_option("--district", sm->district, "The district")->required()->check(DistrictValidator());
  s->add_option("--year", sm->year, "The calendar year")->required()->check(CLI::Range(2000, 2100));
  s->callback([&global, action, sm] {
    *action = [&global, sm] {
      mv1::SumAssistanceRequest req;
      req.set_district_code(sm->district);
      req.set_year(sm->year);
      return Call<mv1::SumAssistanceResponse>(
          global,
          [&](auto chan, auto* ctx, auto* resp) {
            return mv1::AssistanceService::NewStub(chan)->SumAssistance(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"KIND", "RECORDS", "YUAN"});
            for (const auto& k : resp.by_kind()) {
              table.AddRow(
                  {EnumLabel(mv1::AssistanceKind_descriptor(), k.kind(), kAssistanceKindPrefix),
                   std::to_string(k.records()), Yuan(k.amount_fen())});
            }
            table.AddRow({"total", std::to_string(resp.records()), Yuan(resp.amount_fen())});
            table.Print(std::cout);
          });
    };
  });
}

void AddVolunteerCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd =
      group->add_subcommand("volunteer", "Volunteers and social organisations (no login)");
  cmd->require_subcommand(1);

  auto rg = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("register", "Register a volunteer or a social organisation");
  r->add_option("--kind", rg->kind, "volunteer or social_organisation")
      ->required()
      ->check(CLI::IsMember(EnumLabels(mv1::VolunteerKind_descriptor(), kVolunteerKindPrefix)));
  r->add_option("--name", rg->name, "Name (kept encrypted)")->required();
  r->add_option("--contact", rg->contact, "Phone or address (kept encrypted)");
  r->add_option("--skill", rg->skills, "A code of employment.volunteer.skill_codes, repeated");
  r->add_option("--district", rg->district, "Registering district")
      ->required()
      ->check(DistrictValidator());
  r->add_option("--serves", rg->serves, "Another district served, repeated")
      ->check(DistrictValidator());
  r->add_option("--team", rg->teams, "A supervision team id, repeated")->check(UuidValidator());
  AddRequestId(r, rg.get());
  r->callback([&global, action, rg] {
    *action = [&global, rg] {
      mv1::RegisterVolunteerRequest req;
      req.set_request_id(RequestId(*rg));
      req.set_kind(static_cast<mv1::VolunteerKind>(
          ParseEnumLabel(mv1::VolunteerKind_descriptor(), kVolunteerKindPrefix, rg->kind)
              .value_or(0)));
      req.set_name(rg->name);
      req.set_contact(rg->contact);
      for (const auto& s : rg->skills) req.add_skill_codes(s);
      req.set_district_code(rg->district);
      for (const auto& d : rg->serves) req.add_districts_served(d);
      for (const auto& t : rg->teams) req.add_supervision_team_ids(t);
      return Call<mv1::RegisterVolunteerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::VolunteerService::NewStub(ch)->RegisterVolunteer(ctx, req, resp);
          },
          [](const auto& resp) { PrintVolunteer(resp.volunteer()); });
    };
  });

  auto sv = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("serve", "Record a day's service (1-24 hours)");
  s->add_option("VOLUNTEER_ID", sv->id, "The volunteer id")->required()->check(UuidValidator());
  s->add_option("--district", sv->district, "The district served")
      ->required()
      ->check(DistrictValidator());
  s->add_option("--hours", sv->hours, "Hours (1-24)")->required()->check(CLI::Range(1, 24));
  s->add_option("--activity", sv->activity, "A code of employment.volunteer.activity_codes")
      ->required();
  s->add_option("--case", sv->case_id, "For a case of that district")->check(UuidValidator());
  s->add_option("--team", sv->team, "For a supervision team it is on")->check(UuidValidator());
  s->add_option("--on", sv->on, "Served on (default today)")->check(DateValidator());
  AddRequestId(s, sv.get());
  s->callback([&global, action, sv] {
    *action = [&global, sv] {
      mv1::RecordVolunteerServiceRequest req;
      req.set_request_id(RequestId(*sv));
      req.set_volunteer_id(sv->id);
      req.set_district_code(sv->district);
      req.set_hours(sv->hours);
      req.set_activity_code(sv->activity);
      req.set_case_id(sv->case_id);
      req.set_supervision_team_id(sv->team);
      SetDate(sv->on, req.mutable_served_on());
      return Call<mv1::RecordVolunteerServiceResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::VolunteerService::NewStub(ch)->RecordVolunteerService(ctx, req, resp);
          },
          [](const auto& resp) {
            PrintKeyValues({{"service id", resp.service().service_id()},
                            {"served on", FormatProtoDate(resp.service().served_on())},
                            {"hours", std::to_string(resp.service().hours())},
                            {"hours that day", std::to_string(resp.hours_that_day())}},
                           std::cout);
          });
    };
  });

  auto cm = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("commend", "Record a commendation");
  c->add_option("VOLUNTEER_ID", cm->id, "The volunteer id")->required()->check(UuidValidator());
  c->add_option("--district", cm->district, "The commending district")
      ->required()
      ->check(DistrictValidator());
  c->add_option("--code", cm->code, "A code of employment.volunteer.commendation_codes")
      ->required();
  c->add_option("--on", cm->on, "Commended on (default today)")->check(DateValidator());
  AddRequestId(c, cm.get());
  c->callback([&global, action, cm] {
    *action = [&global, cm] {
      mv1::CommendVolunteerRequest req;
      req.set_request_id(RequestId(*cm));
      req.set_volunteer_id(cm->id);
      req.set_district_code(cm->district);
      req.set_code(cm->code);
      SetDate(cm->on, req.mutable_commended_on());
      return Call<mv1::CommendVolunteerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::VolunteerService::NewStub(ch)->CommendVolunteer(ctx, req, resp);
          },
          [](const auto& resp) {
            PrintKeyValues({{"commendation id", resp.commendation().commendation_id()},
                            {"code", resp.commendation().code()},
                            {"on", FormatProtoDate(resp.commendation().commended_on())}},
                           std::cout);
          });
    };
  });

  // A volunteer joins or leaves a supervision team after its registration.
  for (const bool join : {true, false}) {
    auto tm = std::make_shared<Flags>();
    CLI::App* t = cmd->add_subcommand(join ? "join-team" : "leave-team",
                                      join ? "The volunteer joins a supervision team"
                                           : "The volunteer leaves a supervision team");
    t->add_option("VOLUNTEER_ID", tm->id, "The volunteer id")->required()->check(UuidValidator());
    t->add_option("--team", tm->team, "Records' supervision team id")
        ->required()
        ->check(UuidValidator());
    t->add_option("--district", tm->district, "The recording district (one it serves)")
        ->required()
        ->check(DistrictValidator());
    t->add_option("--on", tm->on, "On this day (default today)")->check(DateValidator());
    AddRequestId(t, tm.get());
    t->callback([&global, action, tm, join] {
      *action = [&global, tm, join] {
        auto print = [](const auto& resp) { PrintVolunteer(resp.volunteer()); };
        if (join) {
          mv1::JoinSupervisionTeamRequest req;
          req.set_request_id(RequestId(*tm));
          req.set_volunteer_id(tm->id);
          req.set_district_code(tm->district);
          req.set_supervision_team_id(tm->team);
          SetDate(tm->on, req.mutable_joined_on());
          return Call<mv1::JoinSupervisionTeamResponse>(
              global,
              [&](auto ch, auto* ctx, auto* resp) {
                return mv1::VolunteerService::NewStub(ch)->JoinSupervisionTeam(ctx, req, resp);
              },
              print);
        }
        mv1::LeaveSupervisionTeamRequest req;
        req.set_request_id(RequestId(*tm));
        req.set_volunteer_id(tm->id);
        req.set_district_code(tm->district);
        req.set_supervision_team_id(tm->team);
        SetDate(tm->on, req.mutable_left_on());
        return Call<mv1::LeaveSupervisionTeamResponse>(
            global,
            [&](auto ch, auto* ctx, auto* resp) {
              return mv1::VolunteerService::NewStub(ch)->LeaveSupervisionTeam(ctx, req, resp);
            },
            print);
      };
    });
  }

  auto gt = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A volunteer with its service and commendations");
  g->add_option("VOLUNTEER_ID", gt->id, "The volunteer id")->required()->check(UuidValidator());
  g->callback([&global, action, gt] {
    *action = [&global, gt] {
      mv1::GetVolunteerRequest req;
      req.set_volunteer_id(gt->id);
      return Call<mv1::GetVolunteerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::VolunteerService::NewStub(ch)->GetVolunteer(ctx, req, resp);
          },
          [](const auto& resp) {
            PrintVolunteer(resp.volunteer());
            Table table({"DAY", "HOURS", "ACTIVITY", "DISTRICT", "CASE", "TEAM"});
            for (const auto& s : resp.services()) {
              table.AddRow({FormatProtoDate(s.served_on()), std::to_string(s.hours()),
                            s.activity_code(), s.district_code(), OrDash(s.case_id()),
                            OrDash(s.supervision_team_id())});
            }
            table.Print(std::cout);
          });
    };
  });

  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Volunteers of the caller's districts");
  l->add_option("--district", ls->district, "Serving this district")->check(DistrictValidator());
  l->add_option("--kind", ls->kind, "volunteer or social_organisation")
      ->check(CLI::IsMember(EnumLabels(mv1::VolunteerKind_descriptor(), kVolunteerKindPrefix)));
  l->add_option("--page-size", ls->page_size, "At most this many")->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListVolunteersRequest req;
      req.set_district_code(ls->district);
      req.set_kind(static_cast<mv1::VolunteerKind>(
          ParseEnumLabel(mv1::VolunteerKind_descriptor(), kVolunteerKindPrefix, ls->kind)
              .value_or(0)));
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListVolunteersResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::VolunteerService::NewStub(ch)->ListVolunteers(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"VOLUNTEER", "KIND", "DISTRICT", "HOURS", "NAME"});
            for (const auto& v : resp.volunteers()) {
              table.AddRow(
                  {v.volunteer_id(),
                   EnumLabel(mv1::VolunteerKind_descriptor(), v.kind(), kVolunteerKindPrefix),
                   v.district_code(), std::to_string(v.total_hours()), v.name()});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

}  // namespace

void AddEmploymentSupportCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  AddContractCommands(group, global, action);
  AddAssistanceCommands(group, global, action);
  AddVolunteerCommands(group, global, action);
}

}  // namespace ccms::ctl
