#include "tools/ccmsctl/employment_commands.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "ccms/employment/v1/agency_referral_service.grpc.pb.h"
#include "ccms/employment/v1/halfway_house_service.grpc.pb.h"
#include "ccms/employment/v1/partner_service.grpc.pb.h"
#include "ccms/employment/v1/referral_service.grpc.pb.h"
#include "ccms/employment/v1/retention_service.grpc.pb.h"
#include "ccms/employment/v1/schooling_service.grpc.pb.h"
#include "ccms/employment/v1/training_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/employment_command_support.h"
#include "tools/ccmsctl/employment_needs_commands.h"
#include "tools/ccmsctl/employment_support_commands.h"
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

constexpr char kKindPrefix[] = "PARTNER_KIND_";
constexpr char kPartnerStatusPrefix[] = "PARTNER_STATUS_";
constexpr char kReferralKindPrefix[] = "REFERRAL_KIND_";
constexpr char kReferralStatusPrefix[] = "REFERRAL_STATUS_";
constexpr char kAgeBasisPrefix[] = "AGE_BASIS_";

void PrintPartner(const mv1::Partner& p) {
  std::vector<std::string> contacts;
  for (const auto& c : p.contacts()) contacts.push_back(c.name() + " " + c.phone());
  PrintKeyValues(
      {{"partner id", p.partner_id()},
       {"agency id", p.agency_id()},
       {"name", p.name()},
       {"kind", EnumLabel(mv1::PartnerKind_descriptor(), p.kind(), kKindPrefix)},
       {"status", EnumLabel(mv1::PartnerStatus_descriptor(), p.status(), kPartnerStatusPrefix)},
       {"suspension reason", OrDash(p.suspension_reason())},
       {"district", p.district_code()},
       {"serves", absl::StrJoin(p.districts_served(), ", ")},
       {"contacts", OrDash(absl::StrJoin(contacts, "; "))}},
      std::cout);
}

void PrintReferral(const mv1::Referral& r) {
  std::vector<std::string> steps;
  for (const auto& s : r.steps()) {
    steps.push_back(
        FormatProtoDate(s.on()) + " " +
        EnumLabel(mv1::ReferralStatus_descriptor(), s.to_status(), kReferralStatusPrefix) +
        (s.reason_code().empty() ? "" : " (" + s.reason_code() + ")"));
  }
  PrintKeyValues(
      {{"referral id", r.referral_id()},
       {"code", r.referral_code()},
       {"case id", r.case_id()},
       {"district", r.district_code()},
       {"partner", r.partner_id() + " (" + r.agency_id() + ")"},
       {"kind", EnumLabel(mv1::ReferralKind_descriptor(), r.kind(), kReferralKindPrefix)},
       {"status", EnumLabel(mv1::ReferralStatus_descriptor(), r.status(), kReferralStatusPrefix)},
       {"referred on", FormatProtoDate(r.referred_on())},
       {"age on referral",
        std::to_string(r.age_on_referral()) + " (" +
            EnumLabel(mv1::AgeBasis_descriptor(), r.age_basis(), kAgeBasisPrefix) + ")"},
       {"minor", YesNo(r.minor()) + (r.minor() ? (r.guardian_consent() ? ", guardian consented"
                                                                       : ", no guardian consent")
                                               : "")},
       {"sent on", FormatProtoDate(r.sent_on())},
       {"answer due", FormatProtoDate(r.answer_due_on())},
       {"escalated", r.escalated() ? FormatProtoDate(r.escalated_on()) : "no"},
       {"paused", YesNo(r.paused())},
       {"steps", OrDash(absl::StrJoin(steps, "; "))}},
      std::cout);
}

void PrintAgencyReferral(const mv1::AgencyReferral& r) {
  PrintKeyValues(
      {{"referral id", r.referral_id()},
       {"code", r.referral_code()},
       {"kind", EnumLabel(mv1::ReferralKind_descriptor(), r.kind(), kReferralKindPrefix)},
       {"status", EnumLabel(mv1::ReferralStatus_descriptor(), r.status(), kReferralStatusPrefix)},
       {"given name", r.identity_withheld() ? "(withheld: a minor)" : r.given_name()},
       {"skills", OrDash(absl::StrJoin(r.skills(), ", "))},
       {"availability", OrDash(r.availability())},
       {"sent on", FormatProtoDate(r.sent_on())},
       {"answer due", FormatProtoDate(r.answer_due_on())}},
      std::cout);
}

struct Flags {
  std::string id;
  std::string house;
  int places = 0;
  std::string agency;
  std::string name;
  std::string kind;
  std::string district;
  std::vector<std::string> serves;
  std::string contact_name;
  std::string contact_phone;
  std::string reason;
  std::string status;
  std::string partner;
  std::string case_id;
  std::string given_name;
  std::vector<std::string> skills;
  std::string availability;
  bool guardian_consent = false;
  std::string birth_date;
  std::string on;
  std::string consent_on;
  std::string override_reason;
  bool escalated = false;
  bool ended_contract = false;
  int page_size = 0;
  std::string page_token;
  std::string request_id;
  // Spells and training.
  std::string referral;
  std::string other_employer;
  int day = 0;
  int hours = 0;
  std::string code;
  std::string starts_on;
  std::string ends_on;
  bool certificate = false;
  std::string list;
  // Schooling support.
  bool completed = false;
  bool wishes_to_continue = false;
  bool overdue = false;
  std::string step;
  std::string school;
};

std::string RequestId(const Flags& f) {
  return f.request_id.empty() ? NewRequestId() : f.request_id;
}

