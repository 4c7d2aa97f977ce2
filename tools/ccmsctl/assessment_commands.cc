#include "tools/ccmsctl/assessment_commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ccms/assessment/v1/assessment_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace av1 = ::ccms::assessment::v1;
using av1::AssessmentService;

constexpr char kLevelPrefix[] = "SUPERVISION_LEVEL_";
constexpr char kRiskPrefix[] = "RISK_LEVEL_";
constexpr char kInstrumentKindPrefix[] = "INSTRUMENT_KIND_";
constexpr char kKindPrefix[] = "ASSESSMENT_KIND_";
constexpr char kCrisisPrefix[] = "CRISIS_KIND_";
constexpr char kSourcePrefix[] = "CRISIS_SOURCE_";

// The options with --assessment-addr as the address, so errors name the right server.
GlobalOptions ForAssessment(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.assessment_addr;
  return options;
}

// Like ReportRpcError, except that an UNAVAILABLE the assessment service itself answered (its
// dependency, records, is down) is not reported as the assessment service being unreachable.
int Report(const grpc::Status& status, const GlobalOptions& options) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      status.error_message().rfind("records service unavailable", 0) == 0) {
    std::cerr << "error: UNAVAILABLE: " << Sanitize(status.error_message()) << "\n";
    return kExitFailure;
  }
  return ReportRpcError(status, options);
}

std::unique_ptr<AssessmentService::Stub> NewStub(const GlobalOptions& options) {
  return AssessmentService::NewStub(Connect(options));
}

std::string LevelLabel(int v) {
  return EnumLabel(common::v1::SupervisionLevel_descriptor(), v, kLevelPrefix);
}
std::string RiskLabel(int v) { return EnumLabel(av1::RiskLevel_descriptor(), v, kRiskPrefix); }
std::string InstrumentKindLabel(int v) {
  return EnumLabel(av1::InstrumentKind_descriptor(), v, kInstrumentKindPrefix);
}
std::string KindLabel(int v) { return EnumLabel(av1::AssessmentKind_descriptor(), v, kKindPrefix); }
std::string CrisisLabel(int v) { return EnumLabel(av1::CrisisKind_descriptor(), v, kCrisisPrefix); }
std::string YesNo(bool v) { return v ? "yes" : "no"; }
std::string OrDash(const std::string& v) { return v.empty() ? "-" : v; }
std::string Score(double v) { return absl::StrFormat("%.2f", v); }

// Reads a proto3 JSON request from `path`, checking the JSON syntax strictly first (protobuf's
// parser tolerates some malformed input and gives no line numbers).
absl::Status ReadJsonRequest(const std::string& path, google::protobuf::Message* request) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string json = buffer.str();
  try {
    if (!nlohmann::json::parse(json).is_object()) {
      return absl::InvalidArgumentError(path + ": must hold one JSON object (a " +
                                        request->GetDescriptor()->name() + ")");
    }
  } catch (const nlohmann::json::parse_error& e) {
    std::string_view what = e.what();
    if (size_t end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
    return absl::InvalidArgumentError(path + ": malformed JSON: " + std::string(what));
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, request, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(path + ": not a valid " + request->GetDescriptor()->name() +
                                      " (proto3 JSON): " + parsed.message().ToString());
  }
  return absl::OkStatus();
}

