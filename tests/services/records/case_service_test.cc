// CaseServiceImpl (cases: open, intake check-in, reads, lists, exports) over FakeCaseStore. What
// reaches the store, and what never does.
#include "services/records/case_service.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/grpc/status.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using CaseServiceTest = AreaTest<FakeCaseStore, CaseServiceImpl>;

TEST_F(CaseServiceTest, ValidOpenReachesTheStoreWithoutThePlainIdNumber) {
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

TEST_F(CaseServiceTest, CaseOpenedCarriesTheFactsAndNoIdentity) {
  v1::OpenCaseResponse resp;
  ASSERT_TRUE(service_.DoOpenCase(staff_, Valid(), &resp).ok());
  // Born 1990-03-07 (the ID number), judgment effective 2026-11-19, opened 2026-11-22.
  EXPECT_EQ(store_.last_open.age_band, "36_TO_45");
  v1::CaseOpened opened;
  ASSERT_TRUE(store_.last_event.payload().UnpackTo(&opened));
  EXPECT_EQ(opened.sex(), common::v1::SEX_MALE);
  EXPECT_EQ(opened.age_band(), v1::AGE_BAND_36_TO_45);
  EXPECT_EQ(opened.age_at_judgment(), 36);
  EXPECT_EQ(opened.offence_category(), "fraud");
  EXPECT_FALSE(opened.minor());
  const std::string bytes = store_.last_event.SerializeAsString();
  for (const std::string& personal : {std::string("测试"), std::string("测试地址"), ValidId(),
                                      std::string("1990-03-07"), std::string("19900307")}) {
    EXPECT_EQ(bytes.find(personal), std::string::npos) << personal;
  }
}

TEST_F(CaseServiceTest, OffenceCategoryMustBeACodeOfThePolicy) {
  v1::OpenCaseRequest req = Valid();
  req.mutable_sentence()->set_offence_category("Fraud in a big way");
  v1::OpenCaseResponse resp;
  const absl::Status st = service_.DoOpenCase(staff_, req, &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("sentence.offence_category"), std::string::npos) << st;
  EXPECT_EQ(store_.open_calls, 0);
}

TEST_F(CaseServiceTest, FactsScanSnapshotsOnceAndFollowsTheAgeBandOfOpenCases) {
  auto candidate = [](const std::string& id, domain::CaseStatus status, bool published,
                      std::optional<std::string> band) {
    FactsCandidate c;
    c.c.case_id = id;
    c.c.district_code = "110101";
    c.c.status = status;
    c.c.birth_date = absl::CivilDay(2008, 11, 22);  // 18 today (2026-11-22, Asia/Shanghai)
    c.c.judgment_effective_date = absl::CivilDay(2026, 1, 5);
    c.c.sex = domain::Sex::kFemale;
    c.c.offence_category = "盗窃";  // free text from before the categories
    c.c.minor = true;
    c.ever_published = published;
    c.published_age_band = std::move(band);
    return c;
  };
  store_.facts_candidates = {
      candidate("a", domain::CaseStatus::kDischarged, false, std::nullopt),  // snapshot
      candidate("b", domain::CaseStatus::kActive, true, "16_TO_17"),         // turned 18 today
      candidate("c", domain::CaseStatus::kActive, true, "18_TO_25"),         // already told
      candidate("d", domain::CaseStatus::kRevoked, true, "16_TO_17"),        // closed: not followed
  };
  auto n = service_.PublishCaseFacts();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);
  ASSERT_EQ(store_.facts_published.size(), 2u);
  const FactsPublication& snapshot = store_.facts_published[0];
  EXPECT_EQ(snapshot.event.type(), "ccms.records.case_facts_snapshot");
  EXPECT_EQ(snapshot.age_band, "18_TO_25");
  v1::CaseFactsSnapshot s;
  ASSERT_TRUE(snapshot.event.payload().UnpackTo(&s));
  EXPECT_EQ(s.status(), "DISCHARGED");
  EXPECT_EQ(s.case_opened().offence_category(), "other");
  EXPECT_EQ(s.case_opened().age_at_judgment(), 17);
  EXPECT_TRUE(s.case_opened().minor());
  const FactsPublication& changed = store_.facts_published[1];
  EXPECT_EQ(changed.event.type(), "ccms.records.case_facts_changed");
  v1::CaseFacts f;
  ASSERT_TRUE(changed.event.payload().UnpackTo(&f));
  EXPECT_EQ(f.case_id(), "b");
  EXPECT_EQ(f.age_band(), v1::AGE_BAND_18_TO_25);
  EXPECT_EQ(f.sex(), common::v1::SEX_FEMALE);
  EXPECT_EQ(f.as_of().year(), 2026);
  EXPECT_EQ(f.as_of().day(), 22);
}

