#include "common/server/dead_letter_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/unary_handler.h"
#include "common/kafka/dead_letters.h"
#include "common/log/log.h"
#include "google/protobuf/util/time_util.h"

namespace ccms::server {
namespace {

absl::Status Authorize(const auth::Principal& p) {
  if (p.role == auth::Role::kOps || p.role == auth::Role::kCityAdmin) return absl::OkStatus();
  return absl::PermissionDeniedError("dead letters are for the roles ops and city_admin");
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  *out = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

void ToProto(const kafka::DeadLetter& d, ops::v1::DeadLetter* out) {
  out->set_dead_letter_id(d.id);
  out->set_source(d.source);
  out->set_event_id(d.event_id);
  out->set_event_type(d.event_type);
  out->set_topic(d.topic);
  out->set_case_id(d.record_key);
  out->set_partition(d.partition.value_or(-1));
  out->set_offset(d.offset.value_or(-1));
  out->set_outbox_id(d.outbox_id.value_or(0));
  out->set_error_class(d.error_class);
  out->set_attempts(d.attempts);
  SetTime(d.first_failed_at, out->mutable_first_failed_at());
  SetTime(d.dead_at, out->mutable_dead_at());
  if (d.requeued_at) SetTime(*d.requeued_at, out->mutable_requeued_at());
  if (d.resolved_at) SetTime(*d.resolved_at, out->mutable_resolved_at());
}

absl::Status CheckId(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("dead_letter_id must be positive");
  return absl::OkStatus();
}

}  // namespace

CCMS_UNARY_HANDLER(DeadLetterServiceImpl, ListDeadLetters)
CCMS_UNARY_HANDLER(DeadLetterServiceImpl, GetDeadLetter)
CCMS_UNARY_HANDLER(DeadLetterServiceImpl, RequeueDeadLetter)

absl::Status DeadLetterServiceImpl::DoListDeadLetters(
    const auth::Principal& principal, const ops::v1::ListDeadLettersRequest& request,
    ops::v1::ListDeadLettersResponse* response) {
  if (absl::Status st = Authorize(principal); !st.ok()) return st;
  if (request.page_size() < 0 || request.page_size() > 1000) {
    return absl::InvalidArgumentError("page_size must be 0..1000");
  }
  kafka::DeadLetterQuery query{.source = request.source(),
                               .open_only = !request.include_resolved(),
                               .limit = request.page_size() == 0 ? 100 : request.page_size()};
  if (!request.page_token().empty() &&
      (!absl::SimpleAtoi(request.page_token(), &query.after_id) || query.after_id < 0)) {
    return absl::InvalidArgumentError("page_token is not one this service gave out");
  }
  return pool_.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    auto rows = kafka::ListDeadLetters(conn, query);
    if (!rows.ok()) return rows.status();
    for (const auto& d : *rows) ToProto(d, response->add_dead_letters());
    if (static_cast<int>(rows->size()) == query.limit) {
      response->set_next_page_token(std::to_string(rows->back().id));
    }
    return absl::OkStatus();
  });
}

absl::Status DeadLetterServiceImpl::DoGetDeadLetter(const auth::Principal& principal,
                                                    const ops::v1::GetDeadLetterRequest& request,
                                                    ops::v1::GetDeadLetterResponse* response) {
  if (absl::Status st = Authorize(principal); !st.ok()) return st;
  if (absl::Status st = CheckId(request.dead_letter_id()); !st.ok()) return st;
  return pool_.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    auto d = kafka::GetDeadLetter(conn, request.dead_letter_id());
    if (!d.ok()) return d.status();
    ToProto(*d, response->mutable_dead_letter());
    return absl::OkStatus();
  });
}

absl::Status DeadLetterServiceImpl::DoRequeueDeadLetter(
    const auth::Principal& principal, const ops::v1::RequeueDeadLetterRequest& request,
    ops::v1::RequeueDeadLetterResponse* response) {
  if (absl::Status st = Authorize(principal); !st.ok()) return st;
  if (absl::Status st = CheckId(request.dead_letter_id()); !st.ok()) return st;
  return pool_.WithConnection([&](pqxx::connection& conn) -> absl::Status {
    auto d = kafka::RequeueDeadLetter(conn, request.dead_letter_id());
    if (!d.ok()) return d.status();
    log::Info("dead_letter_requeued", {{"dead_letter_id", d->id},
                                       {"source", d->source},
                                       {"role", std::string(auth::RoleName(principal.role))}});
    ToProto(*d, response->mutable_dead_letter());
    return absl::OkStatus();
  });
}

}  // namespace ccms::server
