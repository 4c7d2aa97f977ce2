// Catch-up's idle rule after a kill -9 (docs/reporting.md "Catch-up"): a process killed without
// leaving its consumer group stays a member until its session expires, and the restarted
// ccms-reporting's join waits for that. Catch-up's idle rule (CCMS_REPORTING_CATCH_UP_IDLE_SECONDS)
// must not count that wait as idleness: it counts from the partition assignment or the last
// batch, so the mode is still on when the first batch comes and the backlog is kept and built
// once at the end, not applied batch by batch by the normal path after an end that came too early.
//
// The killed member is a consumer destroyed without closing (RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE:
// no LeaveGroup, as with kill -9) in the group the restarted service joins.
#include <librdkafka/rdkafka.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using D = absl::CivilDay;

constexpr char kDistrict[] = "659621";  // no other test's
constexpr int kCases = 20;
constexpr int kIdleSeconds = 2;
// The killed member's session: the restarted service's join waits about this long, well past
// the idle rule.
constexpr int kDeadSessionMs = 5000;

absl::Time Noon(D d) {
  return absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 12, 0, 0),
                         time::ShanghaiTimeZone());
}

// Joins `group` on reporting's topics, waits for its partitions, then goes away without leaving
// the group. False when it never got partitions.
bool KilledMember(const std::string& group) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", IntegrationEnv::Get()->kafka_bootstrap},
      {"group.id", group},
      {"enable.auto.commit", "false"},
      {"auto.offset.reset", "earliest"},
      {"partition.assignment.strategy", "roundrobin"},
      {"session.timeout.ms", absl::StrCat(kDeadSessionMs)},
      {"heartbeat.interval.ms", "500"},
  };
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << k << ": " << err;
      rd_kafka_conf_destroy(conf);
      return false;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    ADD_FAILURE() << err;
    return false;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(4);
  for (const char* t : {reporting::kRecordsTopic, reporting::kAssessmentTopic,
                        reporting::kEducationTopic, reporting::kEmploymentTopic}) {
    rd_kafka_topic_partition_list_add(topics, t, RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  bool assigned = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!assigned && absl::Now() < deadline) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100); m != nullptr) {
      rd_kafka_message_destroy(m);
    }
    rd_kafka_topic_partition_list_t* parts = nullptr;
    if (rd_kafka_assignment(rk, &parts) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      assigned = parts->cnt > 0;
      rd_kafka_topic_partition_list_destroy(parts);
    }
  }
  // As kill -9: no LeaveGroup; the broker keeps the member until its session expires.
  rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  return assigned;
}

