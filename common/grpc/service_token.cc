#include "common/grpc/service_token.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace ccms::grpc_util {

std::unique_ptr<ServiceToken> ServiceToken::Inline(std::string token) {
  std::unique_ptr<ServiceToken> t(new ServiceToken("", absl::InfiniteDuration()));
  absl::MutexLock lock(&t->mu_);
  t->token_ = std::move(token);
  return t;
}

absl::StatusOr<std::unique_ptr<ServiceToken>> ServiceToken::FromFile(std::string path,
                                                                     absl::Duration check_interval) {
  std::unique_ptr<ServiceToken> t(new ServiceToken(std::move(path), check_interval));
  Stamp stamp;
  absl::StatusOr<std::string> token = t->Read();
  if (!t->StampOf(&stamp) || !token.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("service token file ", t->path_, ": ",
                     token.ok() ? "cannot be read" : token.status().message()));
  }
  absl::MutexLock lock(&t->mu_);
  t->token_ = *std::move(token);
  t->stamp_ = stamp;
  t->last_check_ = absl::Now();
  return t;
}

bool ServiceToken::StampOf(Stamp* out) const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return false;
  out->inode = static_cast<uint64_t>(st.st_ino);
  out->size = static_cast<int64_t>(st.st_size);
  out->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

absl::StatusOr<std::string> ServiceToken::Read() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) return absl::InvalidArgumentError("is empty");
  return token;
}

std::string ServiceToken::Current() {
  absl::MutexLock lock(&mu_);
  if (path_.empty()) return token_;
  const absl::Time now = absl::Now();
  if (now - last_check_ < check_interval_) return token_;
  last_check_ = now;
  Stamp stamp;
  if (!StampOf(&stamp) || stamp == stamp_) return token_;
  stamp_ = stamp;
  absl::StatusOr<std::string> token = Read();
  if (!token.ok()) {
    log::Error("service_token_reload_failed", {{"path", path_},
                                               {"error", std::string(token.status().message())},
                                               {"note", "the token in force is kept"}});
    return token_;
  }
  token_ = *std::move(token);
  log::Info("service_token_reloaded", {{"path", path_}});
  return token_;
}

}  // namespace ccms::grpc_util
