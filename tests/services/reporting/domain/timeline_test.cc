#include "services/reporting/domain/timeline.h"

#include <gtest/gtest.h>

namespace ccms::reporting::domain {
namespace {

using D = absl::CivilDay;

Occurrence Opened(D start, std::string district = "110101") {
  Occurrence o;
  o.event_id = "open";
  o.kind = kCaseOpened;
  o.on = start;
  o.seq = 1;
  o.district = std::move(district);
  o.office = "o1";
  o.sentence_kind = "PROBATION";
  o.sex = "MALE";
  o.age_band = "26_TO_35";
  o.offence_category = "theft";
  o.deadline = start + 10;
  return o;
}

Occurrence Of(std::string id, const char* kind, D on, int64_t seq) {
  Occurrence o;
  o.event_id = std::move(id);
  o.kind = kind;
  o.on = on;
  o.seq = seq;
  o.district = "110101";
  return o;
}

TEST(TimelineTest, NoOpeningNoTimeline) {
  EXPECT_FALSE(BuildTimeline({Of("a", kLevelChanged, D(2026, 1, 1), 1)}).opened);
}

TEST(TimelineTest, TransferSplitsTheSpanAndCloseEndsIt) {
  Occurrence t = Of("t", kTransferred, D(2026, 3, 10), 5);
  t.district = "110102";
  t.office = "o9";
  Occurrence closed = Of("c", kClosed, D(2026, 6, 1), 9);
  closed.code = "DISCHARGED";
  Occurrence report = Of("r", kIntakeReported, D(2026, 1, 3), 2);
  const Timeline tl = BuildTimeline({closed, t, Opened(D(2026, 1, 1)), report});
  ASSERT_TRUE(tl.opened);
  ASSERT_EQ(tl.spans.size(), 2u);
  EXPECT_EQ(tl.spans[0].from, D(2026, 1, 1));
  EXPECT_EQ(tl.spans[0].to, D(2026, 3, 10));
  EXPECT_EQ(tl.spans[0].state.district, "110101");
  EXPECT_EQ(tl.spans[1].from, D(2026, 3, 10));
  EXPECT_EQ(tl.spans[1].to, D(2026, 6, 1));
  EXPECT_EQ(tl.spans[1].state.district, "110102");
  EXPECT_EQ(tl.spans[1].state.office, "o9");
  EXPECT_EQ(StateOn(tl.spans, D(2026, 5, 31))->district, "110102");
  EXPECT_FALSE(StateOn(tl.spans, D(2026, 6, 1)).has_value());
  EXPECT_FALSE(StateOn(tl.spans, D(2025, 12, 31)).has_value());
  // The discharge is counted in the district the case was in the day before.
  ASSERT_EQ(tl.flows.back().kind, kClosed);
  EXPECT_EQ(tl.flows.back().state.district, "110102");
}

TEST(TimelineTest, NeverReportedFromTheDayAfterTheDeadlineUntilTheReport) {
  const D start(2026, 1, 1);  // deadline 01-11
  Occurrence report = Of("r", kIntakeReported, D(2026, 1, 20), 3);
  const Timeline tl = BuildTimeline({Opened(start), report});
  EXPECT_FALSE(StateOn(tl.spans, D(2026, 1, 11))->never_reported);
  EXPECT_TRUE(StateOn(tl.spans, D(2026, 1, 12))->never_reported);
  EXPECT_TRUE(StateOn(tl.spans, D(2026, 1, 19))->never_reported);
  EXPECT_FALSE(StateOn(tl.spans, D(2026, 1, 20))->never_reported);
  const Timeline never = BuildTimeline({Opened(start)});
  EXPECT_TRUE(StateOn(never.spans, D(2027, 1, 1))->never_reported);
}

TEST(TimelineTest, BackDatedEventLandsWhereItBelongsWhateverTheArrivalOrder) {
  Occurrence lost = Of("l", kLostContact, D(2026, 2, 1), 10);
  Occurrence found = Of("f", kFoundAgain, D(2026, 2, 15), 20);
  // A level recorded later but effective before the loss.
  Occurrence level = Of("v", kLevelChanged, D(2026, 1, 20), 30);
  level.level = "STRICT";
  const Timeline a = BuildTimeline({Opened(D(2026, 1, 1)), lost, found, level});
  const Timeline b = BuildTimeline({level, found, lost, Opened(D(2026, 1, 1))});
  EXPECT_EQ(a.spans, b.spans);
  EXPECT_EQ(a.flows, b.flows);
  EXPECT_EQ(StateOn(a.spans, D(2026, 1, 25))->level, "STRICT");
  EXPECT_TRUE(StateOn(a.spans, D(2026, 2, 1))->lost_contact);
  EXPECT_FALSE(StateOn(a.spans, D(2026, 2, 15))->lost_contact);
  EXPECT_EQ(StateOn(a.spans, D(2026, 2, 15))->level, "STRICT");
}

TEST(TimelineTest, AdjacentSpansDifferAndChangesBeforeTheStartShapeTheFirst) {
  Occurrence early = Of("e", kLevelChanged, D(2025, 12, 20), 1);
  early.level = "STRICT";
  Occurrence same = Of("s", kLevelChanged, D(2026, 2, 1), 2);
  same.level = "STRICT";  // no change of state: no new span
  Occurrence report = Of("r", kIntakeReported, D(2026, 1, 2), 2);
  const Timeline tl = BuildTimeline({Opened(D(2026, 1, 1)), early, same, report});
  ASSERT_EQ(tl.spans.size(), 1u);
  EXPECT_EQ(tl.spans[0].state.level, "STRICT");
  EXPECT_FALSE(tl.spans[0].to.has_value());
}

TEST(TimelineTest, SnapshotOpensAnOlderCaseAndAFinishedOneEndsOnItsDay) {
  Occurrence snap = Opened(D(2024, 5, 1));
  snap.kind = kFactsSnapshot;
  snap.code = "ACTIVE";
  snap.as_of = D(2026, 12, 1);
  const Timeline active = BuildTimeline({snap});
  ASSERT_TRUE(active.opened);
  EXPECT_FALSE(StateOn(active.spans, D(2026, 12, 5))->never_reported);
  snap.code = "DISCHARGED";
  const Timeline done = BuildTimeline({snap});
  EXPECT_EQ(done.closed_on, D(2026, 12, 1));
  EXPECT_EQ(done.close_reason, "DISCHARGED");
}

}  // namespace
}  // namespace ccms::reporting::domain
