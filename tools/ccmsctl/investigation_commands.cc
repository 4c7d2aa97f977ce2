#include "tools/ccmsctl/investigation_commands.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ccms/records/v1/intake_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::IntakeService;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Flag spellings of the enums (COMMISSIONING_BODY_KIND_PUBLIC_SECURITY -> public-security).
EnumFlag BodyKinds() {
  return EnumFlag(v1::CommissioningBodyKind_descriptor(), "COMMISSIONING_BODY_KIND_");
}
EnumFlag Statuses() {
  return EnumFlag(v1::InvestigationStatus_descriptor(), "INVESTIGATION_STATUS_");
}
EnumFlag Conclusions() {
  return EnumFlag(v1::InvestigationConclusion_descriptor(), "INVESTIGATION_CONCLUSION_");
}
EnumFlag SentenceKinds() {
  return EnumFlag(common::v1::SentenceKind_descriptor(), "SENTENCE_KIND_");
}

std::string RequestId(const std::string& flag) { return flag.empty() ? NewRequestId() : flag; }

void PrintInvestigation(const v1::Investigation& i) {
  PrintKeyValues(
      {{"investigation id", i.investigation_id()},
       {"district", i.district_code()},
       {"office", OrDash(i.office_id())},
       {"commissioned by", absl::StrCat(BodyKinds().LabelOrDash(i.commissioning_body_kind()), " ",
                                        i.commissioning_body_name())},
       {"person", absl::StrCat(i.person_name(), " (", i.id_number_masked(), ")")},
       {"proposed sentence", SentenceKinds().LabelOrDash(i.proposed_sentence_kind())},
       {"fast-track", YesNo(i.fast_track())},
       {"commissioned on", FormatProtoDate(i.commissioned_on())},
       {"due on", FormatProtoDate(i.due_on())},
       {"rule", i.rule()},
       {"status", Statuses().LabelOrDash(i.status())},
       {"conclusion", Conclusions().LabelOrDash(i.conclusion())},
       {"reasons", OrDash(i.reasons())},
       {"closed on", FormatProtoDate(i.closed_on())},
       {"concluded late", YesNo(i.concluded_late())},
       {"policy version", i.policy_version()}},
      std::cout);
}

// ---- investigation ... ----

struct CommissionFlags {
  std::string district, office, body_kind, body_name, name, id_number, sentence_kind, on,
      request_id;
  bool fast_track = false;
};
struct CloseFlags {
  std::string id, conclusion, text, on, request_id;
};
struct GetFlags {
  std::string id;
};
struct ListFlags {
  std::string district, status, as_of, page_token;
  bool overdue = false, all = false;
  int page_size = 0;
};

int RunCommission(const GlobalOptions& global, const CommissionFlags& f) {
  v1::CommissionInvestigationRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_district_code(f.district);
  request.set_office_id(f.office);
  request.set_commissioning_body_kind(
      static_cast<v1::CommissioningBodyKind>(BodyKinds().Parse(f.body_kind)));
  request.set_commissioning_body_name(f.body_name);
  request.set_person_name(f.name);
  request.set_id_number(f.id_number);
  request.set_proposed_sentence_kind(
      static_cast<common::v1::SentenceKind>(SentenceKinds().Parse(f.sentence_kind)));
  request.set_fast_track(f.fast_track);
  if (!f.on.empty()) *request.mutable_commissioned_on() = ProtoDate(f.on);
  v1::CommissionInvestigationResponse response;
  if (int rc = Call(global, &IntakeService::Stub::CommissionInvestigation, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintInvestigation(response.investigation()); });
}

int RunConclude(const GlobalOptions& global, const CloseFlags& f) {
  v1::RecordInvestigationConclusionRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_investigation_id(f.id);
  request.set_conclusion(
      static_cast<v1::InvestigationConclusion>(Conclusions().Parse(f.conclusion)));
  request.set_reasons(f.text);
  if (!f.on.empty()) *request.mutable_concluded_on() = ProtoDate(f.on);
  v1::RecordInvestigationConclusionResponse response;
  if (int rc =
          Call(global, &IntakeService::Stub::RecordInvestigationConclusion, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintInvestigation(response.investigation()); });
}

