// The security matrix's education server: ccms-education in-process (EducationHarness, its
// consumer stopped: cases reach it as records' events handed to the consumer by hand) and a
// request builder per method, each aimed at a case's service file in the cell's district.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ccms/education/v1/service_file_service.grpc.pb.h"
#include "ccms/education/v1/session_service.grpc.pb.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "tests/integration/education_harness.h"
#include "tests/security/security_matrix.h"

namespace ccms::testing::matrix {
namespace {

namespace ev1 = education::v1;
using google::protobuf::Message;
using grpc_util::ToProtoDate;
using EducationStub = ev1::ServiceFileService::Stub;

template <typename Req>
std::unique_ptr<Message> Own(Req req) {
  return std::make_unique<Req>(std::move(req));
}

class EducationMatrixServer : public MatrixServer {
 public:
  static std::vector<std::string> ServiceNames() {
    return {ev1::ServiceFileService::service_full_name(), ev1::SessionService::service_full_name(),
            ops::v1::DeadLetterService::service_full_name(),
            ops::v1::AuditChainService::service_full_name()};
  }

  EducationMatrixServer() : admin_(h_.Token(auth::Role::kCityAdmin, {"*"}, "matrix-fixtures")) {
    // Nothing but the fixtures makes cases: not other tests' events on the shared topic.
    h_.consumer().Stop();
    InstallBuilders();
  }

  std::shared_ptr<grpc::Channel> Channel() override { return h_.channel(); }
  std::string DatabaseDsn() override { return h_.db().dsn(); }
  bool HasServiceBuilder(const std::string& method) const override {
    return builders_.count(method) > 0;
  }

  absl::StatusOr<std::unique_ptr<Message>> BuildServiceRequest(const std::string& method,
                                                               const Target& target) override {
    auto it = builders_.find(method);
    if (it == builders_.end()) return absl::NotFoundError("no request builder for " + method);
    fixture_error_ = absl::OkStatus();
    std::unique_ptr<Message> request = it->second(target.district);
    if (!fixture_error_.ok()) return fixture_error_;
    return request;
  }

 private:
  using Builder = std::function<std::unique_ptr<Message>(const std::string& district)>;

  void Fail(const std::string& what) {
    if (fixture_error_.ok()) fixture_error_ = absl::InternalError(absl::StrCat("fixture ", what));
  }

  absl::CivilDay Today() { return time::ShanghaiDay(h_.clock().Now()); }

  // An active case of `district` as education learns it from records' events (opened 20 days
  // ago, intake 10 days ago): no service file, no first contact yet.
  std::string Case(const std::string& district) {
    const std::string case_id = ids::NewUuid();
    Made(district, case_id);
    records::v1::CaseOpened opened;
    opened.set_case_id(case_id);
    opened.set_district_code(district);
    opened.set_office_id("office-1");
    *opened.mutable_supervision_start_date() = ToProtoDate(Today() - 20);
    *opened.mutable_supervision_end_date() = ToProtoDate(Today() + 700);
    opened.set_sex(common::v1::SEX_FEMALE);
    opened.set_age_band(records::v1::AGE_BAND_26_TO_35);
    opened.set_offence_category("theft");
    records::v1::IntakeReported intake;
    intake.set_case_id(case_id);
    intake.set_district_code(district);
    *intake.mutable_reported_on() = ToProtoDate(Today() - 10);
    for (const auto& [type, payload] : std::vector<std::pair<std::string, const Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      const auto envelope = kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(),
                                                "records-matrix", *payload);
      auto applied =
          h_.consumer().Process("ccms.records.v1", 0, offset_++, envelope.SerializeAsString());
      if (!applied.ok() || !*applied) Fail(absl::StrCat(type, ": ", applied.status().ToString()));
    }
    return case_id;
  }

  ev1::OpenServiceFileRequest OpenRequest(const std::string& case_id) {
    ev1::OpenServiceFileRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    *req.mutable_opened_on() = ToProtoDate(Today());
    req.add_cause_codes("FAMILY");
    req.add_need_codes("EMPLOYMENT");
    req.set_analysis("matrix fixture");
    return req;
  }

  // The district's case for reads, made once, with its service file open.
  const std::string& Read(const std::string& district) {
    std::string& case_id = reads_[district];
    if (case_id.empty()) {
      case_id = Case(district);
      ev1::OpenServiceFileResponse resp;
      auto ctx = h_.Context(admin_);
      const grpc::Status st =
          h_.service_files().OpenServiceFile(ctx.get(), OpenRequest(case_id), &resp);
      if (!st.ok()) {
        Fail(absl::StrCat("OpenServiceFile: ", st.error_code(), " ", st.error_message()));
      }
      Made(district, resp.status().service_file().file_id());
    }
    return case_id;
  }

