// RecordsServiceImpl with an in-memory store: what reaches the store, and what never does.
#include "services/records/records_service.h"

#include <functional>
#include <map>
#include <set>

#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "common/policy/policy.h"
#include "gtest/gtest.h"
#include "tests/services/records/two_versions.h"

namespace ccms::records {
namespace {

constexpr char kPiiKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class FakeStore : public RecordsStore {
 public:
  absl::StatusOr<CaseRecord> OpenCase(const auth::Principal&, const OpenCaseCommand& cmd,
                                      const EventFactory& make_event) override {
    ++open_calls;
    last_open = cmd;
    CaseRecord r;
    r.case_id = cmd.case_id;
    r.case_number = "110101-2026-000001";
    r.status = domain::CaseStatus::kPendingIntake;
    r.district_code = cmd.input.district_code;
    r.judgment_effective_date = *cmd.input.judgment_effective_date;
    r.start_date = *cmd.input.supervision_start_date;
    r.end_date = *cmd.input.supervision_end_date;
    r.intake_deadline = cmd.validated.intake_deadline;
    r.id_last4 = cmd.id_last4;
    last_event = make_event(r);
    return r;
  }
  absl::StatusOr<CaseRecord> RecordIntakeCheckIn(const auth::Principal&,
                                                 const IntakeCheckInCommand&,
                                                 const IntakeDecider& decide,
                                                 const EventFactory&) override {
    auto outcome = decide(stored);
    if (!outcome.ok()) return outcome.status();
    CaseRecord r = stored;
    r.status = domain::CaseStatus::kActive;
    r.intake_reported_on = outcome->reported_on;
    r.intake_late = outcome->late;
    return r;
  }
  absl::StatusOr<CaseRecord> GetCase(const auth::Principal&, const std::string&,
                                     const std::string&) override {
    return absl::NotFoundError("case not found");
  }
  absl::StatusOr<CasePage> ListCases(const auth::Principal&, const CaseFilter& f,
                                     const std::string&) override {
    last_filter = f;
    return CasePage{};
  }
  absl::StatusOr<std::vector<CaseCount>> CountCases() override { return std::vector<CaseCount>{}; }
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountNeverReported(
      absl::CivilDay) override {
    return std::vector<std::pair<std::string, int64_t>>{};
  }
  // The activity methods: each counts its call; the ladder ones use `ladder`.
  absl::StatusOr<MutationResult> RecordContact(const auth::Principal&, const CaseMutation&,
                                               const NewContact&,
                                               const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{"contact-1"};
  }
  absl::StatusOr<MutationResult> MarkLostContact(const auth::Principal&, const CaseMutation&,
                                                 const LostContactPeriod& p,
                                                 const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{p.period_id};
  }
  absl::StatusOr<LostContactPeriod> MarkFoundAgain(const auth::Principal&, const CaseMutation&,
                                                   absl::CivilDay found_on,
                                                   const FoundAgainEventFactory&) override {
    ++mutations;
    return LostContactPeriod{"p", found_on - 12, found_on};
  }
  absl::StatusOr<MutationResult> RecordViolation(const auth::Principal&, const CaseMutation&,
                                                 const NewViolation& v,
                                                 const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{v.violation_id};
  }
  absl::StatusOr<MutationResult> IssueSanction(const auth::Principal&, const CaseMutation&,
                                               const NewSanction& s, const SanctionDecider& decide,
                                               const CaseEventFactory&) override {
    if (absl::Status st = decide(ladder); !st.ok()) return st;
    ++mutations;
    return MutationResult{s.sanction_id};
  }
  absl::StatusOr<MutationResult> MarkSanctionCorrected(const auth::Principal&, const CaseMutation&,
                                                       const std::string& id,
                                                       absl::CivilDay) override {
    ++mutations;
    return MutationResult{id};
  }
  absl::StatusOr<MutationResult> RecordCommendation(const auth::Principal&, const CaseMutation&,
                                                    const NewCommendation& c,
                                                    const CaseEventFactory&) override {
    ++mutations;
    return MutationResult{c.commendation_id};
  }
  absl::StatusOr<domain::LadderFacts> GetLadderFacts(const auth::Principal&, const std::string&,
                                                     const std::string&) override {
    return ladder;
  }
  absl::StatusOr<std::vector<OverdueCandidate>> ListOverdueCandidates(const auth::Principal&,
                                                                      const std::string&,
                                                                      const std::string&,
                                                                      absl::CivilDay, int,
                                                                      const std::string&) override {
    return overdue;
  }
  absl::StatusOr<std::vector<TimelineRow>> GetTimeline(const auth::Principal&, const std::string&,
                                                       const TimelineCursor&, int,
                                                       const std::string&) override {
    return std::vector<TimelineRow>{};
  }
  absl::StatusOr<std::vector<AuditRow>> ListAudit(const AuditFilter&) override {
    return std::vector<AuditRow>{};
  }
  absl::Status AppendAudit(const auth::Principal&, const std::string& action, const std::string&,
                           const std::string& result, const std::string&) override {
    audited.push_back(action + ":" + result);
    return absl::OkStatus();
  }

  absl::StatusOr<TransferRecord> RequestTransfer(const auth::Principal&, const CaseMutation&,
                                                 const NewTransfer& t,
                                                 const TransferEventFactory&) override {
    ++mutations;
    return t.transfer;
  }
  absl::StatusOr<TransferRecord> DecideTransfer(const auth::Principal&, const TransferDecision&,
                                                const TransferDecider& decide,
                                                const TransferEventFactory&) override {
    TransferRecord t = transfer;
    if (absl::Status st = decide(t); !st.ok()) return st;
    ++mutations;
    return t;
  }
  absl::StatusOr<std::vector<TransferRecord>> ListTransfers(const auth::Principal&,
                                                            const std::string&,
                                                            std::optional<domain::TransferStatus>,
                                                            const std::string&, int) override {
    return std::vector<TransferRecord>{};
  }

  absl::StatusOr<CaseRecord> EndCase(const auth::Principal&, const CaseMutation&, const CaseEnding&,
                                     const EndingDecider& decide,
                                     const CaseEventFactory&) override {
    auto status = decide(stored, ladder);
    if (!status.ok()) return status.status();
    ++mutations;
    CaseRecord c = stored;
    c.status = *status;
    return c;
  }
  absl::StatusOr<int> EmitDischargeNotices(absl::CivilDay, absl::CivilDay,
                                           const CaseEventFactory&) override {
    return 0;
  }

  absl::StatusOr<MutationResult> RecordDischargeSummary(const auth::Principal&, const CaseMutation&,
                                                        absl::CivilDay, const CaseCheck& check,
                                                        const CaseEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return MutationResult{stored.case_id};
  }
  absl::StatusOr<FollowUpVisit> RecordFollowUpVisit(const auth::Principal&, const CaseMutation&,
                                                    absl::CivilDay visited_on, const std::string&,
                                                    const CaseCheck& check,
                                                    const FollowUpEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return FollowUpVisit{"f", visited_on, visited_on, {}};
  }
  absl::StatusOr<std::vector<DischargeCandidate>> ListDischargeCandidates(const auth::Principal&,
                                                                          const std::string&,
                                                                          absl::CivilDay,
                                                                          const std::string&,
                                                                          int) override {
    return std::vector<DischargeCandidate>{};
  }
  absl::StatusOr<std::vector<FollowUpDue>> ListFollowUpsDue(const auth::Principal&,
                                                            const std::string&, absl::CivilDay,
                                                            const std::string&, const std::string&,
                                                            int) override {
    return std::vector<FollowUpDue>{};
  }
  absl::StatusOr<ExportPage> ExportCases(const auth::Principal&, const ExportFilter& filter,
                                         const std::string&) override {
    last_export = filter;
    return ExportPage{exported, false};
  }
  // Leave: the deciders run against `leave` / `standing` and `leave_context`.
  absl::StatusOr<LeaveRecord> RequestLeave(const auth::Principal&, const CaseMutation&,
                                           const LeaveRecord& in, const LeaveDecider& decide,
                                           const LeaveEventFactory& make_event) override {
    LeaveRecord l = in;
    if (absl::Status st = decide(l, leave_context); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, l);
    return l;
  }
  absl::StatusOr<LeaveRecord> ChangeLeave(const auth::Principal&, const CaseMutation&,
                                          const std::string&, const LeaveDecider& decide,
                                          const LeaveEventFactory& make_event,
                                          const LeaveEventFactory& make_violation_event) override {
    LeaveRecord l = leave;
    if (absl::Status st = decide(l, leave_context); !st.ok()) return st;
    ++mutations;
    if (!l.violation_id.empty()) last_violation_event = make_violation_event(stored, l);
    last_event = make_event(stored, l);
    return l;
  }
  absl::StatusOr<StandingApprovalRecord> GrantStandingApproval(
      const auth::Principal&, const CaseMutation&, const StandingApprovalRecord& a,
      const StandingApprovalEventFactory& make_event) override {
    ++mutations;
    last_event = make_event(stored, a);
    return a;
  }
  absl::StatusOr<StandingApprovalRecord> RevokeStandingApproval(
      const auth::Principal&, const CaseMutation&, const std::string&,
      const StandingApprovalDecider& decide,
      const StandingApprovalEventFactory& make_event) override {
    StandingApprovalRecord a = standing;
    if (absl::Status st = decide(a); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, a);
    return a;
  }
  absl::StatusOr<CaseLeaves> ListLeaves(const auth::Principal&, const std::string&,
                                        const std::string&, int, const std::string&) override {
    return CaseLeaves{{leave}, {standing}};
  }
  absl::StatusOr<std::vector<LeaveNotReturnedRow>> ListLeavesNotReturned(
      const auth::Principal&, const std::string&, absl::CivilDay, const std::string&, int,
      const std::string&) override {
    return not_returned;
  }
  LeaveRecord leave;
  LeaveContext leave_context;
  StandingApprovalRecord standing;
  events::v1::Envelope last_violation_event;
  std::vector<LeaveNotReturnedRow> not_returned;
  // Pre-sentence investigations, handover and intake: `investigation` and `stored` stand for
  // the rows as locked.
  absl::StatusOr<InvestigationRecord> CommissionInvestigation(
      const auth::Principal&, const NewInvestigation& n,
      const InvestigationEventFactory& make_event) override {
    ++mutations;
    last_new_investigation = n;
    last_event = make_event(n.record);
    return n.record;
  }
  absl::StatusOr<InvestigationRecord> ChangeInvestigation(
      const auth::Principal&, const InvestigationChange&, const InvestigationDecider& decide,
      const InvestigationEventFactory& make_event) override {
    InvestigationRecord i = investigation;
    if (absl::Status st = decide(i); !st.ok()) return st;
    ++mutations;
    last_event = make_event(i);
    return i;
  }
  absl::StatusOr<InvestigationRecord> GetInvestigation(const auth::Principal&, const std::string&,
                                                       const std::string&) override {
    return investigation;
  }
  absl::StatusOr<std::vector<InvestigationRecord>> ListInvestigations(const auth::Principal&,
                                                                      const InvestigationFilter& f,
                                                                      const std::string&) override {
    last_investigation_filter = f;
    return listed_investigations;
  }
  absl::StatusOr<HandoverRecord> RecordHandover(const auth::Principal&, const CaseMutation&,
                                                const HandoverRecord& h,
                                                const HandoverDecider& decide,
                                                const CaseEventFactory& make_event) override {
    HandoverRecord out = h;
    if (absl::Status st = decide(stored, out); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored);
    return out;
  }
  absl::StatusOr<AnnouncementRecord> RecordIntakeAnnouncement(const auth::Principal&,
                                                              const CaseMutation&,
                                                              const AnnouncementRecord& a,
                                                              const CaseCheck& check,
                                                              const CaseEventFactory&) override {
    if (absl::Status st = check(stored); !st.ok()) return st;
    ++mutations;
    return a;
  }
  absl::StatusOr<SupervisionTeamRecord> SetSupervisionTeam(
      const auth::Principal&, const CaseMutation&, const SupervisionTeamRecord& team,
      const CaseEventFactory& make_event) override {
    ++mutations;
    last_team = team;
    last_event = make_event(stored);
    return team;
  }
  absl::StatusOr<HandoverAndIntake> GetHandoverAndIntake(const auth::Principal&, const std::string&,
                                                         const std::string&) override {
    return HandoverAndIntake{};
  }
  InvestigationRecord investigation;
  NewInvestigation last_new_investigation;
  InvestigationFilter last_investigation_filter;
  std::vector<InvestigationRecord> listed_investigations;
  SupervisionTeamRecord last_team;

  // Orders: monitoring orders go through the deciders with `ladder` and `orders`; medical
  // records with `stored`.
  absl::StatusOr<MonitoringOrderRecord> OrderMonitoring(
      const auth::Principal&, const CaseMutation&, const MonitoringOrderRecord& o,
      const MonitoringOrderDecider& decide, const MonitoringEventFactory& make_event) override {
    if (absl::Status st = decide(stored, ladder, {}); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, o);
    return o;
  }
  absl::StatusOr<MonitoringOrderRecord> ChangeMonitoring(
      const auth::Principal&, const CaseMutation&, const MonitoringChange&,
      const MonitoringChangeDecider& decide, const MonitoringEventFactory& make_event) override {
    MonitoringOrderRecord o = order;
    if (absl::Status st = decide(stored, o); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored, o);
    return o;
  }
  absl::StatusOr<std::vector<MonitoringOrderRecord>> ListMonitoringExpiring(
      const auth::Principal&, const std::string&, absl::CivilDay, absl::CivilDay,
      std::optional<absl::CivilDay>, const std::string&, int) override {
    return std::vector<MonitoringOrderRecord>{};
  }
  absl::StatusOr<MutationResult> RecordHealthReport(const auth::Principal&, const CaseMutation&,
                                                    const NewHealthReport& r,
                                                    const MedicalRecordDecider& decide,
                                                    const CaseEventFactory& make_event) override {
    if (absl::Status st = decide(stored); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored);
    return MutationResult{r.report_id};
  }
  absl::StatusOr<MutationResult> RecordMedicalReview(const auth::Principal&, const CaseMutation&,
                                                     const NewMedicalReview& r,
                                                     const MedicalRecordDecider& decide,
                                                     const CaseEventFactory& make_event) override {
    if (absl::Status st = decide(stored); !st.ok()) return st;
    ++mutations;
    last_event = make_event(stored);
    return MutationResult{r.review_id};
  }
  absl::StatusOr<std::vector<MedicalCandidate>> ListMedicalCandidates(const auth::Principal&,
                                                                      const std::string&,
                                                                      const std::string&,
                                                                      absl::CivilDay, int,
                                                                      const std::string&) override {
    return std::vector<MedicalCandidate>{};
  }
  MonitoringOrderRecord order;

  int mutations = 0;
  ExportFilter last_export;
  std::vector<CaseRecord> exported;
  TransferRecord transfer;
  domain::LadderFacts ladder;
  std::vector<std::string> audited;

  std::vector<OverdueCandidate> overdue;
  int open_calls = 0;
  OpenCaseCommand last_open;
  events::v1::Envelope last_event;
  CaseFilter last_filter;
  CaseRecord stored;
};

class RecordsServiceTest : public ::testing::Test {
 protected:
  RecordsServiceTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 22, 10, 0, 0), absl::UTCTimeZone())),
        workers_(1, 1),
        verifier_(
            *auth::TokenVerifier::Create({.algorithm = "HS256", .key = std::string(40, 'k')})),
        executor_(workers_, *verifier_, clock_),
        cipher_(*crypto::PiiCipher::FromHexKey(kPiiKey)),
        policy_(*domain::LoadRecordsPolicies(
            *policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default"))),
        service_(store_, executor_, cipher_, clock_, policy_) {
    staff_.subject = "staff-1";
    staff_.role = auth::Role::kOfficeStaff;
    staff_.districts = {"110101"};
  }

  // A valid resident identity number (GB 11643 check digit computed here).
  static std::string ValidId() {
    const std::string body = "11010119900307001";
    static const int kW[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kW[i];
    return body + "10X98765432"[sum % 11];
  }

  static v1::OpenCaseRequest Valid() {
    v1::OpenCaseRequest r;
    r.set_request_id(ids::NewUuid());
    r.mutable_person()->set_name("测试");
    r.mutable_person()->set_id_number(ValidId());
    r.mutable_person()->set_residence_address("测试地址");
    auto* s = r.mutable_sentence();
    s->set_kind(common::v1::SENTENCE_KIND_PAROLE);
    s->set_offence_category("fraud");
    s->set_deciding_authority("court");
    for (auto* d : {s->mutable_judgment_effective_date(), s->mutable_start_date()}) {
      d->set_year(2026);
      d->set_month(11);
      d->set_day(19);
    }
    s->mutable_end_date()->set_year(2027);
    s->mutable_end_date()->set_month(11);
    s->mutable_end_date()->set_day(18);
    r.mutable_assignment()->set_district_code("110101");
    r.mutable_assignment()->set_office_id("office-1");
    return r;
  }

  // A valid commission of a pre-sentence investigation in 110101.
  static v1::CommissionInvestigationRequest ValidCommission() {
    v1::CommissionInvestigationRequest r;
    r.set_request_id(ids::NewUuid());
    r.set_district_code("110101");
    r.set_commissioning_body_kind(v1::COMMISSIONING_BODY_KIND_COURT);
    r.set_commissioning_body_name("某区人民法院");
    r.set_person_name("调查对象");
    r.set_id_number(ValidId());
    r.set_proposed_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    return r;
  }

  FakeStore store_;
  time::FakeClock clock_;
  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  grpc_util::CallExecutor executor_;
  crypto::PiiCipher cipher_;
  domain::RecordsPolicies policy_;
  RecordsServiceImpl service_;
  auth::Principal staff_;
};

TEST_F(RecordsServiceTest, ValidOpenReachesTheStoreWithoutThePlainIdNumber) {
  const v1::OpenCaseRequest req = Valid();
  const std::string id = ValidId();
  const std::string body = id.substr(0, 17);
  v1::OpenCaseResponse resp;
  ASSERT_TRUE(service_.DoOpenCase(staff_, req, &resp).ok());
  ASSERT_EQ(store_.open_calls, 1);
  const OpenCaseCommand& cmd = store_.last_open;
  EXPECT_EQ(cmd.id_last4, id.substr(14));
  EXPECT_EQ(cmd.id_cipher.find(body), std::string::npos);
  EXPECT_EQ(cmd.id_hash.size(), 32u);
  EXPECT_EQ(cmd.case_year, 2026);
  EXPECT_EQ(cmd.validated.intake_deadline, absl::CivilDay(2026, 11, 29));
  EXPECT_EQ(resp.case_().person().id_number_masked(), "**************" + id.substr(14));
  EXPECT_EQ(store_.last_event.type(), "ccms.records.case_opened");
  EXPECT_EQ(store_.last_event.SerializeAsString().find(body), std::string::npos);
}

TEST_F(RecordsServiceTest, InvalidRequestsNeverReachTheStore) {
  v1::OpenCaseResponse resp;
  v1::OpenCaseRequest no_request_id = Valid();
  no_request_id.clear_request_id();
  EXPECT_EQ(service_.DoOpenCase(staff_, no_request_id, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  v1::OpenCaseRequest bad_date = Valid();
  bad_date.mutable_sentence()->mutable_end_date()->set_month(2);
  bad_date.mutable_sentence()->mutable_end_date()->set_day(30);
  absl::Status st = service_.DoOpenCase(staff_, bad_date, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(grpc_util::ViolationsOf(st).empty());
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "sentence.end_date");
  EXPECT_EQ(store_.open_calls, 0);
}

TEST_F(RecordsServiceTest, OpeningInAnotherDistrictIsDenied) {
  v1::OpenCaseRequest req = Valid();
  req.mutable_assignment()->set_district_code("310101");
  v1::OpenCaseResponse resp;
  EXPECT_EQ(service_.DoOpenCase(staff_, req, &resp).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.open_calls, 0);
}

TEST_F(RecordsServiceTest, CheckInDecisionUsesTheDomainRules) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kPendingIntake;
  store_.stored.judgment_effective_date = absl::CivilDay(2026, 11, 1);
  v1::RecordIntakeCheckInRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  v1::RecordIntakeCheckInResponse resp;
  ASSERT_TRUE(service_.DoRecordIntakeCheckIn(staff_, req, &resp).ok());
  EXPECT_TRUE(resp.case_().intake_late());  // 2026-11-22 is day 21
  EXPECT_EQ(resp.case_().intake_reported_on().day(), 22);

  req.mutable_reported_on()->set_year(2026);
  req.mutable_reported_on()->set_month(12);
  req.mutable_reported_on()->set_day(1);  // in the future
  EXPECT_EQ(service_.DoRecordIntakeCheckIn(staff_, req, &resp).code(),
            absl::StatusCode::kInvalidArgument);
  store_.stored.status = domain::CaseStatus::kActive;
  req.clear_reported_on();
  EXPECT_EQ(service_.DoRecordIntakeCheckIn(staff_, req, &resp).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecordsServiceTest, ListValidatesPagingAndFilters) {
  v1::ListCasesRequest req;
  v1::ListCasesResponse resp;
  req.set_page_size(501);
  EXPECT_EQ(service_.DoListCases(staff_, req, &resp).code(), absl::StatusCode::kInvalidArgument);
  req.set_page_size(0);
  req.set_page_token("garbage!");
  EXPECT_EQ(service_.DoListCases(staff_, req, &resp).code(), absl::StatusCode::kInvalidArgument);
  req.clear_page_token();
  req.set_district_code("11");
  EXPECT_EQ(service_.DoListCases(staff_, req, &resp).code(), absl::StatusCode::kInvalidArgument);
  req.set_district_code("110101");
  req.set_status(v1::CASE_STATUS_ACTIVE);
  ASSERT_TRUE(service_.DoListCases(staff_, req, &resp).ok());
  EXPECT_EQ(store_.last_filter.page_size, 50);
  EXPECT_EQ(store_.last_filter.status, domain::CaseStatus::kActive);
}

TEST_F(RecordsServiceTest, RevocationLadderIsCheckedBeforeTheStoreWrites) {
  v1::IssueSanctionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_kind(v1::SANCTION_KIND_REVOCATION_REQUEST);
  req.add_grounds(v1::REVOCATION_GROUND_REPEATED_WARNINGS);
  store_.ladder.sentence_kind = domain::SentenceKind::kProbation;
  store_.ladder.sanctions = {{domain::SanctionKind::kWarning, absl::CivilDay(2026, 10, 1)}};
  v1::IssueSanctionResponse resp;
  absl::Status st = service_.DoIssueSanction(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(st.message()).find("REPEATED_WARNINGS"), std::string::npos) << st;
  EXPECT_EQ(store_.mutations, 0);
  store_.ladder.sanctions.push_back({domain::SanctionKind::kWarning, absl::CivilDay(2026, 11, 1)});
  ASSERT_TRUE(service_.DoIssueSanction(staff_, req, &resp).ok());
  EXPECT_EQ(store_.mutations, 1);
  EXPECT_TRUE(resp.status().revocation_requested());
}

TEST_F(RecordsServiceTest, DeniedCallsAreAudited) {
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  v1::IssueSanctionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_kind(v1::SANCTION_KIND_WARNING);
  v1::IssueSanctionResponse resp;
  EXPECT_EQ(service_.DoIssueSanction(sw, req, &resp).code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(store_.audited.size(), 1u);
  EXPECT_EQ(store_.audited[0], "IssueSanction:DENIED");
  // Social workers do record contacts.
  v1::RecordContactRequest contact;
  contact.set_request_id(ids::NewUuid());
  contact.set_case_id(ids::NewUuid());
  contact.set_kind(v1::CONTACT_KIND_HOME_VISIT);
  v1::RecordContactResponse contact_resp;
  EXPECT_TRUE(service_.DoRecordContact(sw, contact, &contact_resp).ok());
  contact.mutable_occurred_on()->set_year(2027);
  contact.mutable_occurred_on()->set_month(1);
  contact.mutable_occurred_on()->set_day(1);
  EXPECT_EQ(service_.DoRecordContact(sw, contact, &contact_resp).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RecordsServiceTest, TransferSteps) {
  v1::RequestTransferRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.set_to_district_code("310101");
  req.set_to_office_id("office-b");
  req.mutable_planned_move_on()->set_year(2026);
  req.mutable_planned_move_on()->set_month(12);
  req.mutable_planned_move_on()->set_day(10);  // 18 days ahead of 2026-11-22
  v1::RequestTransferResponse resp;
  ASSERT_TRUE(service_.DoRequestTransfer(staff_, req, &resp).ok());
  EXPECT_EQ(resp.transfer().reply_due().day(), 27);
  ASSERT_EQ(resp.transfer().notices_size(), 1);  // the policy asks for 30 days ahead
  req.mutable_planned_move_on()->set_month(10);
  EXPECT_EQ(service_.DoRequestTransfer(staff_, req, &resp).code(),
            absl::StatusCode::kInvalidArgument);  // in the past

  store_.transfer.status = domain::TransferStatus::kRequested;
  store_.transfer.requested_on = absl::CivilDay(2026, 11, 20);
  v1::AcceptTransferRequest accept;
  accept.set_request_id(ids::NewUuid());
  accept.set_transfer_id(ids::NewUuid());
  v1::AcceptTransferResponse accepted;
  absl::Status st = service_.DoAcceptTransfer(staff_, accept, &accepted);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  store_.transfer.status = domain::TransferStatus::kConsented;
  ASSERT_TRUE(service_.DoAcceptTransfer(staff_, accept, &accepted).ok());
  EXPECT_EQ(accepted.transfer().status(), v1::TRANSFER_STATUS_ACCEPTED);
  EXPECT_EQ(accepted.transfer().report_due().day(), 29);  // accepted 11-22 + 7 days
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  EXPECT_EQ(service_.DoAcceptTransfer(sw, accept, &accepted).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RecordsServiceTest, DischargeNotBeforeTheEndDate) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.end_date = absl::CivilDay(2026, 11, 23);
  v1::DischargeRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  req.set_certificate_number("JJ-2026-001");
  v1::DischargeResponse resp;
  absl::Status early = service_.DoDischarge(staff_, req, &resp);
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(early.message()).find("2026-11-23"), std::string::npos);
  EXPECT_EQ(store_.mutations, 0);
  store_.stored.end_date = absl::CivilDay(2026, 11, 22);
  ASSERT_TRUE(service_.DoDischarge(staff_, req, &resp).ok());
  EXPECT_EQ(resp.case_().status(), v1::CASE_STATUS_DISCHARGED);
  ASSERT_EQ(resp.follow_ups_due_size(), 3);
  EXPECT_EQ(resp.follow_ups_due(0).month(), 12);
  v1::CloseCaseRequest close;
  close.set_request_id(ids::NewUuid());
  close.set_case_id(store_.stored.case_id);
  close.set_reason(v1::CASE_CLOSE_REASON_REVOKED);
  v1::CloseCaseResponse closed;
  EXPECT_EQ(service_.DoCloseCase(staff_, close, &closed).code(),
            absl::StatusCode::kFailedPrecondition);  // no revocation request on the ladder
}

// Role × RPC: every RPC either admits a role or refuses it with PERMISSION_DENIED, as
// docs/records.md's table says. Requests are minimal; admitted calls may fail for other reasons.
TEST_F(RecordsServiceTest, RoleMatrix) {
  using auth::Role;
  const std::string case_id = ids::NewUuid();
  const std::string rid = ids::NewUuid();
  store_.stored.case_id = case_id;
  store_.stored.status = domain::CaseStatus::kPendingIntake;
  store_.stored.judgment_effective_date = absl::CivilDay(2026, 11, 20);
  store_.transfer.status = domain::TransferStatus::kConsented;
  store_.transfer.requested_on = absl::CivilDay(2026, 11, 1);
  using Call = std::function<absl::Status(const auth::Principal&)>;
  auto req_case = [&](auto& r) {
    r.set_request_id(rid);
    r.set_case_id(case_id);
  };
  const std::set<Role> all = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kSocialWorker,
                              Role::kCityAdmin,   Role::kAuditor,        Role::kPartner,
                              Role::kOps,         Role::kService};
  const std::set<Role> readers = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kSocialWorker,
                                  Role::kCityAdmin,   Role::kAuditor,        Role::kService};
  const std::set<Role> office = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin};
  const std::set<Role> case_workers = {Role::kOfficeStaff, Role::kDistrictBureau,
                                       Role::kSocialWorker, Role::kCityAdmin};
  const std::set<Role> exporters = {Role::kOfficeStaff, Role::kDistrictBureau, Role::kCityAdmin,
                                    Role::kAuditor};
  // Bureau approvals (leave over the office's limit, monitoring orders, renewals, early ends).
  const std::set<Role> bureau = {Role::kDistrictBureau, Role::kCityAdmin};
  store_.leave.leave_id = ids::NewUuid();
  store_.leave.start_date = absl::CivilDay(2026, 11, 25);
  store_.leave.end_date = absl::CivilDay(2026, 11, 27);
  store_.standing.valid_until = absl::CivilDay(2027, 1, 1);
  auto leave_req = [&](auto& r) {
    req_case(r);
    r.set_leave_id(store_.leave.leave_id);
    r.set_reason("r");
  };
  auto day = [](google::type::Date* d, int y, int m, int dd) {
    d->set_year(y);
    d->set_month(m);
    d->set_day(dd);
  };
  const std::set<Role> auditors = {Role::kAuditor, Role::kCityAdmin};
  struct Row {
    std::string rpc;
    std::set<Role> allowed;
    Call call;
  };
  const std::vector<Row> rows = {
      {"OpenCase", office,
       [&](const auth::Principal& p) {
         v1::OpenCaseResponse r;
         return service_.DoOpenCase(p, Valid(), &r);
       }},
      {"RecordIntakeCheckIn", office,
       [&](const auth::Principal& p) {
         v1::RecordIntakeCheckInRequest q;
         req_case(q);
         v1::RecordIntakeCheckInResponse r;
         return service_.DoRecordIntakeCheckIn(p, q, &r);
       }},
      {"GetCase", readers,
       [&](const auth::Principal& p) {
         v1::GetCaseRequest q;
         q.set_case_id(case_id);
         v1::GetCaseResponse r;
         return service_.DoGetCase(p, q, &r);
       }},
      {"ListCases", readers,
       [&](const auth::Principal& p) {
         v1::ListCasesResponse r;
         return service_.DoListCases(p, v1::ListCasesRequest(), &r);
       }},
      {"RecordContact", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordContactRequest q;
         req_case(q);
         q.set_kind(v1::CONTACT_KIND_CHECK_IN_PHONE);
         v1::RecordContactResponse r;
         return service_.DoRecordContact(p, q, &r);
       }},
      {"MarkLostContact", office,
       [&](const auth::Principal& p) {
         v1::MarkLostContactRequest q;
         req_case(q);
         v1::MarkLostContactResponse r;
         return service_.DoMarkLostContact(p, q, &r);
       }},
      {"MarkFoundAgain", office,
       [&](const auth::Principal& p) {
         v1::MarkFoundAgainRequest q;
         req_case(q);
         v1::MarkFoundAgainResponse r;
         return service_.DoMarkFoundAgain(p, q, &r);
       }},
      {"RecordViolation", office,
       [&](const auth::Principal& p) {
         v1::RecordViolationRequest q;
         req_case(q);
         q.set_kind(v1::VIOLATION_KIND_OTHER);
         v1::RecordViolationResponse r;
         return service_.DoRecordViolation(p, q, &r);
       }},
      {"IssueSanction", office,
       [&](const auth::Principal& p) {
         v1::IssueSanctionRequest q;
         req_case(q);
         q.set_kind(v1::SANCTION_KIND_ADMONITION);
         v1::IssueSanctionResponse r;
         return service_.DoIssueSanction(p, q, &r);
       }},
      {"MarkSanctionCorrected", office,
       [&](const auth::Principal& p) {
         v1::MarkSanctionCorrectedRequest q;
         req_case(q);
         q.set_sanction_id(ids::NewUuid());
         v1::MarkSanctionCorrectedResponse r;
         return service_.DoMarkSanctionCorrected(p, q, &r);
       }},
      {"RecordCommendation", office,
       [&](const auth::Principal& p) {
         v1::RecordCommendationRequest q;
         req_case(q);
         v1::RecordCommendationResponse r;
         return service_.DoRecordCommendation(p, q, &r);
       }},
      {"GetSanctionStatus", readers,
       [&](const auth::Principal& p) {
         v1::GetSanctionStatusRequest q;
         q.set_case_id(case_id);
         v1::GetSanctionStatusResponse r;
         return service_.DoGetSanctionStatus(p, q, &r);
       }},
      {"ListOverdue", readers,
       [&](const auth::Principal& p) {
         v1::ListOverdueRequest q;
         q.set_district_code("110101");
         v1::ListOverdueResponse r;
         return service_.DoListOverdue(p, q, &r);
       }},
      {"GetCaseTimeline", readers,
       [&](const auth::Principal& p) {
         v1::GetCaseTimelineRequest q;
         q.set_case_id(case_id);
         v1::GetCaseTimelineResponse r;
         return service_.DoGetCaseTimeline(p, q, &r);
       }},
      {"ListAuditEntries", auditors,
       [&](const auth::Principal& p) {
         v1::ListAuditEntriesResponse r;
         return service_.DoListAuditEntries(p, v1::ListAuditEntriesRequest(), &r);
       }},
      {"RequestTransfer", office,
       [&](const auth::Principal& p) {
         v1::RequestTransferRequest q;
         req_case(q);
         q.set_to_district_code("310101");
         q.set_to_office_id("o");
         v1::RequestTransferResponse r;
         return service_.DoRequestTransfer(p, q, &r);
       }},
      {"AcceptTransfer", office,
       [&](const auth::Principal& p) {
         v1::AcceptTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         v1::AcceptTransferResponse r;
         return service_.DoAcceptTransfer(p, q, &r);
       }},
      {"ConsentTransfer", office,
       [&](const auth::Principal& p) {
         v1::ConsentTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         q.set_reason("r");
         v1::ConsentTransferResponse r;
         return service_.DoConsentTransfer(p, q, &r);
       }},
      {"RejectTransfer", office,
       [&](const auth::Principal& p) {
         v1::RejectTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         q.set_reason("r");
         v1::RejectTransferResponse r;
         return service_.DoRejectTransfer(p, q, &r);
       }},
      {"CompleteTransfer", office,
       [&](const auth::Principal& p) {
         v1::CompleteTransferRequest q;
         q.set_request_id(rid);
         q.set_transfer_id(ids::NewUuid());
         q.set_reason("r");
         v1::CompleteTransferResponse r;
         return service_.DoCompleteTransfer(p, q, &r);
       }},
      {"ListTransfers", readers,
       [&](const auth::Principal& p) {
         v1::ListTransfersResponse r;
         return service_.DoListTransfers(p, v1::ListTransfersRequest(), &r);
       }},
      {"Discharge", office,
       [&](const auth::Principal& p) {
         v1::DischargeRequest q;
         req_case(q);
         q.set_certificate_number("c");
         v1::DischargeResponse r;
         return service_.DoDischarge(p, q, &r);
       }},
      {"OrderMonitoring", bureau,
       [&](const auth::Principal& p) {
         v1::OrderMonitoringRequest q;
         req_case(q);
         q.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
         q.mutable_ends_on()->set_year(2026);
         q.mutable_ends_on()->set_month(12);
         q.mutable_ends_on()->set_day(22);
         v1::OrderMonitoringResponse r;
         return service_.DoOrderMonitoring(p, q, &r);
       }},
      {"RenewMonitoring", bureau,
       [&](const auth::Principal& p) {
         v1::RenewMonitoringRequest q;
         req_case(q);
         q.set_order_id(ids::NewUuid());
         q.mutable_new_ends_on()->set_year(2027);
         q.mutable_new_ends_on()->set_month(1);
         q.mutable_new_ends_on()->set_day(5);
         v1::RenewMonitoringResponse r;
         return service_.DoRenewMonitoring(p, q, &r);
       }},
      {"EndMonitoring", bureau,
       [&](const auth::Principal& p) {
         v1::EndMonitoringRequest q;
         req_case(q);
         q.set_order_id(ids::NewUuid());
         q.set_reason(v1::MONITORING_END_REASON_OTHER);
         v1::EndMonitoringResponse r;
         return service_.DoEndMonitoring(p, q, &r);
       }},
      {"ListMonitoringExpiring", readers,
       [&](const auth::Principal& p) {
         v1::ListMonitoringExpiringRequest q;
         q.set_district_code("110101");
         v1::ListMonitoringExpiringResponse r;
         return service_.DoListMonitoringExpiring(p, q, &r);
       }},
      {"RecordHealthReport", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordHealthReportRequest q;
         req_case(q);
         v1::RecordHealthReportResponse r;
         return service_.DoRecordHealthReport(p, q, &r);
       }},
      {"RecordMedicalReview", office,
       [&](const auth::Principal& p) {
         v1::RecordMedicalReviewRequest q;
         req_case(q);
         q.set_institution("hospital");
         q.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
         v1::RecordMedicalReviewResponse r;
         return service_.DoRecordMedicalReview(p, q, &r);
       }},
      {"ListMedicalDue", readers,
       [&](const auth::Principal& p) {
         v1::ListMedicalDueRequest q;
         q.set_district_code("110101");
         v1::ListMedicalDueResponse r;
         return service_.DoListMedicalDue(p, q, &r);
       }},
      {"CloseCase", office,
       [&](const auth::Principal& p) {
         v1::CloseCaseRequest q;
         req_case(q);
         q.set_reason(v1::CASE_CLOSE_REASON_DECEASED);
         v1::CloseCaseResponse r;
         return service_.DoCloseCase(p, q, &r);
       }},
      {"RecordDischargeSummary", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordDischargeSummaryRequest q;
         req_case(q);
         v1::RecordDischargeSummaryResponse r;
         return service_.DoRecordDischargeSummary(p, q, &r);
       }},
      {"RecordFollowUpVisit", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordFollowUpVisitRequest q;
         req_case(q);
         v1::RecordFollowUpVisitResponse r;
         return service_.DoRecordFollowUpVisit(p, q, &r);
       }},
      {"ListDischargesDue", readers,
       [&](const auth::Principal& p) {
         v1::ListDischargesDueRequest q;
         q.set_district_code("110101");
         v1::ListDischargesDueResponse r;
         return service_.DoListDischargesDue(p, q, &r);
       }},
      {"ListFollowUpsDue", readers,
       [&](const auth::Principal& p) {
         v1::ListFollowUpsDueRequest q;
         q.set_district_code("110101");
         v1::ListFollowUpsDueResponse r;
         return service_.DoListFollowUpsDue(p, q, &r);
       }},
      {"ExportCases", exporters,
       [&](const auth::Principal& p) {
         v1::ExportCasesRequest q;
         q.set_district_code("110101");
         v1::ExportCasesResponse r;
         return service_.DoExportCases(p, q, &r);
       }},
      // Leave.
      {"RequestLeave", case_workers,
       [&](const auth::Principal& p) {
         v1::RequestLeaveRequest q;
         req_case(q);
         day(q.mutable_start_date(), 2026, 12, 1);
         day(q.mutable_end_date(), 2026, 12, 3);
         q.set_destination("d");
         v1::RequestLeaveResponse r;
         return service_.DoRequestLeave(p, q, &r);
       }},
      {"ApproveLeave", office,
       [&](const auth::Principal& p) {
         v1::ApproveLeaveRequest q;
         leave_req(q);
         v1::ApproveLeaveResponse r;
         return service_.DoApproveLeave(p, q, &r);
       }},
      {"RejectLeave", office,
       [&](const auth::Principal& p) {
         v1::RejectLeaveRequest q;
         leave_req(q);
         v1::RejectLeaveResponse r;
         return service_.DoRejectLeave(p, q, &r);
       }},
      {"CancelLeave", case_workers,
       [&](const auth::Principal& p) {
         v1::CancelLeaveRequest q;
         leave_req(q);
         v1::CancelLeaveResponse r;
         return service_.DoCancelLeave(p, q, &r);
       }},
      {"RecordLeaveReturn", case_workers,
       [&](const auth::Principal& p) {
         v1::RecordLeaveReturnRequest q;
         req_case(q);
         q.set_leave_id(store_.leave.leave_id);
         v1::RecordLeaveReturnResponse r;
         return service_.DoRecordLeaveReturn(p, q, &r);
       }},
      {"GrantStandingApproval", bureau,
       [&](const auth::Principal& p) {
         v1::GrantStandingApprovalRequest q;
         req_case(q);
         q.set_destination("d");
         day(q.mutable_valid_until(), 2027, 1, 1);
         v1::GrantStandingApprovalResponse r;
         return service_.DoGrantStandingApproval(p, q, &r);
       }},
      {"RevokeStandingApproval", bureau,
       [&](const auth::Principal& p) {
         v1::RevokeStandingApprovalRequest q;
         req_case(q);
         q.set_standing_approval_id(ids::NewUuid());
         v1::RevokeStandingApprovalResponse r;
         return service_.DoRevokeStandingApproval(p, q, &r);
       }},
      {"ListLeaves", readers,
       [&](const auth::Principal& p) {
         v1::ListLeavesRequest q;
         q.set_case_id(case_id);
         v1::ListLeavesResponse r;
         return service_.DoListLeaves(p, q, &r);
       }},
      {"ListLeavesNotReturned", readers,
       [&](const auth::Principal& p) {
         v1::ListLeavesNotReturnedRequest q;
         q.set_district_code("110101");
         v1::ListLeavesNotReturnedResponse r;
         return service_.DoListLeavesNotReturned(p, q, &r);
       }},
      // Pre-sentence investigations, handover and intake.
      {"CommissionInvestigation", office,
       [&](const auth::Principal& p) {
         v1::CommissionInvestigationResponse r;
         return service_.DoCommissionInvestigation(p, ValidCommission(), &r);
       }},
      {"RecordInvestigationConclusion", office,
       [&](const auth::Principal& p) {
         v1::RecordInvestigationConclusionRequest q;
         q.set_request_id(rid);
         q.set_investigation_id(ids::NewUuid());
         q.set_conclusion(v1::INVESTIGATION_CONCLUSION_SUITABLE);
         q.set_reasons("r");
         v1::RecordInvestigationConclusionResponse r;
         return service_.DoRecordInvestigationConclusion(p, q, &r);
       }},
      {"WithdrawInvestigation", office,
       [&](const auth::Principal& p) {
         v1::WithdrawInvestigationRequest q;
         q.set_request_id(rid);
         q.set_investigation_id(ids::NewUuid());
         v1::WithdrawInvestigationResponse r;
         return service_.DoWithdrawInvestigation(p, q, &r);
       }},
      {"GetInvestigation", readers,
       [&](const auth::Principal& p) {
         v1::GetInvestigationRequest q;
         q.set_investigation_id(ids::NewUuid());
         v1::GetInvestigationResponse r;
         return service_.DoGetInvestigation(p, q, &r);
       }},
      {"ListInvestigations", readers,
       [&](const auth::Principal& p) {
         v1::ListInvestigationsRequest q;
         q.set_overdue_only(true);
         v1::ListInvestigationsResponse r;
         return service_.DoListInvestigations(p, q, &r);
       }},
      {"RecordHandoverNotification", office,
       [&](const auth::Principal& p) {
         v1::RecordHandoverNotificationRequest q;
         req_case(q);
         v1::RecordHandoverNotificationResponse r;
         return service_.DoRecordHandoverNotification(p, q, &r);
       }},
      {"RecordIntakeAnnouncement", office,
       [&](const auth::Principal& p) {
         v1::RecordIntakeAnnouncementRequest q;
         req_case(q);
         q.add_present_staff_ids("staff-1");
         v1::RecordIntakeAnnouncementResponse r;
         return service_.DoRecordIntakeAnnouncement(p, q, &r);
       }},
      {"SetSupervisionTeam", office,
       [&](const auth::Principal& p) {
         v1::SetSupervisionTeamRequest q;
         req_case(q);
         q.set_officer_id("officer-1");
         v1::SetSupervisionTeamResponse r;
         return service_.DoSetSupervisionTeam(p, q, &r);
       }},
      {"GetHandoverAndIntake", readers,
       [&](const auth::Principal& p) {
         v1::GetHandoverAndIntakeRequest q;
         q.set_case_id(case_id);
         v1::GetHandoverAndIntakeResponse r;
         return service_.DoGetHandoverAndIntake(p, q, &r);
       }},
  };
  for (const Row& row : rows) {
    for (Role role : all) {
      auth::Principal p;
      p.subject = "matrix";
      p.role = role;
      p.all_districts = role != Role::kOfficeStaff && role != Role::kDistrictBureau &&
                        role != Role::kSocialWorker && role != Role::kPartner;
      if (!p.all_districts && role != Role::kPartner) p.districts = {"110101"};
      if (role == Role::kPartner) p.agency_id = "agency";
      const absl::Status st = row.call(p);
      SCOPED_TRACE(row.rpc + " as " + std::string(auth::RoleName(role)));
      if (row.allowed.count(role)) {
        EXPECT_NE(st.code(), absl::StatusCode::kPermissionDenied) << st;
      } else {
        EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << st;
      }
    }
  }
}