int RunWithdraw(const GlobalOptions& global, const CloseFlags& f) {
  v1::WithdrawInvestigationRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_investigation_id(f.id);
  request.set_reason(f.text);
  if (!f.on.empty()) *request.mutable_withdrawn_on() = ProtoDate(f.on);
  v1::WithdrawInvestigationResponse response;
  if (int rc = Call(global, &IntakeService::Stub::WithdrawInvestigation, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintInvestigation(response.investigation()); });
}

int RunGet(const GlobalOptions& global, const GetFlags& f) {
  v1::GetInvestigationRequest request;
  request.set_investigation_id(f.id);
  v1::GetInvestigationResponse response;
  if (int rc = Call(global, &IntakeService::Stub::GetInvestigation, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintInvestigation(response.investigation()); });
}

int RunList(const GlobalOptions& global, const ListFlags& f) {
  v1::ListInvestigationsRequest request;
  request.set_district_code(f.district);
  request.set_status(static_cast<v1::InvestigationStatus>(Statuses().Parse(f.status)));
  request.set_overdue_only(f.overdue);
  if (!f.as_of.empty()) *request.mutable_as_of() = ProtoDate(f.as_of);
  request.set_page_size(f.page_size);
  request.set_page_token(f.page_token);
  v1::ListInvestigationsResponse all;
  while (true) {
    v1::ListInvestigationsResponse page;
    if (int rc = Call(global, &IntakeService::Stub::ListInvestigations, request, &page);
        rc != kExitOk) {
      return rc;
    }
    all.MergeFrom(page);
    all.set_next_page_token(page.next_page_token());
    if (!f.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return PrintResponse(global, all, [&] {
    Table table({"INVESTIGATION", "DISTRICT", "PERSON", "COMMISSIONED", "DUE", "FAST", "STATUS",
                 "LATE (CAL/WORK DAYS)"});
    for (const auto& i : all.investigations()) {
      table.AddRow({i.investigation_id(), i.district_code(), i.person_name(),
                    FormatProtoDate(i.commissioned_on()), FormatProtoDate(i.due_on()),
                    YesNo(i.fast_track()), Statuses().LabelOrDash(i.status()),
                    f.overdue
                        ? absl::StrCat(i.calendar_days_overdue(), "/", i.working_days_overdue())
                        : "-"});
    }
    if (table.empty()) {
      std::cout << "no investigations\n";
    } else {
      table.Print(std::cout);
    }
    std::cout << "policy " << all.policy_version() << "\n";
    if (!all.next_page_token().empty()) {
      std::cerr << "more investigations: --page-token " << all.next_page_token() << " (or --all)\n";
    }
  });
}

// ---- case handover | announce | team | intake-file ----

struct HandoverFlags {
  std::string case_id, notified_on, documents_on, request_id;
};
struct AnnounceFlags {
  std::string case_id, on, request_id;
  std::vector<std::string> staff;
};
struct TeamFlags {
  std::string case_id, officer, social_worker, family_name, family_phone, on, request_id;
  std::vector<std::string> volunteers;
};
struct IntakeFileFlags {
  std::string case_id;
};

KeyValues HandoverRows(const v1::Handover& h) {
  return {{"notified on", FormatProtoDate(h.notified_on())},
          {"notice due", FormatProtoDate(h.notice_due())},
          {"notice late", YesNo(h.notice_late())},
          {"documents received on", FormatProtoDate(h.documents_received_on())},
          {"documents due", FormatProtoDate(h.documents_due())},
          {"documents late", YesNo(h.documents_late())},
          {"policy version", h.policy_version()}};
}
KeyValues TeamRows(const v1::SupervisionTeam& t) {
  return {{"team id", t.team_id()},
          {"officer", t.officer_id()},
          {"social worker", OrDash(t.social_worker_id())},
          {"volunteers", OrDash(absl::StrJoin(t.volunteer_ids(), ", "))},
          {"family contact",
           t.family_contact().name().empty()
               ? "-"
               : absl::StrCat(t.family_contact().name(), " ", t.family_contact().phone())},
          {"effective on", FormatProtoDate(t.effective_on())}};
}

int RunHandover(const GlobalOptions& global, const HandoverFlags& f) {
  v1::RecordHandoverNotificationRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_case_id(f.case_id);
  if (!f.notified_on.empty()) *request.mutable_notified_on() = ProtoDate(f.notified_on);
  if (!f.documents_on.empty()) *request.mutable_documents_received_on() = ProtoDate(f.documents_on);
  v1::RecordHandoverNotificationResponse response;
  if (int rc = Call(global, &IntakeService::Stub::RecordHandoverNotification, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response,
                       [&] { PrintKeyValues(HandoverRows(response.handover()), std::cout); });
}

int RunAnnounce(const GlobalOptions& global, const AnnounceFlags& f) {
  v1::RecordIntakeAnnouncementRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_case_id(f.case_id);
  if (!f.on.empty()) *request.mutable_announced_on() = ProtoDate(f.on);
  for (const auto& id : f.staff) request.add_present_staff_ids(id);
  v1::RecordIntakeAnnouncementResponse response;
  if (int rc = Call(global, &IntakeService::Stub::RecordIntakeAnnouncement, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"announcement id", response.announcement().announcement_id()},
                    {"announced on", FormatProtoDate(response.announcement().announced_on())}},
                   std::cout);
  });
}

