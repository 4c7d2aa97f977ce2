#include "common/policy/policy.h"

#include "gtest/gtest.h"

namespace ccms::policy {
namespace {

TEST(PolicyTest, BuiltInDefaultParsesAndHasAVersion) {
  auto doc = PolicyDocument::Parse(PolicyDocument::BuiltInDefault(), "built-in default");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_FALSE(doc->version().empty());
  PolicyReader r(*doc);
  EXPECT_EQ(r.Int("records.intake.report_within_days", 1, 60), 10);
  EXPECT_EQ(r.Int("records.sanctions.warnings_for_revocation", 1, 10), 2);
  EXPECT_EQ(r.String("records.contact.RELAXED.in_person"), "2m");
  EXPECT_EQ(r.IntList("records.discharge.follow_up_months", 1, 60),
            (std::vector<int64_t>{1, 3, 6}));
  EXPECT_TRUE(r.Finish().ok()) << r.Finish();
}

TEST(PolicyTest, NamesEveryBadKey) {
  auto doc = PolicyDocument::Parse("version: t1\na:\n  n: 5\n  s: x\n  l: [1, x]\n  b: maybe\n",
                                   "test.yaml");
  ASSERT_TRUE(doc.ok());
  PolicyReader r(*doc);
  r.Int("a.n", 10, 20);       // out of range
  r.Int("a.s", 0, 10);        // not a number
  r.Int("a.missing", 0, 10);  // missing
  r.IntList("a.l", 0, 10);    // bad item
  r.Bool("a.b");              // not a bool
  r.Int("a.n.deeper", 0, 1);  // through a scalar
  const absl::Status st = r.Finish();
  ASSERT_FALSE(st.ok());
  const std::string msg(st.message());
  for (const char* key : {"a.n:", "a.s:", "a.missing:", "a.l:", "a.b:", "a.n.deeper:"}) {
    EXPECT_NE(msg.find(key), std::string::npos) << key << " in " << msg;
  }
  EXPECT_NE(msg.find("test.yaml"), std::string::npos);
  EXPECT_NE(msg.find("t1"), std::string::npos);
  // Reading does not change the document.
  PolicyReader again(*doc);
  EXPECT_EQ(again.Int("a.n", 0, 10), 5);
}

TEST(PolicyTest, RejectsDocumentsWithoutVersionOrNotYaml) {
  EXPECT_FALSE(PolicyDocument::Parse("a: 1\n", "x").ok());
  EXPECT_FALSE(PolicyDocument::Parse("- 1\n- 2\n", "x").ok());
  EXPECT_FALSE(PolicyDocument::Parse("version: [unclosed\n", "x").ok());
}

}  // namespace
}  // namespace ccms::policy
