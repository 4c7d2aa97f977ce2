#pragma once

// How the kit's Kafka clients reach the brokers: plaintext, TLS, SASL, or SASL over TLS
// (docs/operations.md, "Kafka security"). One set of CCMS_KAFKA_* settings, read once, checked at
// start (a service refuses to start naming the setting), and turned by SecurityProperties() into
// the librdkafka properties that every client the kit makes receives: the outbox relay's
// producer, the inbox consumers (dead letters are requeued through them and the relay), and the
// readiness probe's broker client.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/config/env.h"

namespace ccms::kafka {

// The settings as given: file paths, not their contents. Secrets are given inline (NAME) or as a
// file (NAME_FILE), never both.
struct SecuritySettings {
  // CCMS_KAFKA_SECURITY_PROTOCOL: plaintext (default) | ssl | sasl_plaintext | sasl_ssl.
  std::string protocol = "plaintext";
  // TLS (ssl, sasl_ssl): the CA that signed the brokers' certificates (required), and this
  // client's certificate and key when the brokers ask for one (both or neither).
  std::string ssl_ca_file;            // CCMS_KAFKA_SSL_CA_FILE
  std::string ssl_cert_file;          // CCMS_KAFKA_SSL_CERT_FILE
  std::string ssl_key_file;           // CCMS_KAFKA_SSL_KEY_FILE
  std::string ssl_key_password;       // CCMS_KAFKA_SSL_KEY_PASSWORD (prefer the _FILE form)
  std::string ssl_key_password_file;  // CCMS_KAFKA_SSL_KEY_PASSWORD_FILE
  // SASL (sasl_plaintext, sasl_ssl): all three required.
  std::string sasl_mechanism;      // CCMS_KAFKA_SASL_MECHANISM: PLAIN | SCRAM-SHA-256 | -512
  std::string sasl_username;       // CCMS_KAFKA_SASL_USERNAME
  std::string sasl_password;       // CCMS_KAFKA_SASL_PASSWORD (prefer the _FILE form)
  std::string sasl_password_file;  // CCMS_KAFKA_SASL_PASSWORD_FILE
};

// Reads the CCMS_KAFKA_* security settings above (strings only; SecurityProperties checks them).
SecuritySettings ReadSecuritySettings(config::Env& env);

// The librdkafka properties for `settings` (security.protocol, ssl.*, sasl.*), or
// INVALID_ARGUMENT naming the first wrong setting and what to fix, never a secret's value:
// an unknown protocol or mechanism; for ssl/sasl_ssl a missing CA file; a certificate without its
// key (or the reverse); for sasl_* a missing mechanism, user name or password; a file that cannot
// be read; TLS or SASL settings given with a protocol that would not use them; a secret given
// both inline and as a file. Password files are read here (a trailing newline is dropped).
absl::StatusOr<std::map<std::string, std::string>> SecurityProperties(
    const SecuritySettings& settings);

}  // namespace ccms::kafka