TEST_F(RecordsServiceTest, ExportsWithholdMinorsIdentities) {
  CaseRecord adult;
  adult.case_id = ids::NewUuid();
  adult.name = "Adult Person";
  adult.birth_date = absl::CivilDay(1990, 5, 1);
  adult.status = domain::CaseStatus::kActive;
  CaseRecord minor = adult;
  minor.case_id = ids::NewUuid();
  minor.name = "Minor Person";
  minor.birth_date = absl::CivilDay(2007, 1, 1);  // 19 today: still a minor's case
  minor.minor = true;
  store_.exported = {adult, minor};
  auth::Principal staff;
  staff.subject = "s";
  staff.role = auth::Role::kOfficeStaff;
  staff.districts = {"110101"};
  v1::ExportCasesRequest req;
  req.set_district_code("110101");
  v1::ExportCasesResponse resp;
  ASSERT_TRUE(service_.DoExportCases(staff, req, &resp).ok());
  ASSERT_EQ(resp.rows_size(), 2);
  EXPECT_EQ(resp.rows(0).name(), "Adult Person");
  EXPECT_FALSE(resp.rows(0).identity_withheld());
  EXPECT_EQ(resp.rows(0).birth_date().year(), 1990);
  EXPECT_TRUE(resp.rows(1).minor());
  EXPECT_TRUE(resp.rows(1).identity_withheld());
  EXPECT_EQ(resp.rows(1).name(), "");
  EXPECT_FALSE(resp.rows(1).has_birth_date());
  EXPECT_EQ(resp.identities_withheld(), 1);
  EXPECT_EQ(resp.rows(1).DebugString().find("Minor Person"), std::string::npos);
  // Without a district the office's export is refused, naming the field.
  req.clear_district_code();
  EXPECT_EQ(service_.DoExportCases(staff, req, &resp).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RecordsServiceTest, LongLeaveNeedsTheBureauAndOfficeDenialIsAudited) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.leave.leave_id = ids::NewUuid();
  store_.leave.start_date = absl::CivilDay(2026, 12, 1);
  store_.leave.end_date = absl::CivilDay(2026, 12, 8);  // 8 days
  v1::ApproveLeaveRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  req.set_leave_id(store_.leave.leave_id);
  v1::ApproveLeaveResponse resp;
  absl::Status st = service_.DoApproveLeave(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("needs the district bureau"), std::string::npos) << st;
  ASSERT_EQ(store_.audited.size(), 1u);
  EXPECT_EQ(store_.audited[0], "ApproveLeave:DENIED");
  EXPECT_EQ(store_.mutations, 0);

  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  ASSERT_TRUE(service_.DoApproveLeave(bureau, req, &resp).ok());
  EXPECT_EQ(resp.leave().status(), v1::LEAVE_STATUS_APPROVED);
  EXPECT_EQ(resp.leave().approval_level(), v1::LEAVE_APPROVAL_LEVEL_BUREAU);
  EXPECT_EQ(resp.leave().decided_on().day(), 22);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.leave_approved");

  // Seven days: the office decides.
  store_.leave.end_date = absl::CivilDay(2026, 12, 7);
  ASSERT_TRUE(service_.DoApproveLeave(staff_, req, &resp).ok());
  EXPECT_EQ(resp.leave().approval_level(), v1::LEAVE_APPROVAL_LEVEL_OFFICE);
}

