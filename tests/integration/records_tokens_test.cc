// Tokens against the records service on a real PostgreSQL: the audience, the case facts a service
// reads on behalf of an end user (and their audit row), and a key rotation while it runs.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/auth/jwt.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;

constexpr char kDistrict[] = "110101";

class RecordsTokensTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new RecordsHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }

  RecordsHarness& h() { return *harness_; }

  records::v1::Case OpenCase() {
    static int seq = 0;
    records::v1::OpenCaseResponse resp;
    auto ctx = h().Context(h().Token(Role::kCityAdmin, {"*"}, "admin-1"));
    const grpc::Status st = h().cases().OpenCase(
        ctx.get(), ValidOpenCase(MakeIdNumber("19880512", 1 + 2 * seq++), kDistrict), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.case_();
  }

  grpc::Status ListWith(const std::string& token) {
    records::v1::ListCasesRequest req;
    records::v1::ListCasesResponse resp;
    auto ctx = h().Context(token);
    return h().cases().ListCases(ctx.get(), req, &resp);
  }

  // GetCaseFacts as assessment calls it: its service token, and the end user's when given.
  grpc::Status Facts(const std::string& service_token, const std::string& end_user_token,
                     const std::string& case_id, records::v1::GetCaseFactsResponse* out) {
    records::v1::GetCaseFactsRequest req;
    req.set_case_id(case_id);
    auto ctx = h().Context(service_token);
    if (!end_user_token.empty()) ctx->AddMetadata("x-ccms-end-user", end_user_token);
    return h().cases().GetCaseFacts(ctx.get(), req, out);
  }

  // The newest audit row of `action` on `case_id`: actor|actor_role|on_behalf_of|role|result.
  std::string AuditRow(const std::string& action, const std::string& case_id) {
    return h().db().QueryValue(
        "SELECT actor || '|' || actor_role || '|' || coalesce(on_behalf_of, '') || '|' || "
        "coalesce(on_behalf_of_role, '') || '|' || result FROM audit_log WHERE action = '" +
        action + "' AND case_id = '" + case_id + "' ORDER BY audit_id DESC LIMIT 1");
  }

  static RecordsHarness* harness_;
};

RecordsHarness* RecordsTokensTest::harness_ = nullptr;

// Assessment's service token (aud ccms-records) and a user's token for assessment.
std::string AssessmentServiceToken() {
  return ServiceHarness::TokenFor({"ccms-records"}, Role::kService, {"*"}, "ccms-assessment");
}
std::string UserOfAssessment(const std::string& subject = "staff-behind") {
  return ServiceHarness::TokenFor({"ccms-assessment"}, Role::kOfficeStaff, {kDistrict}, subject);
}

TEST_F(RecordsTokensTest, ATokenMintedForAssessmentIsRefusedByRecords) {
  const grpc::Status refused = ListWith(UserOfAssessment());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("audience"), std::string::npos);
  const std::string for_records =
      ServiceHarness::TokenFor({"ccms-records"}, Role::kOfficeStaff, {kDistrict}, "staff-1");
  EXPECT_TRUE(ListWith(for_records).ok());
  // A token listing several audiences works wherever one of them is the service's.
  EXPECT_TRUE(ListWith(ServiceHarness::TokenFor({"ccms-assessment", "ccms-records"},
                                                Role::kOfficeStaff, {kDistrict}))
                  .ok());
}

