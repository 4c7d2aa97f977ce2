// Development Kafka broker: librdkafka's in-process mock cluster plus a tiny
// line-based TCP control server on loopback (broker down/up, rtt, status).
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ccms::devkafka {

// Owns the rd_kafka_t handle and the mock cluster bound to random loopback
// ports. The control methods are thread-safe.
class MockCluster {
 public:
  // Returns nullptr (and sets *error) if the cluster cannot start.
  static std::unique_ptr<MockCluster> Create(int broker_count, std::string* error);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  bool CreateTopic(const std::string& name, int partitions, std::string* error);
  std::string Bootstraps();
  int broker_count() const { return broker_count_; }
  // Where Reset() writes the new bootstrap list (the file that serve wrote at start); empty: none.
  void set_bootstrap_file(std::string path) { bootstrap_file_ = std::move(path); }

  // Empties every topic. The mock cannot delete a topic or its records, so this replaces the
  // whole cluster: the brokers come back on new ports, all up and without added latency, with
  // the topics created so far (same partition counts). Clients of the old cluster are cut off.
  bool Reset(std::string* error);

  // Executes one control-protocol line; returns the reply without newline,
  // starting with "ok" or "error <reason>".
  std::string HandleCommand(std::string_view line);

 private:
  MockCluster(rd_kafka_t* rk, rd_kafka_mock_cluster_t* mcluster, int broker_count)
      : rk_(rk), mcluster_(mcluster), broker_count_(broker_count) {}

  // A handle and a mock cluster of broker_count brokers on random loopback ports.
  static bool NewCluster(int broker_count, rd_kafka_t** rk, rd_kafka_mock_cluster_t** mcluster,
                         std::string* error);
  bool CreateTopicLocked(const std::string& name, int partitions, std::string* error);

  // Parses "all" or a broker id into ids; false if invalid.
  bool ParseBrokers(std::string_view word, std::vector<int32_t>* ids) const;
  std::string StatusLocked() const;

  rd_kafka_t* rk_;                     // Replaced under mu_ by Reset().
  rd_kafka_mock_cluster_t* mcluster_;  // Replaced under mu_ by Reset().
  const int broker_count_;
  std::string bootstrap_file_;
  std::mutex mu_;
  std::set<int32_t> down_;             // Guarded by mu_.
  std::map<int32_t, int> rtt_;         // Guarded by mu_; only non-zero entries.
  std::map<std::string, int> topics_;  // Guarded by mu_.
};

// Single-threaded accept loop on 127.0.0.1 serving MockCluster commands.
class ControlServer {
 public:
  explicit ControlServer(MockCluster* cluster) : cluster_(cluster) {}
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds 127.0.0.1:port (0 = any free port) and starts the thread.
  bool Start(int port, std::string* error);
  void Stop();
  int port() const { return port_; }

 private:
  void Run();
  void ServeClient(int fd);

  MockCluster* cluster_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Writes contents to path via a temporary file and rename().
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error);

// Sends one command line to 127.0.0.1:port and reads one reply line.
bool SendControlCommand(int port, const std::string& line, int timeout_ms, std::string* reply,
                        std::string* error);

}  // namespace ccms::devkafka
