#pragma once

#include "ccms/education/v1/catalogue_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/education/catalogue_store.h"

namespace ccms::education {

// ccms.education.v1.CatalogueService: courses and themes by content kind, the intake and
// discharge modules, the city-wide monthly theme (docs/education.md, "Catalogue"). Who may:
// reads as domain::Action::kRead; adding an item as kApprove (office staff for their own
// districts, the city admin for any district or city-wide); the monthly theme: the city admin.
class CatalogueServiceImpl final : public v1::CatalogueService::CallbackService {
 public:
  CatalogueServiceImpl(CatalogueStore& store, grpc_util::CallExecutor& executor,
                       const time::Clock& clock)
      : store_(store), executor_(executor), clock_(clock) {}

  grpc::ServerUnaryReactor* AddCatalogueItem(grpc::CallbackServerContext* context,
                                             const v1::AddCatalogueItemRequest* request,
                                             v1::AddCatalogueItemResponse* response) override;
  grpc::ServerUnaryReactor* ListCatalogueItems(grpc::CallbackServerContext* context,
                                               const v1::ListCatalogueItemsRequest* request,
                                               v1::ListCatalogueItemsResponse* response) override;
  grpc::ServerUnaryReactor* SetMonthlyTheme(grpc::CallbackServerContext* context,
                                            const v1::SetMonthlyThemeRequest* request,
                                            v1::SetMonthlyThemeResponse* response) override;
  grpc::ServerUnaryReactor* GetMonthlyTheme(grpc::CallbackServerContext* context,
                                            const v1::GetMonthlyThemeRequest* request,
                                            v1::GetMonthlyThemeResponse* response) override;

  // The work of each RPC, without gRPC (unit tests call these with a fake store).
  absl::Status DoAddCatalogueItem(const auth::Principal& principal,
                                  const v1::AddCatalogueItemRequest& request,
                                  v1::AddCatalogueItemResponse* response);
  absl::Status DoListCatalogueItems(const auth::Principal& principal,
                                    const v1::ListCatalogueItemsRequest& request,
                                    v1::ListCatalogueItemsResponse* response);
  absl::Status DoSetMonthlyTheme(const auth::Principal& principal,
                                 const v1::SetMonthlyThemeRequest& request,
                                 v1::SetMonthlyThemeResponse* response);
  absl::Status DoGetMonthlyTheme(const auth::Principal& principal,
                                 const v1::GetMonthlyThemeRequest& request,
                                 v1::GetMonthlyThemeResponse* response);

 private:
  CatalogueStore& store_;
  grpc_util::CallExecutor& executor_;
  const time::Clock& clock_;
};

}  // namespace ccms::education
