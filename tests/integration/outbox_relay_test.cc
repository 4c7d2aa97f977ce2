// The outbox relay on its own (docs/operations.md, "Relay faults and dead letters"): a row the
// broker refuses holds its case's later rows, goes to dead_letters after the policy's attempts and
// the rest flow on; a requeued dead letter is taken back; leadership moves between two relays
// when the leader's session is killed or the leader stops.
#include "common/kafka/outbox_relay.h"

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/ids/uuid.h"
#include "common/kafka/dead_letters.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {
namespace {

using kafka::OutboxRelay;
using kafka::RelayOptions;

// Polls `pred` every 20 ms for up to `timeout`.
template <class Pred>
bool WaitFor(absl::Duration timeout, Pred pred) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return pred();
}

std::string NewTopic() {
  std::string topic = absl::StrCat("ccms.test.relay.", ids::NewUuid().substr(24));
  EXPECT_EQ(KafkaControl("create " + topic + " 3").substr(0, 2), "ok");
  return topic;
}

// Inserts one outbox row; returns its event id. `payload_bytes` of 'x' (more than the
// producer's message.max.bytes makes the broker client refuse it).
std::string InsertRow(const TestDatabase& db, const std::string& topic, const std::string& key,
                      int payload_bytes = 16) {
  const std::string event_id = ids::NewUuid();
  db.QueryValue(absl::StrCat(
      "INSERT INTO outbox (event_id, topic, record_key, event_type, payload, occurred_at) VALUES "
      "('",
      event_id, "', '", topic, "', '", key, "', 'ccms.test.relay', convert_to(repeat('x', ",
      payload_bytes, "), 'UTF8'), now())"));
  return event_id;
}

std::unique_ptr<OutboxRelay> MakeRelay(const TestDatabase& db, const std::string& service,
                                       prometheus::Registry* registry) {
  RelayOptions options{.service = service,
                       .dsn = db.dsn(),
                       .batch_size = 100,
                       .poll_interval = absl::Milliseconds(50),
                       .max_attempts = 3,
                       .leader_check_interval = absl::Milliseconds(300),
                       .reconnect_backoff_min = absl::Milliseconds(50),
                       .reconnect_backoff_max = absl::Milliseconds(400),
                       .requeue_interval = absl::Milliseconds(200)};
  auto relay = OutboxRelay::Create(
      options, {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap}, registry);
  EXPECT_TRUE(relay.ok()) << relay.status();
  return relay.ok() ? std::move(*relay) : nullptr;
}

// ce_ids of `key`'s records on the topic, in offset order.
std::vector<std::string> EventsOf(const std::vector<ConsumedRecord>& records,
                                  const std::string& key) {
  std::vector<std::string> out;
  for (const auto& r : records) {
    if (r.key == key) out.push_back(r.headers.at("ce_id"));
  }
  return out;
}

TEST(RelayConnectionStringTest, AddsKeepalivesTimeoutsAndName) {
  RelayOptions o{.service = "records", .dsn = "host=db dbname=x"};
  const std::string s = kafka::RelayConnectionString(o);
  EXPECT_EQ(s.rfind("host=db dbname=x ", 0), 0u) << s;
  for (const char* want :
       {"keepalives='1'", "tcp_user_timeout='10000'", "application_name='ccms-records-relay'",
        "options='-c statement_timeout=30000'", "keepalives_count='3'"}) {
    EXPECT_NE(s.find(want), std::string::npos) << want << " in " << s;
  }
  o.dsn = "postgresql://u@db/x?sslmode=disable";
  const std::string uri = kafka::RelayConnectionString(o);
  EXPECT_NE(uri.find("?sslmode=disable&keepalives=1&"), std::string::npos) << uri;
  EXPECT_NE(uri.find("options=-c%20statement_timeout%3D30000"), std::string::npos) << uri;
}

