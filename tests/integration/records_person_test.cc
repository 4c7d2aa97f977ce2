// A person over several cases, against a real PostgreSQL (tests/run): the details each case was
// opened with stay that case's (person_versions, V010), OpenCase for a person with an open
// case elsewhere says only that one exists and is audited, and opens of one person at once
// (OpenCase's two statements, issue 18) still make one case.
#include <string>
#include <thread>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using records::v1::Case;
using records::v1::GetCaseResponse;
using records::v1::OpenCaseRequest;
using records::v1::OpenCaseResponse;

constexpr char kDistrictA[] = "110102";
constexpr char kDistrictB[] = "310104";

google::type::Date D(absl::CivilDay d) {
  google::type::Date out;
  out.set_year(static_cast<int>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

class RecordsPersonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() != nullptr) harness_ = new RecordsHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }

  RecordsHarness& h() { return *harness_; }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
  std::string NextId() { return MakeIdNumber("19880412", 1 + 2 * (seq_++ % 499), "120101"); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  grpc::Status Open(const std::string& token, const OpenCaseRequest& req, OpenCaseResponse* out) {
    auto ctx = h().Context(token);
    return h().cases().OpenCase(ctx.get(), req, out);
  }
  grpc::Status Get(const std::string& token, const std::string& case_id, GetCaseResponse* out) {
    records::v1::GetCaseRequest req;
    req.set_case_id(case_id);
    auto ctx = h().Context(token);
    return h().cases().GetCase(ctx.get(), req, out);
  }
  // A case of `id_number` in district A whose term has ended, checked in and discharged.
  Case OpenAndDischargeInA(const std::string& id_number) {
    OpenCaseRequest req = ValidOpenCase(id_number, kDistrictA);
    req.mutable_person()->set_name("First Name");
    req.mutable_person()->set_phone("13800000001");
    req.mutable_person()->set_residence_address("District A, first street 1");
    *req.mutable_sentence()->mutable_end_date() = D(h().Today() - 3);
    OpenCaseResponse opened;
    EXPECT_TRUE(Open(StaffA(), req, &opened).ok());
    records::v1::RecordIntakeCheckInRequest in;
    in.set_request_id(ids::NewUuid());
    in.set_case_id(opened.case_().case_id());
    *in.mutable_reported_on() = D(absl::CivilDay(2025, 1, 15));
    records::v1::RecordIntakeCheckInResponse checked;
    auto ctx = h().Context(StaffA());
    EXPECT_TRUE(h().cases().RecordIntakeCheckIn(ctx.get(), in, &checked).ok());
    records::v1::DischargeRequest dreq;
    dreq.set_request_id(ids::NewUuid());
    dreq.set_case_id(opened.case_().case_id());
    dreq.set_certificate_number("CERT-P1");
    dreq.set_announced(true);
    records::v1::DischargeResponse discharged;
    auto dctx = h().Context(StaffA());
    grpc::Status st = h().discharge().Discharge(dctx.get(), dreq, &discharged);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return opened.case_();
  }
  // The same person's next sentence, in district B, with new details.
  OpenCaseRequest SecondCaseInB(const std::string& id_number) {
    OpenCaseRequest req = ValidOpenCase(id_number, kDistrictB);
    req.mutable_person()->set_name("Second Name");
    req.mutable_person()->set_phone("13900000002");
    req.mutable_person()->set_residence_address("District B, second road 2");
    *req.mutable_sentence()->mutable_judgment_effective_date() = D(absl::CivilDay(2026, 11, 20));
    *req.mutable_sentence()->mutable_start_date() = D(absl::CivilDay(2026, 11, 20));
    *req.mutable_sentence()->mutable_end_date() = D(absl::CivilDay(2028, 11, 19));
    return req;
  }

  static RecordsHarness* harness_;
  static int seq_;
};

RecordsHarness* RecordsPersonTest::harness_ = nullptr;
int RecordsPersonTest::seq_ = 0;

