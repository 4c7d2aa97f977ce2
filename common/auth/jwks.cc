#include "common/auth/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <exception>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ccms::auth {
namespace {

using nlohmann::json;

constexpr size_t kMinHmacSecretBytes = 32;
constexpr int kMinRsaBits = 2048;
constexpr size_t kMaxKeySetBytes = 1 << 20;
constexpr size_t kMaxKidBytes = 128;

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// A base64url member (RFC 7518 keys carry no padding; absl accepts both).
bool Base64UrlMember(const json& key, const char* name, std::string* out) {
  auto it = key.find(name);
  if (it == key.end() || !it->is_string()) return false;
  const std::string& text = it->get_ref<const std::string&>();
  return !text.empty() && absl::WebSafeBase64Unescape(AbslView(text), out) && !out->empty();
}

// PEM text of `pkey`'s public half, "" on failure.
std::string PublicPem(EVP_PKEY* pkey) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) return "";
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : "";
}

// Builds a public key of `type` ("RSA", "EC") from `params`, checks it is a sound public key.
PkeyPtr FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  if (params == nullptr) return nullptr;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  PkeyPtr pkey(raw);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return pkey;
}

absl::StatusOr<std::string> RsaPem(const json& key) {
  std::string n, e;
  if (!Base64UrlMember(key, "n", &n) || !Base64UrlMember(key, "e", &e)) {
    return absl::InvalidArgumentError("RSA key needs base64url members n and e");
  }
  BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                       static_cast<int>(n.size()), nullptr));
  BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                       static_cast<int>(e.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bn_n == nullptr || bn_e == nullptr || bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::InvalidArgumentError("RSA key is not readable");
  }
  PkeyPtr pkey = FromParams("RSA", bld.get());
  if (pkey == nullptr) return absl::InvalidArgumentError("RSA key is not a valid public key");
  if (EVP_PKEY_get_bits(pkey.get()) < kMinRsaBits) {
    return absl::InvalidArgumentError("RSA key must have at least 2048 bits");
  }
  std::string pem = PublicPem(pkey.get());
  if (pem.empty()) return absl::InvalidArgumentError("RSA key is not readable");
  return pem;
}

absl::StatusOr<std::string> EcPem(const json& key) {
  auto crv = key.find("crv");
  if (crv == key.end() || !crv->is_string() || crv->get_ref<const std::string&>() != "P-256") {
    return absl::InvalidArgumentError("EC key must be on curve P-256 (crv)");
  }
  std::string x, y;
  if (!Base64UrlMember(key, "x", &x) || !Base64UrlMember(key, "y", &y) || x.size() != 32 ||
      y.size() != 32) {
    return absl::InvalidArgumentError("EC key needs 32-byte base64url members x and y");
  }
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed SEC1 point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InvalidArgumentError("EC key is not readable");
  }
  PkeyPtr pkey = FromParams("EC", bld.get());
  if (pkey == nullptr) return absl::InvalidArgumentError("EC key is not a point on P-256");
  std::string pem = PublicPem(pkey.get());
  if (pem.empty()) return absl::InvalidArgumentError("EC key is not readable");
  return pem;
}

// One key of the set; its error names the problem, never the material.
absl::StatusOr<VerificationKey> ParseKey(const json& key, const KeySetOptions& options) {
  if (!key.is_object()) return absl::InvalidArgumentError("is not an object");
  VerificationKey out;
  auto kid = key.find("kid");
  if (kid == key.end() || !kid->is_string() || kid->get_ref<const std::string&>().empty() ||
      kid->get_ref<const std::string&>().size() > kMaxKidBytes) {
    return absl::InvalidArgumentError("needs a kid (1 to 128 characters)");
  }
  out.kid = kid->get<std::string>();
  auto kty = key.find("kty");
  if (kty == key.end() || !kty->is_string()) return absl::InvalidArgumentError("needs a kty");
  const std::string& type = kty->get_ref<const std::string&>();
  if (type == "oct") {
    out.algorithm = "HS256";
  } else if (type == "RSA") {
    out.algorithm = "RS256";
  } else if (type == "EC") {
    out.algorithm = "ES256";
  } else {
    return absl::InvalidArgumentError("kty must be oct, RSA or EC");
  }
  if (auto alg = key.find("alg"); alg != key.end()) {
    if (!alg->is_string() || alg->get_ref<const std::string&>() != out.algorithm) {
      return absl::InvalidArgumentError(
          absl::StrCat("alg must be ", out.algorithm, " for kty ", type));
    }
  }
  if (auto use = key.find("use"); use != key.end()) {
    if (!use->is_string() || use->get_ref<const std::string&>() != "sig") {
      return absl::InvalidArgumentError("use must be sig");
    }
  }
  if (type == "oct") {
    if (!options.allow_hmac) {
      return absl::InvalidArgumentError("HS256 (kty oct) keys are allowed in the dev profile only");
    }
    if (!Base64UrlMember(key, "k", &out.material) || out.material.size() < kMinHmacSecretBytes) {
      OPENSSL_cleanse(out.material.data(), out.material.size());
      return absl::InvalidArgumentError("oct key needs a base64url secret k of at least 32 bytes");
    }
    return out;
  }
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "oth"}) {
    if (key.contains(secret)) {
      return absl::InvalidArgumentError("holds private key members; give public keys only");
    }
  }
  absl::StatusOr<std::string> pem = type == "RSA" ? RsaPem(key) : EcPem(key);
  ERR_clear_error();
  if (!pem.ok()) return pem.status();
  out.material = *std::move(pem);
  return out;
}