TEST(ReportingCatchUpTest, AJoinLongerThanTheIdleRuleDoesNotEndCatchUpBeforeTheFirstBatch) {
  ASSERT_NE(IntegrationEnv::Get(), nullptr);
  // A database of a known name, so that the group of the restarted service's generation is
  // known before it starts: "<stem>-g<generation>-test-<database>".
  std::mt19937_64 rng(std::random_device{}());
  const std::string db = absl::StrCat("rep_idle_", rng() % 1000000000);
  const std::map<std::string, std::string> settings = {
      {"CCMS_REPORTING_CATCH_UP_IDLE_SECONDS", absl::StrCat(kIdleSeconds)}};
  int generation = 0;
  {
    ServiceHarness first(reporting::Definition(), {.settings = settings, .keep_database = db});
    generation = first.wiring<reporting::ReportingWiring>().generation();
  }

  // The cases: opened, and half of them closed.
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, events::v1::Envelope>> events;
  const D start(2025, 3, 1);
  for (int i = 0; i < kCases; ++i) {
    const std::string id = ids::NewUuid();
    ids.push_back(id);
    records::v1::CaseOpened o;
    o.set_case_id(id);
    o.set_case_number(absl::StrCat("G", id.substr(0, 8)));
    o.set_district_code(kDistrict);
    o.set_office_id("office-1");
    o.set_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    *o.mutable_judgment_effective_date() = grpc_util::ToProtoDate(start - 10);
    *o.mutable_supervision_start_date() = grpc_util::ToProtoDate(start + i);
    *o.mutable_supervision_end_date() = grpc_util::ToProtoDate(start + 365);
    *o.mutable_intake_deadline() = grpc_util::ToProtoDate(start + i + 10);
    o.set_sex(common::v1::SEX_MALE);
    o.set_age_band(records::v1::AGE_BAND_26_TO_35);
    o.set_offence_category("theft");
    events.push_back({reporting::kRecordsTopic,
                      kafka::MakeEnvelope("ccms.records.case_opened", id, kDistrict,
                                          Noon(start + i), Noon(start + i), "rep-idle", o)});
    if (i % 2 == 0) {
      records::v1::CaseClosed c;
      c.set_case_id(id);
      c.set_district_code(kDistrict);
      c.set_reason(records::v1::CASE_CLOSE_REASON_DISCHARGED);
      *c.mutable_closed_on() = grpc_util::ToProtoDate(start + 200);
      events.push_back({reporting::kRecordsTopic,
                        kafka::MakeEnvelope("ccms.records.case_closed", id, kDistrict,
                                            Noon(start + 200), Noon(start + 200), "rep-idle", c)});
    }
  }
  {
    auto producer =
        kafka::KafkaProducer::Create({.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
                                     [](const kafka::DeliveryReport&) {});
    ASSERT_TRUE(producer.ok()) << producer.status();
    for (const auto& [topic, e] : events) {
      ASSERT_TRUE(
          (*producer)
              ->Produce({.topic = topic, .key = e.case_id(), .value = e.SerializeAsString()})
              .ok());
    }
    ASSERT_TRUE((*producer)->Flush(60000));
  }

  // The killed process: a member of the next generation's group that never left it.
  const std::string group = absl::StrCat(reporting::ConsumerGroup(generation + 1), "-test-", db);
  ASSERT_TRUE(KilledMember(group)) << "the killed member got no partitions";

  // The restart: `ccms-reporting --rebuild` (catch-up on), the background work running.
  reporting::RequestRebuild();
  const absl::Time started = absl::Now();
  // The restarted member's session as the killed one's (the dev broker's group takes the
  // session of its latest joiner).
  const std::map<std::string, std::string> props = {
      {"session.timeout.ms", absl::StrCat(kDeadSessionMs)}, {"heartbeat.interval.ms", "500"}};
  ServiceHarness h(reporting::Definition(), {.settings = settings,
                                             .consumer_properties = props,
                                             .background = true,
                                             .keep_database = db});
  auto& wiring = h.wiring<reporting::ReportingWiring>();
  ASSERT_EQ(wiring.generation(), generation + 1);
  const std::string in = absl::StrCat("('", absl::StrJoin(ids, "','"), "')");
  auto count = [&](const std::string& sql) { return std::stoll(h.db().QueryValue(sql)); };
  const int64_t want = static_cast<int64_t>(events.size());
  const absl::Time deadline = absl::Now() + absl::Seconds(180);
  bool done = false;
  while (!done && absl::Now() < deadline) {
    done = count("SELECT count(*) FROM occurrence WHERE case_id IN " + in) == want &&
           count("SELECT count(*) FROM projection_catch_up WHERE active") == 0;
    if (!done) absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(done) << "the rebuild did not end";
  // The scenario held: the join took longer than the idle rule.
  const absl::Time assigned = h.host().consumer(0).assigned_since();
  ASSERT_NE(assigned, absl::InfiniteFuture());
  EXPECT_GT(assigned - started, absl::Seconds(kIdleSeconds))
      << "the join was not longer than the idle rule: the test proves nothing";
  // Every case was kept and built by catch-up (its end, or the closed cases built beside the
  // batches), none by the normal path after an early end.
  EXPECT_EQ(wiring.consumer().catch_up_built(), kCases);
  EXPECT_EQ(count("SELECT count(*) FROM case_projection WHERE case_id IN " + in), kCases);
  EXPECT_EQ(
      count("SELECT count(*) FROM case_projection WHERE closed_on IS NOT NULL AND case_id IN " +
            in),
      kCases / 2);
}

}  // namespace
}  // namespace ccms::testing
