#pragma once

#include <string>

namespace ccms::testing {

// A free TCP port on loopback (bound and released: another process may take it meanwhile).
int FreePort();

// A PostgreSQL cluster of a test's own (tests/integration/pg_cluster.sh) on a free port, for
// tests that stop and start the database, so the cluster tests/run shares stays up. Its folder
// (named `<prefix>-<random>`) is under CCMS_TEST_WORK_DIR (else /tmp) and purged on destruction.
class PrivateCluster {
 public:
  explicit PrivateCluster(const std::string& prefix);
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  bool Start();
  bool Stop();  // pg_ctl stop -m fast; Start() again on the same port
  std::string dsn() const;

 private:
  bool Run(const std::string& args);

  std::string dir_;
  std::string log_;
  int port_ = 0;
};

}  // namespace ccms::testing