TEST_F(RecordsServiceTest, LeaveRequestsAreCheckedFieldByField) {
  v1::RequestLeaveRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(ids::NewUuid());
  req.mutable_start_date()->set_year(2026);
  req.mutable_start_date()->set_month(11);
  req.mutable_start_date()->set_day(21);  // yesterday
  *req.mutable_end_date() = req.start_date();
  req.mutable_end_date()->set_day(20);  // before the start
  v1::RequestLeaveResponse resp;
  absl::Status st = service_.DoRequestLeave(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"start_date", "end_date", "destination"}));

  req.set_destination("  Suzhou ");
  req.mutable_start_date()->set_day(23);
  req.mutable_end_date()->set_month(12);
  req.mutable_end_date()->set_day(23);  // 31 days
  st = service_.DoRequestLeave(staff_, req, &resp);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "end_date");
  EXPECT_EQ(store_.mutations, 0);

  req.mutable_end_date()->set_day(22);  // 30 days: the bureau
  ASSERT_TRUE(service_.DoRequestLeave(staff_, req, &resp).ok());
  EXPECT_EQ(resp.leave().status(), v1::LEAVE_STATUS_REQUESTED);
  EXPECT_EQ(resp.leave().days(), 30);
  EXPECT_EQ(resp.leave().destination(), "Suzhou");
  EXPECT_EQ(resp.leave().approval_level(), v1::LEAVE_APPROVAL_LEVEL_BUREAU);
  EXPECT_EQ(resp.leave().decision_due().day(), 25);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.leave_requested");
  EXPECT_EQ(store_.last_event.SerializeAsString().find("Suzhou"), std::string::npos);

  // Overlapping an approved leave of the case: refused, naming its dates.
  store_.leave_context.others.push_back({ids::NewUuid(), domain::LeaveStatus::kApproved,
                                         absl::CivilDay(2026, 12, 20), absl::CivilDay(2026, 12, 31),
                                         std::nullopt});
  req.set_request_id(ids::NewUuid());
  st = service_.DoRequestLeave(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("approved leave from 2026-12-20 to 2026-12-31"), std::string::npos)
      << st;
}