TEST_F(RecordsPersonTest, OpenedAgainInAnotherDistrictTheFirstCaseKeepsItsDetails) {
  const std::string id = NextId();
  const Case first = OpenAndDischargeInA(id);
  ASSERT_FALSE(first.case_id().empty());
  EXPECT_EQ(first.person().details_version(), 1);

  OpenCaseResponse second;
  grpc::Status st = Open(StaffB(), SecondCaseInB(id), &second);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(second.case_().person().person_id(), first.person().person_id());  // one person
  EXPECT_EQ(second.case_().person().phone(), "13900000002");
  EXPECT_EQ(second.case_().person().details_version(), 2);

  // The first case, read by its own district: the details it was opened with. The current ones
  // were recorded by district B, which district A's staff cannot read: not shown.
  GetCaseResponse a;
  ASSERT_TRUE(Get(StaffA(), first.case_id(), &a).ok());
  EXPECT_EQ(a.case_().person().name(), "First Name");
  EXPECT_EQ(a.case_().person().phone(), "13800000001");
  EXPECT_EQ(a.case_().person().residence_address(), "District A, first street 1");
  EXPECT_EQ(a.case_().person().details_version(), 1);
  EXPECT_FALSE(a.has_current_person());

  // The city bureau sees both: as opened, and the current details beside them.
  GetCaseResponse city;
  ASSERT_TRUE(Get(h().Token(Role::kCityAdmin, {"*"}, "admin-p"), first.case_id(), &city).ok());
  EXPECT_EQ(city.case_().person().phone(), "13800000001");
  ASSERT_TRUE(city.has_current_person());
  EXPECT_EQ(city.current_person().name(), "Second Name");
  EXPECT_EQ(city.current_person().phone(), "13900000002");
  EXPECT_EQ(city.current_person().residence_address(), "District B, second road 2");
  EXPECT_EQ(city.current_person().details_version(), 2);
  EXPECT_EQ(city.current_person().id_number_masked(), city.case_().person().id_number_masked());

  // A service (least privilege) never gets the current details; the second case shows its own.
  GetCaseResponse service;
  ASSERT_TRUE(
      Get(h().Token(Role::kService, {"*"}, "ccms-assessment"), first.case_id(), &service).ok());
  EXPECT_EQ(service.case_().person().phone(), "13800000001");
  EXPECT_FALSE(service.has_current_person());
  GetCaseResponse b;
  ASSERT_TRUE(Get(StaffB(), second.case_().case_id(), &b).ok());
  EXPECT_EQ(b.case_().person().phone(), "13900000002");
  EXPECT_FALSE(b.has_current_person());  // its details are the current ones

  // Lists show each case with its own details too.
  records::v1::ListCasesRequest list;
  list.set_district_code(kDistrictA);
  list.set_page_size(500);
  records::v1::ListCasesResponse listed;
  auto ctx = h().Context(StaffA());
  ASSERT_TRUE(h().cases().ListCases(ctx.get(), list, &listed).ok());
  bool found = false;
  for (const Case& c : listed.cases()) {
    if (c.case_id() != first.case_id()) continue;
    found = true;
    EXPECT_EQ(c.person().name(), "First Name");
  }
  EXPECT_TRUE(found);

  // In the database: one person, two versions, each case on its own.
  const std::string person = first.person().person_id();
  EXPECT_EQ(Count("SELECT count(*) FROM persons WHERE person_id = '" + person + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM person_versions WHERE person_id = '" + person + "'"), 2);
  EXPECT_EQ(Count("SELECT person_version FROM cases WHERE case_id = '" + first.case_id() + "'"), 1);
  EXPECT_EQ(Count("SELECT current_version FROM persons WHERE person_id = '" + person + "'"), 2);
}

TEST_F(RecordsPersonTest, UnchangedDetailsMakeNoNewVersion) {
  const std::string id = NextId();
  const Case first = OpenAndDischargeInA(id);
  OpenCaseRequest again = ValidOpenCase(id, kDistrictA);
  again.mutable_person()->set_name("First Name");
  again.mutable_person()->set_phone("13800000001");
  again.mutable_person()->set_residence_address("District A, first street 1");
  OpenCaseResponse resp;
  ASSERT_TRUE(Open(StaffA(), again, &resp).ok());
  EXPECT_EQ(resp.case_().person().details_version(), 1);
  EXPECT_EQ(resp.case_().person().details_effective_at().seconds(),
            first.person().details_effective_at().seconds());
  EXPECT_EQ(Count("SELECT count(*) FROM person_versions WHERE person_id = '" +
                  first.person().person_id() + "'"),
            1);
}

TEST_F(RecordsPersonTest, OpenCaseElsewhereSaysOnlyThatOneExistsAndIsAudited) {
  const std::string id = NextId();
  OpenCaseRequest in_a = ValidOpenCase(id, kDistrictA);
  in_a.mutable_person()->set_name("Probe Target");
  OpenCaseResponse open;
  ASSERT_TRUE(Open(StaffA(), in_a, &open).ok());
  const Case& existing = open.case_();
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  const int64_t cases = Count("SELECT count(*) FROM cases");

  for (const auto& [token, district, subject] :
       {std::make_tuple(StaffB(), std::string(kDistrictB), std::string("staff-b")),
        std::make_tuple(StaffA(), std::string(kDistrictA), std::string("staff-a"))}) {
    OpenCaseRequest probe = ValidOpenCase(id, district);
    probe.mutable_person()->set_phone("13700000003");  // would be a new version
    OpenCaseResponse resp;
    grpc::Status st = Open(token, probe, &resp);
    ASSERT_EQ(st.error_code(), grpc::ALREADY_EXISTS) << district;
    EXPECT_EQ(st.error_message(), "this person already has an open case");
    EXPECT_EQ(grpc_util::ReasonOf(st), "ALREADY_EXISTS");
    const std::string all = st.error_message() + st.error_details();
    for (const std::string& secret :
         {existing.case_id(), existing.case_number(), std::string(kDistrictA),
          existing.person().person_id(), std::string("Probe Target"),
          existing.person().id_number_masked().substr(14)}) {
      EXPECT_EQ(all.find(secret), std::string::npos) << district << ": " << secret;
    }
    // The probe's audit row: who asked, against the open case, ALREADY_OPEN.
    EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'OpenCase' AND result ="
                    " 'ALREADY_OPEN' AND actor = '" +
                    subject + "' AND case_id = '" + existing.case_id() + "' AND request_id = '" +
                    probe.request_id() + "'"),
              1)
        << district;
  }
  // Nothing else was written: no case, no event, no new version of the person's details.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), outbox);
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), cases);
  EXPECT_EQ(Count("SELECT count(*) FROM person_versions WHERE person_id = '" +
                  existing.person().person_id() + "'"),
            1);
}