void PrintLevel(const av1::SupervisionLevelState& s) {
  PrintKeyValues({{"case id", s.case_id()},
                  {"district", s.district_code()},
                  {"level", LevelLabel(s.level())},
                  {"effective on", FormatProtoDate(s.effective_on())},
                  {"rule", OrDash(s.rule())},
                  {"key attention", YesNo(s.key_attention())},
                  {"social risk", RiskLabel(s.social_risk())},
                  {"psych abnormal", YesNo(s.psych_abnormal())},
                  {"initial strict until", FormatProtoDate(s.initial_strict_until())},
                  {"overridden", YesNo(s.overridden())},
                  {"policy", OrDash(s.policy_version())},
                  {"version", std::to_string(s.version())}},
                 std::cout);
  for (const auto& r : s.reasons()) std::cout << "  reason: " << Sanitize(r) << "\n";
  if (s.history_size() > 0) {
    Table table({"RECORDED", "FROM", "TO", "EFFECTIVE", "RULE", "OVERRIDE", "BY"});
    for (const auto& h : s.history()) {
      table.AddRow({FormatTimestamp(h.recorded_at()), LevelLabel(h.previous_level()),
                    LevelLabel(h.level()), FormatProtoDate(h.effective_on()), h.rule(),
                    h.override() ? "yes: " + h.override_reason() : "no", h.actor()});
    }
    std::cout << "\n";
    table.Print(std::cout);
  }
}

void PrintAssessment(const av1::Assessment& a) {
  std::vector<std::string> crisis;
  for (int k : a.crisis_kinds()) crisis.push_back(CrisisLabel(k));
  PrintKeyValues(
      {{"assessment id", a.assessment_id()},
       {"case id", a.case_id()},
       {"instrument", absl::StrFormat("%s v%d (%s)", a.instrument_id(), a.instrument_version(),
                                      InstrumentKindLabel(a.instrument_kind()))},
       {"kind", KindLabel(a.kind())},
       {"assessed on", FormatProtoDate(a.assessed_on())},
       {"assessor", a.assessor_id()},
       {"total score", Score(a.total_score())},
       {"risk level", RiskLabel(a.risk_level())},
       {"abnormal", YesNo(a.abnormal())},
       {"crisis", crisis.empty() ? "-" : absl::StrJoin(crisis, ", ")}},
      std::cout);
  if (a.sub_scores_size() > 0) {
    Table table({"SUB-SCALE", "SCORE", "ABNORMAL"});
    for (const auto& s : a.sub_scores()) {
      table.AddRow({s.subscale_id(), Score(s.score()), YesNo(s.abnormal())});
    }
    table.Print(std::cout);
  }
}

void PrintFlag(const av1::CrisisFlag& f) {
  PrintKeyValues({{"flag id", f.flag_id()},
                  {"case id", f.case_id()},
                  {"district", f.district_code()},
                  {"kind", CrisisLabel(f.kind())},
                  {"source", EnumLabel(av1::CrisisSource_descriptor(), f.source(), kSourcePrefix)},
                  {"raised at", FormatTimestamp(f.raised_at())},
                  {"acknowledge by", FormatTimestamp(f.acknowledge_by())},
                  {"acknowledged at", FormatTimestamp(f.acknowledged_at())},
                  {"overdue", YesNo(f.overdue())}},
                 std::cout);
}

