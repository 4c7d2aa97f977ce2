#include "tests/support/service_harness.h"

#include <filesystem>
#include <stdexcept>

#include "absl/strings/str_format.h"
#include "common/auth/jwt.h"
#include "common/config/env.h"
#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "grpcpp/create_channel.h"

namespace ccms::testing {
namespace {

// config::Env reads through a plain function; the settings of the harness being built.
const std::map<std::string, std::string>* g_settings = nullptr;

const char* LookupSetting(const char* name) {
  auto it = g_settings->find(name);
  return it == g_settings->end() ? nullptr : it->second.c_str();
}

void Check(const absl::Status& st, const char* step) {
  if (!st.ok()) throw std::runtime_error(absl::StrFormat("%s: %s", step, st.message()));
}

}  // namespace

ServiceHarness::ServiceHarness(const server::ServiceDefinition& definition, Options options)
    : db_(options.keep_database),
      clock_(options.clock != nullptr ? *options.clock : fixed_clock_),
      background_(options.background) {
  // Two roles, as in production: the owner migrates, the runtime role serves.
  server::CommonConfig config = TestHostConfig(db_.runtime_dsn(), kJwtKey);
  config.db_migration_dsn = db_.migration_dsn();
  config.test_consumer_group_suffix = "-test-" + db_.name();
  config.test_consumer_properties = options.consumer_properties;
  service_ = definition.make();
  g_settings = &options.settings;
  config::Env env(&LookupSetting);
  service_->Configure(env);
  g_settings = nullptr;
  Check(env.Finish(), "settings");
  auto policy =
      policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in default");
  Check(policy.status(), "policy");
  Check(service_->Prepare(*policy), "prepare");
  server::ServiceIdentity identity = definition.identity;
  identity.default_grpc_port = 0;
  identity.default_metrics_port = 0;
  auto host = server::ServiceHost::Create(identity, config, definition.queries(),
                                          definition.migrations(), clock_);
  Check(host.status(), "host");
  host_ = std::move(*host);
  Check(service_->AfterMigrations(*host_), "after migrations");
  Check(service_->Build(*host_), "build");
  auto port = host_->Start();
  Check(port.status(), "start");
  if (background_) service_->StartBackground();
  channel_ = grpc::CreateChannel(absl::StrFormat("127.0.0.1:%d", *port),
                                 grpc::InsecureChannelCredentials());
}

ServiceHarness::~ServiceHarness() {
  if (background_) service_->StopBackground();
  host_->Shutdown();
  std::error_code ignored;
  std::filesystem::remove(host_->config().jwt_keys_file, ignored);
}

absl::CivilDay ServiceHarness::Today() const { return time::ShanghaiDay(clock_.Now()); }

namespace {

std::string Mint(std::vector<std::string> audiences, auth::Role role,
                 std::vector<std::string> districts, const std::string& subject,
                 const std::string& agency, const std::string& kid, const std::string& key,
                 const std::string& office = "") {
  auth::Principal p;
  p.subject = subject;
  p.role = role;
  if (districts.size() == 1 && districts[0] == "*") {
    p.all_districts = true;
  } else {
    p.districts = std::move(districts);
  }
  p.agency_id = agency;
  p.office_id = office;
  auto token = auth::MintToken(p,
                               {.algorithm = "HS256",
                                .key = key,
                                .kid = kid,
                                .audiences = std::move(audiences),
                                .ttl = absl::Hours(1)},
                               absl::Now());
  if (!token.ok()) throw std::runtime_error(std::string(token.status().message()));
  return *token;
}

}  // namespace

std::string ServiceHarness::Token(auth::Role role, std::vector<std::string> districts,
                                  const std::string& subject, const std::string& agency,
                                  const std::string& office) {
  // AllAudiences() and ccms-employment's (added here, not in the header, so that the new service
  // did not rebuild every user of the header; AllAudiences() may take it when the header changes).
  std::vector<std::string> audiences = AllAudiences();
  audiences.push_back("ccms-employment");
  return Mint(audiences, role, std::move(districts), subject, agency, kTestJwtKid, kJwtKey, office);
}

std::string ServiceHarness::TokenFor(std::vector<std::string> audiences, auth::Role role,
                                     std::vector<std::string> districts, const std::string& subject,
                                     const std::string& kid, const std::string& key) {
  return Mint(std::move(audiences), role, std::move(districts), subject, "", kid, key);
}

std::unique_ptr<grpc::ClientContext> ServiceHarness::Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

}  // namespace ccms::testing