// Opens of one person at the same moment, each with its own request id: exactly one case, the
// others ALREADY_EXISTS (never INTERNAL), whether the person is new (the others' first statement
// finds the person only with a fresh snapshot) or known with new details (they queue on its lock
// and one version is added).
TEST_F(RecordsPersonTest, OpensOfOnePersonAtOnceMakeOneCase) {
  constexpr int kAtOnce = 6;
  const std::string token = StaffA();
  for (const bool known : {false, true}) {
    const std::string id = NextId();
    std::string person_id;
    if (known) person_id = OpenAndDischargeInA(id).person().person_id();
    const int64_t cases = Count("SELECT count(*) FROM cases");
    std::vector<OpenCaseRequest> requests;
    for (int i = 0; i < kAtOnce; ++i) {
      OpenCaseRequest req = ValidOpenCase(id, kDistrictA);
      req.mutable_person()->set_phone("13600000006");  // new details for the known person
      requests.push_back(req);
    }
    std::vector<grpc::Status> results(kAtOnce);
    std::vector<OpenCaseResponse> responses(kAtOnce);
    std::vector<std::thread> threads;
    for (int i = 0; i < kAtOnce; ++i) {
      threads.emplace_back([&, i] { results[i] = Open(token, requests[i], &responses[i]); });
    }
    for (std::thread& t : threads) t.join();
    int opened = 0;
    for (int i = 0; i < kAtOnce; ++i) {
      if (results[i].ok()) {
        ++opened;
        person_id = responses[i].case_().person().person_id();
        EXPECT_EQ(responses[i].case_().person().details_version(), known ? 2 : 1);
      } else {
        EXPECT_EQ(results[i].error_code(), grpc::ALREADY_EXISTS) << results[i].error_message();
      }
    }
    EXPECT_EQ(opened, 1) << (known ? "known person" : "new person");
    EXPECT_EQ(Count("SELECT count(*) FROM cases"), cases + 1);
    EXPECT_EQ(Count("SELECT count(*) FROM person_versions WHERE person_id = '" + person_id + "'"),
              known ? 2 : 1);
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key IN (SELECT case_id::text FROM"
                    " cases WHERE person_id = '" +
                    person_id + "' AND status = 'PENDING_INTAKE')"),
              1);
  }
}