void AddInstruments(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("instruments", "Assessment instruments (shipped, versioned)");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  cmd->add_subcommand("list", "List the current version of each instrument")
      ->callback([&global, action] {
        *action = [&global] {
          if (int rc = RequireToken(global); rc != kExitOk) return rc;
          const GlobalOptions options = ForAssessment(global);
          av1::ListInstrumentsResponse resp;
          auto ctx = NewCallContext(options, true);
          grpc::Status st = NewStub(options)->ListInstruments(ctx.get(), {}, &resp);
          if (!st.ok()) return Report(st, options);
          return PrintResponse(options, resp, [&] {
            Table table({"INSTRUMENT", "VERSION", "KIND", "MEDIUM FROM", "HIGH FROM", "TITLE"});
            for (const auto& i : resp.instruments()) {
              table.AddRow({i.instrument_id(), std::to_string(i.version()),
                            InstrumentKindLabel(i.kind()), Score(i.medium_from()),
                            Score(i.high_from()), i.title()});
            }
            table.Print(std::cout);
          });
        };
      });
  auto id = std::make_shared<std::string>();
  auto version = std::make_shared<int>(0);
  CLI::App* show = cmd->add_subcommand("show", "Show an instrument's items, options and weights");
  show->add_option("INSTRUMENT_ID", *id, "e.g. social_risk, psych_screening")->required();
  show->add_option("--version", *version, "A version; default: the current one")
      ->check(CLI::PositiveNumber);
  show->callback([&global, action, id, version] {
    *action = [&global, id, version] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::GetInstrumentRequest req;
      req.set_instrument_id(*id);
      req.set_version(*version);
      av1::GetInstrumentResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetInstrument(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        const auto& in = resp.instrument();
        PrintKeyValues(
            {{"instrument", in.instrument_id()},
             {"version", std::to_string(in.version())},
             {"kind", InstrumentKindLabel(in.kind())},
             {"title", in.title()},
             {"cut-offs", absl::StrFormat("LOW < %s <= MEDIUM < %s <= HIGH",
                                          Score(in.medium_from()), Score(in.high_from()))},
             {"checksum", in.checksum()}},
            std::cout);
        Table table({"ITEM", "SUB-SCALE", "WEIGHT", "OPTIONS (id=score)", "TEXT"});
        for (const auto& item : in.items()) {
          std::vector<std::string> options;
          for (const auto& o : item.options()) {
            options.push_back(
                absl::StrFormat("%s=%d%s", o.option_id(), o.score(), o.crisis() ? "!" : ""));
          }
          table.AddRow({item.item_id(), item.subscale_id(), Score(item.weight()),
                        absl::StrJoin(options, " "), item.text()});
        }
        table.Print(std::cout);
        std::cout << "(! = a crisis answer: raises a crisis flag)\n";
      });
    };
  });
}

void AddAssessment(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("assessment", "Assessments of a case");
  cmd->require_subcommand(1);
  cmd->fallthrough();

  auto file = std::make_shared<std::string>();
  auto request_id = std::make_shared<std::string>();
  CLI::App* record = cmd->add_subcommand(
      "record", "Record an assessment from a proto3 JSON RecordAssessmentRequest file");
  record->footer(
      "Example: docs/examples/assessment.json. The service computes the scores from the answers. "
      "Without a request_id in the file or --request-id, a new one is printed to stderr.");
  record->add_option("--file", *file, "proto3 JSON of a RecordAssessmentRequest")->required();
  record->add_option("--request-id", *request_id, "Idempotency key; overrides the file's")
      ->check(UuidValidator());
  record->callback([&global, action, file, request_id] {
    *action = [&global, file, request_id] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::RecordAssessmentRequest req;
      if (auto st = ReadJsonRequest(*file, &req); !st.ok()) return ReportLocalError(st);
      if (!request_id->empty()) {
        req.set_request_id(*request_id);
      } else if (req.request_id().empty()) {
        req.set_request_id(NewRequestId());
      }
      av1::RecordAssessmentResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RecordAssessment(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        PrintAssessment(resp.assessment());
        std::cout << "\n";
        PrintKeyValues({{"level", LevelLabel(resp.supervision().level())},
                        {"rule", OrDash(resp.supervision().rule())},
                        {"key attention", YesNo(resp.supervision().key_attention())}},
                       std::cout);
        for (const auto& f : resp.crisis_flags()) {
          std::cout << "CRISIS FLAG raised: " << f.flag_id() << " (" << CrisisLabel(f.kind())
                    << "), acknowledge by " << FormatTimestamp(f.acknowledge_by()) << "\n";
        }
      });
    };
  });

  auto assessment_id = std::make_shared<std::string>();
  CLI::App* get = cmd->add_subcommand("get", "Show one assessment with its answers and notes");
  get->add_option("ASSESSMENT_ID", *assessment_id, "The assessment id")
      ->required()
      ->check(UuidValidator());
  get->callback([&global, action, assessment_id] {
    *action = [&global, assessment_id] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::GetAssessmentRequest req;
      req.set_assessment_id(*assessment_id);
      av1::GetAssessmentResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetAssessment(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        PrintAssessment(resp.assessment());
        for (const auto& a : resp.assessment().answers()) {
          std::cout << "  answer " << Sanitize(a.item_id()) << " = " << Sanitize(a.option_id())
                    << "\n";
        }
        if (!resp.assessment().notes().empty()) {
          std::cout << "notes: " << Sanitize(resp.assessment().notes()) << "\n";
        }
      });
    };
  });

  auto case_id = std::make_shared<std::string>();
  CLI::App* list = cmd->add_subcommand("list", "List a case's assessments, newest first");
  list->add_option("CASE_ID", *case_id, "The case id")->required()->check(UuidValidator());
  list->callback([&global, action, case_id] {
    *action = [&global, case_id] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::ListAssessmentsRequest req;
      req.set_case_id(*case_id);
      av1::ListAssessmentsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ListAssessments(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"ASSESSMENT ID", "ON", "INSTRUMENT", "KIND", "TOTAL", "RISK", "ABNORMAL"});
        for (const auto& a : resp.assessments()) {
          table.AddRow({a.assessment_id(), FormatProtoDate(a.assessed_on()),
                        absl::StrFormat("%s v%d", a.instrument_id(), a.instrument_version()),
                        KindLabel(a.kind()), Score(a.total_score()), RiskLabel(a.risk_level()),
                        YesNo(a.abnormal())});
        }
        table.Print(std::cout);
      });
    };
  });
}

