#include "tools/ccmsctl/activity_commands.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/records/v1/audit_service.grpc.pb.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/records/v1/sanction_service.grpc.pb.h"
#include "ccms/records/v1/supervision_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::AuditService;
using ::ccms::records::v1::CaseService;
using ::ccms::records::v1::SanctionService;
using ::ccms::records::v1::SupervisionService;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

// The check-in kinds go by their channel: CONTACT_KIND_CHECK_IN_PHONE -> phone.
EnumFlag ContactKinds() {
  return EnumFlag(v1::ContactKind_descriptor(), "CONTACT_KIND_", "check_in_");
}
EnumFlag ViolationKinds() { return EnumFlag(v1::ViolationKind_descriptor(), "VIOLATION_KIND_"); }
EnumFlag SanctionKinds() { return EnumFlag(v1::SanctionKind_descriptor(), "SANCTION_KIND_"); }
EnumFlag Grounds() { return EnumFlag(v1::RevocationGround_descriptor(), "REVOCATION_GROUND_"); }
EnumFlag Requirements() {
  return EnumFlag(v1::ContactRequirement_descriptor(), "CONTACT_REQUIREMENT_");
}
EnumFlag Levels() {
  return EnumFlag(common::v1::SupervisionLevel_descriptor(), "SUPERVISION_LEVEL_");
}
EnumFlag OverdueKinds() { return EnumFlag(v1::OverdueKind_descriptor(), "OVERDUE_KIND_"); }
EnumFlag Severities() { return EnumFlag(v1::BreachSeverity_descriptor(), "BREACH_SEVERITY_"); }

// --from / --to of `audit`: an RFC 3339 instant, or a date YYYY-MM-DD, which
// means the start of that day in Asia/Shanghai, or with `end_of_day` the start
// of the next day (so `--to` includes the day).
std::optional<absl::Time> ParseInstant(const std::string& text, bool end_of_day) {
  if (std::optional<absl::CivilDay> day = time::ParseDate(text)) {
    return absl::FromCivil(end_of_day ? *day + 1 : *day, time::ShanghaiTimeZone());
  }
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  return std::nullopt;
}

CLI::Validator InstantValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (ParseInstant(value, /*end_of_day=*/false).has_value()) return "";
        return "must be an RFC 3339 time (2026-11-19T09:30:00+08:00) or a date YYYY-MM-DD, got '" +
               value + "'";
      },
      "RFC3339|YYYY-MM-DD");
}

// The sanction status block, after `rows`.
void PrintSanctionStatus(const v1::SanctionStatus& s, KeyValues rows) {
  std::vector<std::string> grounds;
  for (int ground : s.grounds_met()) grounds.push_back(Grounds().Label(ground));
  rows.insert(
      rows.end(),
      {
          {"uncorrected admonitions", std::to_string(s.uncorrected_admonitions())},
          {"uncorrected warnings", std::to_string(s.uncorrected_warnings())},
          {"public-security referrals", std::to_string(s.public_security_referrals())},
          {"revocation requested", YesNo(s.revocation_requested())},
          {"revocation grounds met", grounds.empty() ? "none" : absl::StrJoin(grounds, ", ")},
          {"longest lost contact", absl::StrCat(s.longest_lost_contact_days(), " days")},
          {"counted device outages",
           absl::StrCat(s.device_outages().counted_outages(), " (",
                        s.device_outages().outages_for_warning(), " make a warning ground)")},
      });
  for (const std::string& line : s.explanations()) rows.emplace_back("explanation", line);
  for (const auto& g : s.grounds()) {
    rows.emplace_back(g.met() ? "ground met" : "ground", g.explanation());
  }
  rows.emplace_back("next step", OrDash(s.next_step()));
  rows.emplace_back("policy version", OrDash(s.policy_version()));
  PrintKeyValues(rows, std::cout);
}

// ---- Flags ----