TEST_F(RecordsServiceTest, LateReturnRecordsAViolation) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.leave.leave_id = ids::NewUuid();
  store_.leave.status = domain::LeaveStatus::kApproved;
  store_.leave.destination = "Hangzhou";
  store_.leave.start_date = absl::CivilDay(2026, 11, 10);
  store_.leave.end_date = absl::CivilDay(2026, 11, 19);
  v1::RecordLeaveReturnRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(store_.stored.case_id);
  req.set_leave_id(store_.leave.leave_id);
  v1::RecordLeaveReturnResponse resp;
  ASSERT_TRUE(service_.DoRecordLeaveReturn(staff_, req, &resp).ok());  // today, 2026-11-22
  EXPECT_EQ(resp.leave().status(), v1::LEAVE_STATUS_RETURNED);
  EXPECT_EQ(resp.leave().days_late(), 3);
  EXPECT_FALSE(resp.leave().violation_id().empty());
  EXPECT_EQ(store_.last_violation_event.type(), "ccms.records.violation_recorded");
  v1::ViolationRecorded v;
  ASSERT_TRUE(store_.last_violation_event.payload().UnpackTo(&v));
  EXPECT_EQ(v.kind(), v1::VIOLATION_KIND_LEAVE_NOT_RETURNED);
  EXPECT_EQ(v.violation_id(), resp.leave().violation_id());
  EXPECT_EQ(v.occurred_on().day(), 20);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.leave_returned");
  v1::LeaveChanged changed;
  ASSERT_TRUE(store_.last_event.payload().UnpackTo(&changed));
  EXPECT_TRUE(changed.late());
  EXPECT_EQ(store_.last_event.SerializeAsString().find("Hangzhou"), std::string::npos);

  // Before the first day: refused, naming the field.
  req.mutable_returned_on()->set_year(2026);
  req.mutable_returned_on()->set_month(11);
  req.mutable_returned_on()->set_day(9);
  absl::Status st = service_.DoRecordLeaveReturn(staff_, req, &resp);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "returned_on");
}