struct DueFlags {
  std::string district;
  std::string case_id;
  std::string before;
  bool overdue = false;
  int page_size = 0;
  std::string page_token;
};

void AddDue(CLI::App& app, const GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<DueFlags>();
  CLI::App* cmd =
      app.add_subcommand("due", "Assessments due (intake, periodic, triggered, discharge)");
  cmd->add_option("--district", flags->district, "Only this district")->check(DistrictValidator());
  cmd->add_option("--case", flags->case_id, "Only this case")->check(UuidValidator());
  cmd->add_option("--before", flags->before,
                  "Due on or before; default: a calendar month ahead (at least 30 days), so every "
                  "new intake's due")
      ->check(DateValidator());
  cmd->add_flag("--overdue", flags->overdue, "Only those past their due day");
  cmd->add_option("--page-size", flags->page_size, "Rows per page (default 50, at most 500)")
      ->check(CLI::Range(1, 500));
  cmd->add_option("--page-token", flags->page_token, "A previous page's next_page_token");
  cmd->callback([&global, action, flags] {
    *action = [&global, flags] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::ListDueAssessmentsRequest req;
      req.set_district_code(flags->district);
      req.set_case_id(flags->case_id);
      if (!flags->before.empty()) {
        *req.mutable_due_before() = grpc_util::ToProtoDate(*time::ParseDate(flags->before));
      }
      req.set_overdue_only(flags->overdue);
      req.set_page_size(flags->page_size);
      req.set_page_token(flags->page_token);
      av1::ListDueAssessmentsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ListDueAssessments(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        if (resp.due().empty()) {
          std::cout << "nothing due\n";
        } else {
          Table table(
              {"CASE ID", "DISTRICT", "INSTRUMENT", "KIND", "WINDOW OPENS", "DUE ON", "OVERDUE"});
          for (const auto& d : resp.due()) {
            table.AddRow({d.case_id(), d.district_code(), InstrumentKindLabel(d.instrument_kind()),
                          KindLabel(d.kind()), FormatProtoDate(d.window_opens_on()),
                          FormatProtoDate(d.due_on()), YesNo(d.overdue())});
          }
          table.Print(std::cout);
        }
        if (!resp.next_page_token().empty()) {
          std::cerr << "more: --page-token " << resp.next_page_token() << "\n";
        }
      });
    };
  });
}

struct OverrideFlags {
  std::string case_id;
  std::string level;
  std::string reason;
  int64_t version = 0;
  std::string request_id;
};

