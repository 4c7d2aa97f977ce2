// The dev broker's control commands, on a mock cluster in this process.

#include "tools/devkafka/devkafka.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>

namespace ccms::devkafka {
namespace {

constexpr char kTopic[] = "ccms.records.v1";

// Produces one record to partition 0 and waits for its delivery.
bool ProduceOne(const std::string& bootstrap) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap, err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  if (!producer) return false;
  static char payload[] = "x";
  if (producer->produce(kTopic, 0, RdKafka::Producer::RK_MSG_COPY, payload, 1, nullptr, 0, 0,
                        nullptr) != RdKafka::ERR_NO_ERROR) {
    return false;
  }
  return producer->flush(10000) == RdKafka::ERR_NO_ERROR;
}

// The high watermark of partition 0 (-1 if it cannot be asked).
int64_t HighWatermark(const std::string& bootstrap) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap, err);
  conf->set("group.id", "devkafka-test", err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) return -1;
  int64_t low = -1;
  int64_t high = -1;
  if (consumer->query_watermark_offsets(kTopic, 0, &low, &high, 10000) != RdKafka::ERR_NO_ERROR) {
    high = -1;
  }
  consumer->close();
  return high;
}

TEST(DevKafkaTest, ResetEmptiesTheTopicsAndKeepsThem) {
  std::string error;
  std::unique_ptr<MockCluster> cluster = MockCluster::Create(3, &error);
  ASSERT_NE(cluster, nullptr) << error;
  ASSERT_TRUE(cluster->CreateTopic(kTopic, 6, &error)) << error;
  const std::string before = cluster->Bootstraps();
  ASSERT_TRUE(ProduceOne(before));
  EXPECT_EQ(HighWatermark(before), 1);
  EXPECT_EQ(cluster->HandleCommand("down 2").rfind("ok", 0), 0u);

  const std::string reply = cluster->HandleCommand("reset");
  ASSERT_EQ(reply.rfind("ok bootstrap=", 0), 0u) << reply;
  const std::string after = cluster->Bootstraps();
  EXPECT_EQ(reply, "ok bootstrap=" + after);
  EXPECT_NE(after, before) << "the new cluster listens on new ports";
  EXPECT_EQ(HighWatermark(after), 0) << "the topic is there and empty";
  const std::string status = cluster->HandleCommand("status");
  EXPECT_NE(status.find("down= "), std::string::npos) << status;
  EXPECT_NE(status.find("topics=1 "), std::string::npos) << status;
  ASSERT_TRUE(ProduceOne(after)) << "every broker is up again";
  EXPECT_EQ(HighWatermark(after), 1);
  EXPECT_EQ(cluster->HandleCommand("reset extra"), "error usage: reset");
}

}  // namespace
}  // namespace ccms::devkafka