// The same request sent several times at once: one case, and every copy answers with it (the
// first response, kept with the request id).
TEST_F(RecordsPersonTest, OneRequestSentSeveralTimesAtOnceMakesOneCase) {
  constexpr int kAtOnce = 4;
  const std::string token = StaffA();
  const OpenCaseRequest req = ValidOpenCase(NextId(), kDistrictA);
  const int64_t cases = Count("SELECT count(*) FROM cases");
  std::vector<grpc::Status> results(kAtOnce);
  std::vector<OpenCaseResponse> responses(kAtOnce);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAtOnce; ++i) {
    threads.emplace_back([&, i] { results[i] = Open(token, req, &responses[i]); });
  }
  for (std::thread& t : threads) t.join();
  std::string case_id;
  for (int i = 0; i < kAtOnce; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].error_message();
    if (case_id.empty()) case_id = responses[i].case_().case_id();
    EXPECT_EQ(responses[i].case_().case_id(), case_id);
    EXPECT_EQ(responses[i].case_().case_number(), responses[0].case_().case_number());
  }
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), cases + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'OpenCase' AND request_id = '" +
                  req.request_id() + "'"),
            1);
}

// OpenCase's round trips to PostgreSQL (issue 18 item 2), counted in libpq's trace: BEGIN, the
// command's claim with the person and the case number, the case with its rows and the kept
// response, COMMIT. A retry: BEGIN, the claim finding the id taken, ROLLBACK, the first response.
TEST_F(RecordsPersonTest, OpenCaseTakesFourRoundTrips) {
  const std::string token = StaffA();
  // libpqxx prepares a statement on a connection at its first use (a round trip): use them once.
  const OpenCaseRequest warm = ValidOpenCase(NextId(), kDistrictA);
  OpenCaseResponse warmed;
  ASSERT_TRUE(Open(token, warm, &warmed).ok());
  ASSERT_TRUE(Open(token, warm, &warmed).ok());
  for (const bool known : {false, true}) {
    const std::string id = NextId();
    if (known) (void)OpenAndDischargeInA(id);
    OpenCaseRequest req = ValidOpenCase(id, kDistrictA);
    req.mutable_person()->set_phone("13600000007");  // new details for the known person
    OpenCaseResponse opened, again;
    std::string sent;
    {
      RoundTripCounter trips(h().host().pool());
      ASSERT_TRUE(Open(token, req, &opened).ok());
      EXPECT_EQ(trips.Take(&sent), 4) << (known ? "known person\n" : "new person\n") << sent;
      ASSERT_TRUE(Open(token, req, &again).ok());
      EXPECT_EQ(trips.Take(&sent), 4) << "retry\n" << sent;
    }
    // The retry answers with the kept bytes: those of the response the first call answered.
    EXPECT_EQ(again.SerializeAsString(), opened.SerializeAsString());
  }
}

}  // namespace
}  // namespace ccms::testing
