#include "common/kafka/security.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ccms::kafka {
namespace {

constexpr char kProtocol[] = "CCMS_KAFKA_SECURITY_PROTOCOL";
constexpr char kCaFile[] = "CCMS_KAFKA_SSL_CA_FILE";
constexpr char kCertFile[] = "CCMS_KAFKA_SSL_CERT_FILE";
constexpr char kKeyFile[] = "CCMS_KAFKA_SSL_KEY_FILE";
constexpr char kKeyPassword[] = "CCMS_KAFKA_SSL_KEY_PASSWORD";
constexpr char kKeyPasswordFile[] = "CCMS_KAFKA_SSL_KEY_PASSWORD_FILE";
constexpr char kMechanism[] = "CCMS_KAFKA_SASL_MECHANISM";
constexpr char kUsername[] = "CCMS_KAFKA_SASL_USERNAME";
constexpr char kPassword[] = "CCMS_KAFKA_SASL_PASSWORD";
constexpr char kPasswordFile[] = "CCMS_KAFKA_SASL_PASSWORD_FILE";

absl::Status Bad(absl::string_view setting, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(setting, ": ", what));
}

// The contents of `path`, or an error naming `setting` (never the contents).
absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(setting, "file cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Bad(setting, "file cannot be read");
  return buffer.str();
}

// A file librdkafka will open itself: it must exist, be readable and not be empty.
absl::Status CheckReadable(const std::string& path, absl::string_view setting) {
  auto contents = ReadFile(path, setting);
  if (!contents.ok()) return contents.status();
  if (contents->empty()) return Bad(setting, "file is empty");
  return absl::OkStatus();
}

// A secret given inline (`name`) or as a file (`file_name`), not both; "" when neither.
absl::StatusOr<std::string> Secret(const std::string& inline_value, const std::string& path,
                                   absl::string_view name, absl::string_view file_name) {
  if (!inline_value.empty() && !path.empty()) {
    return Bad(name, absl::StrCat("set either ", name, " or ", file_name, ", not both"));
  }
  if (path.empty()) return inline_value;
  auto secret = ReadFile(path, file_name);
  if (!secret.ok()) return secret.status();
  while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) {
    secret->pop_back();
  }
  if (secret->empty()) return Bad(file_name, "file is empty");
  return secret;
}

}  // namespace

SecuritySettings ReadSecuritySettings(config::Env& env) {
  SecuritySettings s;
  s.protocol = env.String(kProtocol, "plaintext");
  s.ssl_ca_file = env.String(kCaFile, "");
  s.ssl_cert_file = env.String(kCertFile, "");
  s.ssl_key_file = env.String(kKeyFile, "");
  s.ssl_key_password = env.String(kKeyPassword, "");
  s.ssl_key_password_file = env.String(kKeyPasswordFile, "");
  s.sasl_mechanism = env.String(kMechanism, "");
  s.sasl_username = env.String(kUsername, "");
  s.sasl_password = env.String(kPassword, "");
  s.sasl_password_file = env.String(kPasswordFile, "");
  return s;
}

