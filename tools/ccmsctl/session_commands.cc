#include "tools/ccmsctl/session_commands.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "ccms/education/v1/session_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace ev1 = ::ccms::education::v1;
using ev1::SessionService;

constexpr char kKindPrefix[] = "SESSION_KIND_";
constexpr char kFormPrefix[] = "SESSION_FORM_";
constexpr char kAudiencePrefix[] = "AUDIENCE_";
constexpr char kProviderPrefix[] = "PROVIDER_KIND_";
constexpr char kStatusPrefix[] = "SESSION_STATUS_";
constexpr char kEnrolmentPrefix[] = "ENROLMENT_STATUS_";
constexpr char kOutcomePrefix[] = "ATTENDANCE_OUTCOME_";
constexpr char kExcusePrefix[] = "EXCUSE_REASON_";
constexpr char kFrequencyPrefix[] = "FREQUENCY_";
constexpr char kWeekPrefix[] = "MONTHLY_WEEK_";

GlobalOptions ForEducation(const GlobalOptions& global) {
  GlobalOptions options = global;
  options.addr = global.education_addr;
  return options;
}

std::unique_ptr<SessionService::Stub> NewStub(const GlobalOptions& options) {
  return SessionService::NewStub(Connect(options));
}

std::string OrDash(const std::string& v) { return v.empty() ? "-" : v; }

// "YYYY-MM-DDTHH:MM" in Asia/Shanghai.
std::optional<absl::Time> ParseLocal(const std::string& text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M", text, time::ShanghaiTimeZone(), &t, &err)) {
    return std::nullopt;
  }
  return t;
}

CLI::Validator LocalTimeValidator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        return ParseLocal(s).has_value() ? "" : "expected YYYY-MM-DDTHH:MM (Asia/Shanghai)";
      },
      "YYYY-MM-DDTHH:MM");
}

void PrintSession(const ev1::Session& s) {
  PrintKeyValues(
      {{"session id", s.session_id()},
       {"series", OrDash(s.series_id())},
       {"district", s.district_code()},
       {"kind", EnumLabel(ev1::SessionKind_descriptor(), s.kind(), kKindPrefix)},
       {"form", EnumLabel(ev1::SessionForm_descriptor(), s.form(), kFormPrefix)},
       {"audience", EnumLabel(ev1::Audience_descriptor(), s.audience(), kAudiencePrefix)},
       {"start", FormatTimestamp(s.start_time())},
       {"end", FormatTimestamp(s.end_time())},
       {"venue", OrDash(s.venue())},
       {"provider",
        EnumLabel(ev1::ProviderKind_descriptor(), s.provider().kind(), kProviderPrefix) + " " +
            s.provider().id()},
       {"status", EnumLabel(ev1::SessionStatus_descriptor(), s.status(), kStatusPrefix)},
       {"reason", OrDash(s.change_reason())},
       {"supersedes", OrDash(s.supersedes())},
       {"superseded by", OrDash(s.superseded_by())},
       {"seats", absl::StrCat(s.enrolled_count(), " of ", s.capacity(), " taken, ",
                              s.waitlisted_count(), " waiting")}},
      std::cout);
}

void PrintEnrolments(const google::protobuf::RepeatedPtrField<ev1::Enrolment>& enrolments) {
  Table table({"CASE", "STATUS", "WAIT", "OUTCOME", "REASON", "NOTICE", "MINUTES"});
  for (const auto& e : enrolments) {
    const bool has = e.has_attendance();
    table.AddRow({e.case_id(),
                  EnumLabel(ev1::EnrolmentStatus_descriptor(), e.status(), kEnrolmentPrefix),
                  e.waitlist_position() > 0 ? std::to_string(e.waitlist_position()) : "-",
                  has ? EnumLabel(ev1::AttendanceOutcome_descriptor(), e.attendance().outcome(),
                                  kOutcomePrefix)
                      : "-",
                  has && e.attendance().excuse_reason() != 0
                      ? EnumLabel(ev1::ExcuseReason_descriptor(), e.attendance().excuse_reason(),
                                  kExcusePrefix)
                      : "-",
                  has ? (e.attendance().notice_given() ? "yes" : "no") : "-",
                  has ? std::to_string(e.attendance().credited_minutes()) : "-"});
  }
  table.Print(std::cout);
}