int RunTeam(const GlobalOptions& global, const TeamFlags& f) {
  v1::SetSupervisionTeamRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_case_id(f.case_id);
  request.set_officer_id(f.officer);
  request.set_social_worker_id(f.social_worker);
  for (const auto& id : f.volunteers) request.add_volunteer_ids(id);
  request.mutable_family_contact()->set_name(f.family_name);
  request.mutable_family_contact()->set_phone(f.family_phone);
  if (!f.on.empty()) *request.mutable_effective_on() = ProtoDate(f.on);
  v1::SetSupervisionTeamResponse response;
  if (int rc = Call(global, &IntakeService::Stub::SetSupervisionTeam, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response,
                       [&] { PrintKeyValues(TeamRows(response.team()), std::cout); });
}

int RunIntakeFile(const GlobalOptions& global, const IntakeFileFlags& f) {
  v1::GetHandoverAndIntakeRequest request;
  request.set_case_id(f.case_id);
  v1::GetHandoverAndIntakeResponse response;
  if (int rc = Call(global, &IntakeService::Stub::GetHandoverAndIntake, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    KeyValues rows;
    if (response.has_handover())
      rows = HandoverRows(response.handover());
    else
      rows.emplace_back("handover", "not recorded");
    if (response.has_announcement()) {
      rows.emplace_back("announced on", FormatProtoDate(response.announcement().announced_on()));
      rows.emplace_back("present staff",
                        absl::StrJoin(response.announcement().present_staff_ids(), ", "));
    } else {
      rows.emplace_back("announcement", "not recorded");
    }
    if (response.has_team()) {
      for (auto& row : TeamRows(response.team())) rows.push_back(std::move(row));
    } else {
      rows.emplace_back("supervision team", "not set");
    }
    PrintKeyValues(rows, std::cout);
  });
}

// ---- Registration ----

void AddDate(CLI::App* cmd, const std::string& name, std::string* value, const std::string& what) {
  cmd->add_option(name, *value, what + "; default: today in Asia/Shanghai")->check(DateValidator());
}

void AddInvestigationId(CLI::App* cmd, std::string* id) {
  cmd->add_option("INVESTIGATION_ID", *id, "The investigation id (a UUID)")
      ->required()
      ->check(UuidValidator());
}

// ---- case exit-restriction ----

struct ExitRestrictionFlags {
  std::string case_id, action, on, authority, document, request_id;
};

int RunExitRestriction(const GlobalOptions& global, const ExitRestrictionFlags& f) {
  v1::RecordExitRestrictionRequest request;
  request.set_request_id(RequestId(f.request_id));
  request.set_case_id(f.case_id);
  request.set_action(f.action == "lifted" ? v1::EXIT_RESTRICTION_ACTION_LIFTED
                                          : v1::EXIT_RESTRICTION_ACTION_FILED);
  if (!f.on.empty()) *request.mutable_done_on() = ProtoDate(f.on);
  request.set_authority(f.authority);
  request.set_document_number(f.document);
  v1::RecordExitRestrictionResponse response;
  if (int rc = Call(global, &IntakeService::Stub::RecordExitRestriction, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"filing id", response.filing_id()},
                    {"action", f.action},
                    {"done on", FormatProtoDate(response.done_on())},
                    {"due", FormatProtoDate(response.due())},
                    {"late", YesNo(response.late())},
                    {"policy version", response.policy_version()}},
                   std::cout);
  });
}

}  // namespace

void AddInvestigationCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* inv = app.add_subcommand("investigation", "Pre-sentence investigations (调查评估)");
  inv->require_subcommand(1);
  {
    auto f = std::make_shared<CommissionFlags>();
    CLI::App* cmd = inv->add_subcommand(
        "commission", "Record a commissioned investigation; shows its due date and rule");
    cmd->add_option("--district", f->district, "District code")
        ->required()
        ->check(DistrictValidator());
    cmd->add_option("--office", f->office, "Office doing the investigation");
    cmd->add_option("--body-kind", f->body_kind, "Who commissioned it")
        ->required()
        ->check(CLI::IsMember(BodyKinds().Labels()));
    cmd->add_option("--body-name", f->body_name, "Name of the commissioning body")->required();
    cmd->add_option("--name", f->name, "The person's name")->required();
    cmd->add_option("--id-number", f->id_number, "The person's identity number")->required();
    cmd->add_option("--sentence-kind", f->sentence_kind, "Proposed sentence")
        ->required()
        ->check(CLI::IsMember(SentenceKinds().Labels()));
    cmd->add_flag("--fast-track", f->fast_track, "Fast-track case (速裁)");
    AddDate(cmd, "--on", &f->on, "Day the commission was received");
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunCommission);
  }
  {
    auto f = std::make_shared<CloseFlags>();
    CLI::App* cmd = inv->add_subcommand("conclude", "Record the conclusion of an investigation");
    AddInvestigationId(cmd, &f->id);
    cmd->add_option("--conclusion", f->conclusion, "The conclusion")
        ->required()
        ->check(CLI::IsMember(Conclusions().Labels()));
    cmd->add_option("--reasons", f->text, "Reasons (kept in the file, never on the bus)")
        ->required();
    AddDate(cmd, "--on", &f->on, "Day of the conclusion");
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunConclude);
  }
  {
    auto f = std::make_shared<CloseFlags>();
    CLI::App* cmd = inv->add_subcommand("withdraw", "Record that the commission was withdrawn");
    AddInvestigationId(cmd, &f->id);
    cmd->add_option("--reason", f->text, "Reason (kept in the file, never on the bus)");
    AddDate(cmd, "--on", &f->on, "Day of the withdrawal");
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunWithdraw);
  }
  {
    auto f = std::make_shared<GetFlags>();
    CLI::App* cmd = inv->add_subcommand("get", "Show an investigation");
    AddInvestigationId(cmd, &f->id);
    SetAction(cmd, global, action, f, RunGet);
  }
  {
    auto f = std::make_shared<ListFlags>();
    CLI::App* cmd = inv->add_subcommand("list", "List investigations, or the overdue ones");
    cmd->add_option("--district", f->district, "Only this district")->check(DistrictValidator());
    cmd->add_option("--status", f->status, "Only this status")
        ->check(CLI::IsMember(Statuses().Labels()));
    cmd->add_flag("--overdue", f->overdue, "Only those open and past their due date");
    cmd->add_option("--as-of", f->as_of, "With --overdue: overdue on this day (default today)")
        ->check(DateValidator());
    cmd->add_option("--page-size", f->page_size, "Investigations per page (server default 50)")
        ->check(CLI::Range(1, 500));
    cmd->add_option("--page-token", f->page_token, "Continue from a previous page");
    cmd->add_flag("--all", f->all, "Follow next_page_token until the last page");
    SetAction(cmd, global, action, f, RunList);
  }

  CLI::App* cases = app.get_subcommand("case");
  {
    auto f = std::make_shared<HandoverFlags>();
    CLI::App* cmd = cases->add_subcommand(
        "handover", "Record the deciding body's notification and documents (Law art. 20)");
    AddCaseId(cmd, &f->case_id);
    AddDate(cmd, "--notified-on", &f->notified_on, "Day the notification was received");
    cmd->add_option("--documents-on", f->documents_on, "Day the documents were received")
        ->check(DateValidator());
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunHandover);
  }
  {
    auto f = std::make_shared<AnnounceFlags>();
    CLI::App* cmd = cases->add_subcommand("announce", "Record the intake announcement (入矫宣告)");
    AddCaseId(cmd, &f->case_id);
    cmd->add_option("--staff", f->staff, "Id of a member of staff present (repeat)")
        ->required()
        ->allow_extra_args(false);
    AddDate(cmd, "--on", &f->on, "Day of the announcement");
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunAnnounce);
  }
  {
    auto f = std::make_shared<TeamFlags>();
    CLI::App* cmd = cases->add_subcommand(
        "team", "Set the supervision team (矫正小组), replacing the current one");
    AddCaseId(cmd, &f->case_id);
    cmd->add_option("--officer", f->officer, "Officer id")->required();
    cmd->add_option("--social-worker", f->social_worker, "Social worker id");
    cmd->add_option("--volunteer", f->volunteers, "Volunteer id (repeat)")->allow_extra_args(false);
    CLI::Option* name = cmd->add_option("--family-name", f->family_name, "Family contact's name");
    CLI::Option* phone =
        cmd->add_option("--family-phone", f->family_phone, "Family contact's phone");
    name->needs(phone);
    phone->needs(name);
    AddDate(cmd, "--on", &f->on, "Day the team takes over");
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunTeam);
  }
  {
    auto f = std::make_shared<IntakeFileFlags>();
    CLI::App* cmd = cases->add_subcommand(
        "intake-file", "Show the handover, the intake announcement and the supervision team");
    AddCaseId(cmd, &f->case_id);
    SetAction(cmd, global, action, f, RunIntakeFile);
  }
  {
    auto f = std::make_shared<ExitRestrictionFlags>();
    CLI::App* cmd = cases->add_subcommand(
        "exit-restriction",
        "Record the exit-restriction filing (限制出境报备) at intake or its lifting at the end");
    AddCaseId(cmd, &f->case_id);
    cmd->add_option("--action", f->action, "filed (at intake) or lifted (at the end)")
        ->required()
        ->check(CLI::IsMember({"filed", "lifted"}));
    cmd->add_option("--authority", f->authority, "The exit-and-entry authority")->required();
    cmd->add_option("--document", f->document, "The filing's reference number");
    AddDate(cmd, "--on", &f->on, "Day it was done");
    AddRequestId(cmd, &f->request_id);
    SetAction(cmd, global, action, f, RunExitRestriction);
  }
}

}  // namespace ccms::ctl
