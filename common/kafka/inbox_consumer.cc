#include "common/kafka/inbox_consumer.h"

#include <librdkafka/rdkafkacpp.h>

#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/ids/uuid.h"
#include "common/kafka/envelope.h"
#include "common/log/log.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace ccms::kafka {
namespace {

// The batch's inbox rows (ProcessBatch), prepared on each connection the first time it is used
// there (parsed and planned once instead of every batch).
constexpr char kInsertInboxBatchName[] = "kafka_inbox_insert_batch";
constexpr char kInsertInboxBatchSql[] =
    "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)"
    " SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::integer[],"
    " $6::bigint[]) ON CONFLICT DO NOTHING RETURNING topic, kafka_partition, kafka_offset";

}  // namespace

InboxConsumer::InboxConsumer(ConsumerOptions options, db::ConnectionPool& pool, Handler handler)
    : options_(std::move(options)), pool_(pool), handler_(std::move(handler)) {
  max_batch_ = std::max(1, options_.max_batch);
}

absl::StatusOr<std::unique_ptr<InboxConsumer>> InboxConsumer::Create(
    ConsumerOptions options, db::ConnectionPool& pool, Handler handler,
    prometheus::Registry* registry) {
  std::unique_ptr<InboxConsumer> self(
      new InboxConsumer(std::move(options), pool, std::move(handler)));
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", self->options_.bootstrap_servers},
      {"group.id", self->options_.group_id},
      {"enable.auto.commit", "false"},  // offsets follow the inbox transaction
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      // Not cooperative-sticky: Debian's librdkafka 2.0.2 aborts in
      // rd_kafka_sticky_assignor_state_destroy when a consumer closes under load (upstream issue
      // 4312, fixed in 2.3.0), which turned every SIGTERM into exit 134.
      {"partition.assignment.strategy", "roundrobin"},
      {"session.timeout.ms",
       absl::StrCat(absl::ToInt64Milliseconds(self->options_.session_timeout))},
      {"heartbeat.interval.ms",
       absl::StrCat(
           std::max<int64_t>(100, absl::ToInt64Milliseconds(self->options_.session_timeout) / 3))},
  };
  if (!self->options_.group_instance_id.empty()) {
    props["group.instance.id"] = self->options_.group_instance_id;
  }
  for (const auto& [k, v] : self->options_.extra) props[k] = v;
  for (const auto& [k, v] : props) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka setting ", k, ": ", err));
    }
  }
  self->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!self->consumer_) {
    return absl::UnavailableError(absl::StrCat("cannot create Kafka consumer: ", err));
  }
  if (registry != nullptr) {
    const std::map<std::string, std::string> labels = {{"consumer", self->options_.group_id}};
    self->applied_total_ = &prometheus::BuildCounter()
                                .Name("ccms_consumer_events_applied_total")
                                .Help("Events applied through the inbox")
                                .Register(*registry)
                                .Add(labels);
    self->duplicate_total_ = &prometheus::BuildCounter()
                                  .Name("ccms_consumer_events_duplicate_total")
                                  .Help("Redelivered events the inbox skipped")
                                  .Register(*registry)
                                  .Add(labels);
    self->rejected_total_ = &prometheus::BuildCounter()
                                 .Name("ccms_consumer_events_rejected_total")
                                 .Help("Records that are not ccms envelopes (dead-lettered)")
                                 .Register(*registry)
                                 .Add(labels);
    self->retries_total_ = &prometheus::BuildCounter()
                                .Name("ccms_consumer_retries_total")
                                .Help("Failed attempts at applying an event that were retried")
                                .Register(*registry)
                                .Add(labels);
    self->dead_letters_total_ = &prometheus::BuildCounter()
                                     .Name("ccms_consumer_dead_letters_total")
                                     .Help("Events moved to dead_letters (failing or undecodable)")
                                     .Register(*registry)
                                     .Add(labels);
    auto& requeued = prometheus::BuildCounter()
                         .Name("ccms_consumer_requeued_total")
                         .Help("Requeued dead letters applied again, by result")
                         .Register(*registry);
    auto with_result = [&](const char* result) {
      auto l = labels;
      l["result"] = result;
      return l;
    };
    self->requeued_resolved_total_ = &requeued.Add(with_result("resolved"));
    self->requeued_failed_total_ = &requeued.Add(with_result("failed"));
    self->lag_ = &prometheus::BuildGauge()
                      .Name("ccms_consumer_lag")
                      .Help("Records behind the end of the assigned partitions")
                      .Register(*registry)
                      .Add(labels);
  }
  return self;
}

