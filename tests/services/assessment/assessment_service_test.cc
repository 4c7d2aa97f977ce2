// AssessmentServiceImpl with an in-memory store and records: what reaches the store, what the
// events carry, and what never leaves the service.
#include "services/assessment/assessment_service.h"

#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "gtest/gtest.h"
#include "services/assessment/event_builder.h"
#include "services/assessment/records_consumer.h"
#include "tests/services/assessment/domain/test_policy.h"
#include "tests/support/test_tokens.h"

namespace ccms::assessment {
namespace {

constexpr char kCase[] = "0190a0b0-0000-7000-8000-000000000001";
constexpr char kSecretNote[] = "NOTE-SHOULD-STAY-INSIDE";

class FakeStore : public AssessmentStore {
 public:
  absl::Status RegisterInstruments(const std::vector<InstrumentFingerprint>&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<domain::CaseState> GetCaseState(const auth::Principal&,
                                                 const std::string&) override {
    if (!known) return absl::NotFoundError("case not found");
    return state;
  }
  absl::StatusOr<bool> CaseKnown(const std::string&) override { return known; }
  absl::StatusOr<MutationResult> MutateCase(const auth::Principal&, const Mutation& m,
                                            const CaseMutator& mutate) override {
    ++mutations;
    if (!known && m.create_in_district.empty()) return absl::NotFoundError("case not found");
    if (!known) {
      state.case_id = m.case_id;
      state.district_code = m.create_in_district;
      known = true;
    }
    auto w = mutate(state);
    if (!w.ok()) return w.status();
    last = *w;
    state = w->state;
    if (w->assessment) assessment = *w->assessment;
    flags = w->new_flags;
    MutationResult r;
    r.resource_id = w->resource_id;
    r.state = state;
    return r;
  }
  absl::StatusOr<AssessmentRecord> GetAssessment(const auth::Principal&, const std::string&,
                                                 bool) override {
    return assessment;
  }
  absl::StatusOr<Page<AssessmentRecord>> ListAssessments(const auth::Principal&, const std::string&,
                                                         int, const std::string&) override {
    return Page<AssessmentRecord>{};
  }
  absl::StatusOr<Page<DueRecord>> ListDue(const auth::Principal&, const DueFilter& f) override {
    last_due_filter = f;
    return Page<DueRecord>{};
  }
  absl::StatusOr<std::vector<LevelChangeRecord>> LevelHistory(const auth::Principal&,
                                                              const std::string&, int) override {
    return std::vector<LevelChangeRecord>{};
  }
  absl::StatusOr<CrisisFlagRecord> GetCrisisFlag(const auth::Principal&,
                                                 const std::string&) override {
    if (flags.empty()) return absl::NotFoundError("crisis flag not found");
    return flags[0];
  }
  absl::StatusOr<std::vector<CrisisFlagRecord>> CrisisFlagsOfAssessment(
      const std::string&) override {
    return flags;
  }
  absl::StatusOr<Page<CrisisFlagRecord>> ListCrisisFlags(const auth::Principal&,
                                                         const CrisisFilter&) override {
    return Page<CrisisFlagRecord>{};
  }
  absl::StatusOr<LedgerMonth> GetLedgerMonth(const auth::Principal&, const std::string&,
                                             absl::CivilDay) override {
    return LedgerMonth{};
  }
  absl::StatusOr<std::vector<CrisisCount>> CountCrisisFlags(absl::Time) override {
    return std::vector<CrisisCount>{};
  }
  absl::Status OpenMonthForActiveCases(absl::CivilDay, int, const std::string&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<MonthToClose>> MonthsToClose(absl::CivilDay, int) override {
    return std::vector<MonthToClose>{};
  }
  absl::StatusOr<std::vector<std::string>> CasesToReview(absl::CivilDay, int) override {
    return std::vector<std::string>{};
  }
  absl::Status CloseMonth(const MonthToClose&, int, const std::string&, const std::string&,
                          const CaseMutator&) override {
    return absl::OkStatus();
  }

  bool known = true;
  int mutations = 0;
  domain::CaseState state;
  CaseWrite last;
  AssessmentRecord assessment;
  std::vector<CrisisFlagRecord> flags;
  DueFilter last_due_filter;
};

class FakeRecords : public CaseDirectory {
 public:
  absl::StatusOr<CaseFacts> GetCase(const std::string& case_id,
                                    const OnBehalfOf& caller) override {
    ++calls;
    end_user_tokens.push_back(caller.end_user_token);
    if (!up) return absl::UnavailableError("records service unavailable; retry later");
    CaseFacts f;
    f.case_id = case_id;
    f.district_code = "110101";
    f.status = domain::CaseStatus::kActive;
    f.intake_reported_on = absl::CivilDay(2026, 11, 1);
    return f;
  }
  bool up = true;
  int calls = 0;
  std::vector<std::string> end_user_tokens;
};

class AssessmentServiceTest : public ::testing::Test {
 protected:
  AssessmentServiceTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 22, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(::ccms::testing::HmacVerifier(std::string(40, 'k'))),
        executor_(workers_, *verifier_, clock_),
        catalog_(*InstrumentCatalog::Load(EmbeddedInstruments())),
        policy_(domain::testing::DefaultPolicies()),
        service_(store_, executor_, catalog_, policy_, records_, clock_) {
    staff_.subject = "staff-1";
    staff_.role = auth::Role::kOfficeStaff;
    staff_.districts = {"110101"};
    store_.state.case_id = kCase;
    store_.state.district_code = "110101";
    store_.state.status = domain::CaseStatus::kActive;
    store_.state.intake_reported_on = absl::CivilDay(2026, 11, 1);
    store_.state.level = domain::Level::kStrict;
  }

  v1::RecordAssessmentRequest Psych(const std::map<std::string, std::string>& chosen) {
    v1::RecordAssessmentRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_case_id(kCase);
    r.set_instrument_id("psych_screening");
    r.set_kind(v1::ASSESSMENT_KIND_INTAKE);
    r.set_notes(kSecretNote);
    for (const auto& item : catalog_.Find("psych_screening", 0)->instrument.items) {
      auto* a = r.add_answers();
      a->set_item_id(item.id);
      auto it = chosen.find(item.id);
      a->set_option_id(it == chosen.end() ? "never" : it->second);
    }
    return r;
  }

  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  InstrumentCatalog catalog_;
  domain::AssessmentPolicies policy_;
  FakeStore store_;
  FakeRecords records_;
  AssessmentServiceImpl service_;
  auth::Principal staff_;
};

TEST_F(AssessmentServiceTest, BadAnswersNeverReachTheStore) {
  v1::RecordAssessmentRequest r = Psych({});
  r.mutable_answers()->RemoveLast();
  r.mutable_answers(0)->set_option_id("sometimes-ish");
  r.set_kind(v1::ASSESSMENT_KIND_UNSPECIFIED);
  v1::RecordAssessmentResponse resp;
  const absl::Status st = service_.DoRecordAssessment(staff_, r, &resp);
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"kind", "answers[0].option_id", "answers"}));
  EXPECT_EQ(store_.mutations, 0);

