#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/config/env.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

// TLS of the gRPC listeners and of the clients (docs/security.md, "The wire"). Settings are read
// through config::Env; a PEM may be given inline (NAME) or as a file (NAME_FILE), like every
// secret.
namespace ccms::grpc_util {

// What a service's gRPC listener is secured with.
//   CCMS_GRPC_TLS_CERT[_FILE], CCMS_GRPC_TLS_KEY[_FILE]: the server's certificate chain and key.
//   CCMS_GRPC_TLS_CLIENT_CA[_FILE]: CA bundle that issues staff and service client certificates.
//   CCMS_GRPC_TLS_PARTNER_CA[_FILE]: the partner CA (partner agencies' client certificates).
//   CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT: every caller must present a client certificate.
//   CCMS_GRPC_ALLOW_PLAINTEXT: listen without TLS on a non-loopback address (never in production).
struct ServerTlsConfig {
  std::string cert_pem;
  std::string key_pem;
  std::string client_ca_pem;
  std::string partner_ca_pem;
  bool require_client_cert = false;
  bool allow_plaintext = false;

  // TLS is on when a certificate (and so a key) is given.
  bool enabled() const { return !cert_pem.empty(); }
};

// Reads the server settings above for a listener on `listen_address` ("host:port"). Problems are
// recorded in `env` (call env.Finish()), each naming its setting: a certificate without a key (or
// the other way round), a PEM that does not parse or a key that does not match the certificate, a
// client-certificate requirement with neither CA, and a listener without TLS on an address that is
// not loopback (127.0.0.0/8, ::1, localhost) unless CCMS_GRPC_ALLOW_PLAINTEXT is true.
ServerTlsConfig LoadServerTls(config::Env& env, std::string_view listen_address);

// Whether a listener on `listen_address` ("host:port", "[::1]:port") can be reached only from
// this machine: 127.0.0.0/8, ::1 or localhost. "0.0.0.0", "[::]" and any other name are not.
bool IsLoopbackAddress(std::string_view listen_address);

// Insecure credentials when `config` has no certificate; otherwise TLS with the certificate and
// key, requesting a client certificate (verified against the client CA and the partner CA
// together) when either CA is given, and requiring one when require_client_cert is set.
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const ServerTlsConfig& config);

// What a client (service-to-service channel, ccmsctl, ccms-load) secures its channel with.
//   CCMS_GRPC_CA[_FILE]: CA to verify servers against; when set the client uses TLS.
//   CCMS_GRPC_CLIENT_CERT[_FILE], CCMS_GRPC_CLIENT_KEY[_FILE]: an optional client certificate.
//   CCMS_GRPC_TLS_SERVER_NAME: the name checked in the server's certificate instead of the
//   target's host name (e.g. when the target is an IP address).
struct ClientTlsConfig {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string server_name;

  // TLS is on when a CA is given; empty means plaintext.
  bool enabled() const { return !ca_pem.empty(); }
};

// Reads the client settings above. Problems are recorded in `env`: a client certificate without
// its key or the other way round, a client certificate or server name without a CA, and a PEM that
// does not parse. Nothing set gives an empty config (plaintext).
ClientTlsConfig LoadClientTls(config::Env& env);

// Insecure credentials when `config` has no CA; otherwise TLS verifying the server against the CA,
// presenting the client certificate when one is given. (The server-name override is a channel
// argument: MakeServiceChannel sets it.)
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const ClientTlsConfig& config);

// Checks that `pem` holds at least one certificate (`what` names it in the error).
absl::Status CheckCertificatesPem(std::string_view pem, std::string_view what);

// Checks that `key_pem` is a private key matching the first certificate of `cert_pem`.
absl::Status CheckKeyPairPem(std::string_view cert_pem, std::string_view key_pem);

}  // namespace ccms::grpc_util
