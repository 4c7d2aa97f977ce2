#include "tools/devkafka/devkafka.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <utility>

namespace ccms::devkafka {
namespace {

constexpr size_t kMaxLineLength = 4096;
constexpr int kMaxReplication = 3;

std::vector<std::string_view> SplitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end > pos) words.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

bool ParseInt(std::string_view text, int* value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

template <typename Container, typename Format>
std::string JoinList(const Container& items, Format format) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += format(item);
  }
  return out;
}

}  // namespace

bool MockCluster::NewCluster(int broker_count, rd_kafka_t** rk_out,
                             rd_kafka_mock_cluster_t** mcluster_out, std::string* error) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // log_level 4 hides the notice that the handle has no bootstrap.servers. The mock applies the
  // handle's socket.nagle.disable to the brokers' connections: without it small produce
  // requests wait for Nagle (measured: delivery p99 46 ms → 2.6 ms, docs/benchmarks.md).
  for (const auto& [name, value] :
       {std::pair{"client.id", "ccms-devkafka"}, std::pair{"log_level", "4"},
        std::pair{"socket.nagle.disable", "true"}}) {
    if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      *error = errstr;
      return false;
    }
  }
  // The handle is only needed for the mock's bookkeeping; it talks to nobody.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    *error = std::string("rd_kafka_new failed: ") + errstr;
    return false;
  }
  rd_kafka_mock_cluster_t* mcluster = rd_kafka_mock_cluster_new(rk, broker_count);
  if (mcluster == nullptr) {
    rd_kafka_destroy(rk);
    *error = "rd_kafka_mock_cluster_new failed (could not bind loopback ports?)";
    return false;
  }
  *rk_out = rk;
  *mcluster_out = mcluster;
  return true;
}

std::unique_ptr<MockCluster> MockCluster::Create(int broker_count, std::string* error) {
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mcluster = nullptr;
  if (!NewCluster(broker_count, &rk, &mcluster, error)) return nullptr;
  return std::unique_ptr<MockCluster>(new MockCluster(rk, mcluster, broker_count));
}

MockCluster::~MockCluster() {
  rd_kafka_mock_cluster_destroy(mcluster_);
  rd_kafka_destroy(rk_);
}

bool MockCluster::CreateTopic(const std::string& name, int partitions, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  return CreateTopicLocked(name, partitions, error);
}

bool MockCluster::CreateTopicLocked(const std::string& name, int partitions, std::string* error) {
  int replication = std::min(kMaxReplication, broker_count_);
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(mcluster_, name.c_str(), partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *error = "cannot create topic " + name + ": " + rd_kafka_err2str(err);
    return false;
  }
  topics_[name] = partitions;
  return true;
}

std::string MockCluster::Bootstraps() {
  std::lock_guard<std::mutex> lock(mu_);
  return rd_kafka_mock_cluster_bootstraps(mcluster_);
}

bool MockCluster::Reset(std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  rd_kafka_t* rk = nullptr;
  rd_kafka_mock_cluster_t* mcluster = nullptr;
  if (!NewCluster(broker_count_, &rk, &mcluster, error)) return false;
  rd_kafka_mock_cluster_destroy(mcluster_);
  rd_kafka_destroy(rk_);
  rk_ = rk;
  mcluster_ = mcluster;
  down_.clear();
  rtt_.clear();
  const std::map<std::string, int> topics = topics_;
  for (const auto& [name, partitions] : topics) {
    if (!CreateTopicLocked(name, partitions, error)) return false;
  }
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(mcluster_);
  return bootstrap_file_.empty() || WriteFileAtomically(bootstrap_file_, bootstrap + "\n", error);
}

bool MockCluster::ParseBrokers(std::string_view word, std::vector<int32_t>* ids) const {
  ids->clear();
  if (word == "all") {
    for (int32_t id = 1; id <= broker_count_; ++id) ids->push_back(id);
    return true;
  }
  int id = 0;
  if (!ParseInt(word, &id) || id < 1 || id > broker_count_) return false;
  ids->push_back(id);
  return true;
}

std::string MockCluster::StatusLocked() const {
  return "brokers=" + std::to_string(broker_count_) +
         " down=" + JoinList(down_, [](int32_t id) { return std::to_string(id); }) + " rtt=" +
         JoinList(rtt_,
                  [](const auto& kv) {
                    return std::to_string(kv.first) + ":" + std::to_string(kv.second);
                  }) +
         " topics=" + std::to_string(topics_.size()) +
         " bootstrap=" + rd_kafka_mock_cluster_bootstraps(mcluster_);
}

