#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/auth/principal.h"
#include "common/server/service_main.h"
#include "common/time/clock.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {

// A service of the kit in-process, wired by its own ServiceDefinition exactly as
// server::ServiceMain wires it (Configure, Prepare, host with migrations, AfterMigrations,
// Build), on a fresh database, the dev broker and free loopback ports. The built-in policy
// document; the service's clock is `clock` (a FixedTestNow() clock when null); tokens are
// checked against real time. Background work runs only when asked: tests drive it by hand.
class ServiceHarness {
 public:
  static constexpr char kJwtKey[] = "integration-test-key-0123456789abcdef";

  struct Options {
    const time::Clock* clock = nullptr;
    // The service's own settings (CCMS_PII_KEY, CCMS_RECORDS_ADDR…), as the environment would.
    std::map<std::string, std::string> settings;
    // Extra librdkafka properties of the service's consumers.
    std::map<std::string, std::string> consumer_properties;
    bool background = false;
    // The database's name when it is kept between runs (TestDatabase(keep_name)); "" for a
    // fresh one, dropped at the end.
    std::string keep_database;
  };

  ServiceHarness(const server::ServiceDefinition& definition, Options options);
  ~ServiceHarness();

  // The service's wiring, as its own type (e.g. records::RecordsWiring).
  template <typename Wiring>
  Wiring& wiring() {
    return static_cast<Wiring&>(*service_);
  }
  server::ServiceHost& host() { return *host_; }
  TestDatabase& db() { return db_; }
  // The channel to the service (plaintext, loopback).
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  const time::Clock& clock() const { return clock_; }
  // The service's today (Asia/Shanghai).
  absl::CivilDay Today() const;

  // The audiences of the harnessed services; Token() mints for all of them (as the dev stack's
  // ccmsctl token does), TokenFor() for the ones given.
  static std::vector<std::string> AllAudiences() {
    return {"ccms-records", "ccms-assessment", "ccms-education", "ccms-reporting"};
  }
  // A token for a role and districts ("*" = all), valid for an hour, signed with kJwtKey as
  // kTestJwtKid, for every service's audience.
  // `office`: the office_staff's office (the `office_id` claim), "" for none.
  static std::string Token(auth::Role role, std::vector<std::string> districts,
                           const std::string& subject = "tester", const std::string& agency = "",
                           const std::string& office = "");
  // The same for `audiences` only, signed with `key` under `kid`.
  static std::string TokenFor(std::vector<std::string> audiences, auth::Role role,
                              std::vector<std::string> districts,
                              const std::string& subject = "tester",
                              const std::string& kid = kTestJwtKid,
                              const std::string& key = kJwtKey);
  // A client context with a bearer token and a 30 s deadline.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token);

 private:
  TestDatabase db_;
  time::FakeClock fixed_clock_{FixedTestNow()};
  const time::Clock& clock_;
  bool background_ = false;
  std::unique_ptr<server::Service> service_;
  std::unique_ptr<server::ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace ccms::testing
