// The CCMS_KAFKA_* security settings: what refuses to start (naming the setting, never a
// secret), the librdkafka properties they become, and that this machine's librdkafka accepts
// every one of them (and has the TLS and SASL features they need).
#include "common/kafka/security.h"

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace ccms::kafka {
namespace {

// Files for the settings that name files: readable, non-empty; removed at the end.
class KafkaSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/kafka_security_" + std::to_string(::getpid());
    std::string cmd = "mkdir -p " + dir_;
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    ca_ = Write("ca.pem", "-----BEGIN CERTIFICATE-----\nnot checked here\n");
    cert_ = Write("client.pem", "-----BEGIN CERTIFICATE-----\nclient\n");
    key_ = Write("client.key", "-----BEGIN PRIVATE KEY-----\nkey\n");
    password_file_ = Write("sasl-password", "s3cret-from-file\n");
    empty_ = Write("empty", "");
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }
  static SecuritySettings Scram() {
    SecuritySettings s;
    s.protocol = "sasl_plaintext";
    s.sasl_mechanism = "SCRAM-SHA-512";
    s.sasl_username = "ccms-records";
    s.sasl_password = "s3cret";
    return s;
  }
  SecuritySettings TlsScram() {
    SecuritySettings s = Scram();
    s.protocol = "sasl_ssl";
    s.ssl_ca_file = ca_;
    return s;
  }
  // The message of a refusal; it must start with the setting it names.
  static std::string Refusal(const SecuritySettings& s) {
    auto props = SecurityProperties(s);
    EXPECT_FALSE(props.ok());
    if (props.ok()) return "";
    EXPECT_EQ(props.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(props.status().message());
  }

  std::string dir_, ca_, cert_, key_, password_file_, empty_;
};

TEST_F(KafkaSecurityTest, DefaultIsPlaintextWithNothingElse) {
  auto props = SecurityProperties(SecuritySettings());
  ASSERT_TRUE(props.ok()) << props.status();
  EXPECT_EQ(*props, (std::map<std::string, std::string>{{"security.protocol", "plaintext"}}));
}

TEST_F(KafkaSecurityTest, ReadFromTheEnvironment) {
  static std::map<std::string, std::string> vars;
  vars = {{"CCMS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"},
          {"CCMS_KAFKA_SSL_CA_FILE", ca_},
          {"CCMS_KAFKA_SASL_MECHANISM", "scram-sha-256"},
          {"CCMS_KAFKA_SASL_USERNAME", "ccms-records"},
          {"CCMS_KAFKA_SASL_PASSWORD_FILE", password_file_}};
  config::Env env([](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
  const SecuritySettings s = ReadSecuritySettings(env);
  ASSERT_TRUE(env.Finish().ok());
  auto props = SecurityProperties(s);
  ASSERT_TRUE(props.ok()) << props.status();
  EXPECT_EQ(props->at("security.protocol"), "sasl_ssl");
  EXPECT_EQ(props->at("ssl.ca.location"), ca_);
  EXPECT_EQ(props->at("ssl.endpoint.identification.algorithm"), "https");
  EXPECT_EQ(props->at("sasl.mechanisms"), "SCRAM-SHA-256");
  EXPECT_EQ(props->at("sasl.username"), "ccms-records");
  EXPECT_EQ(props->at("sasl.password"), "s3cret-from-file");  // the newline dropped
}

TEST_F(KafkaSecurityTest, TlsWithAClientCertificate) {
  SecuritySettings s;
  s.protocol = "ssl";
  s.ssl_ca_file = ca_;
  s.ssl_cert_file = cert_;
  s.ssl_key_file = key_;
  s.ssl_key_password_file = Write("key-password", "kp\n");
  auto props = SecurityProperties(s);
  ASSERT_TRUE(props.ok()) << props.status();
  EXPECT_EQ(*props,
            (std::map<std::string, std::string>{{"security.protocol", "ssl"},
                                                {"ssl.ca.location", ca_},
                                                {"ssl.endpoint.identification.algorithm", "https"},
                                                {"ssl.certificate.location", cert_},
                                                {"ssl.key.location", key_},
                                                {"ssl.key.password", "kp"}}));
}

TEST_F(KafkaSecurityTest, RefusalsNameTheSettingAndNeverASecret) {
  SecuritySettings s;
  s.protocol = "tls";
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SECURITY_PROTOCOL: "));

  s = SecuritySettings();
  s.protocol = "ssl";  // no CA
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SSL_CA_FILE: is required"));
  s.ssl_ca_file = dir_ + "/missing.pem";
  EXPECT_EQ(Refusal(s), "CCMS_KAFKA_SSL_CA_FILE: file cannot be read");
  s.ssl_ca_file = empty_;
  EXPECT_EQ(Refusal(s), "CCMS_KAFKA_SSL_CA_FILE: file is empty");
  s.ssl_ca_file = ca_;
  s.ssl_cert_file = cert_;  // without its key
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SSL_KEY_FILE: is required"));
  s.ssl_key_file = dir_ + "/missing.key";
  EXPECT_EQ(Refusal(s), "CCMS_KAFKA_SSL_KEY_FILE: file cannot be read");
  s.ssl_key_file = key_;
  s.ssl_key_password = "kp";
  s.ssl_key_password_file = password_file_;
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SSL_KEY_PASSWORD: set either"));

  // TLS settings with a protocol that would not use them.
  s = SecuritySettings();
  s.ssl_ca_file = ca_;
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SSL_CA_FILE: is set but"));

  s = Scram();
  s.sasl_username = "";
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SASL_USERNAME: is required"));
  s = Scram();
  s.sasl_mechanism = "";
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SASL_MECHANISM: is required"));
  s.sasl_mechanism = "GSSAPI";
  EXPECT_EQ(Refusal(s), "CCMS_KAFKA_SASL_MECHANISM: must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
  s = Scram();
  s.sasl_password = "";
  EXPECT_TRUE(absl::StartsWith(Refusal(s), "CCMS_KAFKA_SASL_PASSWORD: is required"));
  s.sasl_password_file = dir_ + "/missing";
  EXPECT_EQ(Refusal(s), "CCMS_KAFKA_SASL_PASSWORD_FILE: file cannot be read");
  s.sasl_password_file = empty_;
  EXPECT_EQ(Refusal(s), "CCMS_KAFKA_SASL_PASSWORD_FILE: file is empty");
  s = Scram();
  s.sasl_password_file = password_file_;  // both forms
  const std::string both = Refusal(s);
  EXPECT_TRUE(absl::StartsWith(both, "CCMS_KAFKA_SASL_PASSWORD: set either")) << both;
  EXPECT_FALSE(absl::StrContains(both, "s3cret"));

  // SASL settings with a protocol that would not use them.
  s = Scram();
  s.protocol = "plaintext";
  const std::string ignored = Refusal(s);
  EXPECT_TRUE(absl::StartsWith(ignored, "CCMS_KAFKA_SASL_MECHANISM: is set but")) << ignored;
}

// librdkafka's builtin.features on this machine (e.g. "gzip,snappy,ssl,sasl,...").
std::string BuiltinFeatures() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char buf[512];
  size_t size = sizeof(buf);
  const bool ok = rd_kafka_conf_get(conf, "builtin.features", buf, &size) == RD_KAFKA_CONF_OK;
  rd_kafka_conf_destroy(conf);
  return ok ? std::string(buf) : "";
}

TEST_F(KafkaSecurityTest, ThisLibrdkafkaHasTlsAndSasl) {
  const std::vector<std::string> features = absl::StrSplit(BuiltinFeatures(), ',');
  for (const char* needed : {"ssl", "sasl", "sasl_plain", "sasl_scram"}) {
    EXPECT_NE(std::find(features.begin(), features.end(), needed), features.end())
        << needed << " missing from builtin.features: " << BuiltinFeatures();
  }
}

// Every property each kind of setting produces is accepted by rd_kafka_conf_set here, and a
// client can be created with the SASL ones (TLS clients load the CA at creation: a real
// certificate is the operator's part, checked by the service at start).
TEST_F(KafkaSecurityTest, LibrdkafkaAcceptsEveryProperty) {
  SecuritySettings tls;
  tls.protocol = "ssl";
  tls.ssl_ca_file = ca_;
  tls.ssl_cert_file = cert_;
  tls.ssl_key_file = key_;
  tls.ssl_key_password = "kp";
  SecuritySettings plain = Scram();
  plain.sasl_mechanism = "PLAIN";
  for (const SecuritySettings& s : {SecuritySettings(), tls, Scram(), TlsScram(), plain}) {
    auto props = SecurityProperties(s);
    ASSERT_TRUE(props.ok()) << props.status();
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    for (const auto& [k, v] : *props) {
      EXPECT_EQ(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)), RD_KAFKA_CONF_OK)
          << s.protocol << " " << k << ": " << err;
    }
    if (s.protocol == "sasl_plaintext") {
      rd_kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:1", err, sizeof(err));
      rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
      EXPECT_NE(rk, nullptr) << err;
      if (rk != nullptr) {
        rd_kafka_destroy(rk);
      } else {
        rd_kafka_conf_destroy(conf);
      }
    } else {
      rd_kafka_conf_destroy(conf);
    }
  }
}

}  // namespace
}  // namespace ccms::kafka
