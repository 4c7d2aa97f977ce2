#include "tools/ccmsctl/discharge_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "ccms/records/v1/discharge_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/records/v1/records_types.pb.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::CaseService;
using ::ccms::records::v1::DischargeService;

EnumFlag CloseReasons() { return EnumFlag(v1::CaseCloseReason_descriptor(), "CASE_CLOSE_REASON_"); }
EnumFlag CaseStatuses() { return EnumFlag(v1::CaseStatus_descriptor(), "CASE_STATUS_"); }
EnumFlag SentenceKinds() {
  return EnumFlag(common::v1::SentenceKind_descriptor(), "SENTENCE_KIND_");
}

struct DischargeFlags {
  std::string case_id, on, certificate, request_id;
  bool announced = false;
};
struct CloseFlags {
  std::string case_id, reason, on, request_id, liability_reason;
};
EnumFlag LostContactReasons() {
  return EnumFlag(v1::LostContactReason_descriptor(), "LOST_CONTACT_REASON_");
}
struct SentenceChangeFlags {
  std::string case_id, kind, court, document, new_end, effective, request_id;
};
struct SummaryFlags {
  std::string case_id, on, request_id;
};
struct PerformanceReportFlags {
  std::string case_id, on, author, request_id;
};
struct FollowUpFlags {
  std::string case_id, on, notes, notes_file, request_id;
};
struct DueFlags {
  std::string district, as_of, page_token;
  int page_size = 0;
  bool all = false;
};
struct ExportFlags {
  std::string district, status, page_token;
  int page_size = 0;
  bool all = false;
  bool csv = false;
};

std::string Dates(const google::protobuf::RepeatedPtrField<google::type::Date>& dates) {
  std::vector<std::string> out;
  for (const auto& d : dates) out.push_back(FormatProtoDate(d));
  return out.empty() ? "-" : absl::StrJoin(out, ", ");
}

int RunDischarge(const GlobalOptions& global, const DischargeFlags& flags) {
  v1::DischargeRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  if (!flags.on.empty()) *request.mutable_discharged_on() = ProtoDate(flags.on);
  request.set_certificate_number(flags.certificate);
  request.set_announced(flags.announced);
  v1::DischargeResponse response;
  if (int rc = Call(global, &DischargeService::Stub::Discharge, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"case number", response.case_().case_number()},
                    {"status", CaseStatuses().Label(response.case_().status())},
                    {"discharged on", FormatProtoDate(response.case_().closed_on())},
                    {"certificate", response.case_().discharge_certificate()},
                    {"follow-ups due", Dates(response.follow_ups_due())}},
                   std::cout);
  });
}

int RunClose(const GlobalOptions& global, const CloseFlags& flags) {
  v1::CloseCaseRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_reason(static_cast<v1::CaseCloseReason>(CloseReasons().Parse(flags.reason)));
  if (!flags.on.empty()) *request.mutable_closed_on() = ProtoDate(flags.on);
  if (!flags.liability_reason.empty()) {
    // The person is lost: the period ends with the case (staff-* reasons: staff responsible).
    request.mutable_lost_contact_liability()->set_reason(
        static_cast<v1::LostContactReason>(LostContactReasons().Parse(flags.liability_reason)));
    request.mutable_lost_contact_liability()->set_staff_responsible(
        flags.liability_reason.starts_with("staff-"));
  }
  v1::CloseCaseResponse response;
  if (int rc = Call(global, &DischargeService::Stub::CloseCase, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"case number", response.case_().case_number()},
                    {"status", CaseStatuses().Label(response.case_().status())},
                    {"closed on", FormatProtoDate(response.case_().closed_on())}},
                   std::cout);
  });
}

EnumFlag SentenceChangeKinds() {
  return EnumFlag(v1::SentenceChangeKind_descriptor(), "SENTENCE_CHANGE_KIND_");
}

