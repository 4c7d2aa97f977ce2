#include "common/grpc/unary_handler.h"

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "ccms/records/v1/case_service.pb.h"
#include "common/auth/principal.h"
#include "google/protobuf/message.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "gtest/gtest.h"

namespace ccms::grpc_util {
namespace {

namespace v1 = ::ccms::records::v1;

// Stands in for CallExecutor: runs the work at once, as a fixed caller.
struct FakeExecutor {
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext*, const google::protobuf::Message&,
                                google::protobuf::Message*,
                                const std::function<absl::Status(const auth::Principal&)>& work) {
    auth::Principal principal;
    principal.subject = "officer-7";
    status = work(principal);
    return nullptr;
  }
  absl::Status status;
};

// Declares its RPCs as a generated CallbackService's overrides are declared.
class FakeService {
 public:
  grpc::ServerUnaryReactor* OpenCase(grpc::CallbackServerContext* context,
                                     const v1::OpenCaseRequest* request,
                                     v1::OpenCaseResponse* response);
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response);

  absl::Status DoOpenCase(const auth::Principal& principal, const v1::OpenCaseRequest& request,
                          v1::OpenCaseResponse* response) {
    response->mutable_case_()->set_case_number(principal.subject + "/" + request.request_id());
    return absl::OkStatus();
  }
  absl::Status DoGetCase(const auth::Principal&, const v1::GetCaseRequest& request,
                         v1::GetCaseResponse*, const std::string& call_id) {
    last_call_id = call_id;
    return absl::NotFoundError("case not found: " + request.case_id());
  }

  FakeExecutor executor_;
  std::string last_call_id = "unset";
};

CCMS_UNARY_HANDLER(FakeService, OpenCase)
CCMS_UNARY_HANDLER_WITH_CALL_ID(FakeService, GetCase)

TEST(UnaryHandlerTest, TheOverrideRunsDoRpcOnTheExecutor) {
  FakeService service;
  grpc::CallbackServerContext context;
  v1::OpenCaseRequest request;
  request.set_request_id("r-1");
  v1::OpenCaseResponse response;
  service.OpenCase(&context, &request, &response);
  EXPECT_TRUE(service.executor_.status.ok());
  EXPECT_EQ(response.case_().case_number(), "officer-7/r-1");
}

TEST(UnaryHandlerTest, TheCallIdVariantPassesTheCallersId) {
  FakeService service;
  grpc::CallbackServerContext context;  // no x-request-id
  v1::GetCaseRequest request;
  request.set_case_id("c-1");
  v1::GetCaseResponse response;
  service.GetCase(&context, &request, &response);
  EXPECT_EQ(service.executor_.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service.last_call_id, "");
}

TEST(CallIdTest, KeptShortAndPrintable) {
  grpc::ServerContext context;
  grpc::testing::ServerContextTestSpouse spouse(&context);
  EXPECT_EQ(CallId(context), "");
  spouse.AddClientMetadata("x-request-id", "abc-123");
  EXPECT_EQ(CallId(context), "abc-123");

  grpc::ServerContext hostile;
  grpc::testing::ServerContextTestSpouse hostile_spouse(&hostile);
  hostile_spouse.AddClientMetadata("x-request-id", "a b\"c;" + std::string(100, 'x'));
  const std::string id = CallId(hostile);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_EQ(id.substr(0, 6), "a_b_c_");
}

}  // namespace
}  // namespace ccms::grpc_util