absl::StatusOr<std::shared_ptr<const KeySet>> Fail(size_t index, const std::string& kid,
                                                   const absl::Status& why) {
  return absl::InvalidArgumentError(absl::StrCat("key set: key ", index,
                                                 kid.empty() ? "" : " (kid " + kid + ")", " ",
                                                 why.message()));
}

}  // namespace

KeySet::~KeySet() {
  for (VerificationKey& k : keys_) OPENSSL_cleanse(k.material.data(), k.material.size());
}

absl::StatusOr<std::shared_ptr<const KeySet>> KeySet::Parse(std::string_view jwks_json,
                                                            KeySetOptions options) {
  if (jwks_json.size() > kMaxKeySetBytes) {
    return absl::InvalidArgumentError("key set: larger than 1 MiB");
  }
  const json doc = json::parse(jwks_json.begin(), jwks_json.end(), nullptr,
                               /*allow_exceptions=*/false);
  if (!doc.is_object()) return absl::InvalidArgumentError("key set: not a JSON object");
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return absl::InvalidArgumentError("key set: needs a \"keys\" array");
  }
  if (keys->empty()) return absl::InvalidArgumentError("key set: holds no keys");
  std::shared_ptr<KeySet> set(new KeySet());
  std::set<std::string> kids;
  size_t index = 0;
  for (const json& key : *keys) {
    std::string kid;
    if (key.is_object()) {
      if (auto k = key.find("kid"); k != key.end() && k->is_string()) kid = k->get<std::string>();
    }
    if (kid.size() > kMaxKidBytes) kid.clear();
    try {
      absl::StatusOr<VerificationKey> parsed = ParseKey(key, options);
      if (!parsed.ok()) return Fail(index, kid, parsed.status());
      if (!kids.insert(parsed->kid).second) {
        return Fail(index, kid, absl::InvalidArgumentError("repeats a kid"));
      }
      set->keys_.push_back(*std::move(parsed));
    } catch (const std::exception&) {
      return Fail(index, kid, absl::InvalidArgumentError("is not readable"));
    }
    ++index;
  }
  return std::shared_ptr<const KeySet>(std::move(set));
}

const VerificationKey* KeySet::Find(std::string_view kid) const {
  for (const VerificationKey& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

std::vector<std::string> KeySet::Kids() const {
  std::vector<std::string> out;
  for (const VerificationKey& k : keys_) out.push_back(k.kid);
  return out;
}

KeySetProvider FixedKeySet(std::shared_ptr<const KeySet> keys) {
  return [keys = std::move(keys)] { return keys; };
}

KeySetFile::KeySetFile(std::string path, KeySetOptions options, absl::Duration check_interval,
                       ReloadListener on_reload)
    : path_(std::move(path)),
      options_(options),
      check_interval_(check_interval),
      on_reload_(std::move(on_reload)) {}

absl::StatusOr<std::unique_ptr<KeySetFile>> KeySetFile::Open(std::string path,
                                                             KeySetOptions options,
                                                             absl::Duration check_interval,
                                                             ReloadListener on_reload) {
  std::unique_ptr<KeySetFile> file(
      new KeySetFile(std::move(path), options, check_interval, std::move(on_reload)));
  Stamp stamp;
  if (!file->StampOf(&stamp)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read key set file ", file->path_));
  }
  auto set = file->Load();
  if (!set.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file->path_, ": ", set.status().message()));
  }
  absl::MutexLock lock(&file->mu_);
  file->current_ = *std::move(set);
  file->stamp_ = stamp;
  file->last_check_ = absl::Now();
  return file;
}

bool KeySetFile::StampOf(Stamp* out) const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return false;
  out->inode = static_cast<uint64_t>(st.st_ino);
  out->size = static_cast<int64_t>(st.st_size);
  out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

absl::StatusOr<std::shared_ptr<const KeySet>> KeySetFile::Load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  auto set = KeySet::Parse(content, options_);
  OPENSSL_cleanse(content.data(), content.size());
  return set;
}

std::shared_ptr<const KeySet> KeySetFile::Current() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (now - last_check_ < check_interval_) return current_;
  last_check_ = now;
  Stamp stamp;
  // A file being replaced (or gone for a moment) keeps the set in force.
  if (!StampOf(&stamp) || stamp == stamp_) return current_;
  stamp_ = stamp;  // a bad file is reported once, not on every check
  auto set = Load();
  if (!set.ok()) {
    if (on_reload_) on_reload_(set.status(), nullptr);
    return current_;
  }
  current_ = *std::move(set);
  if (on_reload_) on_reload_(absl::OkStatus(), current_.get());
  return current_;
}

}  // namespace ccms::auth
