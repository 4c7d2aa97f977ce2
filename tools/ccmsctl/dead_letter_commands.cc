#include "tools/ccmsctl/dead_letter_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/records_command_support.h"

namespace ccms::ctl {
namespace {

namespace v1 = ::ccms::ops::v1;
using ::ccms::ops::v1::DeadLetterService;

std::string TimeOrDash(bool has, const google::protobuf::Timestamp& t) {
  return has ? FormatTimestamp(t) : "-";
}

std::string Place(const v1::DeadLetter& d) {
  if (d.outbox_id() > 0) return "outbox #" + std::to_string(d.outbox_id());
  return "partition " + std::to_string(d.partition()) + " offset " + std::to_string(d.offset());
}

void PrintDeadLetter(const v1::DeadLetter& d) {
  PrintKeyValues({{"dead letter id", std::to_string(d.dead_letter_id())},
                  {"source", d.source()},
                  {"event id", OrDash(d.event_id())},
                  {"event type", OrDash(d.event_type())},
                  {"topic", d.topic()},
                  {"case id", OrDash(d.case_id())},
                  {"place", Place(d)},
                  {"error class", d.error_class()},
                  {"attempts", std::to_string(d.attempts())},
                  {"first failed", TimeOrDash(d.has_first_failed_at(), d.first_failed_at())},
                  {"dead since", TimeOrDash(d.has_dead_at(), d.dead_at())},
                  {"requeued", TimeOrDash(d.has_requeued_at(), d.requeued_at())},
                  {"resolved", TimeOrDash(d.has_resolved_at(), d.resolved_at())}},
                 std::cout);
}

struct ListFlags {
  std::string source, page_token;
  bool include_resolved = false;
  int page_size = 0;
  bool all = false;
};
struct IdFlags {
  int64_t id = 0;
};

int RunList(const GlobalOptions& global, const ListFlags& flags) {
  v1::ListDeadLettersRequest request;
  request.set_source(flags.source);
  request.set_include_resolved(flags.include_resolved);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  v1::ListDeadLettersResponse all;
  if (int rc =
          FetchPages(global, &DeadLetterService::Stub::ListDeadLetters, flags.all, request, &all);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, all, [&] {
    if (all.dead_letters().empty()) {
      std::cout << "no dead letters\n";
    } else {
      Table table({"ID", "SOURCE", "EVENT TYPE", "PLACE", "ERROR CLASS", "ATTEMPTS", "DEAD SINCE",
                   "REQUEUED"});
      for (const v1::DeadLetter& d : all.dead_letters()) {
        table.AddRow({std::to_string(d.dead_letter_id()), d.source(), OrDash(d.event_type()),
                      Place(d), d.error_class(), std::to_string(d.attempts()),
                      TimeOrDash(d.has_dead_at(), d.dead_at()),
                      TimeOrDash(d.has_requeued_at(), d.requeued_at())});
      }
      table.Print(std::cout);
    }
    HintNextPage("dead letters", all.next_page_token());
  });
}

int RunShow(const GlobalOptions& global, const IdFlags& flags) {
  v1::GetDeadLetterRequest request;
  request.set_dead_letter_id(flags.id);
  v1::GetDeadLetterResponse response;
  if (int rc = Call(global, &DeadLetterService::Stub::GetDeadLetter, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintDeadLetter(response.dead_letter()); });
}

int RunRequeue(const GlobalOptions& global, const IdFlags& flags) {
  v1::RequeueDeadLetterRequest request;
  request.set_dead_letter_id(flags.id);
  v1::RequeueDeadLetterResponse response;
  if (int rc = Call(global, &DeadLetterService::Stub::RequeueDeadLetter, request, &response);
      rc != kExitOk) {
    return rc;
  }
  return PrintResponse(global, response, [&] { PrintDeadLetter(response.dead_letter()); });
}

}  // namespace

void AddDeadLetterCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* dl = app.add_subcommand(
      "dead-letters",
      "Events a service could not publish or handle (--addr: that service; ops, city_admin)");
  dl->require_subcommand(1);

  auto list = std::make_shared<ListFlags>();
  CLI::App* ls = dl->add_subcommand("list", "Dead letters in id order (open ones by default)");
  ls->add_option("--source", list->source, "Only this source: outbox or a consumer group");
  ls->add_flag("--include-resolved", list->include_resolved, "Also those taken back already");
  AddPaging(ls, &list->page_size, &list->page_token, &list->all, "Dead letters", 1000);
  SetAction(ls, global, action, list, RunList);

  auto show = std::make_shared<IdFlags>();
  CLI::App* sh = dl->add_subcommand("show", "One dead letter (never its payload)");
  sh->add_option("ID", show->id, "The dead letter id")->required()->check(CLI::PositiveNumber);
  SetAction(sh, global, action, show, RunShow);

  auto requeue = std::make_shared<IdFlags>();
  CLI::App* rq = dl->add_subcommand(
      "requeue", "Hand it back to its owner (relay or consumer), which takes it within seconds");
  rq->add_option("ID", requeue->id, "The dead letter id")->required()->check(CLI::PositiveNumber);
  SetAction(rq, global, action, requeue, RunRequeue);
}

}  // namespace ccms::ctl