  // A session of `district` (adults, 10 seats), tomorrow at 09:00, or started an hour ago.
  std::string Session(const std::string& district, bool started = false) {
    ev1::ScheduleSessionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(district);
    req.set_kind(ev1::SESSION_KIND_ROUTINE);
    req.set_form(ev1::SESSION_FORM_FACE_TO_FACE);
    const absl::Time start =
        started ? h_.clock().Now() - absl::Hours(1)
                : absl::FromCivil(absl::CivilHour(Today() + 1) + 9, time::ShanghaiTimeZone());
    *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
    *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(2));
    req.mutable_provider()->set_kind(ev1::PROVIDER_KIND_STAFF);
    req.mutable_provider()->set_id("matrix-staff");
    req.set_capacity(10);
    req.set_audience(ev1::AUDIENCE_ADULTS_ONLY);
    ev1::ScheduleSessionResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.sessions().ScheduleSession(ctx.get(), req, &resp);
    if (!st.ok() || resp.sessions_size() != 1) {
      Fail(absl::StrCat("ScheduleSession: ", st.error_code(), " ", st.error_message()));
      return "";
    }
    Made(district, resp.sessions(0).session_id());
    return resp.sessions(0).session_id();
  }
  // A fresh case of `district` enrolled in `session_id`; the case's id.
  std::string Enrolled(const std::string& district, const std::string& session_id) {
    const std::string case_id = Case(district);
    ev1::EnrolCaseRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_session_id(session_id);
    req.set_case_id(case_id);
    ev1::EnrolCaseResponse resp;
    auto ctx = h_.Context(admin_);
    const grpc::Status st = h_.sessions().EnrolCase(ctx.get(), req, &resp);
    if (!st.ok()) Fail(absl::StrCat("EnrolCase: ", st.error_code(), " ", st.error_message()));
    Made(district, resp.enrolment().enrolment_id());
    return case_id;
  }
  // The district's session for reads, made once, with a case enrolled.
  const std::string& ReadSession(const std::string& district) {
    std::string& session_id = read_sessions_[district];
    if (session_id.empty()) {
      session_id = Session(district);
      Enrolled(district, session_id);
    }
    return session_id;
  }

  void InstallSessionBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::SessionService::service_full_name(), "/", method)] = std::move(b);
    };
    add("ScheduleSession", [this](const std::string& d) {
      ev1::ScheduleSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_district_code(d);
      req.set_kind(ev1::SESSION_KIND_CENTRALIZED);
      req.set_form(ev1::SESSION_FORM_FACE_TO_FACE);
      const absl::Time start =
          absl::FromCivil(absl::CivilHour(Today() + 2) + 14, time::ShanghaiTimeZone());
      *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
      *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(1));
      req.mutable_provider()->set_kind(ev1::PROVIDER_KIND_STAFF);
      req.mutable_provider()->set_id("matrix-staff");
      req.set_capacity(5);
      req.set_audience(ev1::AUDIENCE_MINORS_ONLY);
      return Own(req);
    });
    add("CancelSession", [this](const std::string& d) {
      ev1::CancelSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      req.set_reason_code("WEATHER");
      return Own(req);
    });
    add("MoveSession", [this](const std::string& d) {
      ev1::MoveSessionRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      const absl::Time start =
          absl::FromCivil(absl::CivilHour(Today() + 3) + 9, time::ShanghaiTimeZone());
      *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
      *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Hours(1));
      req.set_reason_code("VENUE_UNAVAILABLE");
      return Own(req);
    });
    add("GetSession", [this](const std::string& d) {
      ev1::GetSessionRequest req;
      req.set_session_id(ReadSession(d));
      return Own(req);
    });
    add("ListSessions", [this](const std::string& d) {
      ReadSession(d);
      ev1::ListSessionsRequest req;
      req.set_district_code(d);
      return Own(req);
    });
    add("EnrolCase", [this](const std::string& d) {
      ev1::EnrolCaseRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      req.set_case_id(Case(d));
      return Own(req);
    });
    add("WithdrawEnrolment", [this](const std::string& d) {
      ev1::WithdrawEnrolmentRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d));
      req.set_case_id(Enrolled(d, req.session_id()));
      return Own(req);
    });
    add("RecordAttendance", [this](const std::string& d) {
      ev1::RecordAttendanceRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_session_id(Session(d, /*started=*/true));
      ev1::AttendanceEntry* e = req.add_entries();
      e->set_case_id(Enrolled(d, req.session_id()));
      e->set_outcome(ev1::ATTENDANCE_OUTCOME_ATTENDED);
      return Own(req);
    });
  }

  void InstallBuilders() {
    InstallSessionBuilders();
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(ev1::ServiceFileService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("OpenServiceFile", [this](const std::string& d) { return Own(OpenRequest(Case(d))); });
    add("RecordFirstContact", [this](const std::string& d) {
      ev1::RecordFirstContactRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(Case(d));
      *req.mutable_contacted_on() = ToProtoDate(Today());
      req.set_form(ev1::CONTACT_FORM_FACE_TO_FACE);
      req.set_reason(ev1::CONTACT_REASON_INTAKE);
      return Own(req);
    });
    add("GetServiceFile", [this](const std::string& d) {
      ev1::GetServiceFileRequest req;
      req.set_case_id(Read(d));
      return Own(req);
    });
    add("ListServiceFiles", [this](const std::string& d) {
      Read(d);
      ev1::ListServiceFilesRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  EducationHarness h_;
  const std::string admin_;
  std::map<std::string, Builder> builders_;
  absl::Status fixture_error_;
  int64_t offset_ = 1;
  std::map<std::string, std::string> reads_;
  std::map<std::string, std::string> read_sessions_;
};

}  // namespace

CCMS_MATRIX_SERVER("education", EducationMatrixServer);

}  // namespace ccms::testing::matrix