absl::StatusOr<std::map<std::string, std::string>> SecurityProperties(const SecuritySettings& s) {
  const std::string protocol = absl::AsciiStrToLower(s.protocol);
  if (protocol != "plaintext" && protocol != "ssl" && protocol != "sasl_plaintext" &&
      protocol != "sasl_ssl") {
    return Bad(kProtocol, "must be plaintext, ssl, sasl_plaintext or sasl_ssl");
  }
  const bool tls = protocol == "ssl" || protocol == "sasl_ssl";
  const bool sasl = protocol == "sasl_plaintext" || protocol == "sasl_ssl";
  std::map<std::string, std::string> props = {{"security.protocol", protocol}};

  // TLS settings with a protocol that would ignore them are a mistake, not a default.
  const std::pair<const char*, const std::string*> tls_settings[] = {
      {kCaFile, &s.ssl_ca_file},
      {kCertFile, &s.ssl_cert_file},
      {kKeyFile, &s.ssl_key_file},
      {kKeyPassword, &s.ssl_key_password},
      {kKeyPasswordFile, &s.ssl_key_password_file}};
  if (!tls) {
    for (const auto& [name, value] : tls_settings) {
      if (!value->empty()) {
        return Bad(name, absl::StrCat("is set but ", kProtocol, " is ", protocol,
                                      " (set it to ssl or sasl_ssl, or unset this)"));
      }
    }
  } else {
    if (s.ssl_ca_file.empty()) {
      return Bad(kCaFile, absl::StrCat("is required when ", kProtocol, " is ", protocol,
                                       " (the CA that signed the brokers' certificates)"));
    }
    if (auto st = CheckReadable(s.ssl_ca_file, kCaFile); !st.ok()) return st;
    props["ssl.ca.location"] = s.ssl_ca_file;
    // The brokers' host names are checked against their certificates (librdkafka's default,
    // stated so that no one turns it off by accident).
    props["ssl.endpoint.identification.algorithm"] = "https";
    if (s.ssl_cert_file.empty() != s.ssl_key_file.empty()) {
      return Bad(s.ssl_cert_file.empty() ? kCertFile : kKeyFile,
                 absl::StrCat("is required with ", s.ssl_cert_file.empty() ? kKeyFile : kCertFile,
                              " (a client certificate needs its key)"));
    }
    if (!s.ssl_cert_file.empty()) {
      if (auto st = CheckReadable(s.ssl_cert_file, kCertFile); !st.ok()) return st;
      if (auto st = CheckReadable(s.ssl_key_file, kKeyFile); !st.ok()) return st;
      props["ssl.certificate.location"] = s.ssl_cert_file;
      props["ssl.key.location"] = s.ssl_key_file;
    }
    auto key_password =
        Secret(s.ssl_key_password, s.ssl_key_password_file, kKeyPassword, kKeyPasswordFile);
    if (!key_password.ok()) return key_password.status();
    if (!key_password->empty()) {
      if (s.ssl_key_file.empty()) {
        return Bad(kKeyPassword, absl::StrCat("is set but ", kKeyFile, " is not"));
      }
      props["ssl.key.password"] = *key_password;
    }
  }

  const std::pair<const char*, const std::string*> sasl_settings[] = {
      {kMechanism, &s.sasl_mechanism},
      {kUsername, &s.sasl_username},
      {kPassword, &s.sasl_password},
      {kPasswordFile, &s.sasl_password_file}};
  if (!sasl) {
    for (const auto& [name, value] : sasl_settings) {
      if (!value->empty()) {
        return Bad(name, absl::StrCat("is set but ", kProtocol, " is ", protocol,
                                      " (set it to sasl_plaintext or sasl_ssl, or unset this)"));
      }
    }
    return props;
  }
  if (s.sasl_mechanism.empty()) {
    return Bad(kMechanism, absl::StrCat("is required when ", kProtocol, " is ", protocol,
                                        " (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)"));
  }
  const std::string mechanism = absl::AsciiStrToUpper(s.sasl_mechanism);
  if (mechanism != "PLAIN" && mechanism != "SCRAM-SHA-256" && mechanism != "SCRAM-SHA-512") {
    return Bad(kMechanism, "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
  }
  if (s.sasl_username.empty()) {
    return Bad(kUsername, absl::StrCat("is required when ", kProtocol, " is ", protocol));
  }
  auto password = Secret(s.sasl_password, s.sasl_password_file, kPassword, kPasswordFile);
  if (!password.ok()) return password.status();
  if (password->empty()) {
    return Bad(kPassword, absl::StrCat("is required (or ", kPasswordFile, ") when ", kProtocol,
                                       " is ", protocol));
  }
  props["sasl.mechanisms"] = mechanism;
  props["sasl.username"] = s.sasl_username;
  props["sasl.password"] = *password;
  return props;
}

}  // namespace ccms::kafka
