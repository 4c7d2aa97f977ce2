#include "tools/ccmsctl/follow_through_commands.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "ccms/records/v1/order_service.grpc.pb.h"
#include "ccms/records/v1/sanction_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::OrderService;
using ::ccms::records::v1::SanctionService;

EnumFlag OutageCauses() { return EnumFlag(v1::OutageCause_descriptor(), "OUTAGE_CAUSE_"); }
EnumFlag Decisions() {
  return EnumFlag(v1::RevocationDecision_descriptor(), "REVOCATION_DECISION_");
}

std::optional<absl::Time> ParseRfc3339(const std::string& text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  return std::nullopt;
}

CLI::Validator Rfc3339Validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (ParseRfc3339(value).has_value()) return "";
        return "must be an RFC 3339 time (2026-11-19T09:30:00+08:00), got '" + value + "'";
      },
      "RFC3339");
}

struct OutageFlags {
  std::string case_id, order_id, from, to, cause, request_id;
};
struct DecisionFlags {
  std::string case_id, sanction_id, decision, document, on, request_id;
};
struct DetentionFlags {
  std::string case_id, sanction_id, on, request_id;
};

int RunOutage(const GlobalOptions& global, const OutageFlags& flags) {
  v1::RecordMonitoringOutageRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_order_id(flags.order_id);
  *request.mutable_started_at() = grpc_util::ToProtoTimestamp(*ParseRfc3339(flags.from));
  *request.mutable_ended_at() = grpc_util::ToProtoTimestamp(*ParseRfc3339(flags.to));
  request.set_cause(static_cast<v1::OutageCause>(OutageCauses().Parse(flags.cause)));
  v1::RecordMonitoringOutageResponse response;
  if (int rc = Call(global, &OrderService::Stub::RecordMonitoringOutage, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"outage id", response.outage_id()},
                    {"minutes", std::to_string(response.minutes())},
                    {"counted", YesNo(response.counted())},
                    {"counted outages", std::to_string(response.counted_outages())},
                    {"rule", response.rule()}},
                   std::cout);
  });
}

int RunDecision(const GlobalOptions& global, const DecisionFlags& flags) {
  v1::RecordRevocationDecisionRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_sanction_id(flags.sanction_id);
  request.set_decision(static_cast<v1::RevocationDecision>(Decisions().Parse(flags.decision)));
  request.set_document_number(flags.document);
  if (!flags.on.empty()) *request.mutable_decided_on() = ProtoDate(flags.on);
  v1::RecordRevocationDecisionResponse response;
  if (int rc = Call(global, &SanctionService::Stub::RecordRevocationDecision, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"decision due", FormatProtoDate(response.decision_due())},
                    {"decided late", YesNo(response.decided_late())},
                    {"rule", response.rule()}},
                   std::cout);
  });
}

int RunDetention(const GlobalOptions& global, const DetentionFlags& flags) {
  v1::RecordRevocationDetentionRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_sanction_id(flags.sanction_id);
  if (!flags.on.empty()) *request.mutable_detained_on() = ProtoDate(flags.on);
  v1::RecordRevocationDetentionResponse response;
  if (int rc = Call(global, &SanctionService::Stub::RecordRevocationDetention, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues(
        {{"detention ends", FormatProtoDate(response.detention_ends())}, {"rule", response.rule()}},
        std::cout);
  });
}

}  // namespace

void AddFollowThroughCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cases = app.get_subcommand("case");

  auto outage = std::make_shared<OutageFlags>();
  CLI::App* o = cases->add_subcommand(
      "outage", "An outage of the monitoring device of one of the case's orders");
  AddCaseId(o, &outage->case_id);
  o->add_option("--order", outage->order_id, "The monitoring order id (a UUID)")
      ->required()
      ->check(UuidValidator());
  o->add_option("--from", outage->from, "When the device went offline (RFC 3339)")
      ->required()
      ->check(Rfc3339Validator());
  o->add_option("--to", outage->to, "When it was back (RFC 3339)")
      ->required()
      ->check(Rfc3339Validator());
  o->add_option("--cause", outage->cause, "Why it was offline")
      ->required()
      ->check(CLI::IsMember(OutageCauses().Labels()));
  AddRequestId(o, &outage->request_id);
  SetAction(o, global, action, outage, RunOutage);

  auto decision = std::make_shared<DecisionFlags>();
  CLI::App* d = cases->add_subcommand(
      "court-decision", "The court's decision on the case's revocation request (30 days)");
  AddCaseId(d, &decision->case_id);
  d->add_option("SANCTION_ID", decision->sanction_id, "The revocation request (a sanction id)")
      ->required()
      ->check(UuidValidator());
  d->add_option("--decision", decision->decision, "The court's decision")
      ->required()
      ->check(CLI::IsMember(Decisions().Labels()));
  d->add_option("--document", decision->document, "The ruling's number (kept in the file)")
      ->required();
  AddOn(d, &decision->on, "Day of the decision");
  AddRequestId(d, &decision->request_id);
  SetAction(d, global, action, decision, RunDecision);

  auto detention = std::make_shared<DetentionFlags>();
  CLI::App* t = cases->add_subcommand(
      "detention", "The person detained pending the court's decision (at most 30 days)");
  AddCaseId(t, &detention->case_id);
  t->add_option("SANCTION_ID", detention->sanction_id, "The revocation request (a sanction id)")
      ->required()
      ->check(UuidValidator());
  AddOn(t, &detention->on, "First day of detention");
  AddRequestId(t, &detention->request_id);
  SetAction(t, global, action, detention, RunDetention);
}

}  // namespace ccms::ctl
