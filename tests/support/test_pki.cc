#include "tests/support/test_pki.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <stdexcept>

namespace ccms::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "EC key");
  return key;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "key PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  Check(PEM_write_bio_X509(bio, cert) == 1, "cert PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `common_name`, issued by `issuer` (null: self-issued); unsigned.
X509* NewCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer) {
  static std::atomic<long> serial{1};
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  unsigned char random = 0;
  RAND_bytes(&random, 1);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial.fetch_add(1) * 256 + random);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ccms tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  return cert;
}

}  // namespace

struct TestCa::Keys {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~Keys() {
    EVP_PKEY_free(key);
    X509_free(cert);
  }
};

TestCa::TestCa(const std::string& common_name) : keys_(std::make_unique<Keys>()) {
  keys_->key = NewKey();
  keys_->cert = NewCertificate(keys_->key, common_name, nullptr);
  AddExtension(keys_->cert, keys_->cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(keys_->cert, keys_->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(keys_->cert, keys_->cert, NID_subject_key_identifier, "hash");
  Check(X509_sign(keys_->cert, keys_->key, EVP_sha256()) > 0, "CA signature");
  cert_pem_ = CertPem(keys_->cert);
}

TestCa::TestCa(std::unique_ptr<Keys> keys, std::string cert_pem)
    : keys_(std::move(keys)), cert_pem_(std::move(cert_pem)) {}

TestCa::~TestCa() = default;

TestCertificate TestCa::Issue(const std::string& common_name, const std::string& san,
                              const std::string& extended_usage, bool is_ca) const {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCertificate(key, common_name, keys_->cert);
  if (is_ca) {
    AddExtension(cert, keys_->cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert, keys_->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(cert, keys_->cert, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert, keys_->cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    AddExtension(cert, keys_->cert, NID_ext_key_usage, extended_usage);
  }
  AddExtension(cert, keys_->cert, NID_subject_key_identifier, "hash");
  AddExtension(cert, keys_->cert, NID_authority_key_identifier, "keyid:always");
  if (!san.empty()) AddExtension(cert, keys_->cert, NID_subject_alt_name, san);
  Check(X509_sign(cert, keys_->key, EVP_sha256()) > 0, "signature");
  TestCertificate out{CertPem(cert), KeyPem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

TestCertificate TestCa::IssueServer(const std::string& common_name) const {
  return Issue(common_name, "DNS:localhost,IP:127.0.0.1,IP:::1", "serverAuth", false);
}

TestCertificate TestCa::IssueClient(const std::string& common_name, const std::string& san) const {
  return Issue(common_name, san, "clientAuth", false);
}

std::unique_ptr<TestCa> TestCa::IssueSubCa(const std::string& common_name) const {
  const TestCertificate sub = Issue(common_name, "", "", true);
  auto keys = std::make_unique<Keys>();
  BIO* key_bio = BIO_new_mem_buf(sub.key_pem.data(), static_cast<int>(sub.key_pem.size()));
  keys->key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  BIO* cert_bio = BIO_new_mem_buf(sub.cert_pem.data(), static_cast<int>(sub.cert_pem.size()));
  keys->cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  Check(keys->key != nullptr && keys->cert != nullptr, "sub CA");
  return std::unique_ptr<TestCa>(new TestCa(std::move(keys), sub.cert_pem));
}

}  // namespace ccms::testing