int RunSentenceChange(const GlobalOptions& global, const SentenceChangeFlags& flags) {
  v1::RecordSentenceChangeRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_kind(static_cast<v1::SentenceChangeKind>(SentenceChangeKinds().Parse(flags.kind)));
  request.set_court(flags.court);
  request.set_document_number(flags.document);
  *request.mutable_new_end_date() = ProtoDate(flags.new_end);
  if (!flags.effective.empty()) *request.mutable_effective_on() = ProtoDate(flags.effective);
  v1::RecordSentenceChangeResponse response;
  if (int rc = Call(global, &CaseService::Stub::RecordSentenceChange, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues(
        {{"case number", response.case_().case_number()},
         {"change id", response.change_id()},
         {"term ended", FormatProtoDate(response.previous_end_date())},
         {"term ends", FormatProtoDate(response.case_().sentence().end_date())},
         {"summary window opens", FormatProtoDate(response.summary_window_opens())},
         {"monitoring orders ended with the term",
          response.clamped_order_ids().empty() ? "-"
                                               : absl::StrJoin(response.clamped_order_ids(), ", ")},
         {"policy version", response.policy_version()}},
        std::cout);
  });
}

int RunSummary(const GlobalOptions& global, const SummaryFlags& flags) {
  v1::RecordDischargeSummaryRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  if (!flags.on.empty()) *request.mutable_received_on() = ProtoDate(flags.on);
  v1::RecordDischargeSummaryResponse response;
  if (int rc = Call(global, &DischargeService::Stub::RecordDischargeSummary, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"summary", "recorded"},
                    {"window opened", FormatProtoDate(response.window_opens())},
                    {"policy version", response.policy_version()}},
                   std::cout);
  });
}

int RunPerformanceReport(const GlobalOptions& global, const PerformanceReportFlags& flags) {
  v1::RecordPerformanceReportRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  if (!flags.on.empty()) *request.mutable_completed_on() = ProtoDate(flags.on);
  request.set_author(flags.author);
  v1::RecordPerformanceReportResponse response;
  if (int rc = Call(global, &DischargeService::Stub::RecordPerformanceReport, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"daily-performance report", "recorded"},
                    {"author", response.author()},
                    {"window opened", FormatProtoDate(response.window_opens())},
                    {"policy version", response.policy_version()}},
                   std::cout);
  });
}

int RunFollowUp(const GlobalOptions& global, const FollowUpFlags& flags) {
  auto notes = TextOrFile(flags.notes, flags.notes_file);
  if (!notes.ok()) return ReportLocalError(notes.status());
  v1::RecordFollowUpVisitRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  if (!flags.on.empty()) *request.mutable_visited_on() = ProtoDate(flags.on);
  request.set_notes(*notes);
  v1::RecordFollowUpVisitResponse response;
  if (int rc = Call(global, &DischargeService::Stub::RecordFollowUpVisit, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"follow-up id", response.follow_up_id()},
                    {"was due", FormatProtoDate(response.due_on())},
                    {"still due", Dates(response.still_due())}},
                   std::cout);
  });
}

int RunDischargesDue(const GlobalOptions& global, const DueFlags& flags) {
  v1::ListDischargesDueRequest request;
  request.set_district_code(flags.district);
  if (!flags.as_of.empty()) *request.mutable_as_of() = ProtoDate(flags.as_of);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListDischargesDueResponse all;
  if (int rc =
          FetchPages(global, &DischargeService::Stub::ListDischargesDue, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.items().empty()) {
      std::cout << "no discharge due\n";
    } else {
      Table table({"CASE NUMBER", "DISTRICT", "OFFICE", "END DATE", "DAYS LEFT", "SUMMARY",
                   "REPORT", "RULE"});
      for (const auto& i : all.items()) {
        table.AddRow({i.case_number(), i.district_code(), OrDash(i.office_id()),
                      FormatProtoDate(i.end_date()), std::to_string(i.days_left()),
                      i.summary_received() ? "received" : "missing",
                      i.performance_report_received() ? "received" : "missing", i.rule()});
      }
      table.Print(std::cout);
    }
    PrintKeyValues({{"policy version", all.policy_version()}}, std::cout);
    HintNextPage("cases", all.next_page_token());
  });
}

int RunFollowUpsDue(const GlobalOptions& global, const DueFlags& flags) {
  v1::ListFollowUpsDueRequest request;
  request.set_district_code(flags.district);
  if (!flags.as_of.empty()) *request.mutable_as_of() = ProtoDate(flags.as_of);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListFollowUpsDueResponse all;
  if (int rc =
          FetchPages(global, &DischargeService::Stub::ListFollowUpsDue, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.items().empty()) {
      std::cout << "no follow-up due\n";
    } else {
      Table table({"CASE NUMBER", "DISTRICT", "OFFICE", "DISCHARGED", "DUE", "DAYS OVERDUE"});
      for (const auto& i : all.items()) {
        table.AddRow({i.case_number(), i.district_code(), OrDash(i.office_id()),
                      FormatProtoDate(i.discharged_on()), FormatProtoDate(i.due_on()),
                      std::to_string(i.days_overdue())});
      }
      table.Print(std::cout);
    }
    HintNextPage("follow-ups", all.next_page_token());
  });
}

