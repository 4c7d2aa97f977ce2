// Options shared by every ccmsctl subcommand, and the shape of a subcommand's
// work.

#pragma once

#include <functional>
#include <string>

#include "common/grpc/tls.h"

namespace ccms::ctl {

inline constexpr char kDefaultAddress[] = "127.0.0.1:50061";
inline constexpr char kDefaultAssessmentAddress[] = "127.0.0.1:50062";
inline constexpr char kDefaultEducationAddress[] = "127.0.0.1:50063";
inline constexpr char kDefaultReportingAddress[] = "127.0.0.1:50065";
inline constexpr char kDefaultEmploymentAddress[] = "127.0.0.1:50064";
inline constexpr double kDefaultTimeoutSeconds = 10;

struct GlobalOptions {
  // host:port of the records service (or any gRPC server for `health`).
  std::string addr = kDefaultAddress;
  // host:port of the assessment service (instruments, assessment, due, level, crisis, points).
  std::string assessment_addr = kDefaultAssessmentAddress;
  // host:port of the education service (service-file).
  std::string education_addr = kDefaultEducationAddress;
  // host:port of the reporting service (report).
  std::string reporting_addr = kDefaultReportingAddress;
  // host:port of the employment service (employment).
  std::string employment_addr = kDefaultEmploymentAddress;
  // Bearer token sent with every records call.
  std::string token;
  // Print the response as one proto3 JSON document instead of a table.
  bool json = false;
  // Deadline of each call.
  double timeout_seconds = kDefaultTimeoutSeconds;
  // TLS (docs/security.md): the CA the server is verified against (TLS on when set), the client
  // certificate and key presented, and the name checked in the server's certificate instead of
  // the address's host. Defaults: CCMS_GRPC_CA_FILE, CCMS_GRPC_CLIENT_CERT_FILE,
  // CCMS_GRPC_CLIENT_KEY_FILE, CCMS_GRPC_TLS_SERVER_NAME (the dev stack's .run/env sets them).
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  // What those files hold, read by LoadTls (rpc_client.h) once parsing has succeeded.
  grpc_util::ClientTlsConfig tls;
};

// A parsed subcommand's work, run once parsing has succeeded. Returns the
// process exit code: 0 on success, 1 on a failed call or local error, 2 on a
// usage error.
using Action = std::function<int()>;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace ccms::ctl
