#include "common/crypto/pii_cipher.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/status/status.h"

namespace ccms::crypto {
namespace {

constexpr std::string_view kEncLabel = "ccms-pii-enc-v1";
constexpr std::string_view kHashLabel = "ccms-pii-hash-v1";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

// Encryption failing means OpenSSL itself is broken (no randomness, no
// memory); carrying on could store personal data unprotected.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "ccms::crypto::PiiCipher: %s\n", what);
  std::abort();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const unsigned char* AsBytes(std::string_view s) {
  // An empty string_view may carry a null pointer; OpenSSL wants a buffer.
  return reinterpret_cast<const unsigned char*>(s.empty() ? "" : s.data());
}

// out = HMAC-SHA256(key, data). Returns false only if OpenSSL fails.
bool HmacSha256(const uint8_t* key, size_t key_len, std::string_view data, uint8_t out[32]) {
  unsigned int out_len = 0;
  const uint8_t* result =
      HMAC(EVP_sha256(), key, static_cast<int>(key_len), AsBytes(data), data.size(), out, &out_len);
  return result != nullptr && out_len == 32;
}

// AAD = version || context: binds the blob to its column and its format.
std::string Aad(std::string_view context) {
  std::string aad(1, static_cast<char>(PiiCipher::kVersion));
  aad.append(context);
  return aad;
}

// Sets up AES-256-GCM (encrypt = 1) or its inverse (encrypt = 0) for one
// message and feeds it the AAD.
bool StartGcm(EVP_CIPHER_CTX* ctx, int encrypt, const uint8_t* key, const unsigned char* nonce,
              std::string_view aad) {
  int len = 0;
  return EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, PiiCipher::kNonceBytes, nullptr) == 1 &&
         EVP_CipherInit_ex(ctx, nullptr, nullptr, key, nonce, encrypt) == 1 &&
         EVP_CipherUpdate(ctx, nullptr, &len, AsBytes(aad), static_cast<int>(aad.size())) == 1;
}

absl::Status DecryptError(std::string_view why) {
  return absl::DataLossError(std::string("cannot decrypt PII: ").append(why));
}

}  // namespace

absl::StatusOr<PiiCipher> PiiCipher::FromHexKey(std::string_view hex_key) {
  if (hex_key.size() != 2 * kKeyBytes) {
    return absl::InvalidArgumentError("PII key must be 64 hex characters (32 bytes)");
  }
  std::array<uint8_t, kKeyBytes> master{};
  for (size_t i = 0; i < kKeyBytes; ++i) {
    const int hi = HexValue(hex_key[2 * i]);
    const int lo = HexValue(hex_key[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      OPENSSL_cleanse(master.data(), master.size());
      return absl::InvalidArgumentError("PII key contains a non-hex character");
    }
    master[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  PiiCipher cipher;
  const bool ok = HmacSha256(master.data(), master.size(), kEncLabel, cipher.enc_key_.data()) &&
                  HmacSha256(master.data(), master.size(), kHashLabel, cipher.hash_key_.data());
  OPENSSL_cleanse(master.data(), master.size());
  if (!ok) {
    ERR_clear_error();
    return absl::InternalError("cannot derive PII subkeys");
  }
  return cipher;
}

PiiCipher::~PiiCipher() {
  OPENSSL_cleanse(enc_key_.data(), enc_key_.size());
  OPENSSL_cleanse(hash_key_.data(), hash_key_.size());
}

std::string PiiCipher::Encrypt(std::string_view plaintext, std::string_view context) const {
  if (plaintext.size() > INT_MAX - kOverheadBytes) {
    Fatal("plaintext too large");
  }
  const std::string aad = Aad(context);
  if (aad.size() > INT_MAX) Fatal("context too large");

  std::string blob(kOverheadBytes + plaintext.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(blob.data());
  out[0] = kVersion;
  unsigned char* nonce = out + 1;
  unsigned char* ciphertext = nonce + kNonceBytes;
  unsigned char* tag = ciphertext + plaintext.size();

  if (RAND_bytes(nonce, kNonceBytes) != 1) Fatal("RAND_bytes failed");

  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr || !StartGcm(ctx.get(), /*encrypt=*/1, enc_key_.data(), nonce, aad)) {
    Fatal("AES-256-GCM setup failed");
  }
  int written = 0;
  int len = 0;
  if (!plaintext.empty()) {
    if (EVP_EncryptUpdate(ctx.get(), ciphertext, &len, AsBytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1) {
      Fatal("AES-256-GCM encryption failed");
    }
    written = len;
  }
  const bool finished = EVP_EncryptFinal_ex(ctx.get(), ciphertext + written, &len) == 1 &&
                        static_cast<size_t>(written + len) == plaintext.size() &&
                        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) == 1;
  if (!finished) Fatal("AES-256-GCM finalisation failed");
  return blob;
}

absl::StatusOr<std::string> PiiCipher::Decrypt(std::string_view blob,
                                               std::string_view context) const {
  if (blob.size() < kOverheadBytes) return DecryptError("blob too short");
  if (blob.size() > INT_MAX) return DecryptError("blob too large");
  const unsigned char* in = AsBytes(blob);
  if (in[0] != kVersion) return DecryptError("unknown blob version");
  const unsigned char* nonce = in + 1;
  const unsigned char* ciphertext = nonce + kNonceBytes;
  const size_t ciphertext_len = blob.size() - kOverheadBytes;
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer; copy the tag out.
  std::array<unsigned char, kTagBytes> tag;
  std::copy_n(ciphertext + ciphertext_len, kTagBytes, tag.begin());
  const std::string aad = Aad(context);
  if (aad.size() > INT_MAX) return DecryptError("context too large");

  std::string plaintext(ciphertext_len, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  bool ok = ctx != nullptr && StartGcm(ctx.get(), /*encrypt=*/0, enc_key_.data(), nonce, aad);
  int written = 0;
  int len = 0;
  if (ok && ciphertext_len > 0) {
    ok = EVP_DecryptUpdate(ctx.get(), out, &len, ciphertext, static_cast<int>(ciphertext_len)) == 1;
    written = len;
  }
  // The tag is checked by EVP_DecryptFinal_ex.
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
       EVP_DecryptFinal_ex(ctx.get(), out + written, &len) == 1 &&
       static_cast<size_t>(written + len) == ciphertext_len;
  ERR_clear_error();
  if (!ok) {
    // Unauthenticated bytes must not leave this function.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return DecryptError("authentication failed");
  }
  return plaintext;
}

std::string PiiCipher::KeyedHash(std::string_view value) const {
  std::string hash(32, '\0');
  if (!HmacSha256(hash_key_.data(), hash_key_.size(), value,
                  reinterpret_cast<uint8_t*>(hash.data()))) {
    Fatal("HMAC-SHA256 failed");
  }
  return hash;
}

}  // namespace ccms::crypto