absl::StatusOr<std::unique_ptr<InboxConsumer>> InboxConsumer::CreateBatched(
    ConsumerOptions options, db::ConnectionPool& pool, BatchHandler handler,
    prometheus::Registry* registry) {
  auto self = Create(
      std::move(options), pool,
      [handler](pqxx::work& tx, const events::v1::Envelope& event) {
        return handler(tx, {&event});
      },
      registry);
  if (!self.ok()) return self.status();
  (*self)->batch_handler_ = std::move(handler);
  return self;
}

InboxConsumer::~InboxConsumer() { Stop(); }

void InboxConsumer::Start() {
  RdKafka::ErrorCode code = consumer_->subscribe(options_.topics);
  if (code != RdKafka::ERR_NO_ERROR) {
    log::Error("consumer_subscribe_failed",
               {{"consumer", options_.group_id}, {"error", RdKafka::err2str(code)}});
  }
  thread_ = std::thread([this] { Run(); });
}

void InboxConsumer::Stop() {
  if (!thread_.joinable()) return;
  const absl::Time start = absl::Now();
  stopping_ = true;
  thread_.join();
  // Leaves the group (its partitions go to the other members at once) and commits nothing more:
  // the offsets were committed after each inbox transaction.
  consumer_->close();
  log::Info("consumer_stopped", {{"consumer", options_.group_id},
                                 {"stop_ms", absl::ToInt64Milliseconds(absl::Now() - start)}});
}

absl::StatusOr<bool> InboxConsumer::Process(const std::string& topic, int partition, int64_t offset,
                                            const std::string& value) {
  std::optional<events::v1::Envelope> decoded = DecodeEnvelope(value);
  if (!decoded.has_value()) {
    if (rejected_total_) rejected_total_->Increment();
    log::Warn("consumer_rejected_record", {{"consumer", options_.group_id},
                                           {"topic", topic},
                                           {"partition", partition},
                                           {"offset", offset}});
    absl::Status st =
        DeadLetter({.topic = topic, .partition = partition, .offset = offset, .value = value},
                   nullptr, "DECODE", 1);
    if (!st.ok()) return st;
    return false;
  }
  const events::v1::Envelope& event = *decoded;
  bool applied = false;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    pqxx::result r = tx.exec_params(
        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        options_.group_id, event.event_id(), event.type(), topic, partition, offset);
    if (r.affected_rows() == 0) return absl::OkStatus();  // seen before
    applied = true;
    return handler_(tx, event);
  });
  if (!st.ok()) return st;
  if (applied) {
    ++applied_;
    if (applied_total_) applied_total_->Increment();
  } else {
    ++duplicates_;
    if (duplicate_total_) duplicate_total_->Increment();
  }
  return applied;
}