// A CSV field: quoted when it holds a comma, quote or line break.
std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int RunExport(const GlobalOptions& global, const ExportFlags& flags) {
  v1::ExportCasesRequest request;
  request.set_district_code(flags.district);
  if (!flags.status.empty()) {
    request.set_status(static_cast<v1::CaseStatus>(CaseStatuses().Parse(flags.status)));
  }
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ExportCasesResponse all;
  if (int rc = FetchPages(global, &CaseService::Stub::ExportCases, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  int withheld = 0;
  for (const auto& r : all.rows()) withheld += r.identity_withheld() ? 1 : 0;
  if (flags.csv && !global.json) {
    std::cout << "case_number,status,district,office,sentence_kind,offence_category,start_date,"
                 "end_date,age,minor,name,birth_date,identity_withheld\n";
    for (const auto& r : all.rows()) {
      std::cout << Csv(r.case_number()) << ',' << CaseStatuses().LabelOrDash(r.status()) << ','
                << r.district_code() << ',' << Csv(r.office_id()) << ','
                << SentenceKinds().LabelOrDash(r.sentence_kind()) << ','
                << Csv(r.offence_category()) << ',' << FormatProtoDate(r.start_date()) << ','
                << FormatProtoDate(r.end_date()) << ',' << r.age_on_export() << ','
                << (r.minor() ? "yes" : "no") << ',' << Csv(r.name()) << ','
                << (r.has_birth_date() ? FormatProtoDate(r.birth_date()) : "") << ','
                << (r.identity_withheld() ? "yes" : "no") << '\n';
    }
    HintNextPage("rows", all.next_page_token());
    return kExitOk;
  }
  return PrintResponse(global, all, [&] {
    Table table({"CASE NUMBER", "STATUS", "DISTRICT", "KIND", "END DATE", "AGE", "MINOR", "NAME"});
    for (const auto& r : all.rows()) {
      table.AddRow({r.case_number(), CaseStatuses().LabelOrDash(r.status()), r.district_code(),
                    SentenceKinds().LabelOrDash(r.sentence_kind()), FormatProtoDate(r.end_date()),
                    std::to_string(r.age_on_export()), YesNo(r.minor()),
                    r.identity_withheld() ? "(withheld: minor)" : r.name()});
    }
    table.Print(std::cout);
    PrintKeyValues({{"identities withheld", std::to_string(withheld)}}, std::cout);
    HintNextPage("rows", all.next_page_token());
  });
}

void AddDueOptions(CLI::App* cmd, DueFlags* flags, const std::string& what) {
  cmd->add_option("--district", flags->district,
                  "District code; required unless the token has all districts")
      ->check(DistrictValidator());
  cmd->add_option("--as-of", flags->as_of, "Due on this day; default: today in Asia/Shanghai")
      ->check(DateValidator());
  AddPaging(cmd, &flags->page_size, &flags->page_token, &flags->all, what, 500);
}

}  // namespace

void AddDischargeCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cases = app.get_subcommand("case");

  auto discharge = std::make_shared<DischargeFlags>();
  CLI::App* d = cases->add_subcommand(
      "discharge", "Discharge at the end of the term (解除矫正); not before the end date");
  AddCaseId(d, &discharge->case_id);
  AddOn(d, &discharge->on, "Day of the discharge");
  d->add_option("--certificate", discharge->certificate,
                "Number of the discharge certificate (解除社区矫正证明书)")
      ->required();
  d->add_flag("--announced", discharge->announced,
              "The discharge announcement (解矫宣告) was held");
  AddRequestId(d, &discharge->request_id);
  SetAction(d, global, action, discharge, RunDischarge);

  auto close = std::make_shared<CloseFlags>();
  CLI::App* c = cases->add_subcommand(
      "close", "Close a case otherwise: revoked (needs a revocation request) or deceased");
  AddCaseId(c, &close->case_id);
  c->add_option("--reason", close->reason, "Why the case ends")
      ->required()
      ->check(CLI::IsMember({"revoked", "deceased"}));
  AddOn(c, &close->on, "Day the case ends");
  c->add_option("--liability-reason", close->liability_reason,
                "Required when the person is marked lost contact: why (staff-* reasons record "
                "that staff were responsible, 责任性脱管)")
      ->check(CLI::IsMember(LostContactReasons().Labels()));
  AddRequestId(c, &close->request_id);
  SetAction(c, global, action, close, RunClose);

  auto change = std::make_shared<SentenceChangeFlags>();
  CLI::App* sc = cases->add_subcommand(
      "sentence-change",
      "A court's ruling reducing (减刑) or extending the term: the end date and everything counted "
      "from it move");
  AddCaseId(sc, &change->case_id);
  sc->add_option("--kind", change->kind, "What the ruling does")
      ->required()
      ->check(CLI::IsMember({"reduction", "extension"}));
  sc->add_option("--court", change->court, "The court that ruled")->required();
  sc->add_option("--document", change->document, "The ruling's document number")->required();
  sc->add_option("--new-end", change->new_end, "The term's new end date (YYYY-MM-DD)")
      ->required()
      ->check(DateValidator());
  sc->add_option("--effective", change->effective,
                 "Day the ruling took effect (YYYY-MM-DD; default today)")
      ->check(DateValidator());
  AddRequestId(sc, &change->request_id);
  SetAction(sc, global, action, change, RunSentenceChange);

  auto summary = std::make_shared<SummaryFlags>();
  CLI::App* s = cases->add_subcommand(
      "summary", "The personal summary (个人总结) was received, in the last stretch of the term");
  AddCaseId(s, &summary->case_id);
  AddOn(s, &summary->on, "Day it was received");
  AddRequestId(s, &summary->request_id);
  SetAction(s, global, action, summary, RunSummary);

  auto report = std::make_shared<PerformanceReportFlags>();
  CLI::App* pr = cases->add_subcommand(
      "performance-report",
      "The daily-performance report (日常表现综合评估报告) was completed; due with the summary");
  AddCaseId(pr, &report->case_id);
  AddOn(pr, &report->on, "Day it was completed");
  pr->add_option("--author", report->author,
                 "The author's staff account id (default: the token's subject)");
  AddRequestId(pr, &report->request_id);
  SetAction(pr, global, action, report, RunPerformanceReport);

  auto follow_up = std::make_shared<FollowUpFlags>();
  CLI::App* f = cases->add_subcommand(
      "follow-up", "A post-discharge follow-up visit; closes the earliest follow-up due");
  AddCaseId(f, &follow_up->case_id);
  AddOn(f, &follow_up->on, "Day of the visit");
  AddTextOrFile(f, "notes", &follow_up->notes, &follow_up->notes_file,
                "Notes kept in the case file (never on the event bus)");
  AddRequestId(f, &follow_up->request_id);
  SetAction(f, global, action, follow_up, RunFollowUp);

  auto discharges = std::make_shared<DueFlags>();
  CLI::App* dd = app.add_subcommand(
      "discharges-due", "Active cases whose term ends soon or has ended, with the summary's state");
  AddDueOptions(dd, discharges.get(), "Cases");
  SetAction(dd, global, action, discharges, RunDischargesDue);

  auto follow_ups = std::make_shared<DueFlags>();
  CLI::App* fd = app.add_subcommand("follow-ups-due", "Post-discharge follow-up visits due");
  AddDueOptions(fd, follow_ups.get(), "Follow-ups");
  SetAction(fd, global, action, follow_ups, RunFollowUpsDue);

  auto export_flags = std::make_shared<ExportFlags>();
  CLI::App* e = app.add_subcommand(
      "export", "Export a district's cases (minors' identities withheld), as a table or CSV");
  e->add_option("--district", export_flags->district,
                "District code; required unless the token has all districts")
      ->check(DistrictValidator());
  e->add_option("--status", export_flags->status, "Only cases with this status")
      ->check(CLI::IsMember(CaseStatuses().Labels()));
  e->add_flag("--csv", export_flags->csv, "Print CSV with a header row");
  AddPaging(e, &export_flags->page_size, &export_flags->page_token, &export_flags->all, "Rows",
            1000);
  SetAction(e, global, action, export_flags, RunExport);
}

}  // namespace ccms::ctl
