#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "grpcpp/security/auth_context.h"

// Partner agencies' identity on the wire (docs/security.md, "Partners"): a partner calls over
// mutual TLS with a client certificate issued by the partner CA, whose subject alternative name
// holds the URI `ccms-partner://<agency_id>`, and a token whose `agency` claim names the same
// agency.
namespace ccms::grpc_util {

// The scheme of the SAN URI that names a partner certificate's agency.
inline constexpr std::string_view kPartnerSanUriPrefix = "ccms-partner://";

// The agency id of a SAN URI "ccms-partner://<agency_id>", or nullopt when `uri` is no such URI.
// The agency id is 1 to 64 characters of [A-Za-z0-9._-]; nothing may follow it (no path, query,
// port or user part), and the scheme is matched without regard to case.
std::optional<std::string> PartnerAgencyFromSanUri(std::string_view uri);

// The client certificate of a call, as gRPC's TLS handshake verified it (PEM), from its auth
// context: the leaf, and the whole chain the client sent (may be empty). Both empty when the call
// came without a client certificate or over plaintext.
struct PeerCertificate {
  std::string leaf_pem;
  std::string chain_pem;

  bool present() const { return !leaf_pem.empty(); }
};
PeerCertificate PeerCertificateOf(const grpc::AuthContext* context);

// Tells whether a client certificate was issued by the partner CA (a chain verified with OpenSSL
// against that CA alone, not the server's whole trust bundle, and not a name match) and which
// agency it names.
//
// Every call over mutual TLS asks, and parsing and verifying the chain took about half of records'
// CPU per GetCase (docs/benchmarks.md, 2026-12-07), so verdicts are kept per certificate chain
// (its exact PEM) for `verdict_ttl`, never past the earliest end of validity in the chain, at most
// `max_verdicts` of them. Thread-safe.
class PartnerCertificateVerifier {
 public:
  struct Options {
    absl::Duration verdict_ttl = absl::Seconds(60);
    size_t max_verdicts = 1024;
    // The clock certificates are verified at (tests move it); absl::Now when empty.
    std::function<absl::Time()> now;
  };

  // `partner_ca_pem`: one or more CA certificates; InvalidArgument when none parses.
  static absl::StatusOr<std::unique_ptr<PartnerCertificateVerifier>> Create(
      std::string_view partner_ca_pem, Options options);
  static absl::StatusOr<std::unique_ptr<PartnerCertificateVerifier>> Create(
      std::string_view partner_ca_pem) {
    return Create(partner_ca_pem, Options());
  }
  ~PartnerCertificateVerifier();
  PartnerCertificateVerifier(const PartnerCertificateVerifier&) = delete;
  PartnerCertificateVerifier& operator=(const PartnerCertificateVerifier&) = delete;

  // Whether `certificate` (its chain's extra certificates used as untrusted intermediates) chains
  // to the partner CA, is valid now and is meant for client authentication.
  bool IssuedByPartnerCa(const PeerCertificate& certificate) const;

  // The agency a partner certificate names: PermissionDenied when `certificate` is not issued by
  // the partner CA, or names no agency or more than one (one `ccms-partner://` SAN URI exactly).
  absl::StatusOr<std::string> AgencyOf(const PeerCertificate& certificate) const;

  // How many chains were parsed and verified (not answered from the kept verdicts) so far.
  int64_t verifications() const;

 private:
  struct Store;
  struct Verdict {
    bool issued_by_partner_ca = false;
    // The agency of a partner certificate naming exactly one; nullopt otherwise.
    std::optional<std::string> agency;
    absl::Time good_until;
  };

  PartnerCertificateVerifier(std::unique_ptr<Store> store, Options options);
  Verdict VerdictOf(const PeerCertificate& certificate) const;
  Verdict Verify(const PeerCertificate& certificate, absl::Time now) const;

  std::unique_ptr<Store> store_;
  const Options options_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Verdict> verdicts_ ABSL_GUARDED_BY(mu_);
  mutable int64_t verifications_ ABSL_GUARDED_BY(mu_) = 0;
};

// The rule of the transport for a call's principal (docs/security.md, "Partners"):
//   - a partner principal needs a client certificate (UNAUTHENTICATED without one, or when no
//     partner CA is configured: `partners` null) issued by the partner CA and naming the token's
//     agency (PERMISSION_DENIED otherwise);
//   - any other principal over a connection whose client certificate is a partner certificate is
//     PERMISSION_DENIED (a partner cannot pose as staff or a service).
// The error texts name no agency, subject or certificate detail.
absl::Status CheckPrincipalTransport(const auth::Principal& principal,
                                     const PeerCertificate& certificate,
                                     const PartnerCertificateVerifier* partners);

}  // namespace ccms::grpc_util
