#include "common/grpc/call_executor.h"

#include <chrono>
#include <exception>
#include <typeinfo>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"

namespace ccms::grpc_util {

CallExecutor::CallExecutor(concurrency::WorkerPool& workers, const auth::TokenVerifier& verifier,
                           const time::Clock& clock, prometheus::Registry* registry,
                           db::CommandRunner* commands)
    : workers_(workers), verifier_(verifier), clock_(clock), commands_(commands) {
  if (registry != nullptr) {
    exceptions_ = &prometheus::BuildCounter()
                       .Name("ccms_handler_exceptions_total")
                       .Help("Calls whose handler threw (answered INTERNAL); each is a bug")
                       .Register(*registry)
                       .Add({});
  }
}

absl::StatusOr<auth::Principal> CallExecutor::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError("missing bearer token (authorization metadata)");
  }
  auto token = auth::BearerToken(std::string_view(it->second.data(), it->second.size()));
  if (!token.has_value()) {
    return absl::UnauthenticatedError("authorization must be 'Bearer <token>'");
  }
  const absl::Time now = clock_.Now();
  absl::StatusOr<auth::Principal> principal = verifier_.Verify(*token, now);
  if (!principal.ok()) return principal;
  principal->token = std::string(*token);

  auto end_user = md.find(kEndUserMetadata);
  if (end_user == md.end()) return principal;
  if (md.count(kEndUserMetadata) != 1) {
    return absl::UnauthenticatedError("x-ccms-end-user given more than once");
  }
  // Only a service acts for someone else, and only for a user who called that service: the end
  // user's token must be for the calling service's audience (its service token's subject).
  if (principal->role != auth::Role::kService) {
    return absl::UnauthenticatedError("x-ccms-end-user is accepted from services only");
  }
  const std::string user_header =
      "Bearer " + std::string(end_user->second.data(), end_user->second.size());
  auto user_token = auth::BearerToken(user_header);
  if (!user_token.has_value()) {
    return absl::UnauthenticatedError("x-ccms-end-user must be a token");
  }
  absl::StatusOr<auth::Principal> user =
      verifier_.VerifyForAudience(*user_token, now, principal->subject);
  if (!user.ok()) {
    return absl::UnauthenticatedError(
        "end user " + std::string(user.status().message().data(), user.status().message().size()));
  }
  if (user->role == auth::Role::kService) {
    return absl::UnauthenticatedError("end user token is a service token");
  }
  principal->acting_for = auth::EndUser{user->subject, user->role};
  return principal;
}

void CallExecutor::SetTransportChecks(const PartnerCertificateVerifier* partners,
                                      RefusalAudit audit) {
  partners_ = partners;
  refusal_audit_ = std::move(audit);
}

absl::Status CallExecutor::CheckTransport(const grpc::ServerContextBase& context,
                                          const auth::Principal& principal) const {
  // Without a partner CA a non-partner principal needs no look at the certificate.
  if (principal.role != auth::Role::kPartner && partners_ == nullptr) return absl::OkStatus();
  return CheckPrincipalTransport(principal, PeerCertificateOf(context.auth_context().get()),
                                 partners_);
}

std::string CallExecutor::ActionOf(const google::protobuf::Message& request) {
  std::string name = request.GetDescriptor()->name();
  constexpr std::string_view kSuffix = "Request";
  if (name.size() > kSuffix.size() && name.ends_with(kSuffix))
    name.resize(name.size() - kSuffix.size());
  return name;
}

absl::Status CallExecutor::RunGuarded(const Work& work, const auth::Principal& principal) const {
  const char* type = "unknown";
  try {
    return work(principal);
  } catch (const std::exception& e) {
    type = typeid(e).name();
  } catch (...) {
  }
  if (exceptions_ != nullptr) exceptions_->Increment();
  log::Error("handler_exception", {{"exception_type", type}});
  return absl::InternalError("internal error");
}

std::string CallExecutor::CommandRequestId(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->is_repeated() ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return "";
  }
  std::string id = request.GetReflection()->GetString(request, field);
  if (!ids::IsUuid(id)) return "";
  absl::AsciiStrToLower(&id);
  return id;
}

void CallExecutor::FinishRefused(grpc::ServerUnaryReactor* reactor, auth::Principal principal,
                                 std::string action, absl::Status refusal) {
  log::Warn("call_refused_at_transport", {{"action", action},
                                          {"role", std::string(auth::RoleName(principal.role))},
                                          {"code", absl::StatusCodeToString(refusal.code())}});
  if (!refusal_audit_) {
    reactor->Finish(ToGrpcStatus(refusal));
    return;
  }
  // The audit row is written (on a worker: it blocks) before the refusal is answered.
  const bool queued = workers_.TrySubmit([this, reactor, principal = std::move(principal),
                                          action = std::move(action), refusal]() {
    absl::Status audited =
        RunGuarded([&](const auth::Principal& p) { return refusal_audit_(p, action); }, principal);
    if (!audited.ok()) {
      log::Error("refusal_audit_failed",
                 {{"action", action}, {"error_code", absl::StatusCodeToString(audited.code())}});
    }
    reactor->Finish(ToGrpcStatus(refusal));
  });
  if (!queued) {
    log::Error("refusal_audit_dropped", {{"action", action}, {"reason", "worker queue full"}});
    reactor->Finish(ToGrpcStatus(refusal));
  }
}

grpc::ServerUnaryReactor* CallExecutor::Run(grpc::CallbackServerContext* context,
                                            const google::protobuf::Message& request,
                                            google::protobuf::Message* response, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The token parser sees outside input first: it must not be able to end the process either.
  absl::StatusOr<auth::Principal> principal = absl::InternalError("internal error");
  (void)RunGuarded(
      [&](const auth::Principal&) {
        principal = Authenticate(*context);
        return absl::OkStatus();
      },
      auth::Principal{});
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  absl::Status transport = absl::InternalError("internal error");
  (void)RunGuarded(
      [&](const auth::Principal& p) {
        transport = CheckTransport(*context, p);
        return absl::OkStatus();
      },
      *principal);
  if (!transport.ok()) {
    FinishRefused(reactor, *std::move(principal), ActionOf(request), std::move(transport));
    return reactor;
  }
  if (absl::Status checked = CheckRequestStrings(request); !checked.ok()) {
    reactor->Finish(ToGrpcStatus(checked));
    return reactor;
  }
  std::string request_id = commands_ != nullptr ? CommandRequestId(request) : "";
  // Each RPC has a request type of its own (buf STANDARD lint), so its name names the method.
  const google::protobuf::Descriptor* request_type = request.GetDescriptor();
  const bool queued = workers_.TrySubmit([this, context, reactor, response, request_type,
                                          request_id = std::move(request_id),
                                          work = std::move(work),
                                          principal = *std::move(principal)]() {
    if (context->IsCancelled()) {
      reactor->Finish(ToGrpcStatus(absl::CancelledError("call cancelled")));
      return;
    }
    if (context->deadline() < std::chrono::system_clock::now()) {
      reactor->Finish(ToGrpcStatus(absl::DeadlineExceededError("deadline passed while queued")));
      return;
    }
    if (request_id.empty()) {
      reactor->Finish(ToGrpcStatus(RunGuarded(work, principal)));
      return;
    }
    const db::CommandKey key{request_id, request_type->full_name(), principal.subject};
    reactor->Finish(
        ToGrpcStatus(commands_->Run(key, response, [&] { return RunGuarded(work, principal); })));
  });
  if (!queued) {
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError("server busy; retry with backoff")));
  }
  return reactor;
}

}  // namespace ccms::grpc_util
