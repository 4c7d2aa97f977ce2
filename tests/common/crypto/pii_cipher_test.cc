#include "common/crypto/pii_cipher.h"

#include <cctype>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace ccms::crypto {
namespace {

constexpr char kHexKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kOtherHexKey[] = "1F1E1D1C1B1A191817161514131211100F0E0D0C0B0A09080706050403020100";
constexpr char kContext[] = "person.id_number";
constexpr char kIdNumber[] = "11010519491231002X";

PiiCipher MustCipher(const char* hex) {
  absl::StatusOr<PiiCipher> cipher = PiiCipher::FromHexKey(hex);
  EXPECT_TRUE(cipher.ok()) << cipher.status();
  return *std::move(cipher);
}

TEST(PiiCipherTest, RoundTrip) {
  PiiCipher cipher = MustCipher(kHexKey);
  const std::string blob = cipher.Encrypt(kIdNumber, kContext);
  EXPECT_EQ(blob.size(), sizeof(kIdNumber) - 1 + PiiCipher::kOverheadBytes);
  EXPECT_EQ(static_cast<uint8_t>(blob[0]), PiiCipher::kVersion);
  EXPECT_FALSE(absl::StrContains(blob, kIdNumber));
  absl::StatusOr<std::string> plain = cipher.Decrypt(blob, kContext);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(*plain, kIdNumber);
}

TEST(PiiCipherTest, EmptyAndBinaryPlaintextsRoundTrip) {
  PiiCipher cipher = MustCipher(kHexKey);
  for (const std::string& text :
       {std::string(), std::string("\0\x01\xff", 3), std::string(4096, 'x')}) {
    absl::StatusOr<std::string> plain = cipher.Decrypt(cipher.Encrypt(text, kContext), kContext);
    ASSERT_TRUE(plain.ok()) << plain.status();
    EXPECT_EQ(*plain, text);
  }
}

TEST(PiiCipherTest, TwoEncryptionsDiffer) {
  PiiCipher cipher = MustCipher(kHexKey);
  const std::string a = cipher.Encrypt(kIdNumber, kContext);
  const std::string b = cipher.Encrypt(kIdNumber, kContext);
  EXPECT_NE(a, b);
  // Fresh nonces, not just different tags.
  EXPECT_NE(a.substr(1, PiiCipher::kNonceBytes), b.substr(1, PiiCipher::kNonceBytes));
}

TEST(PiiCipherTest, WrongContextFails) {
  PiiCipher cipher = MustCipher(kHexKey);
  const std::string blob = cipher.Encrypt(kIdNumber, kContext);
  absl::StatusOr<std::string> plain = cipher.Decrypt(blob, "guardian.id_number");
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StartsWith(plain.status().message(), "cannot decrypt"));
  EXPECT_EQ(cipher.Decrypt(blob, "").status().code(), absl::StatusCode::kDataLoss);
}

