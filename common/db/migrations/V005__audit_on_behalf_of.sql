-- The end user a service acted for (DESIGN §6: "who, on whose behalf"): on a service-to-service
-- call the caller (actor, actor_role) is the service and on_behalf_of is the subject of the end
-- user's token it forwarded (x-ccms-end-user, common/grpc/call_executor.h); NULL for a direct call
-- and for event-driven work.
ALTER TABLE audit_log ADD COLUMN on_behalf_of text;
ALTER TABLE audit_log ADD COLUMN on_behalf_of_role text;