absl::Status InboxConsumer::ProcessBatch(const std::vector<Record>& records) {
  std::vector<events::v1::Envelope> events;
  events.reserve(records.size());
  for (const Record& record : records) {
    std::optional<events::v1::Envelope> decoded = DecodeEnvelope(record.value);
    if (!decoded.has_value()) {
      return absl::InvalidArgumentError("a record of the batch is no envelope");
    }
    events.push_back(std::move(*decoded));
  }
  // The batch's inbox rows as arrays, in one INSERT; RETURNING gives the records that are new
  // (by topic, partition and offset: an event id may come twice, the record's place is unique).
  std::vector<std::string> ids, types, topics, partitions, offsets;
  for (size_t i = 0; i < records.size(); ++i) {
    ids.push_back(events[i].event_id());
    types.push_back(events[i].type());
    topics.push_back(records[i].topic);
    partitions.push_back(absl::StrCat(records[i].partition));
    offsets.push_back(absl::StrCat(records[i].offset));
  }
  int64_t applied = 0;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    applied = 0;
    // A no-op after the first time on this connection; registered with the server lazily.
    tx.conn().prepare(kInsertInboxBatchName, kInsertInboxBatchSql);
    const pqxx::result r =
        tx.exec_prepared(kInsertInboxBatchName, options_.group_id, db::TextArrayLiteral(ids),
                         db::TextArrayLiteral(types), db::TextArrayLiteral(topics),
                         db::TextArrayLiteral(partitions), db::TextArrayLiteral(offsets));
    std::set<std::tuple<std::string, int, int64_t>> fresh;
    for (const auto& row : r) {
      fresh.insert({row[0].as<std::string>(), row[1].as<int>(), row[2].as<int64_t>()});
    }
    std::vector<const events::v1::Envelope*> new_events;
    for (size_t i = 0; i < records.size(); ++i) {
      // Erased when found: a record fetched twice into one batch is applied once.
      if (fresh.erase({records[i].topic, records[i].partition, records[i].offset}) > 0) {
        new_events.push_back(&events[i]);
      }
    }
    applied = static_cast<int64_t>(new_events.size());
    if (new_events.empty()) return absl::OkStatus();
    if (batch_handler_) return batch_handler_(tx, new_events);
    for (const events::v1::Envelope* event : new_events) {
      if (absl::Status h = handler_(tx, *event); !h.ok()) return h;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  const int64_t duplicates = static_cast<int64_t>(records.size()) - applied;
  applied_ += applied;
  duplicates_ += duplicates;
  if (applied_total_) applied_total_->Increment(static_cast<double>(applied));
  if (duplicate_total_) duplicate_total_->Increment(static_cast<double>(duplicates));
  return absl::OkStatus();
}

std::string InboxConsumer::ErrorClass(const absl::Status& status) {
  return absl::StrCat("HANDLER_", absl::StatusCodeToString(status.code()));
}

bool InboxConsumer::Pause(absl::Duration d) {
  const absl::Time until = absl::Now() + d;
  while (!stopping_) {
    const absl::Duration left = until - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    absl::SleepFor(std::min(left, absl::Milliseconds(50)));
  }
  return false;
}

absl::Status InboxConsumer::DeadLetter(const Record& record, const events::v1::Envelope* event,
                                       const std::string& error_class, int attempts) {
  // The same record twice (redelivered before its offset was committed) makes one row.
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    std::optional<std::string> event_id;
    if (event != nullptr && ids::IsUuid(event->event_id())) event_id = event->event_id();
    const pqxx::binarystring payload(record.value);
    tx.exec_params(
        "INSERT INTO dead_letters (source, event_id, event_type, topic, record_key,"
        " kafka_partition, kafka_offset, payload, error_class, attempts)"
        " SELECT $1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10"
        " WHERE NOT EXISTS (SELECT 1 FROM dead_letters WHERE source = $1 AND topic = $4"
        " AND kafka_partition = $6 AND kafka_offset = $7)",
        options_.group_id, event_id, event != nullptr ? event->type() : std::string(), record.topic,
        record.key, record.partition, record.offset, payload, error_class, attempts);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  ++dead_lettered_;
  if (dead_letters_total_) dead_letters_total_->Increment();
  // Ids and codes only: the payload may hold a person's data.
  log::Error("consumer_dead_lettered",
             {{"consumer", options_.group_id},
              {"topic", record.topic},
              {"partition", record.partition},
              {"offset", record.offset},
              {"event_id", event != nullptr ? event->event_id() : std::string()},
              {"type", event != nullptr ? event->type() : std::string()},
              {"error_class", error_class},
              {"attempts", attempts}});
  return absl::OkStatus();
}

absl::StatusOr<InboxConsumer::Outcome> InboxConsumer::Deliver(const Record& record) {
  int failures = 0;     // failures the event counts against max_attempts
  int db_failures = 0;  // the database away: retried without limit
  absl::Status last;
  while (!stopping_) {
    auto result = Process(record.topic, record.partition, record.offset, record.value);
    if (result.ok()) {
      if (*result) return Outcome::kApplied;
      // Not applied: either the inbox had it or it was no envelope (dead-lettered).
      return DecodeEnvelope(record.value).has_value() ? Outcome::kDuplicate
                                                      : Outcome::kDeadLettered;
    }
    last = result.status();
    const bool database_away = absl::IsUnavailable(last);
    if (database_away) {
      ++db_failures;
    } else {
      ++failures;
    }
    log::Warn("consumer_apply_failed", {{"consumer", options_.group_id},
                                        {"topic", record.topic},
                                        {"partition", record.partition},
                                        {"offset", record.offset},
                                        {"attempt", failures + db_failures},
                                        {"error_class", ErrorClass(last)}});
    if (!database_away && failures >= options_.max_attempts) {
      std::optional<events::v1::Envelope> event = DecodeEnvelope(record.value);
      absl::Status st =
          DeadLetter(record, event.has_value() ? &*event : nullptr, ErrorClass(last), failures);
      if (st.ok()) return Outcome::kDeadLettered;
      // Could not even write the dead letter (the database went away): keep trying.
      last = st;
      ++db_failures;
    }
    if (retries_total_) retries_total_->Increment();
    const int step = std::min(failures + db_failures - 1, 16);
    if (!Pause(std::min(options_.max_backoff, options_.retry_backoff * (1 << step)))) break;
  }
  return absl::CancelledError("consumer stopping");
}

absl::StatusOr<int> InboxConsumer::SweepRequeued() {
  int resolved = 0;
  // One row at a time, locked (SKIP LOCKED: replicas of the group share the work), applied in the
  // same transaction that sets resolved_at; the loop ends when no requeued row is left. A row that
  // fails has its requeued_at cleared, so it is not picked again in this sweep.
  for (int guard = 0; guard < 1000 && !stopping_; ++guard) {
    int64_t id = -1;
    std::string error_class;
    absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
      pqxx::result r = tx.exec_params(
          "SELECT id, topic, kafka_partition, kafka_offset, payload FROM dead_letters"
          " WHERE source = $1 AND requeued_at IS NOT NULL AND resolved_at IS NULL"
          " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
          options_.group_id);
      if (r.empty()) return absl::OkStatus();
      id = r[0][0].as<int64_t>();
      const std::string topic = r[0][1].as<std::string>();
      const int partition = r[0][2].is_null() ? -1 : r[0][2].as<int>();
      const int64_t offset = r[0][3].is_null() ? -1 : r[0][3].as<int64_t>();
      const std::string payload = pqxx::binarystring(r[0][4]).str();
      std::optional<events::v1::Envelope> event = DecodeEnvelope(payload);
      if (!event.has_value()) {
        error_class = "DECODE";
        return absl::InvalidArgumentError("no envelope");
      }
      pqxx::result in = tx.exec_params(
          "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,"
          " kafka_offset) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
          options_.group_id, event->event_id(), event->type(), topic, partition, offset);
      if (in.affected_rows() > 0) {  // else: applied before (the inbox has it); just resolve
        absl::Status applied = handler_(tx, *event);
        if (!applied.ok()) {
          error_class = ErrorClass(applied);
          return applied;
        }
      }
      tx.exec_params("UPDATE dead_letters SET resolved_at = now() WHERE id = $1", id);
      return absl::OkStatus();
    });
    if (id < 0) {
      if (!st.ok()) return st;
      break;  // nothing requeued
    }
    const bool ok = st.ok();
    if (!ok) {
      if (error_class.empty()) {
        if (absl::IsUnavailable(st)) return st;  // the database is away: next sweep
        error_class = ErrorClass(st);
      }
      absl::Status failed = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
        tx.exec_params(
            "UPDATE dead_letters SET requeued_at = NULL, attempts = attempts + 1,"
            " error_class = $2, dead_at = now() WHERE id = $1 AND resolved_at IS NULL",
            id, error_class);
        return absl::OkStatus();
      });
      if (!failed.ok()) return failed;
    }
    if (ok) {
      ++resolved;
      if (requeued_resolved_total_) requeued_resolved_total_->Increment();
    } else if (requeued_failed_total_) {
      requeued_failed_total_->Increment();
    }
    log::Info("consumer_requeue_applied", {{"consumer", options_.group_id},
                                           {"dead_letter_id", id},
                                           {"resolved", ok},
                                           {"error_class", error_class}});
  }
  return resolved;
}