TEST_F(RecordsServiceTest, StandingApprovalValidityAndNotReturnedDays) {
  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  v1::GrantStandingApprovalRequest g;
  g.set_request_id(ids::NewUuid());
  g.set_case_id(ids::NewUuid());
  g.set_destination("Suzhou");
  g.mutable_valid_until()->set_year(2027);
  g.mutable_valid_until()->set_month(5);
  g.mutable_valid_until()->set_day(23);  // today + 6 months + 1 day
  v1::GrantStandingApprovalResponse gr;
  absl::Status st = service_.DoGrantStandingApproval(bureau, g, &gr);
  ASSERT_EQ(grpc_util::ViolationsOf(st).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(st)[0].field, "valid_until");
  g.mutable_valid_until()->set_day(22);
  ASSERT_TRUE(service_.DoGrantStandingApproval(bureau, g, &gr).ok());
  EXPECT_EQ(gr.standing_approval().valid_from().day(), 22);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.standing_approval_granted");
  EXPECT_EQ(store_.last_event.SerializeAsString().find("Suzhou"), std::string::npos);

  store_.not_returned = {
      {ids::NewUuid(), "n", "110101", ids::NewUuid(), absl::CivilDay(2026, 10, 31)}};
  v1::ListLeavesNotReturnedRequest lq;
  lq.set_district_code("110101");
  v1::ListLeavesNotReturnedResponse lr;
  ASSERT_TRUE(service_.DoListLeavesNotReturned(staff_, lq, &lr).ok());
  ASSERT_EQ(lr.items_size(), 1);
  EXPECT_EQ(lr.items(0).days_overdue(), 22);
  EXPECT_EQ(lr.items(0).policy_version(), policy_.Latest().name);
}

