#pragma once

// The one definition of a unary callback-API handler, for every service.
//
// gRPC's generated CallbackService declares one virtual method per RPC,
//   grpc::ServerUnaryReactor* Rpc(grpc::CallbackServerContext*, const RpcRequest*, RpcResponse*);
// and each must be overridden by name, so a service would repeat the same five lines per RPC.
// CCMS_UNARY_HANDLER writes them: the override hands the call to the service's CallExecutor
// (authentication, request checks, the worker pool, the command transaction of a mutating
// request; common/grpc/call_executor.h), which runs the service's
//   absl::Status DoRpc(const auth::Principal&, const RpcRequest&, RpcResponse*)
// The class must have a `grpc_util::CallExecutor& executor_` (or a CallExecutor) member and
// declare Rpc with `override`. Use at namespace scope in the service's .cc file, in the namespace
// of the class:
//
//   CCMS_UNARY_HANDLER(CaseServiceImpl, OpenCase)
//   CCMS_UNARY_HANDLER_WITH_CALL_ID(CaseServiceImpl, GetCase)
//
// The WITH_CALL_ID variant passes a fourth argument, CallId(*context), for handlers that write an
// audit row naming the caller's x-request-id (reads of personal data):
//   absl::Status DoRpc(const auth::Principal&, const RpcRequest&, RpcResponse*,
//                      const std::string& call_id)
// The request and response types are taken from the declaration of Class::Rpc, so the macro
// assumes no namespace alias; a method that is not a unary callback method does not compile.

#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace ccms::grpc_util {

// The caller's x-request-id metadata, at most 64 characters, every character other than a
// letter, a digit or '-' replaced by '_' (it goes into audit rows and logs); "" when absent.
std::string CallId(const grpc::ServerContextBase& context);

namespace internal {

// The request and response types of a unary callback method, from its member pointer type.
template <typename Method>
struct UnaryMethod;
template <typename Class, typename Request, typename Response>
struct UnaryMethod<grpc::ServerUnaryReactor* (Class::*)(grpc::CallbackServerContext*,
                                                        const Request*, Response*)> {
  using RequestType = Request;
  using ResponseType = Response;
};
template <typename Method>
using RequestOf = typename UnaryMethod<Method>::RequestType;
template <typename Method>
using ResponseOf = typename UnaryMethod<Method>::ResponseType;

}  // namespace internal
}  // namespace ccms::grpc_util

#define CCMS_INTERNAL_UNARY_SIGNATURE(Class, Rpc)                                   \
  ::grpc::ServerUnaryReactor* Class::Rpc(                                           \
      ::grpc::CallbackServerContext* context,                                       \
      const ::ccms::grpc_util::internal::RequestOf<decltype(&Class::Rpc)>* request, \
      ::ccms::grpc_util::internal::ResponseOf<decltype(&Class::Rpc)>* response)

// Defines Class::Rpc as a call of Class::DoRpc(principal, *request, response) on the executor.
#define CCMS_UNARY_HANDLER(Class, Rpc)                                                 \
  CCMS_INTERNAL_UNARY_SIGNATURE(Class, Rpc) {                                          \
    return executor_.Run(context, *request, response,                                  \
                         [this, request, response](const ::ccms::auth::Principal& p) { \
                           return Do##Rpc(p, *request, response);                      \
                         });                                                           \
  }

// As CCMS_UNARY_HANDLER, with the caller's call id as DoRpc's fourth argument.
#define CCMS_UNARY_HANDLER_WITH_CALL_ID(Class, Rpc)                                             \
  CCMS_INTERNAL_UNARY_SIGNATURE(Class, Rpc) {                                                   \
    return executor_.Run(context, *request, response,                                           \
                         [this, context, request, response](const ::ccms::auth::Principal& p) { \
                           return Do##Rpc(p, *request, response,                                \
                                          ::ccms::grpc_util::CallId(*context));                 \
                         });                                                                    \
  }
