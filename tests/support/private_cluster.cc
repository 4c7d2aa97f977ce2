#include "tests/support/private_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/ids/uuid.h"

namespace ccms::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

PrivateCluster::PrivateCluster(const std::string& prefix) {
  const char* work = std::getenv("CCMS_TEST_WORK_DIR");
  dir_ =
      absl::StrCat(work != nullptr ? work : "/tmp", "/", prefix, "-", ids::NewUuid().substr(0, 8));
  log_ = dir_ + ".log";
  port_ = FreePort();
}

PrivateCluster::~PrivateCluster() { Run(absl::StrCat("purge '", dir_, "'")); }

bool PrivateCluster::Start() {
  return Run(absl::StrCat("start '", dir_, "' ", port_, " '", log_, "'"));
}

bool PrivateCluster::Stop() { return Run(absl::StrCat("stop '", dir_, "'")); }

std::string PrivateCluster::dsn() const {
  return absl::StrCat("host=127.0.0.1 port=", port_, " user=postgres dbname=postgres");
}

bool PrivateCluster::Run(const std::string& args) {
  const std::string cmd = absl::StrCat(CCMS_TEST_SOURCE_DIR, "/tests/integration/pg_cluster.sh ",
                                       args, " >>'", log_, "' 2>&1");
  return std::system(cmd.c_str()) == 0;
}

}  // namespace ccms::testing
