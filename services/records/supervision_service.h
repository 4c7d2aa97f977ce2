#pragma once

#include <map>
#include <string>
#include <vector>

#include "ccms/records/v1/supervision_service.grpc.pb.h"
#include "services/records/handler_support.h"
#include "services/records/records_store.h"

namespace ccms::records {

// gRPC handlers of ccms.records.v1.SupervisionService: contacts, lost contact and the overdue
// list, with the next contacts due under the policy in force.
// Each handler authorizes the principal (a denial is audited), validates the request with the
// pure domain rules and calls the store; handlers run on the worker pool (CallExecutor).
class SupervisionServiceImpl final : public v1::SupervisionService::CallbackService,
                                     private RecordsHandlers {
 public:
  SupervisionServiceImpl(SupervisionStore& store, const HandlerContext& context)
      : RecordsHandlers(context), store_(store) {}

  grpc::ServerUnaryReactor* RecordContact(grpc::CallbackServerContext* context,
                                          const v1::RecordContactRequest* request,
                                          v1::RecordContactResponse* response) override;
  grpc::ServerUnaryReactor* MarkLostContact(grpc::CallbackServerContext* context,
                                            const v1::MarkLostContactRequest* request,
                                            v1::MarkLostContactResponse* response) override;
  grpc::ServerUnaryReactor* MarkFoundAgain(grpc::CallbackServerContext* context,
                                           const v1::MarkFoundAgainRequest* request,
                                           v1::MarkFoundAgainResponse* response) override;
  grpc::ServerUnaryReactor* ListOverdue(grpc::CallbackServerContext* context,
                                        const v1::ListOverdueRequest* request,
                                        v1::ListOverdueResponse* response) override;

  // The handlers' bodies, callable without a server (unit tests). `call_id` is the caller's
  // x-request-id, kept in the audit rows of reads.
  absl::Status DoRecordContact(const auth::Principal& principal,
                               const v1::RecordContactRequest& request,
                               v1::RecordContactResponse* response);
  absl::Status DoMarkLostContact(const auth::Principal& principal,
                                 const v1::MarkLostContactRequest& request,
                                 v1::MarkLostContactResponse* response);
  absl::Status DoMarkFoundAgain(const auth::Principal& principal,
                                const v1::MarkFoundAgainRequest& request,
                                v1::MarkFoundAgainResponse* response);
  absl::Status DoListOverdue(const auth::Principal& principal,
                             const v1::ListOverdueRequest& request,
                             v1::ListOverdueResponse* response);

 private:
  std::vector<domain::DueContact> NextDueOf(const OverdueCandidate& candidate,
                                            absl::CivilDay today) const;
  // The exit-restriction filing or lifting of `candidate` when overdue as of `as_of`
  // (exit_restriction_handlers.cc).
  void AddExitRestrictionOverdue(const OverdueCandidate& candidate, absl::CivilDay as_of,
                                 bool filing, bool lifting, v1::ListOverdueResponse* out) const;
  // ListOverdue's follow-through kinds (file hand-over, revocation decision, detention;
  // follow_through_handlers.cc): the facts of a batch of candidates when `kind` asks for them
  // (empty otherwise), and the items of one candidate, added to the response.
  absl::StatusOr<std::map<std::string, FollowThroughFacts>> LoadFollowThrough(
      const auth::Principal& principal, const std::vector<OverdueCandidate>& batch,
      v1::OverdueKind kind);
  void AddFollowThroughItems(const OverdueCandidate& candidate,
                             const std::map<std::string, FollowThroughFacts>& facts,
                             absl::CivilDay day, v1::OverdueKind kind,
                             v1::ListOverdueResponse* response) const;

  SupervisionStore& store_;
};

}  // namespace ccms::records