struct ContactFlags {
  std::string case_id;
  std::string kind;
  std::string on;
  std::string notes;
  std::string notes_file;
  std::string request_id;
};

struct LostFlags {
  std::string case_id;
  std::string since;
  std::string request_id;
};

struct FoundFlags {
  std::string case_id;
  std::string on;
  std::string request_id;
  std::string liability_reason;
};

EnumFlag LostContactReasons() {
  return EnumFlag(v1::LostContactReason_descriptor(), "LOST_CONTACT_REASON_");
}

struct ViolationFlags {
  std::string case_id;
  std::string kind;
  std::string severity;
  std::string on;
  std::string facts;
  std::string facts_file;
  std::string request_id;
};

struct ReoffenceFlags {
  std::string case_id, reported_by, reported_on, occurred_on, category, request_id;
  bool detained = false;
};

struct SanctionFlags {
  std::string case_id;
  std::string kind;
  std::vector<std::string> grounds;
  std::vector<std::string> violation_ids;
  std::string on;
  std::string reason;
  std::string request_id;
};

struct CorrectFlags {
  std::string case_id;
  std::string sanction_id;
  std::string on;
  std::string request_id;
};

struct CommendFlags {
  std::string case_id;
  std::string on;
  std::string reason;
  std::string request_id;
};

struct SanctionsFlags {
  std::string case_id;
};

struct TimelineFlags {
  std::string case_id;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

struct OverdueFlags {
  std::string district;
  std::string kind;
  std::string as_of;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

struct AuditFlags {
  std::string case_id;
  std::string investigation_id;
  std::string actor;
  std::string from;
  std::string to;
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

// ---- Runs ----

int RunContact(const GlobalOptions& global, const ContactFlags& flags) {
  absl::StatusOr<std::string> notes = TextOrFile(flags.notes, flags.notes_file);
  if (!notes.ok()) return ReportLocalError(notes.status());
  v1::RecordContactRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_kind(static_cast<v1::ContactKind>(ContactKinds().Parse(flags.kind)));
  if (!flags.on.empty()) *request.mutable_occurred_on() = ProtoDate(flags.on);
  request.set_notes(*notes);
  v1::RecordContactResponse response;
  if (int rc = Call(global, &SupervisionService::Stub::RecordContact, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"contact id", response.contact_id()}}, std::cout);
    if (response.next_due().empty()) {
      std::cout << "no contact due\n";
      return;
    }
    std::cout << "\n";
    Table table({"REQUIREMENT", "DUE", "LEVEL", "DAYS OVERDUE", "RULE"});
    for (const v1::DueContact& due : response.next_due()) {
      table.AddRow({Requirements().LabelOrDash(due.requirement()), FormatProtoDate(due.due()),
                    Levels().LabelOrDash(due.level()), std::to_string(due.days_overdue()),
                    due.rule()});
    }
    table.Print(std::cout);
  });
}

int RunLost(const GlobalOptions& global, const LostFlags& flags) {
  v1::MarkLostContactRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  *request.mutable_since() = ProtoDate(flags.since);
  v1::MarkLostContactResponse response;
  if (int rc = Call(global, &SupervisionService::Stub::MarkLostContact, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"lost-contact period id", response.period_id()}, {"since", flags.since}},
                   std::cout);
  });
}

int RunFound(const GlobalOptions& global, const FoundFlags& flags) {
  v1::MarkFoundAgainRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  if (!flags.on.empty()) *request.mutable_found_on() = ProtoDate(flags.on);
  // staff-* reasons are the ones where staff were responsible (责任性脱管).
  request.mutable_liability()->set_reason(
      static_cast<v1::LostContactReason>(LostContactReasons().Parse(flags.liability_reason)));
  request.mutable_liability()->set_staff_responsible(flags.liability_reason.starts_with("staff-"));
  v1::MarkFoundAgainResponse response;
  if (int rc = Call(global, &SupervisionService::Stub::MarkFoundAgain, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"days lost", std::to_string(response.days_lost())},
                    {"assessment", OrDash(response.assessment())}},
                   std::cout);
  });
}

