#include "tools/ccmsctl/transfer_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <type_traits>

#include "ccms/records/v1/transfer_service.grpc.pb.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::records::v1;
using ::ccms::records::v1::TransferService;

EnumFlag TransferStatuses() {
  return EnumFlag(v1::TransferStatus_descriptor(), "TRANSFER_STATUS_");
}

void PrintTransfer(const v1::Transfer& t) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"transfer id", t.transfer_id()},
      {"case number", OrDash(t.case_number())},
      {"from district", t.from_district_code()},
      {"to district", t.to_district_code()},
      {"to office", OrDash(t.to_office_id())},
      {"status", TransferStatuses().LabelOrDash(t.status())},
      {"requested on", FormatProtoDate(t.requested_on())},
      {"planned move", FormatProtoDate(t.planned_move_on())},
      {"reply due", FormatProtoDate(t.reply_due())},
  };
  if (t.has_report_due()) rows.push_back({"report due", FormatProtoDate(t.report_due())});
  if (t.has_decided_on()) rows.push_back({"decided on", FormatProtoDate(t.decided_on())});
  for (const auto& notice : t.notices()) rows.push_back({"notice", notice});
  rows.push_back({"policy version", OrDash(t.policy_version())});
  PrintKeyValues(rows, std::cout);
}

struct RequestFlags {
  std::string case_id, to_district, to_office, planned, reason, request_id;
};
struct DecideFlags {
  std::string transfer_id, on, to_office, reason, request_id;
};
struct ListFlags {
  std::string district, status, page_token;
  int page_size = 0;
  bool all = false;
};

int RunRequest(const GlobalOptions& global, const RequestFlags& flags) {
  v1::RequestTransferRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_case_id(flags.case_id);
  request.set_to_district_code(flags.to_district);
  request.set_to_office_id(flags.to_office);
  *request.mutable_planned_move_on() = ProtoDate(flags.planned);
  request.set_reason(flags.reason);
  v1::RequestTransferResponse response;
  if (int rc = Call(global, &TransferService::Stub::RequestTransfer, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintTransfer(response.transfer()); });
}

// One of the decisions on a transfer; `method` names the step (and its request type).
template <typename Request, typename Response>
int RunDecide(const GlobalOptions& global, const DecideFlags& flags,
              Method<TransferService::Stub, Request, Response> method) {
  Request request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_transfer_id(flags.transfer_id);
  if (!flags.on.empty()) *request.mutable_on() = ProtoDate(flags.on);
  if constexpr (std::is_same_v<Request, v1::AcceptTransferRequest>) {
    request.set_to_office_id(flags.to_office);
  }
  request.set_reason(flags.reason);
  Response response;
  if (int rc = Call(global, method, request, &response); rc != kExitOk) return rc;
  return PrintResponse(global, response, [&] { PrintTransfer(response.transfer()); });
}

int RunConsent(const GlobalOptions& g, const DecideFlags& f) {
  return RunDecide(g, f, &TransferService::Stub::ConsentTransfer);
}
int RunAccept(const GlobalOptions& g, const DecideFlags& f) {
  return RunDecide(g, f, &TransferService::Stub::AcceptTransfer);
}
int RunReject(const GlobalOptions& g, const DecideFlags& f) {
  return RunDecide(g, f, &TransferService::Stub::RejectTransfer);
}
int RunComplete(const GlobalOptions& g, const DecideFlags& f) {
  return RunDecide(g, f, &TransferService::Stub::CompleteTransfer);
}

int RunList(const GlobalOptions& global, const ListFlags& flags) {
  v1::ListTransfersRequest request;
  request.set_district_code(flags.district);
  if (!flags.status.empty()) {
    request.set_status(static_cast<v1::TransferStatus>(TransferStatuses().Parse(flags.status)));
  }
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListTransfersResponse all;
  if (int rc = FetchPages(global, &TransferService::Stub::ListTransfers, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.transfers().empty()) {
      std::cout << "no transfers\n";
    } else {
      Table table({"TRANSFER ID", "CASE NUMBER", "FROM", "TO", "STATUS", "PLANNED", "REPLY DUE"});
      for (const v1::Transfer& t : all.transfers()) {
        table.AddRow({t.transfer_id(), OrDash(t.case_number()), t.from_district_code(),
                      t.to_district_code(), TransferStatuses().LabelOrDash(t.status()),
                      FormatProtoDate(t.planned_move_on()), FormatProtoDate(t.reply_due())});
      }
      table.Print(std::cout);
    }
    HintNextPage("transfers", all.next_page_token());
  });
}