void AddLevel(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("level", "Supervision level (严管/普管/宽管) and its reasons");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  auto case_id = std::make_shared<std::string>();
  CLI::App* get = cmd->add_subcommand("get", "Show a case's level, reasons and history");
  get->add_option("CASE_ID", *case_id, "The case id")->required()->check(UuidValidator());
  get->callback([&global, action, case_id] {
    *action = [&global, case_id] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::GetSupervisionLevelRequest req;
      req.set_case_id(*case_id);
      av1::GetSupervisionLevelResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetSupervisionLevel(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] { PrintLevel(resp.supervision()); });
    };
  });

  auto flags = std::make_shared<OverrideFlags>();
  CLI::App* ov = cmd->add_subcommand("override", "Set the level by hand, with a written reason");
  ov->add_option("CASE_ID", flags->case_id, "The case id")->required()->check(UuidValidator());
  ov->add_option("--level", flags->level, "strict, standard or relaxed")
      ->required()
      ->check(CLI::IsMember(EnumLabels(common::v1::SupervisionLevel_descriptor(), kLevelPrefix)));
  ov->add_option("--reason", flags->reason, "Why (kept in the service, audited)")->required();
  ov->add_option("--version", flags->version, "Only if the state is still at this version")
      ->check(CLI::PositiveNumber);
  ov->add_option("--request-id", flags->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
  ov->callback([&global, action, flags] {
    *action = [&global, flags] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::OverrideSupervisionLevelRequest req;
      req.set_request_id(flags->request_id.empty() ? NewRequestId() : flags->request_id);
      req.set_case_id(flags->case_id);
      req.set_level(static_cast<common::v1::SupervisionLevel>(
          ParseEnumLabel(common::v1::SupervisionLevel_descriptor(), kLevelPrefix, flags->level)
              .value_or(0)));
      req.set_reason(flags->reason);
      req.set_version(flags->version);
      av1::OverrideSupervisionLevelResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->OverrideSupervisionLevel(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] { PrintLevel(resp.supervision()); });
    };
  });
}

struct CrisisFlags {
  std::string id;
  std::string kind;
  std::string note;
  std::string request_id;
  bool unacknowledged = false;
  std::string district;
};

