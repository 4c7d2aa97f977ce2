#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ccms/records/v1/records_service.grpc.pb.h"
#include "common/auth/principal.h"
#include "services/records/wiring.h"
#include "tests/support/integration_env.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {

// The records service in-process, wired as ccms-records wires it (records::Definition() on the
// kit's ServiceHarness), on a fresh database, the dev broker and a free port.
class RecordsHarness {
 public:
  static constexpr const char* kJwtKey = ServiceHarness::kJwtKey;
  static constexpr char kPiiKey[] =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  // `service_clock` (when given) is the records service's "now" — a test's own clock for the
  // rules over dates; else a clock fixed at FixedTestNow(). Tokens keep the system clock.
  explicit RecordsHarness(const time::Clock* service_clock = nullptr);

  records::v1::RecordsService::Stub& stub() { return *stub_; }
  // The channel to the service (plaintext, loopback), for generic calls.
  std::shared_ptr<grpc::Channel> channel() { return service_.channel(); }
  server::ServiceHost& host() { return service_.host(); }
  TestDatabase& db() { return service_.db(); }
  // The service's today (Asia/Shanghai): the tests' dates are computed from it.
  absl::CivilDay Today() const { return service_.Today(); }
  records::RecordsServiceImpl& service() {
    return service_.wiring<records::RecordsWiring>().service();
  }

  // A token for a role and districts ("*" = all).
  std::string Token(auth::Role role, std::vector<std::string> districts,
                    const std::string& subject = "tester", const std::string& agency = "") {
    return ServiceHarness::Token(role, std::move(districts), subject, agency);
  }
  // Calls with a bearer token.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    return ServiceHarness::Context(token);
  }

 private:
  ServiceHarness service_;
  std::unique_ptr<records::v1::RecordsService::Stub> stub_;
};

// A valid resident identity number for tests, with its check digit computed: region 110101,
// the given birth date (YYYYMMDD) and sequence (odd = male).
std::string MakeIdNumber(const std::string& birth_yyyymmdd, int sequence,
                         const std::string& region = "110101");

// A valid OpenCaseRequest for district `district` with a fresh request id.
records::v1::OpenCaseRequest ValidOpenCase(const std::string& id_number,
                                           const std::string& district = "110101");

}  // namespace ccms::testing
