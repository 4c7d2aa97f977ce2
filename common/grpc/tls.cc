#include "common/grpc/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <optional>

#include "absl/strings/ascii.h"

namespace ccms::grpc_util {
namespace {

// OpenSSL wants a PEM's last line terminated; secrets read from files lose their final newline.
std::string Terminated(std::string pem) {
  if (!pem.empty() && pem.back() != '\n') pem.push_back('\n');
  return pem;
}

std::string ReadPem(config::Env& env, std::string_view name) {
  std::optional<std::string> pem = env.OptionalSecret(name);
  return pem.has_value() ? Terminated(*std::move(pem)) : std::string();
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioFree> MemoryBio(std::string_view pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The host part of "host:port" or "[v6]:port".
std::string HostOf(std::string_view address) {
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    return std::string(address.substr(1, close == std::string_view::npos ? 0 : close - 1));
  }
  const size_t colon = address.rfind(':');
  return std::string(colon == std::string_view::npos ? address : address.substr(0, colon));
}

}  // namespace

absl::Status CheckCertificatesPem(std::string_view pem, std::string_view what) {
  auto bio = MemoryBio(pem);
  int count = 0;
  while (bio) {
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    ++count;
  }
  ERR_clear_error();
  if (count == 0) {
    return absl::InvalidArgumentError(std::string(what) + ": holds no PEM certificate");
  }
  return absl::OkStatus();
}

absl::Status CheckKeyPairPem(std::string_view cert_pem, std::string_view key_pem) {
  auto cert_bio = MemoryBio(cert_pem);
  std::unique_ptr<X509, X509Free> cert(
      cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  auto key_bio = MemoryBio(key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  absl::Status status = absl::OkStatus();
  if (!cert) {
    status = absl::InvalidArgumentError("holds no PEM certificate");
  } else if (!key) {
    status = absl::InvalidArgumentError("holds no PEM private key (an encrypted key is refused)");
  } else if (X509_check_private_key(cert.get(), key.get()) != 1) {
    status = absl::InvalidArgumentError("the key does not belong to the certificate");
  }
  ERR_clear_error();
  return status;
}

bool IsLoopbackAddress(std::string_view listen_address) {
  const std::string host = absl::AsciiStrToLower(HostOf(listen_address));
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

ServerTlsConfig LoadServerTls(config::Env& env, std::string_view listen_address) {
  ServerTlsConfig c;
  c.cert_pem = ReadPem(env, "CCMS_GRPC_TLS_CERT");
  c.key_pem = ReadPem(env, "CCMS_GRPC_TLS_KEY");
  c.client_ca_pem = ReadPem(env, "CCMS_GRPC_TLS_CLIENT_CA");
  c.partner_ca_pem = ReadPem(env, "CCMS_GRPC_TLS_PARTNER_CA");
  c.require_client_cert = env.Bool("CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT", false);
  c.allow_plaintext = env.Bool("CCMS_GRPC_ALLOW_PLAINTEXT", false);

  if (!c.cert_pem.empty() && c.key_pem.empty()) {
    env.Invalid("CCMS_GRPC_TLS_KEY_FILE", "is required with CCMS_GRPC_TLS_CERT_FILE");
  } else if (c.cert_pem.empty() && !c.key_pem.empty()) {
    env.Invalid("CCMS_GRPC_TLS_CERT_FILE", "is required with CCMS_GRPC_TLS_KEY_FILE");
  } else if (!c.cert_pem.empty()) {
    if (absl::Status st = CheckKeyPairPem(c.cert_pem, c.key_pem); !st.ok()) {
      env.Invalid("CCMS_GRPC_TLS_CERT_FILE / CCMS_GRPC_TLS_KEY_FILE", std::string(st.message()));
    }
  }
  for (const auto& [pem, name] : {std::pair{&c.client_ca_pem, "CCMS_GRPC_TLS_CLIENT_CA_FILE"},
                                  std::pair{&c.partner_ca_pem, "CCMS_GRPC_TLS_PARTNER_CA_FILE"}}) {
    if (pem->empty()) continue;
    if (absl::Status st = CheckCertificatesPem(*pem, name); !st.ok()) {
      env.Invalid(name, "holds no PEM certificate");
    } else if (c.cert_pem.empty()) {
      env.Invalid(name, "needs TLS: set CCMS_GRPC_TLS_CERT_FILE and CCMS_GRPC_TLS_KEY_FILE");
    }
  }
  if (c.require_client_cert && c.client_ca_pem.empty() && c.partner_ca_pem.empty()) {
    env.Invalid("CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT",
                "needs CCMS_GRPC_TLS_CLIENT_CA_FILE or CCMS_GRPC_TLS_PARTNER_CA_FILE");
  }
  if (c.cert_pem.empty() && c.key_pem.empty() && !c.allow_plaintext &&
      !IsLoopbackAddress(listen_address)) {
    env.Invalid("CCMS_GRPC_TLS_CERT_FILE",
                "is required to listen on a non-loopback address (CCMS_GRPC_LISTEN); set "
                "CCMS_GRPC_TLS_CERT_FILE and CCMS_GRPC_TLS_KEY_FILE, or "
                "CCMS_GRPC_ALLOW_PLAINTEXT=true to listen in plaintext");
  }
  return c;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const ServerTlsConfig& config) {
  if (!config.enabled()) return grpc::InsecureServerCredentials();
  const std::string roots = config.client_ca_pem + config.partner_ca_pem;
  grpc_ssl_client_certificate_request_type request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  if (config.require_client_cert) {
    request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else if (!roots.empty()) {
    request = GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  grpc::SslServerCredentialsOptions options(request);
  options.pem_root_certs = roots;
  options.pem_key_cert_pairs.push_back({config.key_pem, config.cert_pem});
  return grpc::SslServerCredentials(options);
}

ClientTlsConfig LoadClientTls(config::Env& env) {
  ClientTlsConfig c;
  c.ca_pem = ReadPem(env, "CCMS_GRPC_CA");
  c.cert_pem = ReadPem(env, "CCMS_GRPC_CLIENT_CERT");
  c.key_pem = ReadPem(env, "CCMS_GRPC_CLIENT_KEY");
  c.server_name = env.String("CCMS_GRPC_TLS_SERVER_NAME", "");
  if (!c.ca_pem.empty()) {
    if (absl::Status st = CheckCertificatesPem(c.ca_pem, "CCMS_GRPC_CA_FILE"); !st.ok()) {
      env.Invalid("CCMS_GRPC_CA_FILE", "holds no PEM certificate");
    }
  }
  if (!c.cert_pem.empty() && c.key_pem.empty()) {
    env.Invalid("CCMS_GRPC_CLIENT_KEY_FILE", "is required with CCMS_GRPC_CLIENT_CERT_FILE");
  } else if (c.cert_pem.empty() && !c.key_pem.empty()) {
    env.Invalid("CCMS_GRPC_CLIENT_CERT_FILE", "is required with CCMS_GRPC_CLIENT_KEY_FILE");
  } else if (!c.cert_pem.empty()) {
    if (absl::Status st = CheckKeyPairPem(c.cert_pem, c.key_pem); !st.ok()) {
      env.Invalid("CCMS_GRPC_CLIENT_CERT_FILE / CCMS_GRPC_CLIENT_KEY_FILE",
                  std::string(st.message()));
    }
  }
  if (c.ca_pem.empty() && (!c.cert_pem.empty() || !c.server_name.empty())) {
    env.Invalid("CCMS_GRPC_CA_FILE",
                "is required with CCMS_GRPC_CLIENT_CERT_FILE or CCMS_GRPC_TLS_SERVER_NAME (TLS)");
  }
  return c;
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const ClientTlsConfig& config) {
  if (!config.enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = config.ca_pem;
  options.pem_private_key = config.key_pem;
  options.pem_cert_chain = config.cert_pem;
  return grpc::SslCredentials(options);
}

}  // namespace ccms::grpc_util
