#pragma once

#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "common/concurrency/worker_pool.h"
#include "common/db/command.h"
#include "common/grpc/partner_identity.h"
#include "common/time/clock.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace ccms::grpc_util {

// Runs a unary callback-API handler: authenticates the bearer token and checks the request's
// strings on gRPC's thread (cheap), then hands the blocking work (database) to the worker pool,
// so gRPC's callback threads never block. A full queue sheds the call with RESOURCE_EXHAUSTED; a
// call whose deadline passed or that was cancelled while queued is not started. Whatever the work
// throws is caught: the call answers INTERNAL, the exception's type (never its message, which may
// quote data) is logged and counted in ccms_handler_exceptions_total, and the process goes on.
//
// A mutating call (its request has a `request_id` holding a UUID, DESIGN §5) runs as a command
// when a CommandRunner is given: one transaction for all it writes, and a retry of the request id
// answered with the first response's bytes (common/db/command.h).
//
// The connection must fit the token (CheckPrincipalTransport, common/grpc/partner_identity.h): a
// partner principal only over mutual TLS with its agency's partner certificate, a partner
// certificate only with a partner token. A call refused for that is audited (result DENIED,
// action the RPC's name) before it is answered.
// Authentication: the `authorization` metadata's bearer token, verified for this service's
// audience. A `service` caller may add its end user's token as metadata `x-ccms-end-user` (the
// token alone, no scheme): it is verified too (signature, expiry, issuer), must be for the
// calling service's audience (the service token's `sub`, e.g. "ccms-assessment") and must not be
// a service's; the principal then carries acting_for (the end user's subject and role), which
// audit rows record as on_behalf_of. From any other caller the metadata is refused.
class CallExecutor {
 public:
  // The metadata key of the end user's token on a service-to-service call.
  static constexpr char kEndUserMetadata[] = "x-ccms-end-user";

  using Work = std::function<absl::Status(const auth::Principal&)>;
  // Writes the audit row of a call refused at the transport: who (the token's principal) and
  // which RPC (`action`, "GetCase"). Runs on a worker; may block on the database.
  using RefusalAudit =
      std::function<absl::Status(const auth::Principal& principal, std::string_view action)>;

  // `registry` may be null (unit tests): exceptions are then only logged. `commands` may be null
  // (unit tests with fake stores): mutating calls then run as plain calls.
  CallExecutor(concurrency::WorkerPool& workers, const auth::TokenVerifier& verifier,
               const time::Clock& clock, prometheus::Registry* registry = nullptr,
               db::CommandRunner* commands = nullptr);

  // Partner certificates are checked against `partners` (may be null: no partner CA, so every
  // partner principal is refused) and refusals audited with `audit` (may be empty: unit tests).
  // Call before the server starts; without it partner principals are refused, unaudited.
  void SetTransportChecks(const PartnerCertificateVerifier* partners, RefusalAudit audit);

  // `work` fills `response`; both outlive the call (gRPC owns them).
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response, Work work);

  // The request id of a mutating request, lower case, or "" when `request` has none (a read) or
  // it is no UUID (the handler then refuses the request).
  static std::string CommandRequestId(const google::protobuf::Message& request);

  // The principal of a call's bearer token (exposed for tests).
  absl::StatusOr<auth::Principal> Authenticate(const grpc::ServerContextBase& context) const;

  // Whether the call's connection fits `principal` (exposed for tests).
  absl::Status CheckTransport(const grpc::ServerContextBase& context,
                              const auth::Principal& principal) const;

  // The audit action of a request: its type's name without "Request" ("GetCase").
  static std::string ActionOf(const google::protobuf::Message& request);

  // `work` as the worker runs it: its status, or INTERNAL if it threw (exposed for tests).
  absl::Status RunGuarded(const Work& work, const auth::Principal& principal) const;

 private:
  // Answers `refusal` after the refusal's audit row is written.
  void FinishRefused(grpc::ServerUnaryReactor* reactor, auth::Principal principal,
                     std::string action, absl::Status refusal);

  concurrency::WorkerPool& workers_;
  const auth::TokenVerifier& verifier_;
  const time::Clock& clock_;
  prometheus::Counter* exceptions_ = nullptr;
  db::CommandRunner* commands_ = nullptr;
  const PartnerCertificateVerifier* partners_ = nullptr;
  RefusalAudit refusal_audit_;
};

}  // namespace ccms::grpc_util