int RunViolation(const GlobalOptions& global, const ViolationFlags& flags) {
  absl::StatusOr<std::string> facts = TextOrFile(flags.facts, flags.facts_file);
  if (!facts.ok()) return ReportLocalError(facts.status());
  v1::RecordViolationRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_kind(static_cast<v1::ViolationKind>(ViolationKinds().Parse(flags.kind)));
  if (!flags.on.empty()) *request.mutable_occurred_on() = ProtoDate(flags.on);
  request.set_facts(*facts);
  if (!flags.severity.empty()) {
    request.set_severity(static_cast<v1::BreachSeverity>(Severities().Parse(flags.severity)));
  }
  v1::RecordViolationResponse response;
  if (int rc = Call(global, &SanctionService::Stub::RecordViolation, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"violation id", response.violation_id()}}, std::cout);
  });
}

int RunReoffence(const GlobalOptions& global, const ReoffenceFlags& flags) {
  v1::RecordReoffenceRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_reported_by(flags.reported_by);
  if (!flags.reported_on.empty()) *request.mutable_reported_on() = ProtoDate(flags.reported_on);
  *request.mutable_occurred_on() = ProtoDate(flags.occurred_on);
  request.set_offence_category(flags.category);
  request.set_detained(flags.detained);
  v1::RecordReoffenceResponse response;
  if (int rc = Call(global, &SanctionService::Stub::RecordReoffence, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintSanctionStatus(response.status(), {{"reoffence id", response.reoffence_id()}});
  });
}

int RunSanction(const GlobalOptions& global, const SanctionFlags& flags) {
  v1::IssueSanctionRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_kind(static_cast<v1::SanctionKind>(SanctionKinds().Parse(flags.kind)));
  if (!flags.on.empty()) *request.mutable_issued_on() = ProtoDate(flags.on);
  for (const std::string& id : flags.violation_ids) request.add_violation_ids(id);
  for (const std::string& ground : flags.grounds) {
    request.add_grounds(static_cast<v1::RevocationGround>(Grounds().Parse(ground)));
  }
  request.set_reason(flags.reason);
  v1::IssueSanctionResponse response;
  if (int rc = Call(global, &SanctionService::Stub::IssueSanction, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintSanctionStatus(response.status(), {{"sanction id", response.sanction_id()}});
  });
}

int RunCorrect(const GlobalOptions& global, const CorrectFlags& flags) {
  v1::MarkSanctionCorrectedRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_sanction_id(flags.sanction_id);
  if (!flags.on.empty()) *request.mutable_corrected_on() = ProtoDate(flags.on);
  v1::MarkSanctionCorrectedResponse response;
  if (int rc = Call(global, &SanctionService::Stub::MarkSanctionCorrected, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintSanctionStatus(response.status(), {{"corrected sanction", flags.sanction_id}});
  });
}

int RunCommend(const GlobalOptions& global, const CommendFlags& flags) {
  v1::RecordCommendationRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  if (!flags.on.empty()) *request.mutable_recorded_on() = ProtoDate(flags.on);
  request.set_reason(flags.reason);
  v1::RecordCommendationResponse response;
  if (int rc = Call(global, &SanctionService::Stub::RecordCommendation, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"commendation id", response.commendation_id()}}, std::cout);
  });
}

int RunSanctions(const GlobalOptions& global, const SanctionsFlags& flags) {
  v1::GetSanctionStatusRequest request;
  request.set_case_id(flags.case_id);
  v1::GetSanctionStatusResponse response;
  if (int rc = Call(global, &SanctionService::Stub::GetSanctionStatus, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintSanctionStatus(response.status(), {}); });
}

