// CounsellingServiceImpl with an in-memory store: the therapy rule through the handler, urgent
// contacts met by a session, the psychological file encrypted and only for the district's staff,
// referrals, and what the events carry (codes and ids, never the file's text).
#include "services/education/counselling_service.h"

#include <set>

#include "absl/strings/match.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/education/domain/test_policy.h"
#include "tests/support/test_tokens.h"

namespace ccms::education {
namespace {

constexpr char kCase[] = "0190a0b0-0000-7000-8000-000000000001";
constexpr char kVolunteer[] = "0190a0b0-0000-7000-8000-0000000000e1";
constexpr char kTherapist[] = "0190a0b0-0000-7000-8000-0000000000e2";
constexpr char kSecretText[] = "PSYCH-FILE-TEXT-SHOULD-STAY-INSIDE";
constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class FakeStore : public CounsellingStore {
 public:
  absl::StatusOr<ExpertRecord> RegisterExpert(const auth::Principal&, const std::string&,
                                              const ExpertRecord& e) override {
    experts.push_back(e);
    return e;
  }
  absl::StatusOr<ExpertPage> ListExperts(const auth::Principal&, const std::string&, int,
                                         const std::string&) override {
    return ExpertPage{experts, ""};
  }
  absl::StatusOr<CareState> Mutate(const auth::Principal& principal, const std::string& case_id,
                                   std::string_view method, const std::string&,
                                   const std::string& expert_id,
                                   const CareDecision& decide) override {
    last_method = std::string(method);
    if (!Visible(principal, case_id)) return absl::NotFoundError("case not found");
    std::optional<ExpertRecord> expert;
    if (!expert_id.empty()) {
      for (const auto& e : experts) {
        if (e.expert_id == expert_id) expert = e;
      }
      if (!expert.has_value()) return absl::NotFoundError("expert not found");
    }
    auto w = decide(state, expert);
    if (!w.ok()) return w.status();
    if (w->session) {
      for (auto& u : state.urgent) {
        for (const auto& f : w->session->urgent_flag_ids) {
          if (u.flag_id == f) {
            u.met_at = w->session->held_at;
            u.met_by_session_id = w->session->session_id;
          }
        }
      }
      state.sessions.push_back(*w->session);
    }
    if (w->file) state.file = w->file;
    if (w->new_referral) state.referrals.push_back(*w->new_referral);
    if (w->referral_outcome) {
      for (auto& r : state.referrals) {
        if (r.referral_id == w->referral_outcome->referral_id) r = *w->referral_outcome;
      }
    }
    for (const auto& e : w->events) events.push_back(e);
    return state;
  }
  absl::StatusOr<CareState> Get(const auth::Principal& principal,
                                const std::string& case_id) override {
    if (!Visible(principal, case_id)) return absl::NotFoundError("case not found");
    return state;
  }
  absl::StatusOr<UrgentPage> ListUrgent(const auth::Principal&, const UrgentFilter& f) override {
    last_filter = f;
    UrgentPage p;
    p.items = state.urgent;
    return p;
  }

  bool Visible(const auth::Principal& p, const std::string& case_id) const {
    return case_id == state.case_row.view.case_id &&
           (p.all_districts || p.CanSeeDistrict(state.case_row.view.district_code));
  }

  CareState state;
  std::vector<ExpertRecord> experts;
  std::vector<events::v1::Envelope> events;
  std::string last_method;
  UrgentFilter last_filter;
};

ExpertRecord MakeExpert(const char* id, const char* kind) {
  ExpertRecord e;
  e.expert_id = id;
  e.district_code = "110101";
  e.kind = kind;
  e.display_name = "Expert";
  e.therapy_qualified = std::string(kind) == "PROFESSIONAL";
  return e;
}

class CounsellingServiceTest : public ::testing::Test {
 protected:
  CounsellingServiceTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 20, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(ccms::testing::HmacVerifier(std::string(40, 'k'))),
        executor_(workers_, *verifier_, clock_),
        policies_(domain::testing::DefaultPolicies()),
        cipher_(*crypto::PiiCipher::FromHexKey(kKey)),
        service_(store_, executor_, policies_, clock_, cipher_) {
    worker_.subject = "sw-1";
    worker_.role = auth::Role::kSocialWorker;
    worker_.districts = {"110101"};
    CaseRow& c = store_.state.case_row;
    c.view.case_id = kCase;
    c.view.district_code = "110101";
    c.view.status = domain::CaseStatus::kActive;
    c.view.supervision_start = absl::CivilDay(2026, 1, 5);
    store_.experts = {MakeExpert(kVolunteer, "VOLUNTEER"), MakeExpert(kTherapist, "PROFESSIONAL")};
  }