void InboxConsumer::Run() {
  auto last_lag = absl::InfinitePast();
  auto last_sweep = absl::Now();
  auto last_assignment = absl::InfinitePast();
  while (!stopping_) {
    // Whether partitions are assigned, every 100 ms (a group's join or a rebalance waiting for a
    // dead member's session lasts seconds, so this sees it).
    if (absl::Now() - last_assignment >= absl::Milliseconds(100)) {
      last_assignment = absl::Now();
      std::vector<RdKafka::TopicPartition*> parts;
      if (consumer_->assignment(parts) == RdKafka::ERR_NO_ERROR) {
        if (parts.empty()) {
          assigned_since_nanos_ = kUnassigned;
        } else if (assigned_since_nanos_.load() == kUnassigned) {
          assigned_since_nanos_ = absl::ToUnixNanos(last_assignment);
        }
      }
      RdKafka::TopicPartition::destroy(parts);
    }
    if (absl::Now() - last_sweep > options_.requeue_interval) {
      last_sweep = absl::Now();
      auto swept = SweepRequeued();
      if (!swept.ok()) {
        log::Warn("consumer_requeue_failed",
                  {{"consumer", options_.group_id}, {"error", swept.status().message()}});
      }
    }
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(200));
    if (absl::Now() - last_lag > absl::Seconds(5) && lag_ != nullptr) {
      last_lag = absl::Now();
      std::vector<RdKafka::TopicPartition*> parts;
      if (consumer_->assignment(parts) == RdKafka::ERR_NO_ERROR) {
        consumer_->position(parts);
        int64_t total = 0;
        for (auto* tp : parts) {
          int64_t low = 0, high = 0;
          if (consumer_->get_watermark_offsets(tp->topic(), tp->partition(), &low, &high) ==
                  RdKafka::ERR_NO_ERROR &&
              tp->offset() >= 0 && high >= tp->offset()) {
            total += high - tp->offset();
          }
        }
        lag_->Set(static_cast<double>(total));
      }
      RdKafka::TopicPartition::destroy(parts);
    }
    if (msg->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (msg->err() != RdKafka::ERR_NO_ERROR) {
      log::Warn("consumer_error", {{"consumer", options_.group_id}, {"error", msg->errstr()}});
      continue;
    }
    // This record and those librdkafka has already fetched behind it (a backlog), up to
    // max_batch: one inbox transaction for them all instead of one each. Without a backlog the
    // batch is this record alone, as before.
    std::vector<Record> batch;
    auto add = [&batch](const RdKafka::Message& m) {
      batch.push_back({.topic = m.topic_name(),
                       .partition = m.partition(),
                       .offset = m.offset(),
                       .key = m.key() != nullptr ? *m.key() : std::string(),
                       .value = std::string(static_cast<const char*>(m.payload()), m.len())});
    };
    add(*msg);
    const int max_batch = max_batch_.load();
    while (static_cast<int>(batch.size()) < max_batch) {
      std::unique_ptr<RdKafka::Message> more(consumer_->consume(0));
      if (more->err() == RdKafka::ERR__TIMED_OUT) break;
      if (more->err() != RdKafka::ERR_NO_ERROR) {
        log::Warn("consumer_error", {{"consumer", options_.group_id}, {"error", more->errstr()}});
        break;
      }
      add(*more);
    }
    size_t done = 0;
    if (batch.size() > 1 && ProcessBatch(batch).ok()) {
      done = batch.size();
    } else {
      // One record, or a batch that failed as a whole: each record alone, with its retries and
      // dead letter (the failed batch applied nothing).
      for (; done < batch.size(); ++done) {
        if (!Deliver(batch[done]).ok()) break;  // stopping
      }
    }
    // The offsets after the last record done of each partition (the rest comes again).
    std::map<std::pair<std::string, int>, int64_t> next;
    for (size_t i = 0; i < done; ++i) {
      next[{batch[i].topic, batch[i].partition}] = batch[i].offset + 1;
    }
    if (!next.empty()) {
      std::vector<RdKafka::TopicPartition*> offsets;
      for (const auto& [tp, offset] : next) {
        offsets.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, offset));
      }
      consumer_->commitAsync(offsets);
      RdKafka::TopicPartition::destroy(offsets);
    }
    if (done < batch.size()) break;  // stopping: those offsets stay uncommitted, they come again
  }
}

}  // namespace ccms::kafka
