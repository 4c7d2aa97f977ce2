// The security matrix's reporting server: ccms-reporting in-process (the kit's ServiceHarness, its
// projection consumer stopped: cases reach it as records' events handed to the consumer by hand)
// and a request builder per method. Reporting's objects are districts' figures: a request cannot
// name a district (a report counts the caller's districts), so a cell's target district decides
// which district's case the fixtures put into the month's figures, and the report is broken down
// by district. An OK answer to a caller of district A must not show district B's row.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ccms/ops/v1/audit_chain_service.grpc.pb.h"
#include "ccms/ops/v1/dead_letter_service.grpc.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/security/security_matrix.h"
#include "tests/support/service_harness.h"

namespace ccms::testing::matrix {
namespace {

namespace rv1 = reporting::v1;
using google::protobuf::Message;
using grpc_util::ToProtoDate;

template <typename Req>
std::unique_ptr<Message> Own(Req req) {
  return std::make_unique<Req>(std::move(req));
}

class ReportingMatrixServer : public MatrixServer {
 public:
  static std::vector<std::string> ServiceNames() {
    return {rv1::ReportingService::service_full_name(),
            ops::v1::DeadLetterService::service_full_name(),
            ops::v1::AuditChainService::service_full_name()};
  }

  ReportingMatrixServer() : h_(reporting::Definition(), {}) {
    // Nothing but the fixtures makes cases: not other tests' events on the shared topics.
    h_.host().consumer(0).Stop();
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

  // Once per district: a case of `district` received 3 days ago and reported the same day, in
  // this month's figures (the service's clock, Asia/Shanghai).
  void Figures(const std::string& district) {
    if (!figured_.insert(district).second) return;
    if (district != kDistrictA) ForeignText(district);
    const std::string case_id = ids::NewUuid();
    Made(district, case_id);
    const absl::CivilDay today = time::ShanghaiDay(h_.clock().Now());
    records::v1::CaseOpened opened;
    opened.set_case_id(case_id);
    opened.set_district_code(district);
    opened.set_office_id("office-1");
    opened.set_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    *opened.mutable_supervision_start_date() = ToProtoDate(today - 3);
    *opened.mutable_supervision_end_date() = ToProtoDate(today + 700);
    *opened.mutable_intake_deadline() = ToProtoDate(today + 7);
    opened.set_sex(common::v1::SEX_FEMALE);
    opened.set_age_band(records::v1::AGE_BAND_26_TO_35);
    opened.set_offence_category("theft");
    records::v1::IntakeReported intake;
    intake.set_case_id(case_id);
    intake.set_district_code(district);
    *intake.mutable_reported_on() = ToProtoDate(today - 3);
    for (const auto& [type, payload] : std::vector<std::pair<std::string, const Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      const auto envelope = kafka::MakeEnvelope(type, case_id, district, absl::Now(), absl::Now(),
                                                "records-matrix", *payload);
      auto applied = h_.host().consumer(0).Process(reporting::kRecordsTopic, 0, offset_++,
                                                   envelope.SerializeAsString());
      if (!applied.ok() || !*applied) Fail(absl::StrCat(type, ": ", applied.status().ToString()));
    }
  }

  void InstallBuilders() {
    auto add = [this](const std::string& method, Builder b) {
      builders_[absl::StrCat(rv1::ReportingService::service_full_name(), "/", method)] =
          std::move(b);
    };
    add("ListIndicators", [](const std::string&) { return Own(rv1::ListIndicatorsRequest()); });
    add("RunReport", [this](const std::string& d) {
      Figures(d);
      rv1::RunReportRequest req;
      req.set_period_kind(rv1::PERIOD_KIND_MONTH);  // this month, the service's today
      req.set_breakdown("district");
      return Own(req);
    });
    // Snapshots name their district (the scope): the cell's target district.
    add("RunSnapshot", [this](const std::string& d) {
      Figures(d);
      rv1::RunSnapshotRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_report_id("monthly");
      req.set_district_code(d);
      return Own(req);
    });
    add("PublishReport", [this](const std::string& d) {
      // A fresh draft for each cell: the daily report of a day no other cell used.
      Figures(d);
      const absl::CivilDay day = time::ShanghaiDay(h_.clock().Now()) - (++publish_days_);
      const rv1::Snapshot draft = RunAsAdmin("daily", day, d);
      rv1::PublishReportRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_report_id("daily");
      *req.mutable_period_day() = ToProtoDate(day);
      req.set_district_code(d);
      req.set_version(draft.version());
      req.set_checksum(draft.checksum());
      return Own(req);
    });
    add("GetReport", [this](const std::string& d) {
      Snapshot(d);
      rv1::GetReportRequest req;
      req.set_report_id("monthly");
      req.set_district_code(d);
      return Own(req);
    });
    add("DiffReport", [this](const std::string& d) {
      Snapshot(d);
      rv1::DiffReportRequest req;
      req.set_report_id("monthly");
      req.set_district_code(d);
      req.set_from_version(1);
      req.set_to_version(1);
      return Own(req);
    });
    add("ExportReport", [this](const std::string& d) {
      Snapshot(d);
      rv1::ExportReportRequest req;
      req.set_report_id("monthly");
      req.set_district_code(d);
      req.set_format(rv1::EXPORT_FORMAT_CSV);
      return Own(req);
    });
    // Export jobs: of the cell's target district's snapshot.
    add("StartExport", [this](const std::string& d) {
      Snapshot(d);
      rv1::StartExportRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_report_id("monthly");
      req.set_district_code(d);
      req.set_format(rv1::EXPORT_FORMAT_CSV);
      return Own(req);
    });
    add("GetExportJob", [this](const std::string& d) {
      rv1::GetExportJobRequest req;
      req.set_job_id(ExportJob(d));
      return Own(req);
    });
    // The first chunk of the first file of that job, run to DONE.
    add("GetExportChunk", [this](const std::string& d) {
      rv1::GetExportChunkRequest req;
      req.set_job_id(ExportJob(d));
      auto ran = h_.wiring<reporting::ReportingWiring>().export_jobs().RunOnce();
      if (!ran.ok()) Fail(absl::StrCat("export jobs: ", ran.status().ToString()));
      return Own(req);
    });
    // Worklists aim at their district filter: the cell's target district.
    add("ListWorklist", [this](const std::string& d) {
      Figures(d);
      rv1::ListWorklistRequest req;
      req.set_district_code(d);
      return Own(req);
    });
  }

  // Runs a report for `district` as an all-districts admin (a fixture call).
  rv1::Snapshot RunAsAdmin(const std::string& report, absl::CivilDay day,
                           const std::string& district) {
    rv1::RunSnapshotRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id(report);
    *req.mutable_period_day() = ToProtoDate(day);
    req.set_district_code(district);
    rv1::RunSnapshotResponse resp;
    auto stub = rv1::ReportingService::NewStub(h_.channel());
    grpc::Status st = stub->RunSnapshot(
        ServiceHarness::Context(ServiceHarness::Token(auth::Role::kCityAdmin, {"*"})).get(), req,
        &resp);
    if (!st.ok()) Fail(absl::StrCat("RunSnapshot: ", st.error_message()));
    return resp.snapshot();
  }

  // Once per district: an export job of this month's monthly report of `district`, started as an
  // all-districts admin (a fixture call); its id.
  std::string ExportJob(const std::string& district) {
    Snapshot(district);
    auto it = jobs_.find(district);
    if (it != jobs_.end()) return it->second;
    rv1::StartExportRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id("monthly");
    req.set_district_code(district);
    req.set_format(rv1::EXPORT_FORMAT_CSV);
    rv1::StartExportResponse resp;
    auto stub = rv1::ReportingService::NewStub(h_.channel());
    grpc::Status st = stub->StartExport(
        ServiceHarness::Context(ServiceHarness::Token(auth::Role::kCityAdmin, {"*"})).get(), req,
        &resp);
    if (!st.ok()) Fail(absl::StrCat("StartExport: ", st.error_message()));
    jobs_[district] = resp.job_id();
    return resp.job_id();
  }

  // Once per district: this month's monthly report of `district`, run.
  void Snapshot(const std::string& district) {
    Figures(district);
    if (!snapshotted_.insert(district).second) return;
    RunAsAdmin("monthly", time::ShanghaiDay(h_.clock().Now()), district);
  }

  ServiceHarness h_;
  std::map<std::string, Builder> builders_;
  absl::Status fixture_error_;
  int64_t offset_ = 1;
  std::set<std::string> figured_;
  std::set<std::string> snapshotted_;
  std::map<std::string, std::string> jobs_;  // district -> export job id
  int publish_days_ = 0;
};

}  // namespace

CCMS_MATRIX_SERVER("reporting", ReportingMatrixServer);

}  // namespace ccms::testing::matrix