TEST(OutboxRelayTest, RefusedRowHoldsItsCaseThenIsDeadLetteredAndTakenBackOnRequeue) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
  TestDatabase db;
  auto pool = PoolWithCommonTables(db);
  const std::string topic = NewTopic();
  const std::string a = ids::NewUuid(), b = ids::NewUuid();
  const std::string a1 = InsertRow(db, topic, a);
  const std::string a2 = InsertRow(db, topic, a, 2 << 20);  // over message.max.bytes
  const std::string a3 = InsertRow(db, topic, a);
  const std::string b1 = InsertRow(db, topic, b);
  const std::string b2 = InsertRow(db, topic, b);

  prometheus::Registry registry;
  auto relay = MakeRelay(db, "relaytest", &registry);
  ASSERT_NE(relay, nullptr);
  relay->Start();
  ASSERT_TRUE(WaitFor(absl::Seconds(20), [&] {
    return db.QueryValue("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == "0";
  })) << "the rows behind the refused one must flow on once it is dead-lettered";
  EXPECT_EQ(relay->dead_lettered(), 1);
  EXPECT_EQ(db.QueryValue("SELECT concat_ws(' ', source, event_id, error_class, attempts, "
                          "outbox_id IS NOT NULL, resolved_at IS NULL) FROM dead_letters"),
            absl::StrCat("outbox ", a2, " MSG_SIZE_TOO_LARGE 3 t t"));
  EXPECT_EQ(db.QueryValue(absl::StrCat("SELECT count(*) FROM outbox WHERE event_id = '", a2, "'")),
            "0");
  // a3 waited behind a2: stamped only after a2 left the outbox.
  EXPECT_EQ(db.QueryValue(absl::StrCat("SELECT (SELECT sent_at FROM outbox WHERE event_id = '", a3,
                                       "') >= (SELECT dead_at FROM dead_letters)")),
            "t");

  auto records = ReadTopic(
      topic, [](const std::vector<ConsumedRecord>& r) { return r.size() >= 4; }, absl::Seconds(20));
  EXPECT_EQ(EventsOf(records, a), (std::vector<std::string>{a1, a3}));
  EXPECT_EQ(EventsOf(records, b), (std::vector<std::string>{b1, b2}));

  // The operator fixed what made the broker refuse it (here: the size) and requeued it.
  db.QueryValue(
      "UPDATE dead_letters SET payload = convert_to('fixed', 'UTF8'), requeued_at = now()");
  ASSERT_TRUE(WaitFor(absl::Seconds(20), [&] {
    return db.QueryValue("SELECT count(*) FROM dead_letters WHERE resolved_at IS NOT NULL") ==
               "1" &&
           db.QueryValue(absl::StrCat("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL "
                                      "AND event_id = '",
                                      a2, "'")) == "1";
  }));
  records = ReadTopic(
      topic, [](const std::vector<ConsumedRecord>& r) { return r.size() >= 5; }, absl::Seconds(20));
  EXPECT_EQ(EventsOf(records, a), (std::vector<std::string>{a1, a3, a2}));
  relay->Stop(absl::Seconds(1));
}