void AddRequestId(CLI::App* c, Flags* f) {
  c->add_option("--request-id", f->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
}

void AddPartnerCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("partner", "The partner register");
  cmd->require_subcommand(1);
  auto reg = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("register", "Register a partner organisation (ACTIVE)");
  r->add_option("--agency", reg->agency, "Agency id its certificate carries")->required();
  r->add_option("--name", reg->name, "Organisation name")->required();
  r->add_option("--kind", reg->kind, "Kind")
      ->required()
      ->check(CLI::IsMember(EnumLabels(mv1::PartnerKind_descriptor(), kKindPrefix)));
  r->add_option("--district", reg->district, "Registering district")
      ->required()
      ->check(DistrictValidator());
  r->add_option("--serves", reg->serves, "Another district served (repeat)")
      ->check(DistrictValidator());
  r->add_option("--contact-name", reg->contact_name, "A contact person (kept encrypted)");
  r->add_option("--contact-phone", reg->contact_phone, "The contact's phone");
  AddRequestId(r, reg.get());
  r->callback([&global, action, reg] {
    *action = [&global, reg] {
      mv1::RegisterPartnerRequest req;
      req.set_request_id(RequestId(*reg));
      req.set_agency_id(reg->agency);
      req.set_name(reg->name);
      req.set_kind(Parse<mv1::PartnerKind>(mv1::PartnerKind_descriptor(), kKindPrefix, reg->kind));
      req.set_district_code(reg->district);
      for (const auto& d : reg->serves) req.add_districts_served(d);
      if (!reg->contact_name.empty()) {
        auto* c = req.add_contacts();
        c->set_name(reg->contact_name);
        c->set_phone(reg->contact_phone);
      }
      return Call<mv1::RegisterPartnerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerService::NewStub(ch)->RegisterPartner(ctx, req, resp);
          },
          [](const auto& resp) { PrintPartner(resp.partner()); });
    };
  });

  auto sus = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("suspend", "Suspend a partner (coded reason)");
  s->add_option("PARTNER_ID", sus->id, "The partner id")->required()->check(UuidValidator());
  s->add_option("--reason", sus->reason, "A code of employment.partner.suspension_reasons")
      ->required();
  AddRequestId(s, sus.get());
  s->callback([&global, action, sus] {
    *action = [&global, sus] {
      mv1::SuspendPartnerRequest req;
      req.set_request_id(RequestId(*sus));
      req.set_partner_id(sus->id);
      req.set_reason_code(sus->reason);
      return Call<mv1::SuspendPartnerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerService::NewStub(ch)->SuspendPartner(ctx, req, resp);
          },
          [](const auto& resp) { PrintPartner(resp.partner()); });
    };
  });

  auto act = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("reactivate", "Make a suspended partner ACTIVE again");
  a->add_option("PARTNER_ID", act->id, "The partner id")->required()->check(UuidValidator());
  AddRequestId(a, act.get());
  a->callback([&global, action, act] {
    *action = [&global, act] {
      mv1::ReactivatePartnerRequest req;
      req.set_request_id(RequestId(*act));
      req.set_partner_id(act->id);
      return Call<mv1::ReactivatePartnerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerService::NewStub(ch)->ReactivatePartner(ctx, req, resp);
          },
          [](const auto& resp) { PrintPartner(resp.partner()); });
    };
  });

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A partner with its contacts");
  g->add_option("PARTNER_ID", get->id, "The partner id")->required()->check(UuidValidator());
  g->callback([&global, action, get] {
    *action = [&global, get] {
      mv1::GetPartnerRequest req;
      req.set_partner_id(get->id);
      return Call<mv1::GetPartnerResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerService::NewStub(ch)->GetPartner(ctx, req, resp);
          },
          [](const auto& resp) { PrintPartner(resp.partner()); });
    };
  });

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Partners the caller's districts see");
  l->add_option("--district", list->district, "Serving this district")->check(DistrictValidator());
  l->add_option("--kind", list->kind, "Only this kind")
      ->check(CLI::IsMember(EnumLabels(mv1::PartnerKind_descriptor(), kKindPrefix)));
  l->add_option("--status", list->status, "active or suspended")
      ->check(CLI::IsMember(EnumLabels(mv1::PartnerStatus_descriptor(), kPartnerStatusPrefix)));
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  l->callback([&global, action, list] {
    *action = [&global, list] {
      mv1::ListPartnersRequest req;
      req.set_district_code(list->district);
      if (!list->kind.empty()) {
        req.set_kind(
            Parse<mv1::PartnerKind>(mv1::PartnerKind_descriptor(), kKindPrefix, list->kind));
      }
      if (!list->status.empty()) {
        req.set_status(Parse<mv1::PartnerStatus>(mv1::PartnerStatus_descriptor(),
                                                 kPartnerStatusPrefix, list->status));
      }
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      return Call<mv1::ListPartnersResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::PartnerService::NewStub(ch)->ListPartners(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"PARTNER", "AGENCY", "KIND", "STATUS", "DISTRICT", "NAME"});
            for (const auto& p : resp.partners()) {
              table.AddRow(
                  {p.partner_id(), p.agency_id(),
                   EnumLabel(mv1::PartnerKind_descriptor(), p.kind(), kKindPrefix),
                   EnumLabel(mv1::PartnerStatus_descriptor(), p.status(), kPartnerStatusPrefix),
                   p.district_code(), p.name()});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

void AddReferralCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("referral", "Referrals to partners (staff)");
  cmd->require_subcommand(1);
  const std::vector<std::string> statuses =
      EnumLabels(mv1::ReferralStatus_descriptor(), kReferralStatusPrefix);

  auto cr = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("create", "A referral in DRAFT (the 16-year rule applies)");
  c->add_option("CASE_ID", cr->case_id, "The case id")->required()->check(UuidValidator());
  c->add_option("--partner", cr->partner, "The partner id")->required()->check(UuidValidator());
  c->add_option("--kind", cr->kind, "What help")
      ->required()
      ->check(CLI::IsMember(EnumLabels(mv1::ReferralKind_descriptor(), kReferralKindPrefix)));
  c->add_option("--given-name", cr->given_name, "The person's given name (the partner's view)")
      ->required();
  c->add_option("--skill", cr->skills, "A skill the job needs (repeat)");
  c->add_option("--availability", cr->availability, "When the person can work");
  c->add_flag("--guardian-consent", cr->guardian_consent,
              "A minor's guardian agreed to share the identity with the partner");
  c->add_option("--birth-date", cr->birth_date,
                "Only when asked: YYYY-MM-DD, checked against records, not kept")
      ->check(DateValidator());
  c->add_option("--on", cr->on, "Referral date YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(c, cr.get());
  c->callback([&global, action, cr] {
    *action = [&global, cr] {
      mv1::CreateReferralRequest req;
      req.set_request_id(RequestId(*cr));
      req.set_case_id(cr->case_id);
      req.set_partner_id(cr->partner);
      req.set_kind(
          Parse<mv1::ReferralKind>(mv1::ReferralKind_descriptor(), kReferralKindPrefix, cr->kind));
      req.set_given_name(cr->given_name);
      for (const auto& s : cr->skills) req.add_skills(s);
      req.set_availability(cr->availability);
      req.set_guardian_consent(cr->guardian_consent);
      SetDate(cr->birth_date, req.mutable_birth_date());
      SetDate(cr->on, req.mutable_referred_on());
      return Call<mv1::CreateReferralResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->CreateReferral(ctx, req, resp);
          },
          [](const auto& resp) { PrintReferral(resp.referral()); });
    };
  });

  auto sd = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("send", "DRAFT -> SENT, with consent or an override");
  s->add_option("REFERRAL_ID", sd->id, "The referral id")->required()->check(UuidValidator());
  s->add_option("--consent-on", sd->consent_on, "The day the person's consent was recorded")
      ->check(DateValidator());
  s->add_option("--override", sd->override_reason, "Why it is sent without consent");
  s->add_option("--on", sd->on, "Sent on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(s, sd.get());
  s->callback([&global, action, sd] {
    *action = [&global, sd] {
      mv1::SendReferralRequest req;
      req.set_request_id(RequestId(*sd));
      req.set_referral_id(sd->id);
      SetDate(sd->consent_on, req.mutable_consent_recorded_on());
      req.set_consent_override_reason(sd->override_reason);
      SetDate(sd->on, req.mutable_sent_on());
      return Call<mv1::SendReferralResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->SendReferral(ctx, req, resp);
          },
          [](const auto& resp) { PrintReferral(resp.referral()); });
    };
  });

  auto st = std::make_shared<Flags>();
  CLI::App* t = cmd->add_subcommand("step", "Record a step of the transition table");
  t->add_option("REFERRAL_ID", st->id, "The referral id")->required()->check(UuidValidator());
  t->add_option("--to", st->status, "The new status")->required()->check(CLI::IsMember(statuses));
  t->add_option("--reason", st->reason, "The step's code (declined, not_hired, ended, withdrawn)");
  t->add_option("--on", st->on, "On YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(t, st.get());
  t->callback([&global, action, st] {
    *action = [&global, st] {
      mv1::RecordReferralStepRequest req;
      req.set_request_id(RequestId(*st));
      req.set_referral_id(st->id);
      req.set_to_status(Parse<mv1::ReferralStatus>(mv1::ReferralStatus_descriptor(),
                                                   kReferralStatusPrefix, st->status));
      req.set_reason_code(st->reason);
      SetDate(st->on, req.mutable_on());
      return Call<mv1::RecordReferralStepResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->RecordReferralStep(ctx, req, resp);
          },
          [](const auto& resp) { PrintReferral(resp.referral()); });
    };
  });

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A referral with its steps");
  g->add_option("REFERRAL_ID", get->id, "The referral id")->required()->check(UuidValidator());
  g->callback([&global, action, get] {
    *action = [&global, get] {
      mv1::GetReferralRequest req;
      req.set_referral_id(get->id);
      return Call<mv1::GetReferralResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->GetReferral(ctx, req, resp);
          },
          [](const auto& resp) { PrintReferral(resp.referral()); });
    };
  });

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Referrals of the caller's districts");
  l->add_option("--district", list->district, "Only this district")->check(DistrictValidator());
  l->add_option("--case", list->case_id, "Only this case")->check(UuidValidator());
  l->add_option("--status", list->status, "Only this status")->check(CLI::IsMember(statuses));
  l->add_flag("--escalated", list->escalated, "Only escalated ones (unanswered past due)");
  l->add_flag(
      "--ended-contract", list->ended_contract,
      "Only open ones to a partner whose purchased-service contract with the district ended");
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  l->callback([&global, action, list] {
    *action = [&global, list] {
      mv1::ListReferralsRequest req;
      req.set_district_code(list->district);
      req.set_case_id(list->case_id);
      if (!list->status.empty()) {
        req.set_status(Parse<mv1::ReferralStatus>(mv1::ReferralStatus_descriptor(),
                                                  kReferralStatusPrefix, list->status));
      }
      req.set_escalated_only(list->escalated);
      req.set_under_ended_contract(list->ended_contract);
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      return Call<mv1::ListReferralsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->ListReferrals(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"REFERRAL", "CODE", "CASE", "STATUS", "SENT", "DUE", "ESCALATED"});
            for (const auto& r : resp.referrals()) {
              table.AddRow(
                  {r.referral_id(), r.referral_code(), r.case_id(),
                   EnumLabel(mv1::ReferralStatus_descriptor(), r.status(), kReferralStatusPrefix),
                   FormatProtoDate(r.sent_on()), FormatProtoDate(r.answer_due_on()),
                   r.escalated() ? FormatProtoDate(r.escalated_on()) : "-"});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

void AddAgencyCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand(
      "agency", "The partner API: a partner agency's referrals (its certificate and token)");
  cmd->require_subcommand(1);
  const std::vector<std::string> statuses =
      EnumLabels(mv1::ReferralStatus_descriptor(), kReferralStatusPrefix);

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "The agency's referrals");
  l->add_option("--status", list->status, "Only this status")->check(CLI::IsMember(statuses));
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  l->callback([&global, action, list] {
    *action = [&global, list] {
      mv1::ListAgencyReferralsRequest req;
      if (!list->status.empty()) {
        req.set_status(Parse<mv1::ReferralStatus>(mv1::ReferralStatus_descriptor(),
                                                  kReferralStatusPrefix, list->status));
      }
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      return Call<mv1::ListAgencyReferralsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::AgencyReferralService::NewStub(ch)->ListAgencyReferrals(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"REFERRAL", "CODE", "STATUS", "GIVEN NAME", "DUE"});
            for (const auto& r : resp.referrals()) {
              table.AddRow(
                  {r.referral_id(), r.referral_code(),
                   EnumLabel(mv1::ReferralStatus_descriptor(), r.status(), kReferralStatusPrefix),
                   r.identity_withheld() ? "(withheld)" : r.given_name(),
                   FormatProtoDate(r.answer_due_on())});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "One of the agency's referrals");
  g->add_option("REFERRAL_ID", get->id, "The referral id")->required()->check(UuidValidator());
  g->callback([&global, action, get] {
    *action = [&global, get] {
      mv1::GetAgencyReferralRequest req;
      req.set_referral_id(get->id);
      return Call<mv1::GetAgencyReferralResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::AgencyReferralService::NewStub(ch)->GetAgencyReferral(ctx, req, resp);
          },
          [](const auto& resp) { PrintAgencyReferral(resp.referral()); });
    };
  });

  auto ans = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("answer", "Record the agency's step (accepted, interview...)");
  a->add_option("REFERRAL_ID", ans->id, "The referral id")->required()->check(UuidValidator());
  a->add_option("--to", ans->status, "The new status")->required()->check(CLI::IsMember(statuses));
  a->add_option("--reason", ans->reason, "The step's code (declined, not_hired, ended)");
  a->add_option("--on", ans->on, "On YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(a, ans.get());
  a->callback([&global, action, ans] {
    *action = [&global, ans] {
      mv1::AnswerAgencyReferralRequest req;
      req.set_request_id(RequestId(*ans));
      req.set_referral_id(ans->id);
      req.set_to_status(Parse<mv1::ReferralStatus>(mv1::ReferralStatus_descriptor(),
                                                   kReferralStatusPrefix, ans->status));
      req.set_reason_code(ans->reason);
      SetDate(ans->on, req.mutable_on());
      return Call<mv1::AnswerAgencyReferralResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::AgencyReferralService::NewStub(ch)->AnswerAgencyReferral(ctx, req, resp);
          },
          [](const auto& resp) { PrintAgencyReferral(resp.referral()); });
    };
  });
}