TEST_F(RecordsServiceTest, PartnersAndOpsCannotRead) {
  auth::Principal partner;
  partner.subject = "p";
  partner.role = auth::Role::kPartner;
  partner.agency_id = "a";
  v1::GetCaseRequest req;
  req.set_case_id(ids::NewUuid());
  v1::GetCaseResponse resp;
  EXPECT_EQ(service_.DoGetCase(partner, req, &resp).code(), absl::StatusCode::kPermissionDenied);
  partner.role = auth::Role::kOps;
  EXPECT_EQ(service_.DoGetCase(partner, req, &resp).code(), absl::StatusCode::kPermissionDenied);
}

// Orders: the district bureau approves monitoring orders; office staff are refused and audited.
TEST_F(RecordsServiceTest, OrdersBureauRole) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.end_date = absl::CivilDay(2027, 6, 30);
  v1::OrderMonitoringRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(store_.stored.case_id);
  q.add_grounds(v1::MONITORING_GROUND_LEFT_AREA_WITHOUT_APPROVAL);
  *q.mutable_ends_on() = grpc_util::ToProtoDate(absl::CivilDay(2027, 2, 22));  // today + 3m
  v1::OrderMonitoringResponse r;
  absl::Status denied = service_.DoOrderMonitoring(staff_, q, &r);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  ASSERT_EQ(store_.audited.size(), 1u);
  EXPECT_EQ(store_.audited[0], "OrderMonitoring:DENIED");

  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  ASSERT_TRUE(service_.DoOrderMonitoring(bureau, q, &r).ok());
  EXPECT_EQ(r.order().status(), v1::MONITORING_ORDER_STATUS_ACTIVE);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.monitoring_ordered");

  // One day over the three months names ends_on; no grounds names grounds.
  *q.mutable_ends_on() = grpc_util::ToProtoDate(absl::CivilDay(2027, 2, 23));
  q.clear_grounds();
  absl::Status bad = service_.DoOrderMonitoring(bureau, q, &r);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(bad)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"grounds", "ends_on"}));

  for (auth::Role role : {auth::Role::kDistrictBureau, auth::Role::kCityAdmin}) {
    auth::Principal p = bureau;
    p.role = role;
    v1::EndMonitoringRequest e;
    e.set_request_id(ids::NewUuid());
    e.set_case_id(store_.stored.case_id);
    e.set_order_id(ids::NewUuid());
    e.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
    store_.order.starts_on = absl::CivilDay(2026, 11, 1);
    store_.order.ends_on = absl::CivilDay(2026, 12, 31);
    store_.order.ended_on.reset();
    v1::EndMonitoringResponse ended;
    EXPECT_TRUE(service_.DoEndMonitoring(p, e, &ended).ok());
  }
}