  r = Psych({});
  r.set_instrument_id("no_such");
  EXPECT_EQ(grpc_util::ViolationsOf(service_.DoRecordAssessment(staff_, r, &resp))[0].field,
            "instrument_id");
  r = Psych({});
  r.set_instrument_version(7);
  EXPECT_EQ(grpc_util::ViolationsOf(service_.DoRecordAssessment(staff_, r, &resp))[0].field,
            "instrument_version");
  r = Psych({});
  r.mutable_assessed_on()->set_year(2026);
  r.mutable_assessed_on()->set_month(12);
  r.mutable_assessed_on()->set_day(1);
  EXPECT_EQ(grpc_util::ViolationsOf(service_.DoRecordAssessment(staff_, r, &resp))[0].field,
            "assessed_on");
  r = Psych({});
  r.set_request_id("");
  EXPECT_TRUE(absl::IsInvalidArgument(service_.DoRecordAssessment(staff_, r, &resp)));
  EXPECT_EQ(store_.mutations, 0);
}

TEST_F(AssessmentServiceTest, ScoresAreComputedAndEventsCarryNoAnswersOrNotes) {
  v1::RecordAssessmentResponse resp;
  const absl::Status st = service_.DoRecordAssessment(
      staff_, Psych({{"thoughts_of_death", "often"}, {"self_harm", "sometimes"}}), &resp);
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_DOUBLE_EQ(resp.assessment().total_score(), 3);
  EXPECT_TRUE(resp.assessment().abnormal());  // suicidal ideation 3 >= 2
  EXPECT_EQ(resp.assessment().notes(), kSecretNote);
  EXPECT_TRUE(resp.supervision().key_attention());
  EXPECT_EQ(resp.supervision().level(), common::v1::SUPERVISION_LEVEL_STRICT);
  ASSERT_EQ(resp.crisis_flags_size(), 2);  // suicide and self-harm
  const CaseWrite& w = store_.last;
  ASSERT_EQ(w.new_flags.size(), 2u);
  EXPECT_EQ(w.new_flags[0].acknowledge_by - w.new_flags[0].raised_at, absl::Hours(2));
  std::set<std::string> types;
  for (const auto& e : w.events) {
    types.insert(e.type());
    const std::string bytes = e.SerializeAsString();
    EXPECT_EQ(bytes.find(kSecretNote), std::string::npos) << e.type();
    EXPECT_EQ(bytes.find("thoughts_of_death"), std::string::npos) << e.type();
    EXPECT_EQ(bytes.find("often"), std::string::npos) << e.type();
    EXPECT_EQ(e.case_id(), kCase);
  }
  EXPECT_EQ(types, (std::set<std::string>{kAssessmentRecordedType, kCrisisRaisedType,
                                          kKeyAttentionChangedType}));
  for (const auto& e : w.events) {
    if (e.type() != kCrisisRaisedType) continue;
    v1::CrisisFlagRaised p;
    ASSERT_TRUE(e.payload().UnpackTo(&p));
    EXPECT_EQ(p.source(), v1::CRISIS_SOURCE_ASSESSMENT);
    EXPECT_EQ(p.district_code(), "110101");
  }
  // Intake dues completed by this assessment.
  bool completed_intake = false;
  for (const auto& [instrument, kind] : w.effects.completed_dues) {
    completed_intake = completed_intake || (instrument == domain::InstrumentKind::kPsychScreening &&
                                            kind == domain::AssessmentKind::kIntake);
  }
  EXPECT_TRUE(completed_intake);
}

// Two policy versions, the second from 2026-11-15 (mid-month) with a heavier weight on
// thoughts of death and 4 hours to acknowledge a crisis: an assessment is scored and followed up
// by the version in force on the day it was made, and names it.
TEST_F(AssessmentServiceTest, AnAssessmentUsesTheVersionInForceOnItsDay) {
  domain::AssessmentPolicy first = domain::testing::DefaultPolicy();
  first.version = "a1";
  domain::AssessmentPolicy second = first;
  second.version = "a2";
  second.weights["psych_screening"]["thoughts_of_death"] = 2.0;
  second.crisis_ack_hours = 4;
  const auto policies = domain::AssessmentPolicies::Make(
      {{"a1", absl::CivilDay(2026, 1, 1), first}, {"a2", absl::CivilDay(2026, 11, 15), second}},
      "test");
  ASSERT_TRUE(policies.ok()) << policies.status();
  AssessmentServiceImpl service(store_, executor_, catalog_, *policies, records_, clock_);
  auto record = [&](absl::CivilDay on) {
    v1::RecordAssessmentRequest r =
        Psych({{"thoughts_of_death", "often"}, {"self_harm", "sometimes"}});
    r.mutable_assessed_on()->set_year(static_cast<int>(on.year()));
    r.mutable_assessed_on()->set_month(on.month());
    r.mutable_assessed_on()->set_day(on.day());
    v1::RecordAssessmentResponse resp;
    const absl::Status st = service.DoRecordAssessment(staff_, r, &resp);
    EXPECT_TRUE(st.ok()) << st;
    return resp;
  };
  v1::RecordAssessmentResponse before = record(absl::CivilDay(2026, 11, 14));
  EXPECT_DOUBLE_EQ(before.assessment().total_score(), 3);  // 2 x 1.0 + 1
  EXPECT_EQ(before.assessment().policy_version(), "a1");
  EXPECT_EQ(store_.last.policy_version, "a1");
  ASSERT_FALSE(store_.last.new_flags.empty());
  EXPECT_EQ(store_.last.new_flags[0].acknowledge_by - store_.last.new_flags[0].raised_at,
            absl::Hours(2));
  v1::RecordAssessmentResponse on = record(absl::CivilDay(2026, 11, 15));
  EXPECT_DOUBLE_EQ(on.assessment().total_score(), 5);  // 2 x 2.0 + 1
  EXPECT_EQ(on.assessment().policy_version(), "a2");
  EXPECT_EQ(store_.last.policy_version, "a2");
  ASSERT_FALSE(store_.last.new_flags.empty());
  EXPECT_EQ(store_.last.new_flags[0].acknowledge_by - store_.last.new_flags[0].raised_at,
            absl::Hours(4));
}

TEST_F(AssessmentServiceTest, UnknownCaseIsAskedOfRecordsAndItsOutageIsUnavailable) {
  store_.known = false;
  records_.up = false;
  v1::RecordAssessmentResponse resp;
  absl::Status st = service_.DoRecordAssessment(staff_, Psych({}), &resp);
  EXPECT_TRUE(absl::IsUnavailable(st)) << st;
  EXPECT_EQ(st.message(), "records service unavailable; retry later");
  EXPECT_EQ(store_.mutations, 0);
  records_.up = true;
  auth::Principal caller = staff_;
  caller.token = "the-callers-token";  // as CallExecutor sets it
  st = service_.DoRecordAssessment(caller, Psych({}), &resp);
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(records_.calls, 2);
  // The lookup goes on behalf of the caller: records gets its token as the end user.
  EXPECT_EQ(records_.end_user_tokens.back(), "the-callers-token");
  EXPECT_EQ(store_.mutations, 2);  // the seed from records, then the assessment
  // Known now: no more calls to records.
  ASSERT_TRUE(service_.DoRecordAssessment(staff_, Psych({}), &resp).ok());
  EXPECT_EQ(records_.calls, 2);
}

TEST_F(AssessmentServiceTest, OverrideNeedsALevelAndAWrittenReasonAndTheRightRole) {
  v1::OverrideSupervisionLevelRequest r;
  r.set_request_id(ids::NewUuid());
  r.set_case_id(kCase);
  v1::OverrideSupervisionLevelResponse resp;
  absl::Status st = service_.DoOverrideSupervisionLevel(staff_, r, &resp);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"level", "reason"}));
  r.set_level(common::v1::SUPERVISION_LEVEL_STANDARD);
  r.set_reason("stable job, family support; team decision");
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  EXPECT_TRUE(absl::IsPermissionDenied(service_.DoOverrideSupervisionLevel(sw, r, &resp)));
  st = service_.DoOverrideSupervisionLevel(staff_, r, &resp);
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(resp.supervision().level(), common::v1::SUPERVISION_LEVEL_STANDARD);
  EXPECT_EQ(resp.supervision().rule(), "OVERRIDE");
  EXPECT_EQ(store_.last.override_reason, "stable job, family support; team decision");
  ASSERT_EQ(store_.last.events.size(), 1u);
  EXPECT_EQ(store_.last.events[0].SerializeAsString().find("team decision"), std::string::npos);
  v1::SupervisionLevelChanged changed;
  ASSERT_TRUE(store_.last.events[0].payload().UnpackTo(&changed));
  EXPECT_TRUE(changed.override());
  EXPECT_EQ(changed.previous_level(), common::v1::SUPERVISION_LEVEL_STRICT);
  EXPECT_EQ(changed.rule(), "OVERRIDE");
  // Not for a case without a level.
  store_.state.status = domain::CaseStatus::kPendingIntake;
  r.set_request_id(ids::NewUuid());
  EXPECT_TRUE(absl::IsFailedPrecondition(service_.DoOverrideSupervisionLevel(staff_, r, &resp)));
}