void AddCrisis(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("crisis", "Crisis flags (self-harm, suicide, violence)");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  auto raise_flags = std::make_shared<CrisisFlags>();
  CLI::App* raise = cmd->add_subcommand("raise", "Raise a crisis flag on a case");
  raise->add_option("CASE_ID", raise_flags->id, "The case id")->required()->check(UuidValidator());
  raise->add_option("--kind", raise_flags->kind, "self_harm, suicide, violence or other")
      ->required()
      ->check(CLI::IsMember(EnumLabels(av1::CrisisKind_descriptor(), kCrisisPrefix)));
  raise->add_option("--note", raise_flags->note, "What was observed (kept in the service)");
  raise->add_option("--request-id", raise_flags->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
  raise->callback([&global, action, raise_flags] {
    *action = [&global, f = raise_flags] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::RaiseCrisisFlagRequest req;
      req.set_request_id(f->request_id.empty() ? NewRequestId() : f->request_id);
      req.set_case_id(f->id);
      req.set_kind(static_cast<av1::CrisisKind>(
          ParseEnumLabel(av1::CrisisKind_descriptor(), kCrisisPrefix, f->kind).value_or(0)));
      req.set_note(f->note);
      av1::RaiseCrisisFlagResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RaiseCrisisFlag(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] { PrintFlag(resp.flag()); });
    };
  });

  auto ack_flags = std::make_shared<CrisisFlags>();
  CLI::App* ack = cmd->add_subcommand("ack", "Acknowledge a crisis flag (office staff)");
  ack->add_option("FLAG_ID", ack_flags->id, "The flag id")->required()->check(UuidValidator());
  ack->add_option("--note", ack_flags->note, "What was done (kept in the service)");
  ack->add_option("--request-id", ack_flags->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
  ack->callback([&global, action, ack_flags] {
    *action = [&global, f = ack_flags] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::AcknowledgeCrisisFlagRequest req;
      req.set_request_id(f->request_id.empty() ? NewRequestId() : f->request_id);
      req.set_flag_id(f->id);
      req.set_note(f->note);
      av1::AcknowledgeCrisisFlagResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->AcknowledgeCrisisFlag(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] { PrintFlag(resp.flag()); });
    };
  });

  auto list_flags = std::make_shared<CrisisFlags>();
  CLI::App* list = cmd->add_subcommand("list", "List crisis flags, oldest first");
  list->add_flag("--unacknowledged", list_flags->unacknowledged, "Only those not acknowledged");
  list->add_option("--district", list_flags->district, "Only this district")
      ->check(DistrictValidator());
  list->callback([&global, action, list_flags] {
    *action = [&global, f = list_flags] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::ListCrisisFlagsRequest req;
      req.set_unacknowledged_only(f->unacknowledged);
      req.set_district_code(f->district);
      av1::ListCrisisFlagsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ListCrisisFlags(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        if (resp.flags().empty()) {
          std::cout << "no crisis flags\n";
          return;
        }
        Table table({"FLAG ID", "CASE ID", "DISTRICT", "KIND", "RAISED", "ACK BY", "ACKNOWLEDGED",
                     "OVERDUE"});
        for (const auto& x : resp.flags()) {
          table.AddRow({x.flag_id(), x.case_id(), x.district_code(), CrisisLabel(x.kind()),
                        FormatTimestamp(x.raised_at()), FormatTimestamp(x.acknowledge_by()),
                        FormatTimestamp(x.acknowledged_at()), YesNo(x.overdue())});
        }
        table.Print(std::cout);
      });
    };
  });
}

void AddPoints(CLI::App& app, const GlobalOptions& global, Action* action) {
  auto case_id = std::make_shared<std::string>();
  auto month = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("points", "A case's monthly points ledger (积分)");
  cmd->add_option("CASE_ID", *case_id, "The case id")->required()->check(UuidValidator());
  cmd->add_option("--month", *month, "YYYY-MM; default: this month")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            return time::ParseDate(v + "-01").has_value() ? "" : "must be YYYY-MM";
          },
          "YYYY-MM"));
  cmd->callback([&global, action, case_id, month] {
    *action = [&global, case_id, month] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForAssessment(global);
      av1::GetPointsLedgerRequest req;
      req.set_case_id(*case_id);
      if (!month->empty()) {
        const absl::CivilDay first = *time::ParseDate(*month + "-01");
        req.set_year(static_cast<int>(first.year()));
        req.set_month(first.month());
      }
      av1::GetPointsLedgerResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetPointsLedger(ctx.get(), req, &resp);
      if (!st.ok()) return Report(st, options);
      return PrintResponse(options, resp, [&] {
        PrintKeyValues({{"case id", resp.case_id()},
                        {"month", absl::StrFormat("%04d-%02d", resp.year(), resp.month())},
                        {"total", std::to_string(resp.total())},
                        {"closed", YesNo(resp.closed())}},
                       std::cout);
        Table table({"ON", "AMOUNT", "REASON", "SOURCE", "NOTE"});
        for (const auto& e : resp.entries()) {
          table.AddRow({FormatProtoDate(e.occurred_on()), std::to_string(e.amount()), e.reason(),
                        e.source(), OrDash(e.note())});
        }
        table.Print(std::cout);
      });
    };
  });
}

}  // namespace

void AddAssessmentCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  AddInstruments(app, global, action);
  AddAssessment(app, global, action);
  AddDue(app, global, action);
  AddLevel(app, global, action);
  AddCrisis(app, global, action);
  AddPoints(app, global, action);
}

}  // namespace ccms::ctl