template <typename Enum>
Enum Parse(const google::protobuf::EnumDescriptor* d, const char* prefix, const std::string& s) {
  return static_cast<Enum>(ParseEnumLabel(d, prefix, s).value_or(0));
}

struct Flags {
  std::string session_id;
  std::string case_id;
  std::string district;
  std::string office;
  std::string kind;
  std::string form;
  std::string topic;
  std::string venue;
  std::string start;
  int minutes = 60;
  std::string provider = "staff";
  std::string provider_id;
  int capacity = 0;
  std::string audience;
  std::vector<std::string> sexes;
  std::vector<std::string> age_bands;
  std::vector<std::string> offences;
  std::string frequency;
  std::string until;
  std::string monthly_week;
  std::string reason;
  std::string from;
  std::string to;
  bool all = false;
  int page_size = 0;
  std::string page_token;
  std::vector<std::string> entries;
  std::vector<std::string> notes;
  bool notice = false;
  std::string request_id;
  std::string given_name;
};

void AddRequestId(CLI::App* c, Flags* f) {
  c->add_option("--request-id", f->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
}

}  // namespace

void AddSessionCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand("session", "Education: sessions, enrolment, attendance");
  cmd->require_subcommand(1);
  cmd->fallthrough();

  auto sch = std::make_shared<Flags>();
  CLI::App* s = cmd->add_subcommand("schedule", "Schedule a session, or a recurring series");
  s->add_option("--district", sch->district, "The session's district")
      ->required()
      ->check(DistrictValidator());
  s->add_option("--office", sch->office, "The office holding it");
  s->add_option("--kind", sch->kind, "The kind of education")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::SessionKind_descriptor(), kKindPrefix)));
  s->add_option("--form", sch->form, "How it is held")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::SessionForm_descriptor(), kFormPrefix)));
  s->add_option("--audience", sch->audience, "minors_only or adults_only (Law art. 52)")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::Audience_descriptor(), kAudiencePrefix)));
  s->add_option("--start", sch->start, "Start, YYYY-MM-DDTHH:MM (Asia/Shanghai)")
      ->required()
      ->check(LocalTimeValidator());
  s->add_option("--minutes", sch->minutes, "How long (default 60)")->check(CLI::Range(1, 720));
  s->add_option("--capacity", sch->capacity, "Seats")->required()->check(CLI::Range(1, 1000));
  s->add_option("--provider", sch->provider, "staff (default), partner_agency or volunteer")
      ->check(CLI::IsMember(EnumLabels(ev1::ProviderKind_descriptor(), kProviderPrefix)));
  s->add_option("--provider-id", sch->provider_id, "Who delivers it (default: you)");
  s->add_option("--topic", sch->topic, "A catalogue code");
  s->add_option("--venue", sch->venue, "Where");
  s->add_option("--sex", sch->sexes, "Criteria: MALE or FEMALE (repeat)");
  s->add_option("--age-band", sch->age_bands, "Criteria: an age band, e.g. 18_TO_25 (repeat)");
  s->add_option("--offence", sch->offences, "Criteria: an offence category (repeat)");
  s->add_option("--repeat", sch->frequency, "weekly, fortnightly or monthly")
      ->check(CLI::IsMember(EnumLabels(ev1::Recurrence::Frequency_descriptor(), kFrequencyPrefix)));
  s->add_option("--until", sch->until, "Last day of the series, YYYY-MM-DD")
      ->check(DateValidator());
  s->add_option("--monthly-week", sch->monthly_week, "first..fourth or last (default: the start's)")
      ->check(CLI::IsMember(EnumLabels(ev1::Recurrence::MonthlyWeek_descriptor(), kWeekPrefix)));
  AddRequestId(s, sch.get());
  s->callback([&global, action, sch] {
    *action = [&global, sch] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ScheduleSessionRequest req;
      req.set_request_id(sch->request_id.empty() ? NewRequestId() : sch->request_id);
      req.set_district_code(sch->district);
      req.set_office_id(sch->office);
      req.set_kind(Parse<ev1::SessionKind>(ev1::SessionKind_descriptor(), kKindPrefix, sch->kind));
      req.set_form(Parse<ev1::SessionForm>(ev1::SessionForm_descriptor(), kFormPrefix, sch->form));
      req.set_audience(
          Parse<ev1::Audience>(ev1::Audience_descriptor(), kAudiencePrefix, sch->audience));
      const absl::Time start = *ParseLocal(sch->start);
      *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
      *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Minutes(sch->minutes));
      req.set_capacity(sch->capacity);
      req.mutable_provider()->set_kind(
          Parse<ev1::ProviderKind>(ev1::ProviderKind_descriptor(), kProviderPrefix, sch->provider));
      req.mutable_provider()->set_id(sch->provider_id.empty() ? "self" : sch->provider_id);
      req.set_topic_code(sch->topic);
      req.set_venue(sch->venue);
      for (const auto& v : sch->sexes) req.mutable_criteria()->add_sexes(v);
      for (const auto& v : sch->age_bands) req.mutable_criteria()->add_age_bands(v);
      for (const auto& v : sch->offences) req.mutable_criteria()->add_offence_categories(v);
      if (!sch->frequency.empty()) {
        auto* r = req.mutable_recurrence();
        r->set_frequency(Parse<ev1::Recurrence::Frequency>(ev1::Recurrence::Frequency_descriptor(),
                                                           kFrequencyPrefix, sch->frequency));
        if (auto d = time::ParseDate(sch->until)) *r->mutable_until() = grpc_util::ToProtoDate(*d);
        if (!sch->monthly_week.empty()) {
          r->set_monthly_week(Parse<ev1::Recurrence::MonthlyWeek>(
              ev1::Recurrence::MonthlyWeek_descriptor(), kWeekPrefix, sch->monthly_week));
        }
      }
      ev1::ScheduleSessionResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ScheduleSession(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"SESSION", "START", "END", "STATUS"});
        for (const auto& x : resp.sessions()) {
          table.AddRow({x.session_id(), FormatTimestamp(x.start_time()),
                        FormatTimestamp(x.end_time()),
                        EnumLabel(ev1::SessionStatus_descriptor(), x.status(), kStatusPrefix)});
        }
        table.Print(std::cout);
        for (const auto& k : resp.skipped()) {
          std::cout << "skipped " << FormatProtoDate(k.day()) << " (" << k.reason() << ")\n";
        }
      });
    };
  });

  auto cancel = std::make_shared<Flags>();
  CLI::App* c = cmd->add_subcommand("cancel", "Cancel a session (kept, with the reason)");
  c->add_option("SESSION_ID", cancel->session_id, "The session")
      ->required()
      ->check(UuidValidator());
  c->add_option("--reason", cancel->reason, "A code of education.session.change_reason_codes")
      ->required();
  AddRequestId(c, cancel.get());
  c->callback([&global, action, cancel] {
    *action = [&global, cancel] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::CancelSessionRequest req;
      req.set_request_id(cancel->request_id.empty() ? NewRequestId() : cancel->request_id);
      req.set_session_id(cancel->session_id);
      req.set_reason_code(cancel->reason);
      ev1::CancelSessionResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->CancelSession(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintSession(resp.session()); });
    };
  });

  auto move = std::make_shared<Flags>();
  CLI::App* m = cmd->add_subcommand("move", "Move a session: a new one supersedes it");
  m->add_option("SESSION_ID", move->session_id, "The session")->required()->check(UuidValidator());
  m->add_option("--start", move->start, "New start, YYYY-MM-DDTHH:MM (Asia/Shanghai)")
      ->required()
      ->check(LocalTimeValidator());
  m->add_option("--minutes", move->minutes, "How long (default 60)")->check(CLI::Range(1, 720));
  m->add_option("--venue", move->venue, "New venue (default: the same)");
  m->add_option("--reason", move->reason, "A code of education.session.change_reason_codes")
      ->required();
  AddRequestId(m, move.get());
  m->callback([&global, action, move] {
    *action = [&global, move] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::MoveSessionRequest req;
      req.set_request_id(move->request_id.empty() ? NewRequestId() : move->request_id);
      req.set_session_id(move->session_id);
      const absl::Time start = *ParseLocal(move->start);
      *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
      *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Minutes(move->minutes));
      req.set_venue(move->venue);
      req.set_reason_code(move->reason);
      ev1::MoveSessionResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->MoveSession(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        PrintSession(resp.replacement());
        for (const auto& id : resp.not_carried_case_ids()) {
          std::cout << "not carried (overlaps another session): " << id << "\n";
        }
      });
    };
  });

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A session with its enrolments and attendance");
  g->add_option("SESSION_ID", get->session_id, "The session")->required()->check(UuidValidator());
  g->callback([&global, action, get] {
    *action = [&global, get] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::GetSessionRequest req;
      req.set_session_id(get->session_id);
      ev1::GetSessionResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->GetSession(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        PrintSession(resp.session());
        PrintEnrolments(resp.enrolments());
      });
    };
  });

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand("list", "Sessions of your districts in start order");
  l->add_option("--district", list->district, "Only this district")->check(DistrictValidator());
  l->add_option("--from", list->from, "Starting on or after YYYY-MM-DD")->check(DateValidator());
  l->add_option("--to", list->to, "Starting on or before YYYY-MM-DD")->check(DateValidator());
  l->add_flag("--all", list->all, "Also cancelled and moved sessions");
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  l->callback([&global, action, list] {
    *action = [&global, list] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::ListSessionsRequest req;
      req.set_district_code(list->district);
      if (auto d = time::ParseDate(list->from))
        *req.mutable_from_day() = grpc_util::ToProtoDate(*d);
      if (auto d = time::ParseDate(list->to)) *req.mutable_to_day() = grpc_util::ToProtoDate(*d);
      req.set_include_superseded(list->all);
      req.set_page_size(list->page_size);
      req.set_page_token(list->page_token);
      ev1::ListSessionsResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->ListSessions(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        Table table({"SESSION", "START", "KIND", "AUDIENCE", "STATUS", "SEATS"});
        for (const auto& x : resp.sessions()) {
          table.AddRow(
              {x.session_id(), FormatTimestamp(x.start_time()),
               EnumLabel(ev1::SessionKind_descriptor(), x.kind(), kKindPrefix),
               EnumLabel(ev1::Audience_descriptor(), x.audience(), kAudiencePrefix),
               EnumLabel(ev1::SessionStatus_descriptor(), x.status(), kStatusPrefix),
               absl::StrCat(x.enrolled_count(), "/", x.capacity(), " +", x.waitlisted_count())});
        }
        table.Print(std::cout);
        if (!resp.next_page_token().empty()) {
          std::cout << "next page: --page-token " << resp.next_page_token() << "\n";
        }
      });
    };
  });

  auto enrol = std::make_shared<Flags>();
  CLI::App* e = cmd->add_subcommand("enrol", "Enrol a case (waitlisted when the session is full)");
  e->add_option("SESSION_ID", enrol->session_id, "The session")->required()->check(UuidValidator());
  e->add_option("CASE_ID", enrol->case_id, "The case")->required()->check(UuidValidator());
  AddRequestId(e, enrol.get());
  e->callback([&global, action, enrol] {
    *action = [&global, enrol] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::EnrolCaseRequest req;
      req.set_request_id(enrol->request_id.empty() ? NewRequestId() : enrol->request_id);
      req.set_session_id(enrol->session_id);
      req.set_case_id(enrol->case_id);
      ev1::EnrolCaseResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->EnrolCase(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        google::protobuf::RepeatedPtrField<ev1::Enrolment> one;
        *one.Add() = resp.enrolment();
        PrintEnrolments(one);
      });
    };
  });

  auto withdraw = std::make_shared<Flags>();
  CLI::App* w = cmd->add_subcommand("withdraw", "Withdraw a case; the waitlist moves up");
  w->add_option("SESSION_ID", withdraw->session_id, "The session")
      ->required()
      ->check(UuidValidator());
  w->add_option("CASE_ID", withdraw->case_id, "The case")->required()->check(UuidValidator());
  AddRequestId(w, withdraw.get());
  w->callback([&global, action, withdraw] {
    *action = [&global, withdraw] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::WithdrawEnrolmentRequest req;
      req.set_request_id(withdraw->request_id.empty() ? NewRequestId() : withdraw->request_id);
      req.set_session_id(withdraw->session_id);
      req.set_case_id(withdraw->case_id);
      ev1::WithdrawEnrolmentResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->WithdrawEnrolment(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        google::protobuf::RepeatedPtrField<ev1::Enrolment> rows;
        *rows.Add() = resp.enrolment();
        if (resp.has_promoted()) *rows.Add() = resp.promoted();
        PrintEnrolments(rows);
      });
    };
  });

  auto attend = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand(
      "attend", "Record attendance for a session in one call (the service computes the hours)");
  a->add_option("SESSION_ID", attend->session_id, "The session")
      ->required()
      ->check(UuidValidator());
  a->add_option("--case", attend->entries,
                "CASE_ID:OUTCOME[:EXCUSE_REASON] (repeat); outcome attended, late, excused,"
                " absent_after_notice, absent")
      ->required();
  a->add_option("--note", attend->notes,
                "CASE_ID:TEXT, a behaviour note (repeat; encrypted, stays in education)");
  a->add_flag("--notice", attend->notice, "Everyone listed had been notified of the session");
  AddRequestId(a, attend.get());
  a->callback([&global, action, attend] {
    *action = [&global, attend] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::RecordAttendanceRequest req;
      req.set_request_id(attend->request_id.empty() ? NewRequestId() : attend->request_id);
      req.set_session_id(attend->session_id);
      for (const auto& entry : attend->entries) {
        std::vector<std::string> parts = absl::StrSplit(entry, ':');
        if (parts.size() < 2 || parts.size() > 3) {
          std::cerr << "--case takes CASE_ID:OUTCOME[:EXCUSE_REASON], not " << entry << "\n";
          return kExitUsage;
        }
        const auto outcome =
            ParseEnumLabel(ev1::AttendanceOutcome_descriptor(), kOutcomePrefix, parts[1]);
        if (!outcome.has_value()) {
          std::cerr << "unknown outcome " << parts[1] << "\n";
          return kExitUsage;
        }
        ev1::AttendanceEntry* e = req.add_entries();
        e->set_case_id(parts[0]);
        e->set_outcome(static_cast<ev1::AttendanceOutcome>(*outcome));
        e->set_notice_given(attend->notice);
        if (parts.size() == 3) {
          e->set_excuse_reason(
              Parse<ev1::ExcuseReason>(ev1::ExcuseReason_descriptor(), kExcusePrefix, parts[2]));
        }
        for (const auto& note : attend->notes) {
          const size_t colon = note.find(':');
          if (colon != std::string::npos && note.substr(0, colon) == parts[0]) {
            e->set_behaviour_note(note.substr(colon + 1));
          }
        }
      }
      ev1::RecordAttendanceResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->RecordAttendance(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { PrintEnrolments(resp.enrolments()); });
    };
  });

  auto named = std::make_shared<Flags>();
  CLI::App* n = cmd->add_subcommand(
      "partner-name",
      "The given name partner agencies see for a case in the sessions they deliver (never a"
      " minor's)");
  n->add_option("CASE_ID", named->case_id, "The case")->required()->check(UuidValidator());
  n->add_option("--given-name", named->given_name, "1-50 bytes; encrypted, never on the bus")
      ->required();
  AddRequestId(n, named.get());
  n->callback([&global, action, named] {
    *action = [&global, named] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      const GlobalOptions options = ForEducation(global);
      ev1::SetPartnerViewNameRequest req;
      req.set_request_id(named->request_id.empty() ? NewRequestId() : named->request_id);
      req.set_case_id(named->case_id);
      req.set_given_name(named->given_name);
      ev1::SetPartnerViewNameResponse resp;
      auto ctx = NewCallContext(options, true);
      grpc::Status st = NewStub(options)->SetPartnerViewName(ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] {
        std::cout << "partner view name recorded for case " << resp.case_id() << "\n";
      });
    };
  });
}

}  // namespace ccms::ctl