int RunTimeline(const GlobalOptions& global, const TimelineFlags& flags) {
  v1::GetCaseTimelineRequest request;
  request.set_case_id(flags.case_id);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::GetCaseTimelineResponse all;
  if (int rc = FetchPages(global, &CaseService::Stub::GetCaseTimeline, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.entries().empty()) {
      std::cout << "no activity\n";
    } else {
      Table table({"DATE", "KIND", "SUMMARY", "RECORDED BY"});
      for (const v1::TimelineEntry& e : all.entries()) {
        table.AddRow({FormatProtoDate(e.on()), e.kind(), e.summary(), OrDash(e.recorded_by())});
      }
      table.Print(std::cout);
    }
    HintNextPage("entries", all.next_page_token());
  });
}

int RunOverdue(const GlobalOptions& global, const OverdueFlags& flags) {
  v1::ListOverdueRequest request;
  request.set_district_code(flags.district);
  if (!flags.kind.empty()) {
    request.set_kind(static_cast<v1::OverdueKind>(OverdueKinds().Parse(flags.kind)));
  }
  if (!flags.as_of.empty()) *request.mutable_as_of() = ProtoDate(flags.as_of);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListOverdueResponse all;
  if (int rc = FetchPages(global, &SupervisionService::Stub::ListOverdue, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.items().empty()) {
      std::cout << "nothing overdue\n";
    } else {
      Table table({"CASE NUMBER", "DISTRICT", "OFFICE", "KIND", "REQUIREMENT", "DUE",
                   "DAYS OVERDUE", "RULE"});
      for (const v1::OverdueItem& item : all.items()) {
        table.AddRow({item.case_number(), item.district_code(), OrDash(item.office_id()),
                      OverdueKinds().LabelOrDash(item.kind()),
                      Requirements().LabelOrDash(item.requirement()), FormatProtoDate(item.due()),
                      std::to_string(item.days_overdue()), item.rule()});
      }
      table.Print(std::cout);
    }
    if (!all.policy_version().empty()) {
      PrintKeyValues({{"policy version", all.policy_version()}}, std::cout);
    }
    HintNextPage("cases", all.next_page_token());
  });
}

int RunAudit(const GlobalOptions& global, const AuditFlags& flags) {
  v1::ListAuditEntriesRequest request;
  request.set_case_id(flags.case_id);
  request.set_investigation_id(flags.investigation_id);
  request.set_actor(flags.actor);
  // The flags' InstantValidator guarantees these parse.
  if (!flags.from.empty()) {
    *request.mutable_from() =
        grpc_util::ToProtoTimestamp(*ParseInstant(flags.from, /*end_of_day=*/false));
  }
  if (!flags.to.empty()) {
    *request.mutable_to() =
        grpc_util::ToProtoTimestamp(*ParseInstant(flags.to, /*end_of_day=*/true));
  }
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListAuditEntriesResponse all;
  if (int rc = FetchPages(global, &AuditService::Stub::ListAuditEntries, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.entries().empty()) {
      std::cout << "no audit entries\n";
    } else {
      Table table({"TIME", "ACTOR", "ROLE", "ACTION", "CASE", "RESULT", "REQUEST ID"});
      for (const v1::AuditEntry& e : all.entries()) {
        table.AddRow({FormatTimestamp(e.at()), e.actor(), e.actor_role(), e.action(),
                      e.case_id().empty() && !e.investigation_id().empty()
                          ? "investigation " + e.investigation_id()
                          : OrDash(e.case_id()),
                      e.result(), OrDash(e.request_id())});
      }
      table.Print(std::cout);
    }
    HintNextPage("entries", all.next_page_token());
  });
}

// ---- Registration ----

void AddContact(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<ContactFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "contact", "Record a supervision contact (check-in, visit, self-report); shows what is due");
  AddCaseId(cmd, &flags->case_id);
  cmd->add_option("--kind", flags->kind, "How the contact was made")
      ->required()
      ->check(CLI::IsMember(ContactKinds().Labels()));
  AddOn(cmd, &flags->on, "Day of the contact (not in the future)");
  AddTextOrFile(cmd, "notes", &flags->notes, &flags->notes_file,
                "Notes kept in the case file (never on the event bus)");
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunContact);
}