void PrintHouse(const mv1::HalfwayHouse& h) {
  PrintKeyValues({{"house id", h.house_id()},
                  {"name", h.name()},
                  {"district", h.district_code()},
                  {"places", std::to_string(h.places())},
                  {"occupied", std::to_string(h.occupied())}},
                 std::cout);
}

void PrintPlacement(const mv1::HalfwayHousePlacement& p, const mv1::HalfwayHouse& h) {
  PrintKeyValues({{"placement id", p.placement_id()},
                  {"house id", p.house_id()},
                  {"case id", p.case_id()},
                  {"admitted on", FormatProtoDate(p.admitted_on())},
                  {"left on", p.has_left_on() ? FormatProtoDate(p.left_on()) : "-"},
                  {"leave reason", OrDash(p.leave_reason())},
                  {"occupied", std::to_string(h.occupied()) + " of " + std::to_string(h.places())}},
                 std::cout);
}

void AddHouseCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("house", "Halfway houses (阳光中途之家) and placements");
  cmd->require_subcommand(1);
  auto reg = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("register", "Register a halfway house with its places");
  r->add_option("--name", reg->name, "The house's name")->required();
  r->add_option("--district", reg->district, "Its district")
      ->required()
      ->check(DistrictValidator());
  r->add_option("--places", reg->places, "Places (1-500)")->required()->check(CLI::Range(1, 500));
  AddRequestId(r, reg.get());
  r->callback([&global, action, reg] {
    *action = [&global, reg] {
      mv1::RegisterHalfwayHouseRequest req;
      req.set_request_id(RequestId(*reg));
      req.set_name(reg->name);
      req.set_district_code(reg->district);
      req.set_places(reg->places);
      return Call<mv1::RegisterHalfwayHouseResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::HalfwayHouseService::NewStub(ch)->RegisterHalfwayHouse(ctx, req, resp);
          },
          [](const auto& resp) { PrintHouse(resp.house()); });
    };
  });

  auto adm = std::make_shared<Flags>();
  CLI::App* a =
      cmd->add_subcommand("admit", "Place a case's person in a house (never over places)");
  a->add_option("HOUSE_ID", adm->house, "The house id")->required()->check(UuidValidator());
  a->add_option("CASE_ID", adm->case_id, "The case id")->required()->check(UuidValidator());
  a->add_option("--on", adm->on, "Admitted on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(a, adm.get());
  a->callback([&global, action, adm] {
    *action = [&global, adm] {
      mv1::AdmitToHalfwayHouseRequest req;
      req.set_request_id(RequestId(*adm));
      req.set_house_id(adm->house);
      req.set_case_id(adm->case_id);
      SetDate(adm->on, req.mutable_admitted_on());
      return Call<mv1::AdmitToHalfwayHouseResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::HalfwayHouseService::NewStub(ch)->AdmitToHalfwayHouse(ctx, req, resp);
          },
          [](const auto& resp) { PrintPlacement(resp.placement(), resp.house()); });
    };
  });

  auto lv = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("leave", "End a placement (coded reason)");
  l->add_option("PLACEMENT_ID", lv->id, "The placement id")->required()->check(UuidValidator());
  l->add_option("--reason", lv->reason, "A code of employment.halfway_house.leave_reasons")
      ->required();
  l->add_option("--on", lv->on, "Left on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(l, lv.get());
  l->callback([&global, action, lv] {
    *action = [&global, lv] {
      mv1::LeaveHalfwayHouseRequest req;
      req.set_request_id(RequestId(*lv));
      req.set_placement_id(lv->id);
      req.set_reason_code(lv->reason);
      SetDate(lv->on, req.mutable_left_on());
      return Call<mv1::LeaveHalfwayHouseResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::HalfwayHouseService::NewStub(ch)->LeaveHalfwayHouse(ctx, req, resp);
          },
          [](const auto& resp) { PrintPlacement(resp.placement(), resp.house()); });
    };
  });

  auto list = std::make_shared<Flags>();
  CLI::App* ls = cmd->add_subcommand("list", "Houses of the caller's districts with occupancy");
  ls->add_option("--district", list->district, "Only this district")->check(DistrictValidator());
  ls->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  ls->add_option("--page-token", list->page_token, "From a previous page");
  ls->callback([&global, action, list] {
    *action = [&global, list] {
      mv1::ListHalfwayHousesRequest req;
      req.set_district_code(list->district);
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      return Call<mv1::ListHalfwayHousesResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::HalfwayHouseService::NewStub(ch)->ListHalfwayHouses(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"HOUSE", "DISTRICT", "PLACES", "OCCUPIED", "NAME"});
            for (const auto& h : resp.houses()) {
              table.AddRow({h.house_id(), h.district_code(), std::to_string(h.places()),
                            std::to_string(h.occupied()), h.name()});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

constexpr char kCheckStatusPrefix[] = "RETENTION_CHECK_STATUS_";
constexpr char kEnrolmentStatusPrefix[] = "TRAINING_ENROLMENT_STATUS_";

void PrintSpell(const mv1::EmploymentSpell& s) {
  std::vector<std::string> checks;
  for (const auto& k : s.checks()) {
    checks.push_back(
        std::to_string(k.day_offset()) + "d " + FormatProtoDate(k.due_on()) + " " +
        EnumLabel(mv1::RetentionCheckStatus_descriptor(), k.status(), kCheckStatusPrefix));
  }
  PrintKeyValues({{"spell id", s.spell_id()},
                  {"case id", s.case_id()},
                  {"district", s.district_code()},
                  {"employer", s.employer_kind() == "PARTNER" ? "partner " + s.partner_id()
                                                              : s.other_employer_code()},
                  {"referral", OrDash(s.referral_id())},
                  {"started on", FormatProtoDate(s.started_on())},
                  {"ended on", s.has_ended_on() ? FormatProtoDate(s.ended_on()) : "-"},
                  {"end reason", OrDash(s.end_reason())},
                  {"checks", absl::StrJoin(checks, "; ")}},
                 std::cout);
}

void AddSpellCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("spell", "Employment spells and retention checks");
  cmd->require_subcommand(1);
  auto st = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("start", "Record a spell of work (checks at 30/90/180 days)");
  s->add_option("CASE_ID", st->case_id, "The case id")->required()->check(UuidValidator());
  auto* from = s->add_option("--referral", st->referral, "A PLACED referral of the case")
                   ->check(UuidValidator());
  auto* partner =
      s->add_option("--partner", st->partner, "A partner as employer")->check(UuidValidator());
  auto* other = s->add_option("--other", st->other_employer,
                              "A code of employment.retention.other_employer_codes");
  from->excludes(partner)->excludes(other);
  partner->excludes(other);
  s->add_option("--on", st->on, "Started on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(s, st.get());
  s->callback([&global, action, st] {
    *action = [&global, st] {
      mv1::StartEmploymentSpellRequest req;
      req.set_request_id(RequestId(*st));
      req.set_case_id(st->case_id);
      req.set_referral_id(st->referral);
      req.set_partner_id(st->partner);
      req.set_other_employer_code(st->other_employer);
      SetDate(st->on, req.mutable_started_on());
      return Call<mv1::StartEmploymentSpellResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::RetentionService::NewStub(ch)->StartEmploymentSpell(ctx, req, resp);
          },
          [](const auto& resp) { PrintSpell(resp.spell()); });
    };
  });

  auto en = std::make_shared<Flags>();
  CLI::App* e = cmd->add_subcommand("end", "End a spell (later checks are cancelled)");
  e->add_option("SPELL_ID", en->id, "The spell id")->required()->check(UuidValidator());
  e->add_option("--reason", en->reason, "A code of employment.referral.end_reasons")->required();
  e->add_option("--on", en->on, "Ended on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(e, en.get());
  e->callback([&global, action, en] {
    *action = [&global, en] {
      mv1::EndEmploymentSpellRequest req;
      req.set_request_id(RequestId(*en));
      req.set_spell_id(en->id);
      req.set_reason_code(en->reason);
      SetDate(en->on, req.mutable_ended_on());
      return Call<mv1::EndEmploymentSpellResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::RetentionService::NewStub(ch)->EndEmploymentSpell(ctx, req, resp);
          },
          [](const auto& resp) { PrintSpell(resp.spell()); });
    };
  });

  auto cf = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand(
      "confirm", "Confirm a retention check (staff, or the employer partner's own token)");
  c->add_option("SPELL_ID", cf->id, "The spell id")->required()->check(UuidValidator());
  c->add_option("--day", cf->day, "The check's day: 30, 90 or 180")->required();
  c->add_option("--on", cf->on, "Confirmed on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(c, cf.get());
  c->callback([&global, action, cf] {
    *action = [&global, cf] {
      mv1::ConfirmRetentionCheckRequest req;
      req.set_request_id(RequestId(*cf));
      req.set_spell_id(cf->id);
      req.set_day_offset(cf->day);
      SetDate(cf->on, req.mutable_on());
      return Call<mv1::ConfirmRetentionCheckResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::RetentionService::NewStub(ch)->ConfirmRetentionCheck(ctx, req, resp);
          },
          [](const auto& resp) {
            const auto& k = resp.check();
            PrintKeyValues({{"spell id", k.spell_id()},
                            {"day", std::to_string(k.day_offset())},
                            {"due on", FormatProtoDate(k.due_on())},
                            {"status", EnumLabel(mv1::RetentionCheckStatus_descriptor(), k.status(),
                                                 kCheckStatusPrefix)},
                            {"confirmed on", FormatProtoDate(k.confirmed_on())}},
                           std::cout);
          });
    };
  });

  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("checks", "Retention checks due or overdue, per district");
  l->add_option("--list", ls->list, "due or overdue")
      ->required()
      ->check(CLI::IsMember({"due", "overdue"}));
  l->add_option("--district", ls->district, "The district (required unless all districts)")
      ->check(DistrictValidator());
  l->add_option("--as-of", ls->on, "As of YYYY-MM-DD (default today)")->check(DateValidator());
  l->add_option("--page-size", ls->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListRetentionChecksRequest req;
      req.set_district_code(ls->district);
      req.set_list(ls->list == "due" ? mv1::RETENTION_LIST_DUE : mv1::RETENTION_LIST_OVERDUE);
      SetDate(ls->on, req.mutable_as_of());
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListRetentionChecksResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::RetentionService::NewStub(ch)->ListRetentionChecks(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"SPELL", "DAY", "DUE", "CONFIRM BY", "STATUS", "CASE", "DISTRICT"});
            for (const auto& k : resp.checks()) {
              table.AddRow({k.spell_id(), std::to_string(k.day_offset()),
                            FormatProtoDate(k.due_on()), FormatProtoDate(k.confirm_by()),
                            EnumLabel(mv1::RetentionCheckStatus_descriptor(), k.status(),
                                      kCheckStatusPrefix),
                            k.case_id(), k.district_code()});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });

  auto ag = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("agency-checks", "A partner's own retention checks");
  a->add_option("--status", ag->status, "pending, confirmed, missed or cancelled");
  a->add_option("--page-size", ag->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  a->add_option("--page-token", ag->page_token, "From a previous page");
  a->callback([&global, action, ag] {
    *action = [&global, ag] {
      mv1::ListAgencyRetentionChecksRequest req;
      if (!ag->status.empty()) {
        req.set_status(Parse<mv1::RetentionCheckStatus>(mv1::RetentionCheckStatus_descriptor(),
                                                        kCheckStatusPrefix, ag->status));
      }
      req.set_page_size(ag->page_size);
      req.set_page_token(ag->page_token);
      return Call<mv1::ListAgencyRetentionChecksResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::RetentionService::NewStub(ch)->ListAgencyRetentionChecks(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"SPELL", "DAY", "DUE", "CONFIRM BY", "STATUS", "REFERRAL"});
            for (const auto& k : resp.checks()) {
              table.AddRow({k.spell_id(), std::to_string(k.day_offset()),
                            FormatProtoDate(k.due_on()), FormatProtoDate(k.confirm_by()),
                            EnumLabel(mv1::RetentionCheckStatus_descriptor(), k.status(),
                                      kCheckStatusPrefix),
                            OrDash(k.referral_code())});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

void PrintProgramme(const mv1::TrainingProgramme& t) {
  PrintKeyValues(
      {{"programme id", t.programme_id()},
       {"code", t.code()},
       {"name", t.name()},
       {"provider", t.provider_partner_id()},
       {"district", t.district_code()},
       {"hours", std::to_string(t.hours())},
       {"places", std::to_string(t.taken()) + " of " + std::to_string(t.places()) + " taken"},
       {"dates", FormatProtoDate(t.starts_on()) + " to " + FormatProtoDate(t.ends_on())}},
      std::cout);
}

void PrintEnrolment(const mv1::TrainingEnrolment& e) {
  PrintKeyValues({{"enrolment id", e.enrolment_id()},
                  {"code", e.enrolment_code()},
                  {"programme id", e.programme_id()},
                  {"status", EnumLabel(mv1::TrainingEnrolmentStatus_descriptor(), e.status(),
                                       kEnrolmentStatusPrefix)},
                  {"enrolled on", FormatProtoDate(e.enrolled_on())},
                  {"hours attended", std::to_string(e.hours_attended())},
                  {"completed on", e.has_completed_on() ? FormatProtoDate(e.completed_on()) : "-"},
                  {"certificate", YesNo(e.certificate_obtained())}},
                 std::cout);
}

void AddTrainingCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand("training", "Skills-training programmes and enrolments");
  cmd->require_subcommand(1);
  auto reg = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand("register", "Register a programme of a provider partner");
  r->add_option("--code", reg->code, "Programme code (A-Z 0-9 - _)")->required();
  r->add_option("--name", reg->name, "Programme name")->required();
  r->add_option("--provider", reg->partner, "The provider partner's id")
      ->required()
      ->check(UuidValidator());
  r->add_option("--district", reg->district, "Its district")
      ->required()
      ->check(DistrictValidator());
  r->add_option("--hours", reg->hours, "Hours (1-2000)")->required()->check(CLI::Range(1, 2000));
  r->add_option("--places", reg->places, "Places (1-500)")->required()->check(CLI::Range(1, 500));
  r->add_option("--starts", reg->starts_on, "First day YYYY-MM-DD")
      ->required()
      ->check(DateValidator());
  r->add_option("--ends", reg->ends_on, "Last day YYYY-MM-DD")->required()->check(DateValidator());
  AddRequestId(r, reg.get());
  r->callback([&global, action, reg] {
    *action = [&global, reg] {
      mv1::RegisterTrainingProgrammeRequest req;
      req.set_request_id(RequestId(*reg));
      req.set_code(reg->code);
      req.set_name(reg->name);
      req.set_provider_partner_id(reg->partner);
      req.set_district_code(reg->district);
      req.set_hours(reg->hours);
      req.set_places(reg->places);
      SetDate(reg->starts_on, req.mutable_starts_on());
      SetDate(reg->ends_on, req.mutable_ends_on());
      return Call<mv1::RegisterTrainingProgrammeResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::TrainingService::NewStub(ch)->RegisterTrainingProgramme(ctx, req, resp);
          },
          [](const auto& resp) { PrintProgramme(resp.programme()); });
    };
  });

  auto en = std::make_shared<Flags>();
  CLI::App* e = cmd->add_subcommand("enrol", "Enrol a case's person (never over places; 16+)");
  e->add_option("PROGRAMME_ID", en->id, "The programme id")->required()->check(UuidValidator());
  e->add_option("CASE_ID", en->case_id, "The case id")->required()->check(UuidValidator());
  e->add_option("--on", en->on, "Enrolled on YYYY-MM-DD (default today)")->check(DateValidator());
  e->add_option("--birth-date", en->birth_date, "When the case's facts leave the age open")
      ->check(DateValidator());
  AddRequestId(e, en.get());
  e->callback([&global, action, en] {
    *action = [&global, en] {
      mv1::EnrolInTrainingRequest req;
      req.set_request_id(RequestId(*en));
      req.set_programme_id(en->id);
      req.set_case_id(en->case_id);
      SetDate(en->on, req.mutable_enrolled_on());
      SetDate(en->birth_date, req.mutable_birth_date());
      return Call<mv1::EnrolInTrainingResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::TrainingService::NewStub(ch)->EnrolInTraining(ctx, req, resp);
          },
          [](const auto& resp) {
            PrintEnrolment(resp.enrolment());
            PrintProgramme(resp.programme());
          });
    };
  });

  auto at = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("attend", "Record hours attended (staff or the provider)");
  a->add_option("ENROLMENT_ID", at->id, "The enrolment id")->required()->check(UuidValidator());
  a->add_option("--hours", at->hours, "Hours (1-12)")->required()->check(CLI::Range(1, 12));
  a->add_option("--on", at->on, "On YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(a, at.get());
  a->callback([&global, action, at] {
    *action = [&global, at] {
      mv1::RecordTrainingAttendanceRequest req;
      req.set_request_id(RequestId(*at));
      req.set_enrolment_id(at->id);
      req.set_hours(at->hours);
      SetDate(at->on, req.mutable_on());
      return Call<mv1::RecordTrainingAttendanceResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::TrainingService::NewStub(ch)->RecordTrainingAttendance(ctx, req, resp);
          },
          [](const auto& resp) { PrintEnrolment(resp.enrolment()); });
    };
  });

  auto co = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("complete", "Record completion (staff or the provider)");
  c->add_option("ENROLMENT_ID", co->id, "The enrolment id")->required()->check(UuidValidator());
  c->add_flag("--certificate", co->certificate, "The certificate was obtained");
  c->add_option("--on", co->on, "Completed on YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(c, co.get());
  c->callback([&global, action, co] {
    *action = [&global, co] {
      mv1::CompleteTrainingRequest req;
      req.set_request_id(RequestId(*co));
      req.set_enrolment_id(co->id);
      req.set_certificate_obtained(co->certificate);
      SetDate(co->on, req.mutable_completed_on());
      return Call<mv1::CompleteTrainingResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::TrainingService::NewStub(ch)->CompleteTraining(ctx, req, resp);
          },
          [](const auto& resp) { PrintEnrolment(resp.enrolment()); });
    };
  });

  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Programmes with places taken");
  l->add_option("--district", ls->district, "Only this district")->check(DistrictValidator());
  l->add_option("--page-size", ls->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListTrainingProgrammesRequest req;
      req.set_district_code(ls->district);
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListTrainingProgrammesResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::TrainingService::NewStub(ch)->ListTrainingProgrammes(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"PROGRAMME", "CODE", "DISTRICT", "HOURS", "TAKEN", "PLACES", "NAME"});
            for (const auto& t : resp.programmes()) {
              table.AddRow({t.programme_id(), t.code(), t.district_code(),
                            std::to_string(t.hours()), std::to_string(t.taken()),
                            std::to_string(t.places()), t.name()});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });

  auto le = std::make_shared<Flags>();
  CLI::App* n = cmd->add_subcommand("enrolments", "A programme's enrolments");
  n->add_option("PROGRAMME_ID", le->id, "The programme id")->required()->check(UuidValidator());
  n->add_option("--page-size", le->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  n->add_option("--page-token", le->page_token, "From a previous page");
  n->callback([&global, action, le] {
    *action = [&global, le] {
      mv1::ListTrainingEnrolmentsRequest req;
      req.set_programme_id(le->id);
      req.set_page_size(le->page_size);
      req.set_page_token(le->page_token);
      return Call<mv1::ListTrainingEnrolmentsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::TrainingService::NewStub(ch)->ListTrainingEnrolments(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"ENROLMENT", "CODE", "STATUS", "HOURS", "CERTIFICATE"});
            for (const auto& e : resp.enrolments()) {
              table.AddRow({e.enrolment_id(), e.enrolment_code(),
                            EnumLabel(mv1::TrainingEnrolmentStatus_descriptor(), e.status(),
                                      kEnrolmentStatusPrefix),
                            std::to_string(e.hours_attended()), YesNo(e.certificate_obtained())});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

constexpr char kSchoolingKindPrefix[] = "SCHOOLING_ITEM_KIND_";
constexpr char kSchoolingStatusPrefix[] = "SCHOOLING_ITEM_STATUS_";
constexpr char kSchoolingStepPrefix[] = "SCHOOLING_STEP_";

void PrintSchoolingItem(const mv1::SchoolingItem& i) {
  PrintKeyValues(
      {{"item id", i.item_id()},
       {"case id", i.case_id()},
       {"district", i.district_code()},
       {"kind", EnumLabel(mv1::SchoolingItemKind_descriptor(), i.kind(), kSchoolingKindPrefix)},
       {"status",
        EnumLabel(mv1::SchoolingItemStatus_descriptor(), i.status(), kSchoolingStatusPrefix)},
       {"opened on", FormatProtoDate(i.opened_on())},
       {"due on", i.has_due_on() ? FormatProtoDate(i.due_on()) : "- (optional)"},
       {"overdue", YesNo(i.overdue())},
       {"liaisons", std::to_string(i.liaison_count())},
       {"closed on", i.has_closed_on() ? FormatProtoDate(i.closed_on()) : "-"},
       {"school", OrDash(i.school_code())}},
      std::cout);
}

void AddSchoolingCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd =
      group->add_subcommand("schooling", "Schooling support for minors (seeds 7.11.1-7.11.2)");
  cmd->require_subcommand(1);
  auto si = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand(
      "situation", "Record a minor's schooling situation (opens the items it makes due)");
  s->add_option("CASE_ID", si->case_id, "The case id")->required()->check(UuidValidator());
  s->add_flag("--completed", si->completed, "Compulsory education is completed");
  s->add_flag("--wishes-to-continue", si->wishes_to_continue, "The minor wishes to go on studying");
  s->add_option("--on", si->on, "On YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(s, si.get());
  s->callback([&global, action, si] {
    *action = [&global, si] {
      mv1::RecordSchoolingSituationRequest req;
      req.set_request_id(RequestId(*si));
      req.set_case_id(si->case_id);
      req.set_compulsory_education_completed(si->completed);
      req.set_wishes_to_continue(si->wishes_to_continue);
      SetDate(si->on, req.mutable_on());
      return Call<mv1::RecordSchoolingSituationResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::SchoolingService::NewStub(ch)->RecordSchoolingSituation(ctx, req, resp);
          },
          [](const auto& resp) {
            if (resp.items().empty()) std::cout << "no schooling item for this case\n";
            for (const auto& i : resp.items()) PrintSchoolingItem(i);
          });
    };
  });

  auto st = std::make_shared<Flags>();
  CLI::App* p = cmd->add_subcommand("step", "Record a step of support on an open item");
  p->add_option("ITEM_ID", st->id, "The item id")->required()->check(UuidValidator());
  p->add_option("--step", st->step, "LIAISON, ENROLLED (with --school) or DECLINED")
      ->required()
      ->check(CLI::IsMember(EnumLabels(mv1::SchoolingStep_descriptor(), kSchoolingStepPrefix)));
  p->add_option("--school", st->school, "The school's code (ENROLLED)");
  p->add_option("--on", st->on, "On YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(p, st.get());
  p->callback([&global, action, st] {
    *action = [&global, st] {
      mv1::RecordSchoolingSupportRequest req;
      req.set_request_id(RequestId(*st));
      req.set_item_id(st->id);
      req.set_step(Parse<mv1::SchoolingStep>(mv1::SchoolingStep_descriptor(), kSchoolingStepPrefix,
                                             st->step));
      req.set_school_code(st->school);
      SetDate(st->on, req.mutable_on());
      return Call<mv1::RecordSchoolingSupportResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::SchoolingService::NewStub(ch)->RecordSchoolingSupport(ctx, req, resp);
          },
          [](const auto& resp) { PrintSchoolingItem(resp.item()); });
    };
  });

  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Open items (or a case's items), the overdue ones");
  l->add_option("--district", ls->district, "Only this district")->check(DistrictValidator());
  l->add_option("--case", ls->case_id, "Every item of this case")->check(UuidValidator());
  l->add_flag("--overdue", ls->overdue, "Only the required items overdue");
  l->add_option("--as-of", ls->on, "As of YYYY-MM-DD (default today)")->check(DateValidator());
  l->add_option("--page-size", ls->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListSchoolingItemsRequest req;
      req.set_district_code(ls->district);
      req.set_case_id(ls->case_id);
      req.set_overdue_only(ls->overdue);
      SetDate(ls->on, req.mutable_as_of());
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListSchoolingItemsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::SchoolingService::NewStub(ch)->ListSchoolingItems(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"ITEM", "CASE", "DISTRICT", "KIND", "STATUS", "DUE", "OVERDUE"});
            for (const auto& i : resp.items()) {
              table.AddRow(
                  {i.item_id(), i.case_id(), i.district_code(),
                   EnumLabel(mv1::SchoolingItemKind_descriptor(), i.kind(), kSchoolingKindPrefix),
                   EnumLabel(mv1::SchoolingItemStatus_descriptor(), i.status(),
                             kSchoolingStatusPrefix),
                   i.has_due_on() ? FormatProtoDate(i.due_on()) : "-", YesNo(i.overdue())});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

constexpr char kResettlementStatusPrefix[] = "RESETTLEMENT_ITEM_STATUS_";

void PrintResettlementItem(const mv1::ResettlementItem& i) {
  PrintKeyValues({{"item id", i.item_id()},
                  {"case id", i.case_id()},
                  {"district", i.district_code()},
                  {"status", EnumLabel(mv1::ResettlementItemStatus_descriptor(), i.status(),
                                       kResettlementStatusPrefix)},
                  {"term ends", FormatProtoDate(i.end_date())},
                  {"raised on", FormatProtoDate(i.raised_on())},
                  {"due on", FormatProtoDate(i.due_on())},
                  {"overdue", YesNo(i.overdue())},
                  {"closed on", i.has_closed_on() ? FormatProtoDate(i.closed_on()) : "-"},
                  {"referral", OrDash(i.referral_id())},
                  {"reason", OrDash(i.reason_code())}},
                 std::cout);
}

// Resettlement referrals due as the term ends (records' discharge_approaching).
void AddResettlementCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand(
      "resettlement", "Resettlement referrals due as the term ends (discharge approaching)");
  cmd->require_subcommand(1);
  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Open items (or a case's items), the overdue ones");
  l->add_option("--district", ls->district, "Only this district")->check(DistrictValidator());
  l->add_option("--case", ls->case_id, "Every item of this case")->check(UuidValidator());
  l->add_flag("--overdue", ls->overdue, "Only the items overdue");
  l->add_option("--as-of", ls->on, "As of YYYY-MM-DD (default today)")->check(DateValidator());
  l->add_option("--page-size", ls->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListResettlementItemsRequest req;
      req.set_district_code(ls->district);
      req.set_case_id(ls->case_id);
      req.set_overdue_only(ls->overdue);
      SetDate(ls->on, req.mutable_as_of());
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListResettlementItemsResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->ListResettlementItems(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"ITEM", "CASE", "DISTRICT", "STATUS", "TERM ENDS", "DUE", "OVERDUE"});
            for (const auto& i : resp.items()) {
              table.AddRow({i.item_id(), i.case_id(), i.district_code(),
                            EnumLabel(mv1::ResettlementItemStatus_descriptor(), i.status(),
                                      kResettlementStatusPrefix),
                            FormatProtoDate(i.end_date()), FormatProtoDate(i.due_on()),
                            YesNo(i.overdue())});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });

  auto dc = std::make_shared<Flags>();
  CLI::App* d =
      cmd->add_subcommand("decline", "No resettlement referral is needed (a policy code)");
  d->add_option("ITEM_ID", dc->id, "The item id")->required()->check(UuidValidator());
  d->add_option("--reason", dc->code, "A code of employment.resettlement.decline_reasons")
      ->required();
  d->add_option("--on", dc->on, "On YYYY-MM-DD (default today)")->check(DateValidator());
  AddRequestId(d, dc.get());
  d->callback([&global, action, dc] {
    *action = [&global, dc] {
      mv1::DeclineResettlementRequest req;
      req.set_request_id(RequestId(*dc));
      req.set_item_id(dc->id);
      req.set_reason_code(dc->code);
      SetDate(dc->on, req.mutable_on());
      return Call<mv1::DeclineResettlementResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->DeclineResettlement(ctx, req, resp);
          },
          [](const auto& resp) { PrintResettlementItem(resp.item()); });
    };
  });
}

// The help items of education's plan steps (plan_approved: the steps the policy maps to
// employment work, due by their start day plus the grace days).
void AddPlanStepCommands(CLI::App* group, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = group->add_subcommand(
      "plan-steps", "Help items of the correction plan's steps (education's approved plan)");
  cmd->require_subcommand(1);
  auto ls = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("due", "Open items (or a case's items), the overdue ones");
  l->add_option("--district", ls->district, "Only this district")->check(DistrictValidator());
  l->add_option("--case", ls->case_id, "Every item of this case")->check(UuidValidator());
  l->add_flag("--overdue", ls->overdue, "Only the items overdue");
  l->add_option("--as-of", ls->on, "As of YYYY-MM-DD (default today)")->check(DateValidator());
  l->add_option("--page-size", ls->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", ls->page_token, "From a previous page");
  l->callback([&global, action, ls] {
    *action = [&global, ls] {
      mv1::ListPlanStepsDueRequest req;
      req.set_district_code(ls->district);
      req.set_case_id(ls->case_id);
      req.set_overdue_only(ls->overdue);
      SetDate(ls->on, req.mutable_as_of());
      req.set_page_size(ls->page_size);
      req.set_page_token(ls->page_token);
      return Call<mv1::ListPlanStepsDueResponse>(
          global,
          [&](auto ch, auto* ctx, auto* resp) {
            return mv1::ReferralService::NewStub(ch)->ListPlanStepsDue(ctx, req, resp);
          },
          [](const auto& resp) {
            Table table({"CASE", "DISTRICT", "VERSION", "STEP", "CODE", "ACTION", "DUE", "MET",
                         "CLOSED", "OVERDUE"});
            for (const auto& i : resp.items()) {
              table.AddRow(
                  {i.case_id(), i.district_code(), std::to_string(i.plan_version()), i.step_id(),
                   i.step_code(),
                   EnumLabel(mv1::PlanStepAction_descriptor(), i.action(), "PLAN_STEP_ACTION_"),
                   FormatProtoDate(i.due_on()), i.has_met_on() ? FormatProtoDate(i.met_on()) : "-",
                   YesNo(i.closed()), YesNo(i.overdue())});
            }
            table.Print(std::cout);
            PrintNextPage(resp.next_page_token());
          });
    };
  });
}

}  // namespace

void AddEmploymentCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* group = app.add_subcommand(
      "employment",
      "Employment: partners, referrals, halfway houses, spells, training, schooling, needs, "
      "openings, contracts, welfare, volunteers, resettlement, plan steps, the partner API");
  group->require_subcommand(1);
  group->fallthrough();
  AddPartnerCommands(group, global, action);
  AddReferralCommands(group, global, action);
  AddAgencyCommands(group, global, action);
  AddHouseCommands(group, global, action);
  AddSpellCommands(group, global, action);
  AddTrainingCommands(group, global, action);
  AddSchoolingCommands(group, global, action);
  AddEmploymentNeedsCommands(group, global, action);  // needs, opening
  AddEmploymentSupportCommands(group, global, action);
  AddResettlementCommands(group, global, action);
  AddPlanStepCommands(group, global, action);
}

}  // namespace ccms::ctl
