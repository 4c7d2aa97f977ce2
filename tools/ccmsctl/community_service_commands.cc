#include "tools/ccmsctl/community_service_commands.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ccms/education/v1/community_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "tools/ccmsctl/output.h"
#include "tools/ccmsctl/rpc_client.h"
#include "tools/ccmsctl/validators.h"

namespace ccms::ctl {
namespace {

namespace ev1 = ::ccms::education::v1;
using Stub = ev1::CommunityServiceService::Stub;

constexpr char kModePrefix[] = "SERVICE_MODE_";
constexpr char kEffortPrefix[] = "SERVICE_EFFORT_";
constexpr char kStatusPrefix[] = "ACTIVITY_STATUS_";
constexpr char kReasonPrefix[] = "WAIVER_REASON_";

struct Flags {
  std::string request_id;
  std::string district;
  std::string case_id;
  std::string project_id;
  std::string activity_id;
  std::string title;
  std::string organiser;
  std::string mode;
  std::string effort;
  std::string reason;
  std::vector<std::string> age_bands;
  std::vector<std::string> sexes;
  std::vector<std::string> skills;
  int capacity = 0;
  int minutes = 0;
  std::string from;
  std::string until;
  std::string on;
  std::string month;  // YYYY-MM
  bool reject = false;
  int page_size = 0;
  std::string page_token;
};

google::type::Date Date(const std::string& text) {
  auto d = time::ParseDate(text);
  return d.has_value() ? grpc_util::ToProtoDate(*d) : google::type::Date();
}

int Enum(const google::protobuf::EnumDescriptor* type, const char* prefix,
         const std::string& label) {
  return ParseEnumLabel(type, prefix, label).value_or(0);
}

void PrintProjects(const google::protobuf::RepeatedPtrField<ev1::ServiceProject>& projects) {
  Table table({"PROJECT", "DISTRICT", "TITLE", "MODE", "EFFORT", "PLACES", "FROM", "UNTIL"});
  for (const auto& p : projects) {
    table.AddRow({p.project_id(), p.district_code(), p.title(),
                  EnumLabel(ev1::ServiceMode_descriptor(), p.mode(), kModePrefix),
                  EnumLabel(ev1::ServiceEffort_descriptor(), p.effort(), kEffortPrefix),
                  absl::StrCat(p.joined(), "/", p.capacity()), FormatProtoDate(p.starts_on()),
                  FormatProtoDate(p.ends_on())});
  }
  table.Print(std::cout);
}

void PrintActivities(const google::protobuf::RepeatedPtrField<ev1::ServiceActivity>& activities) {
  Table table({"ACTIVITY", "SERVED ON", "MINUTES", "PROJECT", "STATUS", "VERIFIED BY"});
  for (const auto& a : activities) {
    table.AddRow({a.activity_id(), FormatProtoDate(a.served_on()), absl::StrCat(a.minutes()),
                  a.self_initiated() ? "self-initiated" : a.project_id(),
                  EnumLabel(ev1::ActivityStatus_descriptor(), a.status(), kStatusPrefix),
                  a.verified_by().empty() ? "-" : a.verified_by()});
  }
  table.Print(std::cout);
}

// One subcommand calling one RPC: `fill` builds the request from the flags, `call` makes it,
// `print` shows the answer (unless --json).
template <typename Req, typename Resp>
void AddCall(CLI::App* cmd, const GlobalOptions& global, Action* action,
             const std::shared_ptr<Flags>& f, std::function<void(Req&)> fill,
             std::function<grpc::Status(Stub&, grpc::ClientContext*, const Req&, Resp*)> call,
             std::function<void(const Resp&)> print) {
  cmd->callback([&global, action, f, fill, call, print] {
    *action = [&global, f, fill, call, print] {
      if (int rc = RequireToken(global); rc != kExitOk) return rc;
      GlobalOptions options = global;
      options.addr = global.education_addr;
      Req req;
      fill(req);
      Resp resp;
      auto ctx = NewCallContext(options, true);
      auto stub = ev1::CommunityServiceService::NewStub(Connect(options));
      grpc::Status st = call(*stub, ctx.get(), req, &resp);
      if (!st.ok()) return ReportRpcError(st, options);
      return PrintResponse(options, resp, [&] { print(resp); });
    };
  });
}

void AddRequestId(CLI::App* c, Flags* f) {
  c->add_option("--request-id", f->request_id, "Idempotency key, to retry a call")
      ->check(UuidValidator());
}

std::string RequestId(const Flags& f) {
  return f.request_id.empty() ? NewRequestId() : f.request_id;
}

}  // namespace

void AddCommunityServiceCommands(CLI::App& app, const GlobalOptions& global, Action* action) {
  CLI::App* cmd =
      app.add_subcommand("community-service", "Education: community service (公益活动)");
  cmd->require_subcommand(1);
  cmd->fallthrough();

  auto add = std::make_shared<Flags>();
  CLI::App* a = cmd->add_subcommand("project-add", "Add a project to the district's library");
  a->add_option("--district", add->district, "The project's district")
      ->required()
      ->check(DistrictValidator());
  a->add_option("--title", add->title, "What is done")->required();
  a->add_option("--organiser", add->organiser, "The organising body")->required();
  a->add_option("--mode", add->mode, "centralized or dispersed")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::ServiceMode_descriptor(), kModePrefix)));
  a->add_option("--effort", add->effort, "light or full (what it asks of health)")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::ServiceEffort_descriptor(), kEffortPrefix)));
  a->add_option("--capacity", add->capacity, "Places")->required()->check(CLI::Range(1, 1000));
  a->add_option("--from", add->from, "First day, YYYY-MM-DD")->required()->check(DateValidator());
  a->add_option("--until", add->until, "Last day, YYYY-MM-DD")->required()->check(DateValidator());
  a->add_option("--age-band", add->age_bands, "Only this age band, e.g. 18_TO_25 (repeat)");
  a->add_option("--sex", add->sexes, "Only MALE or FEMALE (repeat)");
  a->add_option("--skill", add->skills, "A skill code it needs (repeat)");
  AddRequestId(a, add.get());
  AddCall<ev1::AddServiceProjectRequest, ev1::AddServiceProjectResponse>(
      a, global, action, add,
      [add](ev1::AddServiceProjectRequest& r) {
        r.set_request_id(RequestId(*add));
        r.set_district_code(add->district);
        r.set_title(add->title);
        r.set_organiser(add->organiser);
        r.set_mode(static_cast<ev1::ServiceMode>(
            Enum(ev1::ServiceMode_descriptor(), kModePrefix, add->mode)));
        r.set_effort(static_cast<ev1::ServiceEffort>(
            Enum(ev1::ServiceEffort_descriptor(), kEffortPrefix, add->effort)));
        r.set_capacity(add->capacity);
        *r.mutable_starts_on() = Date(add->from);
        *r.mutable_ends_on() = Date(add->until);
        for (const auto& b : add->age_bands) r.add_age_bands(b);
        for (const auto& s : add->sexes) r.add_sexes(s);
        for (const auto& s : add->skills) r.add_skills(s);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& r, auto* p) {
        return s.AddServiceProject(c, r, p);
      },
      [](const ev1::AddServiceProjectResponse& r) {
        std::cout << "project " << r.project().project_id() << " added\n";
      });

  auto list = std::make_shared<Flags>();
  CLI::App* l = cmd->add_subcommand(
      "projects", "The district's projects, or with --case the person's published list");
  l->add_option("--district", list->district, "This district")->check(DistrictValidator());
  l->add_option("--case", list->case_id, "Only open, suitable projects with a free place")
      ->check(UuidValidator());
  l->add_option("--page-size", list->page_size, "At most this many (default 50)")
      ->check(CLI::Range(1, 500));
  l->add_option("--page-token", list->page_token, "From a previous page");
  AddCall<ev1::ListServiceProjectsRequest, ev1::ListServiceProjectsResponse>(
      l, global, action, list,
      [list](ev1::ListServiceProjectsRequest& r) {
        r.set_district_code(list->district);
        r.set_case_id(list->case_id);
        r.set_page_size(list->page_size);
        r.set_page_token(list->page_token);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& r, auto* p) {
        return s.ListServiceProjects(c, r, p);
      },
      [](const ev1::ListServiceProjectsResponse& r) {
        PrintProjects(r.items());
        if (!r.next_page_token().empty()) {
          std::cout << "next page: --page-token " << r.next_page_token() << "\n";
        }
      });

  auto profile = std::make_shared<Flags>();
  CLI::App* pr =
      cmd->add_subcommand("profile", "Record what the person's health allows and skills");
  pr->add_option("CASE_ID", profile->case_id, "The case")->required()->check(UuidValidator());
  pr->add_option("--effort", profile->effort, "light or full")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::ServiceEffort_descriptor(), kEffortPrefix)));
  pr->add_option("--skill", profile->skills, "A skill code (repeat)");
  AddRequestId(pr, profile.get());
  AddCall<ev1::SetServiceProfileRequest, ev1::SetServiceProfileResponse>(
      pr, global, action, profile,
      [profile](ev1::SetServiceProfileRequest& r) {
        r.set_request_id(RequestId(*profile));
        r.set_case_id(profile->case_id);
        r.set_max_effort(static_cast<ev1::ServiceEffort>(
            Enum(ev1::ServiceEffort_descriptor(), kEffortPrefix, profile->effort)));
        for (const auto& s : profile->skills) r.add_skills(s);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& r, auto* p) {
        return s.SetServiceProfile(c, r, p);
      },
      [](const ev1::SetServiceProfileResponse&) { std::cout << "profile recorded\n"; });

  auto join = std::make_shared<Flags>();
  CLI::App* j = cmd->add_subcommand("join", "The person joins a project of the published list");
  j->add_option("CASE_ID", join->case_id, "The case")->required()->check(UuidValidator());
  j->add_option("PROJECT_ID", join->project_id, "The project")->required()->check(UuidValidator());
  AddRequestId(j, join.get());
  AddCall<ev1::JoinServiceProjectRequest, ev1::JoinServiceProjectResponse>(
      j, global, action, join,
      [join](ev1::JoinServiceProjectRequest& r) {
        r.set_request_id(RequestId(*join));
        r.set_case_id(join->case_id);
        r.set_project_id(join->project_id);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& r, auto* p) {
        return s.JoinServiceProject(c, r, p);
      },
      [](const ev1::JoinServiceProjectResponse& r) {
        std::cout << "joined; places taken " << r.project().joined() << " of "
                  << r.project().capacity() << "\n";
      });

  auto rec = std::make_shared<Flags>();
  CLI::App* r = cmd->add_subcommand(
      "record", "Record community service done (in a project, or self-initiated)");
  r->add_option("CASE_ID", rec->case_id, "The case")->required()->check(UuidValidator());
  r->add_option("--project", rec->project_id, "A project the person joined")
      ->check(UuidValidator());
  r->add_option("--self-organised-by", rec->organiser,
                "Self-initiated activity: who organised it (pending verification)");
  r->add_option("--on", rec->on, "The day served, YYYY-MM-DD (default today)")
      ->check(DateValidator());
  r->add_option("--minutes", rec->minutes, "Minutes served")->required()->check(CLI::Range(1, 720));
  AddRequestId(r, rec.get());
  AddCall<ev1::RecordServiceActivityRequest, ev1::RecordServiceActivityResponse>(
      r, global, action, rec,
      [rec](ev1::RecordServiceActivityRequest& q) {
        q.set_request_id(RequestId(*rec));
        q.set_case_id(rec->case_id);
        q.set_project_id(rec->project_id);
        q.set_self_initiated(!rec->organiser.empty());
        q.set_organiser(rec->organiser);
        if (!rec->on.empty()) *q.mutable_served_on() = Date(rec->on);
        q.set_minutes(rec->minutes);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& q, auto* p) {
        return s.RecordServiceActivity(c, q, p);
      },
      [](const ev1::RecordServiceActivityResponse& p) {
        std::cout << "activity " << p.activity().activity_id() << ": "
                  << EnumLabel(ev1::ActivityStatus_descriptor(), p.activity().status(),
                               kStatusPrefix)
                  << "\n";
      });

  auto verify = std::make_shared<Flags>();
  CLI::App* v = cmd->add_subcommand("verify", "Credit (or --reject) a self-initiated activity");
  v->add_option("CASE_ID", verify->case_id, "The case")->required()->check(UuidValidator());
  v->add_option("ACTIVITY_ID", verify->activity_id, "The activity")
      ->required()
      ->check(UuidValidator());
  v->add_flag("--reject", verify->reject, "Reject it instead of crediting it");
  AddRequestId(v, verify.get());
  AddCall<ev1::VerifyServiceActivityRequest, ev1::VerifyServiceActivityResponse>(
      v, global, action, verify,
      [verify](ev1::VerifyServiceActivityRequest& q) {
        q.set_request_id(RequestId(*verify));
        q.set_case_id(verify->case_id);
        q.set_activity_id(verify->activity_id);
        q.set_accept(!verify->reject);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& q, auto* p) {
        return s.VerifyServiceActivity(c, q, p);
      },
      [](const ev1::VerifyServiceActivityResponse& p) {
        std::cout << "activity "
                  << EnumLabel(ev1::ActivityStatus_descriptor(), p.activity().status(),
                               kStatusPrefix)
                  << "\n";
      });

  auto waive = std::make_shared<Flags>();
  CLI::App* w = cmd->add_subcommand("waive", "Waive community service from a day to a day");
  w->add_option("CASE_ID", waive->case_id, "The case")->required()->check(UuidValidator());
  w->add_option("--reason", waive->reason, "health or other")
      ->required()
      ->check(CLI::IsMember(EnumLabels(ev1::WaiverReason_descriptor(), kReasonPrefix)));
  w->add_option("--from", waive->from, "First day, YYYY-MM-DD")->required()->check(DateValidator());
  w->add_option("--until", waive->until, "Last day (it expires after), YYYY-MM-DD")
      ->required()
      ->check(DateValidator());
  AddRequestId(w, waive.get());
  AddCall<ev1::WaiveCommunityServiceRequest, ev1::WaiveCommunityServiceResponse>(
      w, global, action, waive,
      [waive](ev1::WaiveCommunityServiceRequest& q) {
        q.set_request_id(RequestId(*waive));
        q.set_case_id(waive->case_id);
        q.set_reason(static_cast<ev1::WaiverReason>(
            Enum(ev1::WaiverReason_descriptor(), kReasonPrefix, waive->reason)));
        *q.mutable_from_day() = Date(waive->from);
        *q.mutable_until_day() = Date(waive->until);
      },
      [](Stub& s, grpc::ClientContext* c, const auto& q, auto* p) {
        return s.WaiveCommunityService(c, q, p);
      },
      [](const ev1::WaiveCommunityServiceResponse& p) {
        std::cout << "waiver " << p.waiver().waiver_id() << " until "
                  << FormatProtoDate(p.waiver().until_day()) << "\n";
      });

  auto get = std::make_shared<Flags>();
  CLI::App* g = cmd->add_subcommand("get", "A person's community service, and a month's totals");
  g->add_option("CASE_ID", get->case_id, "The case")->required()->check(UuidValidator());
  g->add_option("--month", get->month, "YYYY-MM: that month's credited and waived figures");
  AddCall<ev1::GetCommunityServiceRequest, ev1::GetCommunityServiceResponse>(
      g, global, action, get,
      [get](ev1::GetCommunityServiceRequest& q) {
        q.set_case_id(get->case_id);
        if (auto d = time::ParseDate(get->month + "-01")) {
          q.set_year(static_cast<int>(d->year()));
          q.set_month(d->month());
        }
      },
      [](Stub& s, grpc::ClientContext* c, const auto& q, auto* p) {
        return s.GetCommunityService(c, q, p);
      },
      [](const ev1::GetCommunityServiceResponse& p) {
        PrintProjects(p.projects());
        PrintActivities(p.activities());
        for (const auto& x : p.waivers()) {
          std::cout << "waiver " << FormatProtoDate(x.from_day()) << " .. "
                    << FormatProtoDate(x.until_day()) << " ("
                    << EnumLabel(ev1::WaiverReason_descriptor(), x.reason(), kReasonPrefix)
                    << ")\n";
        }
        if (p.has_month()) {
          std::cout << absl::StrCat(p.month().year(), "-", p.month().month(), ": credited ",
                                    p.month().credited_minutes(), " min, pending ",
                                    p.month().pending_minutes(), " min, waived ",
                                    p.month().waived_days(), " days\n");
        }
      });
}

}  // namespace ccms::ctl