void AddLost(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<LostFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "lost", "Mark the person lost to supervision (脱管) since a day; `case found` ends it");
  AddCaseId(cmd, &flags->case_id);
  cmd->add_option("--since", flags->since, "First day the person could not be reached")
      ->required()
      ->check(DateValidator());
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunLost);
}

void AddFound(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<FoundFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "found", "End the lost-contact period; shows the days lost and what the ladder makes of it");
  AddCaseId(cmd, &flags->case_id);
  AddOn(cmd, &flags->on, "Day the person was found again");
  cmd->add_option("--liability-reason", flags->liability_reason,
                  "Why contact was lost; staff-* reasons record that staff were responsible "
                  "(责任性脱管)")
      ->required()
      ->check(CLI::IsMember(LostContactReasons().Labels()));
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunFound);
}

void AddViolation(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<ViolationFlags>();
  CLI::App* cmd = parent.add_subcommand("violation", "Record a violation against the case");
  AddCaseId(cmd, &flags->case_id);
  cmd->add_option("--kind", flags->kind, "Kind of violation")
      ->required()
      ->check(CLI::IsMember(ViolationKinds().Labels()));
  cmd->add_option("--severity", flags->severity,
                  "A prohibition-order breach's severity (required for one): minor is a warning "
                  "ground, serious a revocation ground")
      ->check(CLI::IsMember(Severities().Labels()));
  AddOn(cmd, &flags->on, "Day of the violation");
  AddTextOrFile(cmd, "facts", &flags->facts, &flags->facts_file,
                "The facts, kept in the case file (never on the event bus)");
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunViolation);
}

void AddReoffence(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<ReoffenceFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "reoffence",
      "A new offence during the term (重新违法犯罪) reported by public security: a revocation "
      "ground");
  AddCaseId(cmd, &flags->case_id);
  cmd->add_option("--reported-by", flags->reported_by, "The public-security body that reported it")
      ->required();
  cmd->add_option("--occurred", flags->occurred_on, "Day of the offence (YYYY-MM-DD)")
      ->required()
      ->check(DateValidator());
  cmd->add_option("--reported", flags->reported_on, "Day it was reported (default today)")
      ->check(DateValidator());
  cmd->add_option("--category", flags->category,
                  "Offence category, a code of the policy (records.offence_categories)")
      ->required();
  cmd->add_flag("--detained", flags->detained, "The person is detained");
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunReoffence);
}

void AddSanction(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<SanctionFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "sanction", "Issue a sanction of the ladder; shows the case's sanction status");
  AddCaseId(cmd, &flags->case_id);
  cmd->add_option("--kind", flags->kind, "Step of the ladder")
      ->required()
      ->check(CLI::IsMember(SanctionKinds().Labels()));
  cmd->add_option("--ground", flags->grounds,
                  "Legal ground of a revocation request (repeat for several); each must hold")
      ->allow_extra_args(false)
      ->check(CLI::IsMember(Grounds().Labels()));
  cmd->add_option("--violation", flags->violation_ids,
                  "Id of a violation the sanction answers (repeat for several)")
      ->allow_extra_args(false)
      ->check(UuidValidator());
  AddOn(cmd, &flags->on, "Day the sanction was issued");
  cmd->add_option("--reason", flags->reason,
                  "Reasons, kept in the case file (never on the event bus)");
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunSanction);
}

void AddCorrect(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<CorrectFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "correct", "Mark a sanction corrected (it no longer counts as uncorrected)");
  AddCaseId(cmd, &flags->case_id);
  cmd->add_option("SANCTION_ID", flags->sanction_id, "The sanction id (a UUID)")
      ->required()
      ->check(UuidValidator());
  AddOn(cmd, &flags->on, "Day of the correction");
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunCorrect);
}