TEST_F(CaseServiceTest, InvalidRequestsNeverReachTheStore) {
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

TEST_F(CaseServiceTest, OpeningInAnotherDistrictIsDenied) {
  v1::OpenCaseRequest req = Valid();
  req.mutable_assignment()->set_district_code("310101");
  v1::OpenCaseResponse resp;
  EXPECT_EQ(service_.DoOpenCase(staff_, req, &resp).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.open_calls, 0);
}

TEST_F(CaseServiceTest, CheckInDecisionUsesTheDomainRules) {
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

TEST_F(CaseServiceTest, ListValidatesPagingAndFilters) {
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

TEST_F(CaseServiceTest, ExportsWithholdMinorsIdentities) {
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

TEST_F(CaseServiceTest, PartnersAndOpsCannotRead) {
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

TEST_F(CaseServiceTest, PersonWithAnOpenCaseElsewhereLearnsOnlyThatOneExistsAndIsAudited) {
  store_.open_case.case_id = ids::NewUuid();
  store_.open_case.case_number = "310101-2026-000007";
  store_.open_case.district_code = "310101";
  store_.open_case.name = "Zhang San";
  v1::OpenCaseResponse resp;
  const absl::Status st = service_.DoOpenCase(staff_, Valid(), &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(st.message(), "this person already has an open case");
  // What the client receives: the code, the message, ErrorInfo with the generic reason.
  const grpc::Status wire = grpc_util::ToGrpcStatus(st);
  EXPECT_EQ(grpc_util::ReasonOf(wire), "ALREADY_EXISTS");
  const std::string everything = wire.error_message() + wire.error_details();
  for (const std::string& secret :
       {store_.open_case.case_id, store_.open_case.case_number, store_.open_case.district_code,
        store_.open_case.name, std::string("310101"), std::string("000007")}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
  EXPECT_FALSE(resp.has_case_());
  // The probe is audited, against the open case (auditors see who asked), with no personal data.
  ASSERT_EQ(audit_.audited, std::vector<std::string>{"OpenCase:ALREADY_OPEN"});
  EXPECT_EQ(audit_.audited_case_ids, std::vector<std::string>{store_.open_case.case_id});
}

TEST_F(CaseServiceTest, AnOpenThatSucceedsWritesNoProbeRow) {
  v1::OpenCaseResponse resp;
  ASSERT_TRUE(service_.DoOpenCase(staff_, Valid(), &resp).ok());
  EXPECT_TRUE(audit_.audited.empty());
}

TEST_F(CaseServiceTest, CurrentPersonDetailsBesideTheOpeningOnesForCaseReadersNotServices) {
  CaseRecord& c = store_.stored;
  c.case_id = ids::NewUuid();
  c.status = domain::CaseStatus::kDischarged;
  c.name = "Old Name";
  c.phone = "13800000001";
  c.residence_address = "old address";
  c.person_version = 1;
  PersonDetails now;
  now.version = 2;
  now.name = "New Name";
  now.phone = "13900000002";
  now.residence_address = "new address";
  c.current_person = now;
  v1::GetCaseRequest req;
  req.set_case_id(c.case_id);

  v1::GetCaseResponse resp;
  ASSERT_TRUE(service_.DoGetCase(staff_, req, &resp).ok());
  EXPECT_EQ(resp.case_().person().phone(), "13800000001");
  EXPECT_EQ(resp.case_().person().details_version(), 1);
  ASSERT_TRUE(resp.has_current_person());
  EXPECT_EQ(resp.current_person().phone(), "13900000002");
  EXPECT_EQ(resp.current_person().residence_address(), "new address");
  EXPECT_EQ(resp.current_person().details_version(), 2);
  EXPECT_EQ(resp.current_person().id_number_masked(), resp.case_().person().id_number_masked());

  auth::Principal service;
  service.subject = "ccms-assessment";
  service.role = auth::Role::kService;
  service.all_districts = true;
  v1::GetCaseResponse for_service;
  ASSERT_TRUE(service_.DoGetCase(service, req, &for_service).ok());
  EXPECT_EQ(for_service.case_().person().phone(), "13800000001");
  EXPECT_FALSE(for_service.has_current_person());
}

}  // namespace
}  // namespace ccms::records::testing

namespace ccms::records::testing {
namespace {

v1::RecordSentenceChangeRequest Reduction(const std::string& case_id, absl::CivilDay new_end) {
  v1::RecordSentenceChangeRequest q;
  q.set_request_id(ids::NewUuid());
  q.set_case_id(case_id);
  q.set_kind(v1::SENTENCE_CHANGE_KIND_REDUCTION);
  q.set_court("某市中级人民法院");
  q.set_document_number("(2026)刑更123号");
  q.mutable_new_end_date()->set_year(static_cast<int32_t>(new_end.year()));
  q.mutable_new_end_date()->set_month(new_end.month());
  q.mutable_new_end_date()->set_day(new_end.day());
  return q;
}

class SentenceChangeHandlerTest : public CaseServiceTest {
 protected:
  void SetUp() override {
    store_.stored.case_id = ids::NewUuid();
    store_.stored.district_code = "110101";
    store_.stored.status = domain::CaseStatus::kActive;
    store_.stored.judgment_effective_date = absl::CivilDay(2026, 1, 10);
    store_.stored.start_date = absl::CivilDay(2026, 1, 10);
    store_.stored.end_date = absl::CivilDay(2027, 6, 30);
  }
};

TEST_F(SentenceChangeHandlerTest, AReductionMovesTheEndAndClampsMonitoring) {
  store_.orders = {{"o-1", absl::CivilDay(2026, 11, 1), absl::CivilDay(2027, 1, 31), std::nullopt}};
  v1::RecordSentenceChangeResponse resp;
  const absl::CivilDay new_end(2027, 1, 15);
  ASSERT_TRUE(
      service_.DoRecordSentenceChange(staff_, Reduction(store_.stored.case_id, new_end), &resp)
          .ok());
  EXPECT_EQ(resp.case_().sentence().end_date().day(), 15);
  EXPECT_EQ(resp.previous_end_date().month(), 6);
  ASSERT_EQ(resp.clamped_order_ids_size(), 1);
  // 30 days before 2027-01-15.
  EXPECT_EQ(resp.summary_window_opens().month(), 12);
  EXPECT_EQ(resp.summary_window_opens().day(), 16);
  EXPECT_EQ(store_.last_event.type(), "ccms.records.sentence_changed");
  v1::SentenceChanged ev;
  ASSERT_TRUE(store_.last_event.payload().UnpackTo(&ev));
  EXPECT_EQ(ev.new_end_date().day(), 15);
  EXPECT_EQ(ev.previous_end_date().day(), 30);
  EXPECT_EQ(ev.kind(), v1::SENTENCE_CHANGE_KIND_REDUCTION);
  ASSERT_EQ(ev.clamped_order_ids_size(), 1);
  EXPECT_EQ(ev.clamped_order_ids(0), "o-1");
  // The court and the ruling's number stay in the file.
  const std::string bytes = store_.last_event.SerializeAsString();
  EXPECT_EQ(bytes.find("法院"), std::string::npos);
  EXPECT_EQ(bytes.find("刑更"), std::string::npos);
}

TEST_F(SentenceChangeHandlerTest, BadRequestsNameTheirFields) {
  v1::RecordSentenceChangeResponse resp;
  v1::RecordSentenceChangeRequest q = Reduction(store_.stored.case_id, absl::CivilDay(2027, 1, 1));
  q.set_kind(v1::SENTENCE_CHANGE_KIND_UNSPECIFIED);
  q.clear_court();
  q.set_document_number(std::string(65, 'x'));
  q.clear_new_end_date();
  q.mutable_effective_on()->set_year(2030);
  q.mutable_effective_on()->set_month(1);
  q.mutable_effective_on()->set_day(1);
  const absl::Status st = service_.DoRecordSentenceChange(staff_, q, &resp);
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : grpc_util::ViolationsOf(st)) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"kind", "court", "document_number", "new_end_date",
                                           "effective_on"}));
  EXPECT_EQ(store_.sentence_calls, 0);
  // A "reduction" to the current end date is refused on new_end_date.
  const absl::Status same = service_.DoRecordSentenceChange(
      staff_, Reduction(store_.stored.case_id, store_.stored.end_date), &resp);
  ASSERT_EQ(same.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(grpc_util::ViolationsOf(same).size(), 1u);
  EXPECT_EQ(grpc_util::ViolationsOf(same)[0].field, "new_end_date");
}

TEST_F(SentenceChangeHandlerTest, SocialWorkersMayNotRecordIt) {
  auth::Principal sw = staff_;
  sw.role = auth::Role::kSocialWorker;
  v1::RecordSentenceChangeResponse resp;
  EXPECT_EQ(service_
                .DoRecordSentenceChange(
                    sw, Reduction(store_.stored.case_id, absl::CivilDay(2027, 1, 1)), &resp)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.sentence_calls, 0);
}

}  // namespace
}  // namespace ccms::records::testing