TEST(PiiCipherTest, EveryFlippedBitFails) {
  PiiCipher cipher = MustCipher(kHexKey);
  const std::string blob = cipher.Encrypt(kIdNumber, kContext);
  for (size_t byte = 0; byte < blob.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = blob;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      absl::StatusOr<std::string> plain = cipher.Decrypt(bad, kContext);
      ASSERT_EQ(plain.status().code(), absl::StatusCode::kDataLoss)
          << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(PiiCipherTest, TruncatedOrExtendedBlobFails) {
  PiiCipher cipher = MustCipher(kHexKey);
  const std::string blob = cipher.Encrypt(kIdNumber, kContext);
  for (size_t len = 0; len < blob.size(); ++len) {
    EXPECT_EQ(cipher.Decrypt(blob.substr(0, len), kContext).status().code(),
              absl::StatusCode::kDataLoss)
        << len;
  }
  EXPECT_EQ(cipher.Decrypt(blob + "x", kContext).status().code(), absl::StatusCode::kDataLoss);
}

TEST(PiiCipherTest, WrongKeyFails) {
  PiiCipher cipher = MustCipher(kHexKey);
  PiiCipher other = MustCipher(kOtherHexKey);
  const std::string blob = cipher.Encrypt(kIdNumber, kContext);
  absl::StatusOr<std::string> plain = other.Decrypt(blob, kContext);
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(absl::StrContains(plain.status().message(), kIdNumber));
}

TEST(PiiCipherTest, KeyedHashIsStableAndKeyDependent) {
  PiiCipher cipher = MustCipher(kHexKey);
  PiiCipher same_key = MustCipher(kHexKey);
  PiiCipher other = MustCipher(kOtherHexKey);
  const std::string hash = cipher.KeyedHash(kIdNumber);
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_EQ(hash, cipher.KeyedHash(kIdNumber));
  EXPECT_EQ(hash, same_key.KeyedHash(kIdNumber));
  EXPECT_NE(hash, other.KeyedHash(kIdNumber));
  EXPECT_NE(hash, cipher.KeyedHash("11010519491231002x"));
  EXPECT_EQ(cipher.KeyedHash("").size(), 32u);
}

TEST(PiiCipherTest, UppercaseHexKeyEqualsLowercase) {
  std::string upper = kHexKey;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  PiiCipher lower_cipher = MustCipher(kHexKey);
  PiiCipher upper_cipher = MustCipher(upper.c_str());
  EXPECT_EQ(lower_cipher.KeyedHash("v"), upper_cipher.KeyedHash("v"));
  EXPECT_TRUE(upper_cipher.Decrypt(lower_cipher.Encrypt("v", kContext), kContext).ok());
}

TEST(PiiCipherTest, BadHexKeysRejected) {
  const std::string good = kHexKey;
  const std::string bad_keys[] = {
      "",
      good.substr(0, 63),
      good + "0",
      good.substr(0, 62),
      good + good,
      good.substr(0, 63) + "g",
      "zz" + good.substr(2),
      good.substr(0, 32) + " " + good.substr(33),
      "0x" + good.substr(2),
  };
  for (const std::string& key : bad_keys) {
    absl::StatusOr<PiiCipher> cipher = PiiCipher::FromHexKey(key);
    ASSERT_FALSE(cipher.ok()) << "key length " << key.size();
    EXPECT_EQ(cipher.status().code(), absl::StatusCode::kInvalidArgument);
    if (!key.empty()) {
      EXPECT_FALSE(absl::StrContains(cipher.status().message(), key));
    }
  }
  EXPECT_TRUE(
      absl::StrContains(PiiCipher::FromHexKey(good.substr(0, 10)).status().message(), "64"));
  EXPECT_TRUE(absl::StrContains(PiiCipher::FromHexKey("zz" + good.substr(2)).status().message(),
                                "non-hex"));
}

TEST(PiiCipherTest, EncryptionAndHashKeysAreSeparate) {
  // The hash must not be computable from the encryption subkey path: hashing
  // under the master key or the encryption label gives something else.
  PiiCipher cipher = MustCipher(kHexKey);
  EXPECT_NE(cipher.KeyedHash("ccms-pii-enc-v1"), cipher.KeyedHash("ccms-pii-hash-v1"));
  const std::string blob = cipher.Encrypt(kIdNumber, kContext);
  EXPECT_FALSE(absl::StrContains(blob, cipher.KeyedHash(kIdNumber)));
}

TEST(PiiCipherTest, CopiesAndMovesStayUsable) {
  PiiCipher original = MustCipher(kHexKey);
  const std::string blob = original.Encrypt(kIdNumber, kContext);
  PiiCipher copy = original;
  PiiCipher moved = std::move(original);
  EXPECT_EQ(*copy.Decrypt(blob, kContext), kIdNumber);
  EXPECT_EQ(*moved.Decrypt(blob, kContext), kIdNumber);
  // NOLINTNEXTLINE(bugprone-use-after-move): documented to stay usable.
  EXPECT_EQ(*original.Decrypt(blob, kContext), kIdNumber);
}

}  // namespace
}  // namespace ccms::crypto
