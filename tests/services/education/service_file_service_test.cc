// ServiceFileServiceImpl with an in-memory store: roles, request checks, the rules reaching the
// store, what the events carry and what never leaves the service.
#include "services/education/service_file_service.h"

#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"
#include "tests/support/test_tokens.h"

namespace ccms::education {
namespace {

constexpr char kCase[] = "0190a0b0-0000-7000-8000-000000000001";
constexpr char kSecretAnalysis[] = "ANALYSIS-SHOULD-STAY-INSIDE";

class FakeStore : public ServiceFileStore {
 public:
  absl::StatusOr<ServiceFileState> Mutate(const auth::Principal& principal,
                                          const std::string& case_id, std::string_view method,
                                          const std::string&, absl::CivilDay,
                                          const ServiceFileDecision& decide) override {
    ++mutations;
    last_method = std::string(method);
    if (!Visible(principal, case_id)) return absl::NotFoundError("case not found");
    auto w = decide(state);
    if (!w.ok()) return w.status();
    if (w->file) state.file = w->file;
    if (w->contact) state.contact = w->contact;
    for (const auto& e : w->events) events.push_back(e);
    return state;
  }
  absl::StatusOr<ServiceFileState> Get(const auth::Principal& principal, const std::string& case_id,
                                       absl::CivilDay) override {
    if (!Visible(principal, case_id)) return absl::NotFoundError("case not found");
    return state;
  }
  absl::StatusOr<ServiceFilePage> List(const auth::Principal&,
                                       const ServiceFileFilter& f) override {
    last_filter = f;
    ServiceFilePage p;
    p.items.push_back(state);
    return p;
  }

  bool Visible(const auth::Principal& p, const std::string& case_id) const {
    if (case_id != state.case_row.view.case_id) return false;
    if (p.all_districts) return true;
    for (const auto& d : p.districts) {
      if (d == state.case_row.view.district_code) return true;
    }
    return false;
  }

  ServiceFileState state;
  std::vector<events::v1::Envelope> events;
  int mutations = 0;
  std::string last_method;
  ServiceFileFilter last_filter;
};

class ServiceFileServiceTest : public ::testing::Test {
 protected:
  ServiceFileServiceTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 20, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(ccms::testing::HmacVerifier(std::string(40, 'k'))),
        executor_(workers_, *verifier_, clock_),
        policies_(domain::testing::DefaultPolicies()),
        service_(store_, executor_, policies_, clock_) {
    worker_.subject = "sw-1";
    worker_.role = auth::Role::kSocialWorker;
    worker_.districts = {"110101"};
    CaseRow& c = store_.state.case_row;
    c.view.case_id = kCase;
    c.view.district_code = "110101";
    c.view.status = domain::CaseStatus::kActive;
    c.view.minor = true;
    c.view.intake_reported_on = absl::CivilDay(2026, 3, 2);
    c.first_contact_due_on = absl::CivilDay(2026, 3, 9);
    c.service_file_due_on = absl::CivilDay(2026, 4, 2);
    c.due_policy_version = "test-policy";
  }

  v1::OpenServiceFileRequest Open() {
    v1::OpenServiceFileRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.add_cause_codes("FAMILY");
    r.add_need_codes("SCHOOLING");
    r.set_analysis(kSecretAnalysis);
    return r;
  }

  v1::RecordFirstContactRequest Contact() {
    v1::RecordFirstContactRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_form(v1::CONTACT_FORM_HOME_VISIT);
    r.mutable_contacted_on()->set_year(2026);
    r.mutable_contacted_on()->set_month(3);
    r.mutable_contacted_on()->set_day(10);
    return r;
  }

  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  domain::EducationPolicies policies_;
  FakeStore store_;
  ServiceFileServiceImpl service_;
  auth::Principal worker_;
};

TEST_F(ServiceFileServiceTest, OpensTheFileAndPublishesCodesOnly) {
  v1::OpenServiceFileResponse resp;
  ASSERT_TRUE(service_.DoOpenServiceFile(worker_, Open(), &resp).ok());
  EXPECT_EQ(store_.last_method, "OpenServiceFile");
  const auto& s = resp.status();
  EXPECT_EQ(s.service_file().cause_codes(0), "FAMILY");
  EXPECT_EQ(s.service_file().analysis(), kSecretAnalysis);  // the caller sees it
  EXPECT_EQ(s.service_file().opened_on().day(), 20);        // default: today
  EXPECT_FALSE(s.service_file_overdue());
  // Contact due 2026-03-09, not recorded, today 03-20: overdue.
  EXPECT_TRUE(s.first_contact_overdue());
  ASSERT_EQ(store_.events.size(), 1u);
  const events::v1::Envelope& e = store_.events[0];
  EXPECT_EQ(e.type(), "ccms.education.service_file_opened");
  EXPECT_EQ(e.case_id(), kCase);
  EXPECT_EQ(e.district_code(), "110101");
  v1::ServiceFileOpened p;
  ASSERT_TRUE(e.payload().UnpackTo(&p));
  EXPECT_EQ(p.need_codes(0), "SCHOOLING");
  EXPECT_FALSE(p.late());
  EXPECT_EQ(p.policy_version(), "test-policy");
  EXPECT_EQ(e.SerializeAsString().find(kSecretAnalysis), std::string::npos);

  // Once per case.
  v1::OpenServiceFileResponse again;
  EXPECT_EQ(service_.DoOpenServiceFile(worker_, Open(), &again).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_.events.size(), 1u);
}

TEST_F(ServiceFileServiceTest, LateFileIsMarkedLate) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 4, 3, 10, 0, 0), absl::UTCTimeZone()));
  v1::OpenServiceFileResponse resp;
  ASSERT_TRUE(service_.DoOpenServiceFile(worker_, Open(), &resp).ok());
  v1::ServiceFileOpened p;
  ASSERT_TRUE(store_.events[0].payload().UnpackTo(&p));
  EXPECT_TRUE(p.late());
}