int RunFile(const GlobalOptions& global, const DecideFlags& flags) {
  v1::RecordFileHandoverRequest request;
  request.set_request_id(flags.request_id.empty() ? NewRequestId() : flags.request_id);
  request.set_transfer_id(flags.transfer_id);
  if (!flags.on.empty()) *request.mutable_handed_over_on() = ProtoDate(flags.on);
  v1::RecordFileHandoverResponse response;
  if (int rc = Call(global, &TransferService::Stub::RecordFileHandover, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] {
    PrintKeyValues({{"due", FormatProtoDate(response.due())},
                    {"working days late", std::to_string(response.working_days_late())},
                    {"rule", response.rule()}},
                   std::cout);
  });
}

void AddDecision(CLI::App& parent, const GlobalOptions& global, Action* action, const char* name,
                 const char* help, int (*run)(const GlobalOptions&, const DecideFlags&)) {
  auto flags = std::make_shared<DecideFlags>();
  CLI::App* cmd = parent.add_subcommand(name, help);
  cmd->add_option("TRANSFER_ID", flags->transfer_id, "The transfer id (a UUID)")
      ->required()
      ->check(UuidValidator());
  AddOn(cmd, &flags->on, "Day of the decision");
  if (std::string(name) == "accept") {
    cmd->add_option("--to-office", flags->to_office, "Assign the case to another office");
  }
  if (std::string(name) == "reject") {
    cmd->add_option("--reason", flags->reason, "Why (kept in the file, never on the bus)")
        ->required();
  }
  AddRequestId(cmd, &flags->request_id);
  SetAction(cmd, global, action, flags, run);
}

}  // namespace

void AddTransferCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* transfer = app.add_subcommand(
      "transfer", "Transfer of execution place (变更执行地): request, consent, accept, complete");
  transfer->require_subcommand(1);

  auto request = std::make_shared<RequestFlags>();
  CLI::App* req = transfer->add_subcommand(
      "request", "The sending district asks to move a case to another district");
  AddCaseId(req, &request->case_id);
  req->add_option("--to-district", request->to_district, "Receiving district code")
      ->required()
      ->check(DistrictValidator());
  req->add_option("--to-office", request->to_office, "Receiving judicial office")->required();
  req->add_option("--planned", request->planned, "Planned moving day (YYYY-MM-DD)")
      ->required()
      ->check(DateValidator());
  req->add_option("--reason", request->reason, "Reason (kept in the file, never on the bus)");
  AddRequestId(req, &request->request_id);
  SetAction(req, global, action, request, RunRequest);

  AddDecision(*transfer, global, action, "consent", "The sending district consents", RunConsent);
  AddDecision(*transfer, global, action, "accept",
              "The receiving district accepts: the case moves to it now", RunAccept);
  AddDecision(*transfer, global, action, "reject", "The receiving district rejects", RunReject);
  AddDecision(*transfer, global, action, "complete",
              "The person reported to the new office (receiving district)", RunComplete);

  auto file = std::make_shared<DecideFlags>();
  CLI::App* fh = transfer->add_subcommand(
      "file", "The paper file reached the receiving office (after acceptance; receiving district)");
  fh->add_option("TRANSFER_ID", file->transfer_id, "The transfer id (a UUID)")
      ->required()
      ->check(UuidValidator());
  AddOn(fh, &file->on, "Day the file was handed over");
  AddRequestId(fh, &file->request_id);
  SetAction(fh, global, action, file, RunFile);

  auto list = std::make_shared<ListFlags>();
  CLI::App* ls = transfer->add_subcommand("list", "Transfers from or to the caller's districts");
  ls->add_option("--district", list->district, "Only this district")->check(DistrictValidator());
  ls->add_option("--status", list->status, "Only this status")
      ->check(CLI::IsMember(TransferStatuses().Labels()));
  AddPaging(ls, &list->page_size, &list->page_token, &list->all, "Transfers", 500);
  SetAction(ls, global, action, list, RunList);
}

}  // namespace ccms::ctl