TEST_F(AssessmentServiceTest, OnlyOfficeStaffAcknowledgeCrises) {
  v1::AcknowledgeCrisisFlagRequest r;
  r.set_request_id(ids::NewUuid());
  r.set_flag_id(ids::NewUuid());
  v1::AcknowledgeCrisisFlagResponse resp;
  for (auth::Role role :
       {auth::Role::kSocialWorker, auth::Role::kCityAdmin, auth::Role::kAuditor}) {
    auth::Principal p = staff_;
    p.role = role;
    EXPECT_TRUE(absl::IsPermissionDenied(service_.DoAcknowledgeCrisisFlag(p, r, &resp)));
  }
  EXPECT_TRUE(absl::IsNotFound(service_.DoAcknowledgeCrisisFlag(staff_, r, &resp)));
}

TEST_F(AssessmentServiceTest, DueListDefaultsAndOverdue) {
  v1::ListDueAssessmentsRequest r;
  r.set_overdue_only(true);
  v1::ListDueAssessmentsResponse resp;
  ASSERT_TRUE(service_.DoListDueAssessments(staff_, r, &resp).ok());
  EXPECT_EQ(store_.last_due_filter.due_before, absl::CivilDay(2026, 12, 22));
  EXPECT_EQ(store_.last_due_filter.overdue_before, absl::CivilDay(2026, 11, 22));
  r.set_page_token("garbage");
  EXPECT_TRUE(absl::IsInvalidArgument(service_.DoListDueAssessments(staff_, r, &resp)));
}

