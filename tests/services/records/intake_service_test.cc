// IntakeServiceImpl (pre-sentence investigations, handover and intake) over FakeIntakeStore. What
// reaches the store, and what never does.
#include "services/records/intake_service.h"

#include <string>

#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/services/records/fake_stores.h"
#include "tests/services/records/handler_fixture.h"

namespace ccms::records::testing {
namespace {

using IntakeServiceTest = AreaTest<FakeIntakeStore, IntakeServiceImpl>;

TEST_F(IntakeServiceTest, CommissionComputesTheDueDateAndKeepsThePersonOffTheBus) {
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

TEST_F(IntakeServiceTest, CommissionDayFollowsShanghaiMidnight) {
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

TEST_F(IntakeServiceTest, CommissionNamesEachBadField) {
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
  ASSERT_FALSE(audit_.audited.empty());
  EXPECT_EQ(audit_.audited.back(), "CommissionInvestigation:DENIED");
}

TEST_F(IntakeServiceTest, ConclusionOnlyOnceAndNotBeforeTheCommission) {
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

TEST_F(IntakeServiceTest, OverdueListComputesBothCounts) {
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

TEST_F(IntakeServiceTest, HandoverLatenessAndTeamPii) {
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

TEST_F(IntakeServiceTest, AnnouncementFollowsTheIntake) {
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

}  // namespace
}  // namespace ccms::records::testing