  v1::RecordCounsellingSessionRequest Session(const char* expert, v1::CounsellingKind kind) {
    v1::RecordCounsellingSessionRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_expert_id(expert);
    r.set_kind(kind);
    r.set_duration_minutes(50);
    return r;
  }

  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  domain::EducationPolicies policies_;
  crypto::PiiCipher cipher_;
  FakeStore store_;
  CounsellingServiceImpl service_;
  auth::Principal worker_;
};

TEST_F(CounsellingServiceTest, TherapyByAVolunteerIsRefusedNamingTheRule) {
  v1::RecordCounsellingSessionResponse resp;
  const absl::Status st = service_.DoRecordCounsellingSession(
      worker_, Session(kVolunteer, v1::COUNSELLING_KIND_THERAPY), &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(st.message(), domain::kTherapyRule)) << st.message();
  EXPECT_TRUE(store_.state.sessions.empty());
  EXPECT_TRUE(store_.events.empty());
  // Guidance by the same volunteer, and therapy by the professional, are fine.
  EXPECT_TRUE(service_
                  .DoRecordCounsellingSession(
                      worker_, Session(kVolunteer, v1::COUNSELLING_KIND_GUIDANCE), &resp)
                  .ok());
  EXPECT_TRUE(service_
                  .DoRecordCounsellingSession(
                      worker_, Session(kTherapist, v1::COUNSELLING_KIND_THERAPY), &resp)
                  .ok());
  EXPECT_EQ(resp.session().kind(), v1::COUNSELLING_KIND_THERAPY);
  EXPECT_EQ(store_.state.sessions.size(), 2u);
}

TEST_F(CounsellingServiceTest, ASessionMeetsTheOpenUrgentContactsRaisedBeforeIt) {
  const absl::Time now = clock_.Now();
  UrgentContactRecord before{
      "flag-before",        kCase,         "110101",     "SUICIDE", now - absl::Hours(30),
      now - absl::Hours(6), "test-policy", std::nullopt, ""};
  UrgentContactRecord later{
      "flag-later",          kCase,         "110101",     "VIOLENCE", now + absl::Hours(1),
      now + absl::Hours(25), "test-policy", std::nullopt, ""};
  store_.state.urgent = {before, later};
  v1::RecordCounsellingSessionResponse resp;
  ASSERT_TRUE(service_
                  .DoRecordCounsellingSession(
                      worker_, Session(kVolunteer, v1::COUNSELLING_KIND_GUIDANCE), &resp)
                  .ok());
  ASSERT_EQ(resp.session().urgent_flag_ids_size(), 1);
  EXPECT_EQ(resp.session().urgent_flag_ids(0), "flag-before");
  ASSERT_EQ(store_.events.size(), 1u);
  EXPECT_EQ(store_.events[0].type(), "ccms.education.counselling_session_recorded");
  v1::CounsellingSessionRecorded p;
  ASSERT_TRUE(store_.events[0].payload().UnpackTo(&p));
  EXPECT_EQ(p.kind(), "GUIDANCE");
  EXPECT_EQ(p.urgent_flag_ids(0), "flag-before");
  EXPECT_TRUE(p.urgent_contact_late());  // met 6 hours after its due time
  EXPECT_EQ(p.held_on().day(), 20);
}

TEST_F(CounsellingServiceTest, SessionRequestChecks) {
  v1::RecordCounsellingSessionResponse resp;
  auto req = Session(kVolunteer, v1::COUNSELLING_KIND_UNSPECIFIED);
  req.set_duration_minutes(0);
  *req.mutable_held_at() = grpc_util::ToProtoTimestamp(clock_.Now() + absl::Minutes(1));
  const absl::Status st = service_.DoRecordCounsellingSession(worker_, req, &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"kind", "duration_minutes", "held_at"}));
  auth::Principal auditor = worker_;
  auditor.role = auth::Role::kAuditor;
  EXPECT_EQ(service_
                .DoRecordCounsellingSession(
                    auditor, Session(kVolunteer, v1::COUNSELLING_KIND_GUIDANCE), &resp)
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CounsellingServiceTest, PsychFileIsEncryptedVersionedAndOnlyForTheDistrictsStaff) {
  v1::UpdatePsychFileRequest up;
  up.set_request_id(ids::NewUuid());
  up.set_case_id(kCase);
  up.set_version(0);
  up.set_text(kSecretText);
  v1::UpdatePsychFileResponse resp;
  ASSERT_TRUE(service_.DoUpdatePsychFile(worker_, up, &resp).ok());
  EXPECT_EQ(resp.file().version(), 1);
  EXPECT_EQ(resp.file().text(), kSecretText);
  ASSERT_TRUE(store_.state.file.has_value());
  EXPECT_EQ(store_.state.file->text_blob.find(kSecretText), std::string::npos);
  EXPECT_TRUE(store_.events.empty());  // never on the bus

  // A stale version is ABORTED.
  up.set_request_id(ids::NewUuid());
  EXPECT_EQ(service_.DoUpdatePsychFile(worker_, up, &resp).code(), absl::StatusCode::kAborted);

  v1::GetPsychFileRequest get;
  get.set_case_id(kCase);
  v1::GetPsychFileResponse got;
  ASSERT_TRUE(service_.DoGetPsychFile(worker_, get, &got).ok());
  EXPECT_EQ(got.file().text(), kSecretText);

  for (auth::Role r : {auth::Role::kCityAdmin, auth::Role::kAuditor}) {
    auth::Principal p = worker_;
    p.role = r;
    p.all_districts = true;
    EXPECT_EQ(service_.DoGetPsychFile(p, get, &got).code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(service_.DoUpdatePsychFile(p, up, &resp).code(), absl::StatusCode::kPermissionDenied);
  }
  auth::Principal other = worker_;
  other.districts = {"310101"};
  EXPECT_EQ(service_.DoGetPsychFile(other, get, &got).code(), absl::StatusCode::kNotFound);
}

TEST_F(CounsellingServiceTest, ReferralMadeThenItsOutcome) {
  v1::MakeReferralRequest mk;
  mk.set_request_id(ids::NewUuid());
  mk.set_case_id(kCase);
  mk.set_institution_agency_id("mental-health-centre-3");
  mk.set_reason(v1::REFERRAL_REASON_SEVERE_DISTRESS);
  v1::MakeReferralResponse made;
  ASSERT_TRUE(service_.DoMakeReferral(worker_, mk, &made).ok());
  EXPECT_EQ(made.referral().outcome(), v1::REFERRAL_OUTCOME_PENDING);
  ASSERT_EQ(store_.events.size(), 1u);
  v1::ReferralMade p;
  ASSERT_TRUE(store_.events[0].payload().UnpackTo(&p));
  EXPECT_EQ(p.reason(), "SEVERE_DISTRESS");
  EXPECT_EQ(p.institution_agency_id(), "mental-health-centre-3");

  v1::RecordReferralOutcomeRequest out;
  out.set_request_id(ids::NewUuid());
  out.set_case_id(kCase);
  out.set_referral_id(made.referral().referral_id());
  out.set_outcome(v1::REFERRAL_OUTCOME_ACCEPTED);
  v1::RecordReferralOutcomeResponse resp;
  ASSERT_TRUE(service_.DoRecordReferralOutcome(worker_, out, &resp).ok());
  EXPECT_EQ(resp.referral().outcome(), v1::REFERRAL_OUTCOME_ACCEPTED);
  out.set_outcome(v1::REFERRAL_OUTCOME_DECLINED);
  EXPECT_EQ(service_.DoRecordReferralOutcome(worker_, out, &resp).code(),
            absl::StatusCode::kFailedPrecondition);
  out.set_referral_id(ids::NewUuid());
  EXPECT_EQ(service_.DoRecordReferralOutcome(worker_, out, &resp).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CounsellingServiceTest, UrgentListOverdueAtTheDueTime) {
  const absl::Time now = clock_.Now();
  store_.state.urgent = {
      {"at-due", kCase, "110101", "SUICIDE", now - absl::Hours(24), now, "p", std::nullopt, ""},
      {"past-due", kCase, "110101", "SUICIDE", now - absl::Hours(25), now - absl::Microseconds(1),
       "p", std::nullopt, ""}};
  v1::ListUrgentContactsRequest req;
  req.set_district_code("110101");
  v1::ListUrgentContactsResponse resp;
  ASSERT_TRUE(service_.DoListUrgentContacts(worker_, req, &resp).ok());
  ASSERT_EQ(resp.items_size(), 2);
  EXPECT_FALSE(resp.items(0).overdue());
  EXPECT_TRUE(resp.items(1).overdue());
  EXPECT_EQ(store_.last_filter.now, now);
  req.set_page_token("not-a-token");
  EXPECT_EQ(service_.DoListUrgentContacts(worker_, req, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  req.set_page_token("");
  req.set_district_code("");
  EXPECT_EQ(service_.DoListUrgentContacts(worker_, req, &resp).code(),
            absl::StatusCode::kInvalidArgument);  // a district role names its district
}

}  // namespace
}  // namespace ccms::education