events::v1::Envelope Records(const std::string& type, const google::protobuf::Message& payload) {
  return kafka::MakeEnvelope(type, kCase, "110101", absl::Now(), absl::Now(), "records", payload);
}

TEST(TranslateRecordsEventTest, FollowsTheRecordsEvents) {
  bool malformed = false;
  records::v1::SanctionIssued sanction;
  sanction.set_kind(records::v1::SANCTION_KIND_WARNING);
  sanction.mutable_issued_on()->set_year(2026);
  sanction.mutable_issued_on()->set_month(6);
  sanction.mutable_issued_on()->set_day(3);
  auto fact = TranslateRecordsEvent(Records("ccms.records.sanction_issued", sanction), &malformed);
  ASSERT_TRUE(fact.has_value());
  const auto* s = std::get_if<domain::SanctionFact>(&*fact);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, domain::SanctionKind::kWarning);
  EXPECT_EQ(s->issued_on, absl::CivilDay(2026, 6, 3));

  records::v1::CaseTransferred moved;
  moved.set_to_district_code("310101");
  moved.mutable_effective_on()->set_year(2026);
  moved.mutable_effective_on()->set_month(7);
  moved.mutable_effective_on()->set_day(1);
  fact = TranslateRecordsEvent(Records("ccms.records.case_transferred", moved), &malformed);
  ASSERT_TRUE(fact.has_value());
  EXPECT_EQ(std::get<domain::CaseTransferredFact>(*fact).to_district_code, "310101");

  // Unknown types are ignored, not malformed.
  EXPECT_FALSE(TranslateRecordsEvent(Records("ccms.records.contact_recorded", moved), &malformed)
                   .has_value());
  EXPECT_FALSE(malformed);
  // A missing date or a payload of the wrong type is malformed.
  records::v1::ViolationRecorded no_date;
  EXPECT_FALSE(
      TranslateRecordsEvent(Records("ccms.records.violation_recorded", no_date), &malformed)
          .has_value());
  EXPECT_TRUE(malformed);
  EXPECT_FALSE(
      TranslateRecordsEvent(Records("ccms.records.commendation_recorded", moved), &malformed)
          .has_value());
  EXPECT_TRUE(malformed);
}

}  // namespace
}  // namespace ccms::assessment
