#include "tests/integration/records_harness.h"

#include <stdexcept>

#include "absl/strings/str_format.h"
#include "common/auth/jwt.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "common/time/calendar.h"
#include "grpcpp/create_channel.h"
#include "services/records/consumer.h"
#include "services/records/migrations.h"

namespace ccms::testing {

RecordsHarness::RecordsHarness(const time::Clock* service_clock)
    : clock_(service_clock != nullptr ? *service_clock : fixed_clock_) {
  const server::CommonConfig config = TestHostConfig(db_.dsn(), kJwtKey);
  auto host = server::ServiceHost::Create({.name = "records",
                                           .grpc_service = "ccms.records.v1.RecordsService",
                                           .default_grpc_port = 0,
                                           .default_metrics_port = 0},
                                          config, records::PgRecordsStore::Queries(),
                                          records::Migrations(), clock_);
  if (!host.ok()) throw std::runtime_error(std::string(host.status().message()));
  host_ = std::move(*host);
  auto cipher = crypto::PiiCipher::FromHexKey(kPiiKey);
  if (!cipher.ok()) throw std::runtime_error("bad test key");
  cipher_ = std::make_unique<crypto::PiiCipher>(*cipher);
  store_ = std::make_unique<records::PgRecordsStore>(host_->pool(), &host_->relay());
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  policy_ = std::make_unique<records::domain::RecordsPolicies>(
      *records::domain::LoadRecordsPolicies(*doc));
  service_ = std::make_unique<records::RecordsServiceImpl>(*store_, host_->executor(), *cipher_,
                                                           clock_, *policy_);
  host_->AddService(service_.get(), records::v1::RecordsService::service_full_name());
  // As main() does; a group of its own per harness so tests do not share offsets.
  if (auto st = host_->AddConsumer("ccms-records-test-" + db_.name(), {records::kAssessmentTopic},
                                   records::ApplyAssessmentEvent);
      !st.ok()) {
    throw std::runtime_error(std::string(st.message()));
  }
  auto port = host_->Start();
  if (!port.ok()) throw std::runtime_error(std::string(port.status().message()));
  channel_ = grpc::CreateChannel(absl::StrFormat("127.0.0.1:%d", *port),
                                 grpc::InsecureChannelCredentials());
  stub_ = records::v1::RecordsService::NewStub(channel_);
}

absl::CivilDay RecordsHarness::Today() const { return time::ShanghaiDay(clock_.Now()); }

RecordsHarness::~RecordsHarness() {
  stub_.reset();
  host_->Shutdown();
}

std::string RecordsHarness::Token(auth::Role role, std::vector<std::string> districts,
                                  const std::string& subject, const std::string& agency) {
  auth::Principal p;
  p.subject = subject;
  p.role = role;
  if (districts.size() == 1 && districts[0] == "*") {
    p.all_districts = true;
  } else {
    p.districts = std::move(districts);
  }
  p.agency_id = agency;
  auto token = auth::MintToken(p, "HS256", kJwtKey, absl::Now(), absl::Hours(1));
  if (!token.ok()) throw std::runtime_error(std::string(token.status().message()));
  return *token;
}

std::unique_ptr<grpc::ClientContext> RecordsHarness::Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

std::string MakeIdNumber(const std::string& birth_yyyymmdd, int sequence,
                         const std::string& region) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  std::string body = region + birth_yyyymmdd + absl::StrFormat("%03d", sequence % 1000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + kCheck[sum % 11];
}

records::v1::OpenCaseRequest ValidOpenCase(const std::string& id_number,
                                           const std::string& district) {
  records::v1::OpenCaseRequest r;
  r.set_request_id(ids::NewUuid());
  auto* p = r.mutable_person();
  p->set_name("测试人员");
  p->set_id_number(id_number);
  p->set_phone("13800000000");
  p->set_household_address("测试市测试区一号");
  p->set_residence_address("测试市测试区二号");
  auto* s = r.mutable_sentence();
  s->set_kind(common::v1::SENTENCE_KIND_PROBATION);
  s->set_offence_category("theft");
  s->set_deciding_authority("test court");
  auto set_date = [](google::type::Date* d, int y, int m, int day) {
    d->set_year(y);
    d->set_month(m);
    d->set_day(day);
  };
  set_date(s->mutable_judgment_effective_date(), 2025, 1, 10);
  set_date(s->mutable_start_date(), 2025, 1, 10);
  set_date(s->mutable_end_date(), 2027, 1, 9);
  auto* a = r.mutable_assignment();
  a->set_district_code(district);
  a->set_office_id("office-1");
  return r;
}

}  // namespace ccms::testing