TEST_F(RecordsServiceTest, MedicalRecordsOnlyForTemporaryOutsidePrisonAndNoTextsOnTheBus) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.district_code = "110101";
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.sentence_kind = domain::SentenceKind::kProbation;
  store_.stored.intake_reported_on = absl::CivilDay(2026, 1, 5);
  v1::RecordMedicalReviewRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(store_.stored.case_id);
  q.set_institution("First People's Hospital");
  q.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
  q.set_details("diagnosis details");
  v1::RecordMedicalReviewResponse r;
  EXPECT_EQ(service_.DoRecordMedicalReview(staff_, q, &r).code(),
            absl::StatusCode::kFailedPrecondition);
  store_.stored.sentence_kind = domain::SentenceKind::kTemporaryOutsidePrison;
  ASSERT_TRUE(service_.DoRecordMedicalReview(staff_, q, &r).ok());
  EXPECT_EQ(store_.last_event.type(), "ccms.records.medical_review_recorded");
  const std::string bytes = store_.last_event.SerializeAsString();
  EXPECT_EQ(bytes.find("Hospital"), std::string::npos);
  EXPECT_EQ(bytes.find("diagnosis"), std::string::npos);
  q.clear_institution();
  q.clear_outcome();
  absl::Status bad = service_.DoRecordMedicalReview(staff_, q, &r);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(bad)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"institution", "outcome"}));
}

// Orders default their dates to the Asia/Shanghai day: 16:30 UTC on Nov 30 is Dec 1 there, so
// a 3-month order from "today" may run to Mar 1, not only to Feb 28.
TEST_F(RecordsServiceTest, OrdersUseTheShanghaiDay) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 16, 30, 0), absl::UTCTimeZone()));
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kActive;
  store_.stored.end_date = absl::CivilDay(2027, 12, 31);
  auth::Principal bureau = staff_;
  bureau.role = auth::Role::kDistrictBureau;
  v1::OrderMonitoringRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(store_.stored.case_id);
  q.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
  *q.mutable_ends_on() = grpc_util::ToProtoDate(absl::CivilDay(2027, 3, 1));
  v1::OrderMonitoringResponse r;
  ASSERT_TRUE(service_.DoOrderMonitoring(bureau, q, &r).ok());
  EXPECT_EQ(r.order().starts_on().month(), 12);
  EXPECT_EQ(r.order().starts_on().day(), 1);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 15, 59, 0), absl::UTCTimeZone()));
  q.set_request_id(ids::NewUuid());
  EXPECT_EQ(service_.DoOrderMonitoring(bureau, q, &r).code(), absl::StatusCode::kInvalidArgument);
}

// ---- Pre-sentence investigations, handover and intake ----

