#include "common/grpc/partner_identity.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"

namespace ccms::grpc_util {
namespace {

constexpr size_t kMaxAgencyIdLength = 64;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

// Every certificate of `pem`, in order.
std::vector<X509Ptr> ReadCertificates(std::string_view pem) {
  std::vector<X509Ptr> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return out;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) out.emplace_back(cert);
  BIO_free(bio);
  ERR_clear_error();
  return out;
}

// When `cert` stops being valid; nullopt when its notAfter cannot be read.
std::optional<absl::Time> NotAfter(const X509* cert) {
  struct tm tm = {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return std::nullopt;
  return absl::FromTimeT(timegm(&tm));
}

std::string FirstValue(const grpc::AuthContext* context, const char* property) {
  if (context == nullptr) return "";
  const std::vector<grpc::string_ref> values = context->FindPropertyValues(property);
  if (values.empty()) return "";
  return std::string(values.front().data(), values.front().size());
}

}  // namespace

std::optional<std::string> PartnerAgencyFromSanUri(std::string_view uri) {
  if (uri.size() <= kPartnerSanUriPrefix.size() ||
      !absl::EqualsIgnoreCase(std::string(uri.substr(0, kPartnerSanUriPrefix.size())),
                              std::string(kPartnerSanUriPrefix))) {
    return std::nullopt;
  }
  const std::string_view agency = uri.substr(kPartnerSanUriPrefix.size());
  if (agency.size() > kMaxAgencyIdLength) return std::nullopt;
  for (char ch : agency) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' &&
        ch != '-') {
      return std::nullopt;
    }
  }
  return std::string(agency);
}

PeerCertificate PeerCertificateOf(const grpc::AuthContext* context) {
  return {FirstValue(context, GRPC_X509_PEM_CERT_PROPERTY_NAME),
          FirstValue(context, GRPC_X509_PEM_CERT_CHAIN_PROPERTY_NAME)};
}

struct PartnerCertificateVerifier::Store {
  X509_STORE* store = nullptr;
  ~Store() { X509_STORE_free(store); }
};

PartnerCertificateVerifier::PartnerCertificateVerifier(std::unique_ptr<Store> store,
                                                       Options options)
    : store_(std::move(store)), options_(std::move(options)) {}

PartnerCertificateVerifier::~PartnerCertificateVerifier() = default;

absl::StatusOr<std::unique_ptr<PartnerCertificateVerifier>> PartnerCertificateVerifier::Create(
    std::string_view partner_ca_pem, Options options) {
  std::vector<X509Ptr> cas = ReadCertificates(partner_ca_pem);
  if (cas.empty()) return absl::InvalidArgumentError("the partner CA holds no PEM certificate");
  auto store = std::make_unique<Store>();
  store->store = X509_STORE_new();
  if (store->store == nullptr) return absl::InternalError("cannot make a certificate store");
  for (const X509Ptr& ca : cas) {
    if (X509_STORE_add_cert(store->store, ca.get()) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError("the partner CA cannot be used as a trust anchor");
    }
  }
  // The partner CA is the anchor even when it is itself issued by another CA: a certificate is a
  // partner's because the partner CA issued it, whatever is above.
  X509_STORE_set_flags(store->store, X509_V_FLAG_PARTIAL_CHAIN);
  return std::unique_ptr<PartnerCertificateVerifier>(
      new PartnerCertificateVerifier(std::move(store), std::move(options)));
}