void AddCommend(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<CommendFlags>();
  CLI::App* cmd = parent.add_subcommand("commend", "Record a commendation (表扬)");
  AddCaseId(cmd, &flags->case_id);
  AddOn(cmd, &flags->on, "Day of the commendation");
  cmd->add_option("--reason", flags->reason,
                  "Reasons, kept in the case file (never on the event bus)");
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, RunCommend);
}

void AddSanctions(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<SanctionsFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "sanctions", "Where the case stands on the sanction ladder and what the next step needs");
  AddCaseId(cmd, &flags->case_id);
  SetAction(cmd, global, action, flags, RunSanctions);
}

void AddTimeline(CLI::App& parent, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<TimelineFlags>();
  CLI::App* cmd = parent.add_subcommand("timeline", "Every activity of the case in time order");
  AddCaseId(cmd, &flags->case_id);
  AddPaging(cmd, &flags->page_size, &flags->page_token, &flags->all, "Entries", 500);
  SetAction(cmd, global, action, flags, RunTimeline);
}

void AddOverdue(CLI::App& app, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<OverdueFlags>();
  CLI::App* cmd = app.add_subcommand("overdue",
                                     "Cases never reported (漏管), with a contact, the intake "
                                     "home visit or the exit-restriction filing or lifting "
                                     "overdue, with the rule");
  cmd->add_option("--district", flags->district,
                  "District code; required unless the token has all districts")
      ->check(DistrictValidator());
  cmd->add_option("--kind", flags->kind, "Only this kind; default: all")
      ->check(CLI::IsMember(OverdueKinds().Labels()));
  cmd->add_option("--as-of", flags->as_of, "Overdue on this day; default: today in Asia/Shanghai")
      ->check(DateValidator());
  AddPaging(cmd, &flags->page_size, &flags->page_token, &flags->all, "Cases", 500);
  SetAction(cmd, global, action, flags, RunOverdue);
}

void AddAudit(CLI::App& app, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* cmd =
      app.add_subcommand("audit", "The audit log, oldest first (auditor and city_admin only)");
  cmd->footer(
      "A date YYYY-MM-DD is a day in Asia/Shanghai: --from the start of it, --to the end of "
      "it (--to is exclusive for a time).");
  cmd->add_option("--case", flags->case_id,
                  "Only entries of this case id (and of the investigations linked to it)")
      ->check(UuidValidator());
  cmd->add_option("--investigation", flags->investigation_id,
                  "Only entries of this pre-sentence investigation id")
      ->check(UuidValidator());
  cmd->add_option("--actor", flags->actor, "Only entries of this caller (token subject)");
  cmd->add_option("--from", flags->from, "Entries at or after this time")
      ->check(InstantValidator());
  cmd->add_option("--to", flags->to, "Entries before this time")->check(InstantValidator());
  AddPaging(cmd, &flags->page_size, &flags->page_token, &flags->all, "Entries", 1000);
  // Set when `audit` is parsed, before the callback of a subcommand (`audit verify`,
  // audit_commands.cc) that then replaces it.
  cmd->parse_complete_callback([flags, &global, action] {
    *action = [flags, &global] { return RunAudit(global, *flags); };
  });
}

}  // namespace

void AddActivityCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cases = app.get_subcommand("case");
  AddContact(*cases, global, action);
  AddLost(*cases, global, action);
  AddFound(*cases, global, action);
  AddViolation(*cases, global, action);
  AddReoffence(*cases, global, action);
  AddSanction(*cases, global, action);
  AddCorrect(*cases, global, action);
  AddCommend(*cases, global, action);
  AddSanctions(*cases, global, action);
  AddTimeline(*cases, global, action);
  AddOverdue(app, global, action);
  AddAudit(app, global, action);
}

}  // namespace ccms::ctl
