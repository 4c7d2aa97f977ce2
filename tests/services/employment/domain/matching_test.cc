// Ranking openings for a case, table-driven: ties (broken by the closing day, then the id), closed
// openings, openings past their closing day (the closing day itself still open), full ones (the
// last place and none left), excluded offence categories (and an unknown category), adjacency
// (either order of the pair, a district that is no neighbour), skills all / partly / not matched,
// no profile; and the shape of an opening.
#include "services/employment/domain/matching.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/employment/domain/test_policy.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

const CivilDay kToday(2028, 2, 29);
const std::vector<std::pair<std::string, std::string>> kAdjacency = {{"110101", "110102"},
                                                                     {"110105", "110101"}};

OpeningFacts Opening(const std::string& id, const std::string& district = "110101",
                     std::vector<std::string> skills = {}) {
  OpeningFacts o;
  o.opening_id = id;
  o.district_code = district;
  o.required_skills = std::move(skills);
  o.closes_on = CivilDay(2028, 3, 31);
  o.places = 3;
  return o;
}

MatchCase Person(std::vector<std::string> skills = {"FORKLIFT", "DRIVING"},
                 const std::string& category = "theft") {
  MatchCase c;
  c.district_code = "110101";
  c.offence_category = category;
  c.skills = std::move(skills);
  return c;
}

const RankedOpening& Find(const std::vector<RankedOpening>& r, const std::string& id) {
  for (const auto& x : r) {
    if (x.opening_id == id) return x;
  }
  static RankedOpening none;
  ADD_FAILURE() << "no " << id;
  return none;
}

bool Has(const RankedOpening& r, const std::string& reason) {
  for (const auto& x : r.reasons) {
    if (x == reason) return true;
  }
  return false;
}

struct Row {
  const char* name;
  OpeningFacts opening;
  MatchCase person;
  bool eligible;
  int score;  // eligible only
  std::vector<std::string> reasons;
};

