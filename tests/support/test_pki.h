#pragma once

#include <memory>
#include <string>

// Certificates made when a test runs (OpenSSL, P-256 keys, valid from an hour ago for a day), so
// nothing committed expires: a CA that issues server and client certificates.
namespace ccms::testing {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

class TestCa {
 public:
  // A self-signed CA named `common_name`.
  explicit TestCa(const std::string& common_name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }

  // A server certificate for 127.0.0.1, ::1 and localhost.
  TestCertificate IssueServer(const std::string& common_name) const;
  // A client certificate; `san` (OpenSSL's syntax, "URI:ccms-partner://agency-a", may be empty)
  // is its subject alternative name.
  TestCertificate IssueClient(const std::string& common_name, const std::string& san) const;
  // A subordinate CA issued by this one (its own TestCa, for chains).
  std::unique_ptr<TestCa> IssueSubCa(const std::string& common_name) const;

 private:
  struct Keys;
  TestCa(std::unique_ptr<Keys> keys, std::string cert_pem);
  TestCertificate Issue(const std::string& common_name, const std::string& san,
                        const std::string& extended_usage, bool is_ca) const;

  std::unique_ptr<Keys> keys_;
  std::string cert_pem_;
};

}  // namespace ccms::testing