TEST_F(RecordsTokensTest, CaseFactsForAServiceNeverCarryTheNameAndNameTheEndUserInTheAudit) {
  const records::v1::Case c = OpenCase();
  ASSERT_FALSE(c.case_id().empty());
  records::v1::GetCaseFactsResponse facts;
  const grpc::Status st = Facts(AssessmentServiceToken(), UserOfAssessment(), c.case_id(), &facts);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(facts.case_id(), c.case_id());
  EXPECT_EQ(facts.district_code(), kDistrict);
  EXPECT_EQ(facts.office_id(), c.assignment().office_id());
  EXPECT_EQ(facts.status(), c.status());
  EXPECT_EQ(facts.sentence_kind(), c.sentence().kind());
  EXPECT_EQ(facts.supervision_start_date().year(), c.sentence().start_date().year());
  EXPECT_EQ(facts.supervision_end_date().day(), c.sentence().end_date().day());
  EXPECT_EQ(facts.minor(), c.minor());
  EXPECT_EQ(facts.sex(), c.person().sex());
  EXPECT_NE(facts.age_band(), records::v1::AGE_BAND_UNSPECIFIED);
  EXPECT_GT(facts.age_at_judgment(), 18);
  // Nothing that identifies the person, or tells the offence, is in the bytes at all.
  const std::string bytes = facts.SerializeAsString();
  ASSERT_FALSE(c.person().name().empty());
  for (const std::string& secret :
       {c.person().name(), c.person().phone(), c.person().household_address(),
        c.person().residence_address(), c.person().id_number_masked(), c.sentence().offence_category()}) {
    if (secret.empty()) continue;
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "the facts carry " << secret;
  }
  EXPECT_EQ(AuditRow("GetCaseFacts", c.case_id()),
            "ccms-assessment|service|staff-behind|office_staff|OK");

  // A case that does not exist: NOT_FOUND, audited the same way.
  const std::string unknown = "00000000-0000-4000-8000-000000000001";
  EXPECT_EQ(Facts(AssessmentServiceToken(), UserOfAssessment("staff-2"), unknown, &facts)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(AuditRow("GetCaseFacts", unknown),
            "ccms-assessment|service|staff-2|office_staff|NOT_FOUND");
  // Event-driven work sends no end user: the row has none.
  ASSERT_TRUE(Facts(AssessmentServiceToken(), "", c.case_id(), &facts).ok());
  EXPECT_EQ(AuditRow("GetCaseFacts", c.case_id()), "ccms-assessment|service|||OK");
  // Partners and ops may not read the facts; the refusal is audited.
  const std::string ops = ServiceHarness::TokenFor({"ccms-records"}, Role::kOps, {"*"}, "ops-1");
  EXPECT_EQ(Facts(ops, "", c.case_id(), &facts).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(AuditRow("GetCaseFacts", c.case_id()), "ops-1|ops|||DENIED");
}

TEST_F(RecordsTokensTest, AnEndUserIsAcceptedOnlyFromAServiceAndForThatService) {
  const records::v1::Case c = OpenCase();
  records::v1::GetCaseFactsResponse facts;
  // The user's token must be for the calling service (the user really called assessment).
  const std::string user_of_records =
      ServiceHarness::TokenFor({"ccms-records"}, Role::kOfficeStaff, {kDistrict}, "staff-x");
  grpc::Status st = Facts(AssessmentServiceToken(), user_of_records, c.case_id(), &facts);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(st.error_message().find("end user"), std::string::npos) << st.error_message();
  // Only a service acts for someone else.
  const std::string staff =
      ServiceHarness::TokenFor({"ccms-records"}, Role::kOfficeStaff, {kDistrict}, "staff-y");
  EXPECT_EQ(Facts(staff, UserOfAssessment(), c.case_id(), &facts).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A forged or garbled end user is refused, not ignored.
  EXPECT_EQ(Facts(AssessmentServiceToken(), "not-a-token", c.case_id(), &facts).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const std::string forged = ServiceHarness::TokenFor(
      {"ccms-assessment"}, Role::kCityAdmin, {"*"}, "mallory", kTestJwtKid,
      "someone-elses-secret-0123456789abcdef");
  EXPECT_EQ(Facts(AssessmentServiceToken(), forged, c.case_id(), &facts).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// The key-set file is rewritten while the service runs: a token of a new kid works once the key
// is added, without a restart; the old kid works until its key is removed.
TEST_F(RecordsTokensTest, AKeyRotatedInTheKeySetFileTakesEffectWithoutARestart) {
  const std::string path = h().host().config().jwt_keys_file;
  std::ifstream in(path);
  const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(original.empty());
  constexpr char kNewKid[] = "test-key-2";
  constexpr char kNewKey[] = "the-rotated-integration-key-0123456789";
  auto write = [&](const std::string& jwks) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << jwks;
    std::filesystem::rename(tmp, path);
  };
  auto keys = [](std::vector<std::pair<std::string, std::string>> pairs) {
    std::string out = R"({"keys": [)";
    for (size_t i = 0; i < pairs.size(); ++i) {
      const std::string one = auth::HmacKeySetJson(pairs[i].first, pairs[i].second);
      // {"keys":[ KEY ]} -> KEY
      out += (i ? "," : "") + one.substr(one.find('[') + 1, one.rfind(']') - one.find('[') - 1);
    }
    return out + "]}";
  };
  // Waits (up to 5 s; the host looks at the file every 100 ms in tests) for `token` to get `code`.
  auto eventually = [&](const std::string& token, grpc::StatusCode code) {
    grpc::Status st;
    for (int i = 0; i < 50; ++i) {
      st = ListWith(token);
      if (st.error_code() == code) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "wanted code " << code << ", got " << st.error_code() << " "
                  << st.error_message();
    return false;
  };
  const std::string old_token =
      ServiceHarness::TokenFor({"ccms-records"}, Role::kOfficeStaff, {kDistrict}, "staff-old");
  const std::string new_token = ServiceHarness::TokenFor(
      {"ccms-records"}, Role::kOfficeStaff, {kDistrict}, "staff-new", kNewKid, kNewKey);
  EXPECT_EQ(ListWith(new_token).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // 1. Add the new key: it works without a restart; the old one still does.
  write(keys({{kTestJwtKid, ServiceHarness::kJwtKey}, {kNewKid, kNewKey}}));
  EXPECT_TRUE(eventually(new_token, grpc::StatusCode::OK));
  EXPECT_TRUE(ListWith(old_token).ok());
  // 2. A broken file is refused and the keys in force stay.
  write("{\"keys\": [");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_TRUE(ListWith(new_token).ok());
  EXPECT_TRUE(ListWith(old_token).ok());
  // 3. Remove the old key: its tokens are refused from then on, the new ones keep working.
  write(keys({{kNewKid, kNewKey}}));
  EXPECT_TRUE(eventually(old_token, grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(ListWith(new_token).ok());

  write(original);  // the other tests sign with the original key
  EXPECT_TRUE(eventually(old_token, grpc::StatusCode::OK));
}

}  // namespace
}  // namespace ccms::testing