TEST_F(RecordsServiceTest, CommissionComputesTheDueDateAndKeepsThePersonOffTheBus) {
  // 2026-11-22 10:00 UTC is a Sunday evening in Shanghai: 10 working days from Monday.
  v1::CommissionInvestigationResponse resp;
  ASSERT_TRUE(service_.DoCommissionInvestigation(staff_, ValidCommission(), &resp).ok());
  EXPECT_EQ(resp.investigation().due_on().day(), 4);
  EXPECT_EQ(resp.investigation().due_on().month(), 12);
  EXPECT_EQ(resp.investigation().id_number_masked().substr(14),
            store_.last_new_investigation.record.id_last4);
  EXPECT_EQ(store_.last_new_investigation.id_cipher.find(ValidId()), std::string::npos);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.investigation_commissioned");
  const std::string wire = store_.last_event.SerializeAsString();
  for (const char* secret : {"调查对象", "某区人民法院"}) {
    EXPECT_EQ(wire.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(wire.find(ValidId()), std::string::npos);
  EXPECT_NE(resp.investigation().rule().find("10 working days"), std::string::npos);
}

TEST_F(RecordsServiceTest, CommissionDayFollowsShanghaiMidnight) {
  auto commission = [&](absl::Time now) {
    clock_.Set(now);
    v1::CommissionInvestigationRequest req = ValidCommission();
    req.set_fast_track(true);
    v1::CommissionInvestigationResponse resp;
    EXPECT_TRUE(service_.DoCommissionInvestigation(staff_, req, &resp).ok());
    return resp.investigation();
  };
  // Friday 2026-11-20 23:59:59 in Shanghai (15:59:59 UTC): due Friday 11-27.
  auto before =
      commission(absl::FromCivil(absl::CivilSecond(2026, 11, 20, 15, 59, 59), absl::UTCTimeZone()));
  EXPECT_EQ(before.commissioned_on().day(), 20);
  EXPECT_EQ(before.due_on().day(), 27);
  // One second later it is Saturday in Shanghai (still Friday in UTC): due Friday 11-27 as
  // well, because Saturday and Sunday do not count; Monday 11-23 would give 11-30.
  auto after =
      commission(absl::FromCivil(absl::CivilSecond(2026, 11, 20, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(after.commissioned_on().day(), 21);
  EXPECT_EQ(after.due_on().day(), 27);
  auto monday =
      commission(absl::FromCivil(absl::CivilSecond(2026, 11, 22, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(monday.commissioned_on().day(), 23);
  EXPECT_EQ(monday.due_on().day(), 30);
}

TEST_F(RecordsServiceTest, CommissionNamesEachBadField) {
  v1::CommissionInvestigationRequest req = ValidCommission();
  req.set_district_code("11");
  req.clear_commissioning_body_kind();
  req.set_person_name("");
  req.set_id_number("110101199003070010");
  req.clear_proposed_sentence_kind();
  req.mutable_commissioned_on()->set_year(2027);
  req.mutable_commissioned_on()->set_month(1);
  req.mutable_commissioned_on()->set_day(1);
  v1::CommissionInvestigationResponse resp;
  const absl::Status st = service_.DoCommissionInvestigation(staff_, req, &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"district_code", "commissioning_body_kind", "person_name", "id_number",
                            "proposed_sentence_kind", "commissioned_on"}) {
    EXPECT_NE(std::string(st.message()).find(field), std::string::npos) << field << ": " << st;
  }
  EXPECT_EQ(store_.mutations, 0);
  // Another district: denied before the store, and audited.
  req = ValidCommission();
  req.set_district_code("310101");
  EXPECT_EQ(service_.DoCommissionInvestigation(staff_, req, &resp).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.mutations, 0);
  ASSERT_FALSE(store_.audited.empty());
  EXPECT_EQ(store_.audited.back(), "CommissionInvestigation:DENIED");
}

TEST_F(RecordsServiceTest, ConclusionOnlyOnceAndNotBeforeTheCommission) {
  store_.investigation.investigation_id = ids::NewUuid();
  store_.investigation.commissioned_on = absl::CivilDay(2026, 11, 2);
  store_.investigation.due_on = absl::CivilDay(2026, 11, 16);
  v1::RecordInvestigationConclusionRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_investigation_id(store_.investigation.investigation_id);
  req.set_conclusion(v1::INVESTIGATION_CONCLUSION_NOT_SUITABLE);
  req.set_reasons("secret reasons");
  v1::RecordInvestigationConclusionResponse resp;
  ASSERT_TRUE(service_.DoRecordInvestigationConclusion(staff_, req, &resp).ok());
  EXPECT_EQ(resp.investigation().status(), v1::INVESTIGATION_STATUS_CONCLUDED);
  EXPECT_TRUE(resp.investigation().concluded_late());  // concluded 11-22, due 11-16
  EXPECT_EQ(store_.last_event.type(), "ccms.records.investigation_concluded");
  EXPECT_EQ(store_.last_event.SerializeAsString().find("secret reasons"), std::string::npos);
  // Before the commission: the date field is named.
  req.mutable_concluded_on()->set_year(2026);
  req.mutable_concluded_on()->set_month(11);
  req.mutable_concluded_on()->set_day(1);
  absl::Status st = service_.DoRecordInvestigationConclusion(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("concluded_on"), std::string::npos) << st;
  // Already concluded.
  store_.investigation.status = domain::InvestigationStatus::kConcluded;
  req.clear_concluded_on();
  EXPECT_EQ(service_.DoRecordInvestigationConclusion(staff_, req, &resp).code(),
            absl::StatusCode::kFailedPrecondition);
  // Missing conclusion and reasons.
  req.clear_conclusion();
  req.clear_reasons();
  st = service_.DoRecordInvestigationConclusion(staff_, req, &resp);
  EXPECT_NE(std::string(st.message()).find("conclusion"), std::string::npos) << st;
  EXPECT_NE(std::string(st.message()).find("reasons"), std::string::npos) << st;
}

TEST_F(RecordsServiceTest, OverdueListComputesBothCounts) {
  InvestigationRecord i;
  i.investigation_id = ids::NewUuid();
  i.commissioned_on = absl::CivilDay(2026, 11, 2);
  i.due_on = absl::CivilDay(2026, 11, 13);  // a Friday
  store_.listed_investigations = {i};
  v1::ListInvestigationsRequest req;
  req.set_overdue_only(true);
  req.mutable_as_of()->set_year(2026);
  req.mutable_as_of()->set_month(11);
  req.mutable_as_of()->set_day(16);  // Monday
  v1::ListInvestigationsResponse resp;
  ASSERT_TRUE(service_.DoListInvestigations(staff_, req, &resp).ok());
  ASSERT_EQ(resp.investigations_size(), 1);
  EXPECT_EQ(resp.investigations(0).calendar_days_overdue(), 3);
  EXPECT_EQ(resp.investigations(0).working_days_overdue(), 1);
  EXPECT_EQ(store_.last_investigation_filter.overdue_as_of, absl::CivilDay(2026, 11, 16));
  EXPECT_EQ(resp.policy_version(), policy_.Latest().name);
  // as_of without overdue_only is refused, naming the field.
  req.set_overdue_only(false);
  const absl::Status st = service_.DoListInvestigations(staff_, req, &resp);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("as_of"), std::string::npos);
}

TEST_F(RecordsServiceTest, HandoverLatenessAndTeamPii) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kPendingIntake;
  store_.stored.judgment_effective_date = absl::CivilDay(2026, 11, 10);
  v1::RecordHandoverNotificationRequest h;
  h.set_request_id(ids::NewUuid());
  h.set_case_id(store_.stored.case_id);
  h.mutable_notified_on()->set_year(2026);
  h.mutable_notified_on()->set_month(11);
  h.mutable_notified_on()->set_day(16);  // day 6: late
  v1::RecordHandoverNotificationResponse hr;
  ASSERT_TRUE(service_.DoRecordHandoverNotification(staff_, h, &hr).ok());
  EXPECT_TRUE(hr.handover().notice_late());
  EXPECT_FALSE(hr.handover().documents_late());
  EXPECT_EQ(hr.handover().notice_due().day(), 15);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.handover_notification_recorded");
  h.mutable_notified_on()->set_day(9);  // before the judgment took effect
  absl::Status st = service_.DoRecordHandoverNotification(staff_, h, &hr);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("notified_on"), std::string::npos);

  v1::SetSupervisionTeamRequest t;
  t.set_request_id(ids::NewUuid());
  t.set_case_id(store_.stored.case_id);
  t.set_officer_id("officer-7");
  t.add_volunteer_ids("vol-1");
  t.mutable_family_contact()->set_name("家属姓名");
  t.mutable_family_contact()->set_phone("13800000000");
  v1::SetSupervisionTeamResponse tr;
  ASSERT_TRUE(service_.DoSetSupervisionTeam(staff_, t, &tr).ok());
  EXPECT_EQ(tr.team().family_contact().name(), "家属姓名");
  EXPECT_EQ(tr.team().family_contact().phone(), "13800000000");
  EXPECT_EQ(store_.last_team.family_contact_cipher.find("13800000000"), std::string::npos);
  const std::string wire = store_.last_event.SerializeAsString();
  EXPECT_EQ(store_.last_event.type(), "ccms.records.supervision_team_changed");
  EXPECT_EQ(wire.find("13800000000"), std::string::npos);
  EXPECT_EQ(wire.find("家属姓名"), std::string::npos);
  EXPECT_NE(wire.find("officer-7"), std::string::npos);
  // A name without a phone names the missing field.
  t.mutable_family_contact()->clear_phone();
  st = service_.DoSetSupervisionTeam(staff_, t, &tr);
  EXPECT_NE(std::string(st.message()).find("family_contact.phone"), std::string::npos) << st;
}

TEST_F(RecordsServiceTest, AnnouncementFollowsTheIntake) {
  store_.stored.case_id = ids::NewUuid();
  store_.stored.status = domain::CaseStatus::kActive;
  v1::RecordIntakeAnnouncementRequest a;
  a.set_request_id(ids::NewUuid());
  a.set_case_id(store_.stored.case_id);
  a.add_present_staff_ids("staff-1");
  v1::RecordIntakeAnnouncementResponse ar;
  // No intake date on the case (the store's Mutate refuses non-active cases before this).
  EXPECT_EQ(service_.DoRecordIntakeAnnouncement(staff_, a, &ar).code(),
            absl::StatusCode::kFailedPrecondition);
  store_.stored.intake_reported_on = absl::CivilDay(2026, 11, 20);
  ASSERT_TRUE(service_.DoRecordIntakeAnnouncement(staff_, a, &ar).ok());
  EXPECT_EQ(ar.announcement().present_staff_ids(0), "staff-1");
  a.mutable_announced_on()->set_year(2026);
  a.mutable_announced_on()->set_month(11);
  a.mutable_announced_on()->set_day(19);
  const absl::Status st = service_.DoRecordIntakeAnnouncement(staff_, a, &ar);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("announced_on"), std::string::npos);
  a.clear_present_staff_ids();
  EXPECT_NE(std::string(service_.DoRecordIntakeAnnouncement(staff_, a, &ar).message())
                .find("present_staff_ids"),
            std::string::npos);
}

// The policy has two versions, the second from 2026-11-15 (mid-month): a person reports within 5
// days of the judgment instead of 10, a STRICT case reports every 3 days instead of 7. Each day's
// deadline comes from the version in force on the day it is counted from, and says which.
TEST_F(RecordsServiceTest, EachDayGetsTheDeadlineOfTheVersionInForceOnIt) {
  const domain::RecordsPolicies policies = testing::TwoVersions();
  RecordsServiceImpl service(store_, executor_, cipher_, clock_, policies);  // today 2026-11-22

  // Intake deadlines, counted from the judgment's effective date.
  auto open_with_judgment = [&](absl::CivilDay judgment) {
    v1::OpenCaseRequest req = Valid();
    for (auto* d : {req.mutable_sentence()->mutable_judgment_effective_date(),
                    req.mutable_sentence()->mutable_start_date()}) {
      d->set_year(static_cast<int>(judgment.year()));
      d->set_month(judgment.month());
      d->set_day(judgment.day());
    }
    v1::OpenCaseResponse resp;
    EXPECT_TRUE(service.DoOpenCase(staff_, req, &resp).ok());
    return store_.last_open.validated.intake_deadline;
  };
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 13)), absl::CivilDay(2026, 11, 23));
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 14)), absl::CivilDay(2026, 11, 24));
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 15)), absl::CivilDay(2026, 11, 20));
  EXPECT_EQ(open_with_judgment(absl::CivilDay(2026, 11, 16)), absl::CivilDay(2026, 11, 21));

  // A check-in on 11-21 is on time for a judgment of 11-14 and late for one of 11-15.
  auto late = [&](absl::CivilDay judgment) {
    store_.stored.status = domain::CaseStatus::kPendingIntake;
    store_.stored.judgment_effective_date = judgment;
    v1::RecordIntakeCheckInRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(ids::NewUuid());
    req.mutable_reported_on()->set_year(2026);
    req.mutable_reported_on()->set_month(11);
    req.mutable_reported_on()->set_day(21);
    v1::RecordIntakeCheckInResponse resp;
    const absl::Status st = service.DoRecordIntakeCheckIn(staff_, req, &resp);
    EXPECT_TRUE(st.ok()) << st;
    return resp.case_().intake_late();
  };
  EXPECT_FALSE(late(absl::CivilDay(2026, 11, 14)));
  EXPECT_TRUE(late(absl::CivilDay(2026, 11, 15)));

  // The overdue list as of 11-21: never reported by the judgment's version, contacts by the
  // version of the last contact's day.
  auto pending = [](const std::string& id, absl::CivilDay judgment) {
    OverdueCandidate oc;
    oc.c.case_id = id;
    oc.c.status = domain::CaseStatus::kPendingIntake;
    oc.c.judgment_effective_date = judgment;
    oc.c.intake_deadline = judgment + (judgment < absl::CivilDay(2026, 11, 15) ? 10 : 5);
    return oc;
  };
  auto active = [](const std::string& id, absl::CivilDay last_phone_report) {
    OverdueCandidate oc;
    oc.c.case_id = id;
    oc.c.status = domain::CaseStatus::kActive;
    oc.c.intake_reported_on = absl::CivilDay(2026, 11, 1);  // STRICT
    // Self-reports, in-person check-ins and visits are up to date; a phone report is the latest
    // contact that counts as a report.
    for (int k = 0; k < 7; ++k) oc.last_by_kind[k] = absl::CivilDay(2026, 11, 20);
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCheckInPhone)] = last_phone_report;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCheckInInPerson)] =
        absl::CivilDay(2026, 11, 10);
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCheckInVideo)] = std::nullopt;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kHomeVisit)] = std::nullopt;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kWorkplaceVisit)] = std::nullopt;
    oc.last_by_kind[static_cast<int>(domain::ContactKind::kCommunityVisit)] =
        absl::CivilDay(2026, 11, 10);
    return oc;
  };
  store_.overdue = {pending("p-before", absl::CivilDay(2026, 11, 14)),
                    pending("p-on", absl::CivilDay(2026, 11, 15)),
                    active("a-before", absl::CivilDay(2026, 11, 14)),
                    active("a-on", absl::CivilDay(2026, 11, 15))};
  v1::ListOverdueRequest req;
  req.set_district_code("110101");
  req.mutable_as_of()->set_year(2026);
  req.mutable_as_of()->set_month(11);
  req.mutable_as_of()->set_day(21);
  v1::ListOverdueResponse resp;
  ASSERT_TRUE(service.DoListOverdue(staff_, req, &resp).ok());
  std::map<std::string, std::string> rules;
  for (const auto& item : resp.items()) rules[item.case_id()] = item.rule();
  // p-before: due 11-24 (10 days, 2026.1), not yet overdue; p-on: due 11-20 (5 days, 2026.2).
  EXPECT_EQ(rules.count("p-before"), 0u);
  ASSERT_EQ(rules.count("p-on"), 1u);
  EXPECT_NE(rules["p-on"].find("report within 5 days"), std::string::npos) << rules["p-on"];
  EXPECT_NE(rules["p-on"].find("policy 2026.2"), std::string::npos) << rules["p-on"];
  // a-before: last report 11-14, due 11-21 (7d, 2026.1), due today, not overdue; a-on: last report
  // 11-15, due 11-18 (3d, 2026.2), 3 days overdue.
  EXPECT_EQ(rules.count("a-before"), 0u);
  ASSERT_EQ(rules.count("a-on"), 1u);
  EXPECT_NE(rules["a-on"].find("every 3d (policy 2026.2)"), std::string::npos) << rules["a-on"];
  for (const auto& item : resp.items()) {
    if (item.case_id() == "a-on") {
      EXPECT_EQ(item.days_overdue(), 3);
    }
  }
  EXPECT_EQ(resp.policy_version(), "2026.2");
}

}  // namespace
}  // namespace ccms::records
