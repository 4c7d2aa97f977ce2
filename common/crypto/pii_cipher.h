#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ccms::crypto {

// Encrypts identity numbers (and other personal data) at rest, and computes
// keyed lookup hashes so an encrypted column can still be searched by exact
// value.
//
// From one 32-byte master key two subkeys are derived with HMAC-SHA256
// (labels "ccms-pii-enc-v1" and "ccms-pii-hash-v1"), so the lookup hash
// never reuses the encryption key.
//
// Blob format (version 1):
//   0x01 || nonce (12 bytes, random) || ciphertext || tag (16 bytes)
// using AES-256-GCM with AAD = 0x01 || context. The context names where the
// blob lives (e.g. "person.id_number"), so a blob copied into another column
// fails to decrypt.
//
// Copyable: each copy holds its own key material and cleanses it with
// OPENSSL_cleanse() on destruction; a copied-from or moved-from object stays
// fully usable. Thread-safe: all methods are const and share no mutable
// state.
class PiiCipher {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kNonceBytes = 12;
  static constexpr size_t kTagBytes = 16;
  static constexpr uint8_t kVersion = 0x01;
  // Bytes a blob adds to its plaintext.
  static constexpr size_t kOverheadBytes = 1 + kNonceBytes + kTagBytes;

  // `hex_key` is 64 hex characters (either case) encoding the 32-byte master
  // key. Returns InvalidArgumentError naming the problem, never the key.
  static absl::StatusOr<PiiCipher> FromHexKey(std::string_view hex_key);

  PiiCipher(const PiiCipher& other) = default;
  PiiCipher& operator=(const PiiCipher& other) = default;
  ~PiiCipher();

  // Returns a fresh blob; two calls with the same input differ. Aborts the
  // process if OpenSSL cannot produce randomness or encrypt, rather than
  // ever storing data unprotected.
  std::string Encrypt(std::string_view plaintext, std::string_view context) const;

  // Returns the plaintext of a blob produced by Encrypt() with the same key
  // and `context`. Returns DataLossError("cannot decrypt ...") if the blob is
  // truncated, of an unknown version, altered, or bound to another context
  // or key.
  absl::StatusOr<std::string> Decrypt(std::string_view blob, std::string_view context) const;

  // HMAC-SHA256 of `value` under the hash subkey: 32 raw bytes. Stable for a
  // given master key, so equal values have equal hashes.
  std::string KeyedHash(std::string_view value) const;

 private:
  PiiCipher() = default;

  std::array<uint8_t, kKeyBytes> enc_key_{};
  std::array<uint8_t, kKeyBytes> hash_key_{};
};

}  // namespace ccms::crypto
