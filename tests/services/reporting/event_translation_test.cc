#include "services/reporting/event_translation.h"

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/kafka/outbox.h"

namespace ccms::reporting {
namespace {

constexpr char kCase[] = "0190f0a0-0000-7000-8000-000000000001";

TEST(EventTranslationTest, CaseOpenedCarriesTheFactsAndStartsOnTheSupervisionStart) {
  records::v1::CaseOpened p;
  p.set_case_id(kCase);
  p.set_district_code("110101");
  p.set_office_id("office-1");
  p.set_sentence_kind(common::v1::SENTENCE_KIND_PAROLE);
  *p.mutable_supervision_start_date() = grpc_util::ToProtoDate(absl::CivilDay(2024, 2, 29));
  *p.mutable_intake_deadline() = grpc_util::ToProtoDate(absl::CivilDay(2024, 3, 10));
  p.set_minor(true);
  p.set_sex(common::v1::SEX_FEMALE);
  p.set_age_band(records::v1::AGE_BAND_16_TO_17);
  p.set_offence_category("theft");
  const auto e = kafka::MakeEnvelope("ccms.records.case_opened", kCase, "110101", absl::Now(),
                                     absl::Now(), "t", p);
  bool malformed = true;
  auto o = TranslateEvent(e, &malformed);
  ASSERT_TRUE(o.has_value());
  EXPECT_FALSE(malformed);
  EXPECT_EQ(o->kind, domain::kCaseOpened);
  EXPECT_EQ(o->on, absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(o->sentence_kind, "PAROLE");
  EXPECT_EQ(o->sex, "FEMALE");
  EXPECT_EQ(o->age_band, "16_TO_17");
  EXPECT_TRUE(o->minor);
  EXPECT_EQ(o->deadline, absl::CivilDay(2024, 3, 10));
  EXPECT_EQ(o->event_id, e.event_id());
}

TEST(EventTranslationTest, KeyAttentionTakesTheShanghaiDayOfItsInstant) {
  assessment::v1::KeyAttentionChanged p;
  p.set_case_id(kCase);
  p.set_key_attention(true);
  // 2024-02-29 16:00 UTC is 2024-03-01 00:00 in Shanghai; a second earlier is still 02-29.
  const absl::Time midnight =
      absl::FromCivil(absl::CivilSecond(2024, 2, 29, 16, 0, 0), absl::UTCTimeZone());
  bool malformed = false;
  auto at = TranslateEvent(kafka::MakeEnvelope("ccms.assessment.key_attention_changed", kCase,
                                               "110101", midnight, midnight, "t", p),
                           &malformed);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->on, absl::CivilDay(2024, 3, 1));
  EXPECT_TRUE(at->flag);
  auto before =
      TranslateEvent(kafka::MakeEnvelope("ccms.assessment.key_attention_changed", kCase, "110101",
                                         midnight - absl::Seconds(1), midnight, "t", p),
                     &malformed);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->on, absl::CivilDay(2024, 2, 29));
}

TEST(EventTranslationTest, EducationAndAssistanceAreServicesOnTheirDay) {
  education::v1::AttendanceRecorded at;
  at.set_case_id(kCase);
  at.set_district_code("110101");
  *at.mutable_session_day() = grpc_util::ToProtoDate(absl::CivilDay(2024, 2, 29));
  at.set_outcome(education::v1::ATTENDANCE_OUTCOME_LATE);
  bool malformed = true;
  auto o = TranslateEvent(kafka::MakeEnvelope("ccms.education.attendance_recorded", kCase, "110101",
                                              absl::Now(), absl::Now(), "t", at),
                          &malformed);
  ASSERT_TRUE(o.has_value());
  EXPECT_FALSE(malformed);
  EXPECT_EQ(o->kind, domain::kService);
  EXPECT_EQ(o->code, "EDUCATION");
  EXPECT_EQ(o->on, absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(o->district, "110101");
  at.set_outcome(education::v1::ATTENDANCE_OUTCOME_ABSENT);  // not a service
  EXPECT_FALSE(TranslateEvent(kafka::MakeEnvelope("ccms.education.attendance_recorded", kCase,
                                                  "110101", absl::Now(), absl::Now(), "t", at),
                              &malformed)
                   .has_value());
  employment::v1::ReferralChanged r;
  r.set_case_id(kCase);
  r.set_district_code("110101");
  r.set_to_status("SENT");
  *r.mutable_on() = grpc_util::ToProtoDate(absl::CivilDay(2024, 12, 31));
  o = TranslateEvent(kafka::MakeEnvelope("ccms.employment.referral_sent", kCase, "110101",
                                         absl::Now(), absl::Now(), "t", r),
                     &malformed);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->code, "ASSISTANCE");
  EXPECT_EQ(o->on, absl::CivilDay(2024, 12, 31));
  // A service file opened is 建档, not a service.
  education::v1::ServiceFileOpened f;
  f.set_case_id(kCase);
  *f.mutable_opened_on() = grpc_util::ToProtoDate(absl::CivilDay(2024, 1, 2));
  EXPECT_FALSE(TranslateEvent(kafka::MakeEnvelope("ccms.education.service_file_opened", kCase,
                                                  "110101", absl::Now(), absl::Now(), "t", f),
                              &malformed)
                   .has_value());
}

TEST(EventTranslationTest, UnknownTypesAreIgnoredAndBadPayloadsMalformed) {
  records::v1::CaseClosed p;  // no closed_on
  bool malformed = false;
  EXPECT_FALSE(TranslateEvent(kafka::MakeEnvelope("ccms.records.case_closed", kCase, "110101",
                                                  absl::Now(), absl::Now(), "t", p),
                              &malformed)
                   .has_value());
  EXPECT_TRUE(malformed);
  EXPECT_FALSE(TranslateEvent(kafka::MakeEnvelope("ccms.records.leave_requested", kCase, "110101",
                                                  absl::Now(), absl::Now(), "t", p),
                              &malformed)
                   .has_value());
  EXPECT_FALSE(malformed);
  records::v1::CaseTransferred wrong;  // a payload of another type
  EXPECT_FALSE(TranslateEvent(kafka::MakeEnvelope("ccms.records.sanction_issued", kCase, "110101",
                                                  absl::Now(), absl::Now(), "t", wrong),
                              &malformed)
                   .has_value());
  EXPECT_TRUE(malformed);
}

}  // namespace
}  // namespace ccms::reporting