PartnerCertificateVerifier::Verdict PartnerCertificateVerifier::Verify(
    const PeerCertificate& certificate, absl::Time now) const {
  Verdict verdict;
  // A refusal may turn into a partner's certificate only when its notBefore passes: kept for the
  // TTL. An acceptance is kept no longer than the chain is valid.
  verdict.good_until = now + options_.verdict_ttl;
  std::vector<X509Ptr> leaf = ReadCertificates(certificate.leaf_pem);
  if (leaf.empty()) return verdict;
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  if (!untrusted) return verdict;
  for (X509Ptr& cert : ReadCertificates(certificate.chain_pem)) {
    if (sk_X509_push(untrusted.get(), cert.get()) > 0) (void)cert.release();
  }
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx ||
      X509_STORE_CTX_init(ctx.get(), store_->store, leaf.front().get(), untrusted.get()) != 1) {
    ERR_clear_error();
    return verdict;
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(now));
  const bool verified = X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  if (!verified) return verdict;
  verdict.issued_by_partner_ca = true;
  // The verified chain, from the leaf to the partner CA: the verdict ends with the first to end.
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    const std::optional<absl::Time> end = NotAfter(sk_X509_value(chain, i));
    verdict.good_until = std::min(verdict.good_until, end.value_or(now));
  }

  std::unique_ptr<GENERAL_NAMES, NamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(leaf.front().get(), NID_subject_alt_name, nullptr, nullptr)));
  int uris = 0;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* value = name->d.uniformResourceIdentifier;
    std::optional<std::string> parsed = PartnerAgencyFromSanUri(
        std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                         static_cast<size_t>(ASN1_STRING_length(value))));
    if (!parsed.has_value()) continue;
    ++uris;
    verdict.agency = std::move(parsed);
  }
  ERR_clear_error();
  if (uris != 1) verdict.agency.reset();
  return verdict;
}

PartnerCertificateVerifier::Verdict PartnerCertificateVerifier::VerdictOf(
    const PeerCertificate& certificate) const {
  const absl::Time now = options_.now ? options_.now() : absl::Now();
  // Length-prefixed, so no two (leaf, chain) pairs share a key.
  const std::string key =
      absl::StrCat(certificate.leaf_pem.size(), ":", certificate.leaf_pem, certificate.chain_pem);
  {
    absl::MutexLock lock(&mu_);
    auto it = verdicts_.find(key);
    if (it != verdicts_.end() && now < it->second.good_until) return it->second;
  }
  Verdict verdict = Verify(certificate, now);
  absl::MutexLock lock(&mu_);
  ++verifications_;
  if (verdicts_.size() >= options_.max_verdicts) {
    absl::erase_if(verdicts_, [now](const auto& kv) { return now >= kv.second.good_until; });
    if (verdicts_.size() >= options_.max_verdicts) verdicts_.clear();
  }
  verdicts_.insert_or_assign(key, verdict);
  return verdict;
}

bool PartnerCertificateVerifier::IssuedByPartnerCa(const PeerCertificate& certificate) const {
  if (!certificate.present()) return false;
  return VerdictOf(certificate).issued_by_partner_ca;
}

absl::StatusOr<std::string> PartnerCertificateVerifier::AgencyOf(
    const PeerCertificate& certificate) const {
  Verdict verdict = certificate.present() ? VerdictOf(certificate) : Verdict();
  if (!verdict.issued_by_partner_ca) {
    return absl::PermissionDeniedError("the client certificate is not issued by the partner CA");
  }
  if (!verdict.agency.has_value()) {
    return absl::PermissionDeniedError(
        "a partner certificate must name exactly one agency (SAN URI ccms-partner://<agency_id>)");
  }
  return *std::move(verdict.agency);
}

int64_t PartnerCertificateVerifier::verifications() const {
  absl::MutexLock lock(&mu_);
  return verifications_;
}

absl::Status CheckPrincipalTransport(const auth::Principal& principal,
                                     const PeerCertificate& certificate,
                                     const PartnerCertificateVerifier* partners) {
  if (principal.role == auth::Role::kPartner) {
    if (!certificate.present()) {
      return absl::UnauthenticatedError(
          "a partner must call over mutual TLS with its agency's client certificate");
    }
    if (partners == nullptr) {
      return absl::PermissionDeniedError("this service accepts no partner certificates");
    }
    absl::StatusOr<std::string> agency = partners->AgencyOf(certificate);
    if (!agency.ok()) return agency.status();
    if (*agency != principal.agency_id) {
      return absl::PermissionDeniedError(
          "the client certificate names another agency than the token");
    }
    return absl::OkStatus();
  }
  if (certificate.present() && partners != nullptr && partners->IssuedByPartnerCa(certificate)) {
    return absl::PermissionDeniedError("a partner certificate may carry only a partner token");
  }
  return absl::OkStatus();
}

}  // namespace ccms::grpc_util