TEST(MatchingTest, EachOpeningAloneGetsItsEligibilityScoreAndReasons) {
  auto closed = Opening("closed");
  closed.status = OpeningStatus::kClosed;
  auto past = Opening("past");
  past.closes_on = kToday - 1;
  auto last_day = Opening("last-day");
  last_day.closes_on = kToday;
  auto full = Opening("full");
  full.places_filled = 3;
  auto last_place = Opening("last-place");
  last_place.places_filled = 2;
  auto excludes_theft = Opening("excl");
  excludes_theft.excluded_offence_categories = {"drugs", "theft"};
  auto excludes_drugs = Opening("excl-drugs");
  excludes_drugs.excluded_offence_categories = {"drugs"};
  const std::vector<Row> rows = {
      {"same district, no skills required",
       Opening("a"),
       Person(),
       true,
       150,
       {"SAME_DISTRICT", "NO_SKILLS_REQUIRED"}},
      {"adjacent district (pair as listed)",
       Opening("b", "110102"),
       Person(),
       true,
       125,
       {"ADJACENT_DISTRICT", "NO_SKILLS_REQUIRED"}},
      {"adjacent district (pair reversed)",
       Opening("c", "110105"),
       Person(),
       true,
       125,
       {"ADJACENT_DISTRICT", "NO_SKILLS_REQUIRED"}},
      {"not a neighbour", Opening("d", "310101"), Person(), false, 0, {"TOO_FAR"}},
      {"all skills",
       Opening("e", "110101", {"FORKLIFT", "DRIVING"}),
       Person(),
       true,
       150,
       {"SAME_DISTRICT", "SKILLS_ALL_MATCHED"}},
      {"one of two skills",
       Opening("f", "110101", {"FORKLIFT", "WELDING"}),
       Person(),
       true,
       100,
       {"SAME_DISTRICT", "SKILLS_PARTLY_MATCHED"}},
      {"one of three skills",
       Opening("g", "110101", {"FORKLIFT", "WELDING", "COOKING"}),
       Person(),
       true,
       83,
       {"SAME_DISTRICT", "SKILLS_PARTLY_MATCHED"}},
      {"no skill matched",
       Opening("h", "110101", {"WELDING"}),
       Person(),
       true,
       50,
       {"SAME_DISTRICT", "SKILLS_NONE_MATCHED"}},
      {"no skills profile",
       Opening("i", "110101", {"WELDING"}),
       [] {
         MatchCase c = Person();
         c.skills.reset();
         return c;
       }(),
       true,
       50,
       {"SAME_DISTRICT", "SKILLS_PROFILE_MISSING"}},
      {"closed", closed, Person(), false, 0, {"CLOSED"}},
      {"past its closing day", past, Person(), false, 0, {"PAST_CLOSING"}},
      {"its closing day is today",
       last_day,
       Person(),
       true,
       150,
       {"SAME_DISTRICT", "NO_SKILLS_REQUIRED", "CLOSES_SOON"}},
      {"full", full, Person(), false, 0, {"FULL"}},
      {"one place left", last_place, Person(), true, 150, {"SAME_DISTRICT", "NO_SKILLS_REQUIRED"}},
      {"the case's category excluded", excludes_theft, Person(), false, 0, {"OFFENCE_EXCLUDED"}},
      {"another category excluded",
       excludes_drugs,
       Person(),
       true,
       150,
       {"SAME_DISTRICT", "NO_SKILLS_REQUIRED", "OFFENCE_NOT_EXCLUDED"}},
      {"category not known",
       excludes_theft,
       Person({}, ""),
       true,
       150,
       {"SAME_DISTRICT", "NO_SKILLS_REQUIRED", "OFFENCE_CATEGORY_UNKNOWN"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const auto ranked = RankOpenings(row.person, {row.opening}, kAdjacency, kToday);
    ASSERT_EQ(ranked.size(), 1u);
    EXPECT_EQ(ranked[0].eligible, row.eligible);
    EXPECT_EQ(ranked[0].rank, row.eligible ? 1 : 0);
    EXPECT_EQ(ranked[0].score, row.eligible ? row.score : 0);
    EXPECT_EQ(ranked[0].reasons, row.reasons);
  }
}

TEST(MatchingTest, SeveralRefusalsAreAllNamed) {
  auto o = Opening("x", "310101");
  o.status = OpeningStatus::kClosed;
  o.places_filled = 3;
  o.closes_on = kToday - 10;
  o.excluded_offence_categories = {"theft"};
  const auto r = RankOpenings(Person(), {o}, kAdjacency, kToday);
  EXPECT_EQ(r[0].reasons, (std::vector<std::string>{"CLOSED", "PAST_CLOSING", "FULL",
                                                    "OFFENCE_EXCLUDED", "TOO_FAR"}));
}

TEST(MatchingTest, RanksByScoreThenEarlierClosingThenIdIneligibleLast) {
  auto tie_late = Opening("t-late");
  tie_late.closes_on = CivilDay(2028, 4, 30);
  auto tie_early = Opening("t-early");
  tie_early.closes_on = CivilDay(2028, 3, 15);
  auto tie_same_b = Opening("t-same-b");
  auto tie_same_a = Opening("t-same-a");
  auto neighbour = Opening("neighbour", "110102");
  auto partial = Opening("partial", "110101", {"FORKLIFT", "WELDING"});
  auto full = Opening("full");
  full.places_filled = 3;
  auto excluded = Opening("excluded");
  excluded.excluded_offence_categories = {"theft"};
  const auto r = RankOpenings(
      Person(), {full, partial, tie_late, neighbour, excluded, tie_same_b, tie_early, tie_same_a},
      kAdjacency, kToday);
  std::vector<std::string> order;
  for (const auto& x : r) order.push_back(x.opening_id);
  EXPECT_EQ(order, (std::vector<std::string>{"t-early", "t-same-a", "t-same-b", "t-late",
                                             "neighbour", "partial", "full", "excluded"}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(r[i].rank, i + 1);
  EXPECT_EQ(r[6].rank, 0);
  EXPECT_EQ(r[7].rank, 0);
  EXPECT_EQ(Find(r, "partial").matched_skills, std::vector<std::string>{"FORKLIFT"});
  EXPECT_EQ(Find(r, "partial").missing_skills, std::vector<std::string>{"WELDING"});
  EXPECT_TRUE(Has(Find(r, "full"), "FULL"));
}

TEST(MatchingTest, ClosesSoonCountsSevenDaysAcrossTheMonthEnd) {
  auto in7 = Opening("in7");
  in7.closes_on = kToday + 7;  // 2028-03-07
  auto in8 = Opening("in8");
  in8.closes_on = kToday + 8;
  const auto r = RankOpenings(Person(), {in7, in8}, kAdjacency, kToday);
  EXPECT_TRUE(Has(Find(r, "in7"), "CLOSES_SOON"));
  EXPECT_FALSE(Has(Find(r, "in8"), "CLOSES_SOON"));
  EXPECT_EQ(r[0].opening_id, "in7");  // same score: the earlier closing first
}

TEST(MatchingTest, AdjacencyIsSymmetricAndNotTransitive) {
  EXPECT_TRUE(Adjacent(kAdjacency, "110101", "110102"));
  EXPECT_TRUE(Adjacent(kAdjacency, "110102", "110101"));
  EXPECT_FALSE(Adjacent(kAdjacency, "110102", "110105"));  // both neighbours of 110101 only
  EXPECT_FALSE(Adjacent(kAdjacency, "110101", "110101"));
}

TEST(MatchingTest, OpeningShape) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  auto check = [&](const std::string& sector, int hours, int places,
                   std::vector<std::string> skills, std::vector<std::string> excluded,
                   CivilDay closes) {
    return CheckOpening(sector, hours, places, skills, excluded, closes, kToday, p).code();
  };
  using C = absl::StatusCode;
  EXPECT_EQ(check("LOGISTICS", 40, 3, {"FORKLIFT"}, {"drugs"}, kToday), C::kOk);
  EXPECT_EQ(check("LOGISTICS", 84, 500, {}, {}, kToday + 1), C::kOk);
  EXPECT_EQ(check("NOT_A_SECTOR", 40, 3, {}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 0, 3, {}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 85, 3, {}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 0, {}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 501, {}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 3, {"JUGGLING"}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 3, {"FORKLIFT", "FORKLIFT"}, {}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 3, {}, {"Drugs"}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 3, {}, {"drugs", "drugs"}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 3, {}, {""}, kToday), C::kInvalidArgument);
  EXPECT_EQ(check("LOGISTICS", 40, 3, {}, {}, kToday - 1), C::kInvalidArgument);
  EXPECT_EQ(CheckOpeningClose(OpeningStatus::kOpen, "FILLED", p).code(), C::kOk);
  EXPECT_EQ(CheckOpeningClose(OpeningStatus::kClosed, "FILLED", p).code(), C::kFailedPrecondition);
  EXPECT_EQ(CheckOpeningClose(OpeningStatus::kOpen, "BORED", p).code(), C::kInvalidArgument);
  EXPECT_EQ(CheckOpeningFilled(OpeningStatus::kOpen, 3, 3).code(), C::kOk);
  EXPECT_EQ(CheckOpeningFilled(OpeningStatus::kOpen, 3, 4).code(), C::kInvalidArgument);
  EXPECT_EQ(CheckOpeningFilled(OpeningStatus::kOpen, 3, -1).code(), C::kInvalidArgument);
  EXPECT_EQ(CheckOpeningFilled(OpeningStatus::kClosed, 3, 1).code(), C::kFailedPrecondition);
}

TEST(MatchingTest, ShippedPolicyHasAnAdjacencyTableOfValidPairs) {
  const EmploymentPolicy p = testing::ShippedPolicy();
  EXPECT_FALSE(p.adjacent_districts.empty());
  EXPECT_TRUE(Adjacent(p.adjacent_districts, "110102", "110101"));
}

}  // namespace
}  // namespace ccms::employment::domain

namespace ccms::employment::domain {
namespace {

// A neighbour in another city (the first four digits differ): with records' standing approval
// for routine cross-city work travel the rank says so; without it, that the work needs records'
// approval. Neither changes the score; a neighbour in the same city gets neither reason.
TEST(MatchingTest, ANeighbourInAnotherCityNamesTheStandingApproval) {
  const std::vector<std::pair<std::string, std::string>> adjacency = {{"110101", "110102"},
                                                                      {"110101", "130602"}};
  const std::vector<OpeningFacts> openings = {Opening("same-city", "110102"),
                                              Opening("other-city", "130602")};
  MatchCase without = Person();
  MatchCase with = Person();
  with.standing_approval = true;
  const auto a = RankOpenings(without, openings, adjacency, kToday);
  const auto b = RankOpenings(with, openings, adjacency, kToday);
  EXPECT_TRUE(Has(Find(a, "other-city"), "CROSS_CITY_NEEDS_APPROVAL"));
  EXPECT_FALSE(Has(Find(a, "other-city"), "STANDING_APPROVAL_FOR_WORK"));
  EXPECT_TRUE(Has(Find(b, "other-city"), "STANDING_APPROVAL_FOR_WORK"));
  EXPECT_FALSE(Has(Find(b, "other-city"), "CROSS_CITY_NEEDS_APPROVAL"));
  EXPECT_EQ(Find(a, "other-city").score, Find(b, "other-city").score);
  for (const auto* r : {&a, &b}) {
    EXPECT_FALSE(Has(Find(*r, "same-city"), "STANDING_APPROVAL_FOR_WORK"));
    EXPECT_FALSE(Has(Find(*r, "same-city"), "CROSS_CITY_NEEDS_APPROVAL"));
  }
  EXPECT_TRUE(OtherCity("110101", "130602"));
  EXPECT_FALSE(OtherCity("110101", "110105"));
}

}  // namespace
}  // namespace ccms::employment::domain