TEST_F(ServiceFileServiceTest, RefusesBadRequestsBeforeTheStore) {
  v1::OpenServiceFileResponse resp;
  auto bad_codes = Open();
  bad_codes.add_cause_codes("NOT_A_CODE");
  bad_codes.clear_need_codes();
  const absl::Status st = service_.DoOpenServiceFile(worker_, bad_codes, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(grpc_util::ViolationsOf(st).size(), 2u);
  auto future = Open();
  future.mutable_opened_on()->set_year(2026);
  future.mutable_opened_on()->set_month(3);
  future.mutable_opened_on()->set_day(21);
  EXPECT_EQ(service_.DoOpenServiceFile(worker_, future, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  auto no_request_id = Open();
  no_request_id.clear_request_id();
  EXPECT_EQ(service_.DoOpenServiceFile(worker_, no_request_id, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  auto too_long = Open();
  too_long.set_analysis(std::string(8001, 'x'));
  EXPECT_EQ(service_.DoOpenServiceFile(worker_, too_long, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  v1::RecordFirstContactResponse cresp;
  auto no_form = Contact();
  no_form.clear_form();
  EXPECT_EQ(service_.DoRecordFirstContact(worker_, no_form, &cresp).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.mutations, 0);
}

TEST_F(ServiceFileServiceTest, RolesAndDistricts) {
  v1::OpenServiceFileResponse resp;
  auth::Principal auditor = worker_;
  auditor.role = auth::Role::kAuditor;
  EXPECT_EQ(service_.DoOpenServiceFile(auditor, Open(), &resp).code(),
            absl::StatusCode::kPermissionDenied);
  auth::Principal partner = worker_;
  partner.role = auth::Role::kPartner;
  v1::GetServiceFileRequest get;
  get.set_case_id(kCase);
  v1::GetServiceFileResponse got;
  EXPECT_EQ(service_.DoGetServiceFile(partner, get, &got).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(service_.DoGetServiceFile(auditor, get, &got).ok());
  auth::Principal elsewhere = worker_;
  elsewhere.districts = {"110102"};
  EXPECT_EQ(service_.DoOpenServiceFile(elsewhere, Open(), &resp).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.DoGetServiceFile(elsewhere, get, &got).code(), absl::StatusCode::kNotFound);
}

TEST_F(ServiceFileServiceTest, FirstContactOnceAndLateAfterItsDueDay) {
  v1::RecordFirstContactResponse resp;
  ASSERT_TRUE(service_.DoRecordFirstContact(worker_, Contact(), &resp).ok());
  EXPECT_EQ(resp.status().first_contact().reason(), v1::CONTACT_REASON_INTAKE);
  EXPECT_EQ(resp.status().first_contact().worker_id(), "sw-1");
  EXPECT_TRUE(resp.status().first_contact().late());  // 03-10 > due 03-09
  EXPECT_FALSE(resp.status().first_contact_overdue());
  v1::FirstContactRecorded p;
  ASSERT_EQ(store_.events.size(), 1u);
  ASSERT_TRUE(store_.events[0].payload().UnpackTo(&p));
  EXPECT_EQ(p.form(), v1::CONTACT_FORM_HOME_VISIT);
  EXPECT_TRUE(p.late());
  EXPECT_EQ(service_.DoRecordFirstContact(worker_, Contact(), &resp).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(ServiceFileServiceTest, BeforeIntakeIsAFailedPrecondition) {
  store_.state.case_row.view.status = domain::CaseStatus::kPendingIntake;
  store_.state.case_row.view.intake_reported_on.reset();
  v1::RecordFirstContactResponse resp;
  EXPECT_EQ(service_.DoRecordFirstContact(worker_, Contact(), &resp).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_.events.empty());
}

TEST_F(ServiceFileServiceTest, ListChecksItsFilter) {
  v1::ListServiceFilesRequest req;
  v1::ListServiceFilesResponse resp;
  req.set_district_code("11010");
  EXPECT_EQ(service_.DoListServiceFiles(worker_, req, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  req.set_district_code("110101");
  req.set_overdue_only(true);
  ASSERT_TRUE(service_.DoListServiceFiles(worker_, req, &resp).ok());
  EXPECT_TRUE(store_.last_filter.overdue_only);
  EXPECT_EQ(store_.last_filter.page_size, 50);
  EXPECT_EQ(store_.last_filter.today, absl::CivilDay(2026, 3, 20));
  ASSERT_EQ(resp.items_size(), 1);
  EXPECT_TRUE(resp.items(0).case_view().minor());
}

}  // namespace
}  // namespace ccms::education