std::string MockCluster::HandleCommand(std::string_view line) {
  std::vector<std::string_view> words = SplitWords(line);
  if (words.empty()) return "error empty command";
  std::string_view cmd = words[0];
  std::vector<int32_t> ids;

  if (cmd == "status" || cmd == "bootstrap" || cmd == "ping" || cmd == "help") {
    if (words.size() != 1) return "error usage: " + std::string(cmd);
    if (cmd == "ping") return "ok";
    if (cmd == "help") {
      return "ok commands: down <id|all>; up <id|all>; rtt <id|all> <ms>; "
             "create <topic> [partitions]; reset; status; bootstrap; ping";
    }
    if (cmd == "bootstrap") return "ok bootstrap=" + Bootstraps();
    std::lock_guard<std::mutex> lock(mu_);
    return "ok " + StatusLocked();
  }

  if (cmd == "down" || cmd == "up") {
    if (words.size() != 2) return "error usage: " + std::string(cmd) + " <id|all>";
    if (!ParseBrokers(words[1], &ids)) {
      return "error unknown broker '" + std::string(words[1]) + "' (ids are 1.." +
             std::to_string(broker_count_) + " or all)";
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t id : ids) {
      rd_kafka_resp_err_t err = cmd == "down" ? rd_kafka_mock_broker_set_down(mcluster_, id)
                                              : rd_kafka_mock_broker_set_up(mcluster_, id);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return "error broker " + std::to_string(id) + ": " + rd_kafka_err2str(err);
      }
      if (cmd == "down") {
        down_.insert(id);
      } else {
        down_.erase(id);
      }
    }
    return "ok down=" + JoinList(down_, [](int32_t id) { return std::to_string(id); });
  }

  if (cmd == "rtt") {
    int rtt_ms = 0;
    if (words.size() != 3) return "error usage: rtt <id|all> <ms>";
    if (!ParseBrokers(words[1], &ids)) {
      return "error unknown broker '" + std::string(words[1]) + "'";
    }
    if (!ParseInt(words[2], &rtt_ms) || rtt_ms < 0) {
      return "error bad rtt '" + std::string(words[2]) + "'";
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (int32_t id : ids) {
      rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_rtt(mcluster_, id, rtt_ms);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return "error broker " + std::to_string(id) + ": " + rd_kafka_err2str(err);
      }
      if (rtt_ms == 0) {
        rtt_.erase(id);
      } else {
        rtt_[id] = rtt_ms;
      }
    }
    return "ok rtt=" + std::to_string(rtt_ms);
  }

  if (cmd == "reset") {
    if (words.size() != 1) return "error usage: reset";
    std::string error;
    if (!Reset(&error)) return "error " + error;
    return "ok bootstrap=" + Bootstraps();
  }

  if (cmd == "create") {
    int partitions = 1;
    if (words.size() < 2 || words.size() > 3) {
      return "error usage: create <topic> [partitions]";
    }
    if (words.size() == 3 && (!ParseInt(words[2], &partitions) || partitions < 1)) {
      return "error bad partition count '" + std::string(words[2]) + "'";
    }
    std::string error;
    if (!CreateTopic(std::string(words[1]), partitions, &error)) {
      return "error " + error;
    }
    return "ok topic=" + std::string(words[1]) + " partitions=" + std::to_string(partitions);
  }

  return "error unknown command '" + std::string(cmd) + "' (try help)";
}

ControlServer::~ControlServer() { Stop(); }

bool ControlServer::Start(int port, std::string* error) {
  if (pipe2(wake_fds_, O_CLOEXEC) != 0) {
    *error = Errno("pipe2");
    return false;
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    *error = Errno("socket");
    return false;
  }
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    *error = Errno(("bind 127.0.0.1:" + std::to_string(port)).c_str());
    return false;
  }
  if (listen(listen_fd_, 16) != 0) {
    *error = Errno("listen");
    return false;
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Run(); });
  return true;
}

void ControlServer::Stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    char byte = 'x';
    (void)!write(wake_fds_[1], &byte, 1);
    thread_.join();
  }
  for (int* fd : {&listen_fd_, &wake_fds_[0], &wake_fds_[1]}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

void ControlServer::Run() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("devkafka: control poll");
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ServeClient(fd);
    close(fd);
  }
}

void ControlServer::ServeClient(int fd) {
  std::string buffer;
  char chunk[1024];
  while (!stopping_) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // Client closed (or error): next connection.
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!SendAll(fd, cluster_->HandleCommand(line) + "\n")) return;
    }
    if (buffer.size() > kMaxLineLength) {
      SendAll(fd, "error line too long\n");
      return;
    }
  }
}

bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) {
      *error = "cannot write " + tmp + ": " + std::strerror(errno);
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool SendControlCommand(int port, const std::string& line, int timeout_ms, std::string* reply,
                        std::string* error) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = Errno("socket");
    return false;
  }
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    *error = Errno(("connect 127.0.0.1:" + std::to_string(port)).c_str());
  } else if (!SendAll(fd, line + "\n")) {
    *error = Errno("send");
  } else {
    reply->clear();
    char c;
    while (true) {
      ssize_t n = read(fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        *error = errno == EAGAIN ? std::string("timed out waiting for reply") : Errno("read");
        break;
      }
      if (n == 0) {
        *error = "connection closed before a full reply";
        break;
      }
      if (c == '\n') {
        ok = true;
        break;
      }
      reply->push_back(c);
    }
  }
  close(fd);
  return ok;
}

}  // namespace ccms::devkafka