TEST(OutboxRelayTest, LeadershipMovesWhenTheLeadersSessionIsKilledOrItStops) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
  TestDatabase db;
  auto pool = PoolWithCommonTables(db);
  const std::string topic = NewTopic();
  auto r1 = MakeRelay(db, "handoff", nullptr);
  auto r2 = MakeRelay(db, "handoff", nullptr);
  ASSERT_NE(r1, nullptr);
  ASSERT_NE(r2, nullptr);
  r1->Start();
  ASSERT_TRUE(WaitFor(absl::Seconds(10), [&] { return r1->is_leader(); }));
  r2->Start();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_FALSE(r2->is_leader());

  const std::string key = ids::NewUuid();
  std::vector<std::string> sent;
  auto publish_one = [&] {
    sent.push_back(InsertRow(db, topic, key));
    return WaitFor(absl::Seconds(10), [&] {
      return db.QueryValue("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == "0";
    });
  };
  ASSERT_TRUE(publish_one());

  // Kill the leader's session: it must notice (no publishing without the lock), and some relay
  // leads again within a few seconds; never both.
  const std::string killed = db.QueryValue(
      "SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' "
      "AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = "
      "current_database())");
  ASSERT_EQ(killed, "t");
  ASSERT_TRUE(WaitFor(absl::Seconds(5), [&] { return r1->is_leader() != r2->is_leader(); }));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_NE(r1->is_leader(), r2->is_leader());
  EXPECT_EQ(db.QueryValue("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"),
            "1");
  ASSERT_TRUE(publish_one());

  // The leader stops: the other takes over within 10 s.
  OutboxRelay* leader = r1->is_leader() ? r1.get() : r2.get();
  OutboxRelay* other = leader == r1.get() ? r2.get() : r1.get();
  const absl::Time stopped = absl::Now();
  leader->Stop(absl::Seconds(1));
  ASSERT_TRUE(WaitFor(absl::Seconds(10), [&] { return other->is_leader(); }));
  EXPECT_LT(absl::Now() - stopped, absl::Seconds(10));
  ASSERT_TRUE(publish_one());

  auto records = ReadTopic(
      topic, [&](const std::vector<ConsumedRecord>& r) { return r.size() >= sent.size(); },
      absl::Seconds(20));
  std::vector<std::string> firsts;
  std::set<std::string> seen;
  for (const auto& id : EventsOf(records, key)) {
    if (seen.insert(id).second) firsts.push_back(id);
  }
  EXPECT_EQ(firsts, sent);
  r1->Stop(absl::Seconds(1));
  r2->Stop(absl::Seconds(1));
}

TEST(DeadLettersTest, ListGetAndRequeueShowNoPayload) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
  TestDatabase db;
  auto pool = PoolWithCommonTables(db);
  db.QueryValue(
      "INSERT INTO dead_letters (source, event_id, event_type, topic, record_key, outbox_id, "
      "payload, error_class, attempts) VALUES ('outbox', gen_random_uuid(), 'ccms.test.a', "
      "'ccms.records.v1', 'case-1', 7, 'secret', 'MSG_SIZE_TOO_LARGE', 5)");
  db.QueryValue(
      "INSERT INTO dead_letters (source, event_type, topic, kafka_partition, kafka_offset, "
      "payload, error_class, attempts) VALUES ('assessment', '', 'ccms.records.v1', 2, 41, "
      "'garbage', 'DECODE', 1)");
  pqxx::connection conn(db.dsn());

  auto all = kafka::ListDeadLetters(conn, {});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].source, "outbox");
  EXPECT_EQ((*all)[0].outbox_id, 7);
  EXPECT_EQ((*all)[0].error_class, "MSG_SIZE_TOO_LARGE");
  EXPECT_EQ((*all)[1].partition, 2);
  EXPECT_EQ((*all)[1].offset, 41);
  EXPECT_EQ((*all)[1].event_id, "");
  auto outbox = kafka::ListDeadLetters(conn, {.source = "outbox"});
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  auto page = kafka::ListDeadLetters(conn, {.after_id = (*all)[0].id, .limit = 1});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, (*all)[1].id);

  EXPECT_EQ(kafka::GetDeadLetter(conn, 999999).status().code(), absl::StatusCode::kNotFound);
  auto requeued = kafka::RequeueDeadLetter(conn, (*all)[0].id);
  ASSERT_TRUE(requeued.ok()) << requeued.status();
  ASSERT_TRUE(requeued->requeued_at.has_value());
  auto again = kafka::RequeueDeadLetter(conn, (*all)[0].id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->requeued_at, requeued->requeued_at);
  db.QueryValue(
      absl::StrCat("UPDATE dead_letters SET resolved_at = now() WHERE id = ", (*all)[0].id));
  EXPECT_EQ(kafka::RequeueDeadLetter(conn, (*all)[0].id).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto open = kafka::ListDeadLetters(conn, {});
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 1u);
  auto everything = kafka::ListDeadLetters(conn, {.open_only = false});
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(everything->size(), 2u);
}

}  // namespace
}  // namespace ccms::testing
