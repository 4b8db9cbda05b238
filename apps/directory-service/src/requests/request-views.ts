import type { CustomerState, RequestView } from '@mp/domain';
import type { CustomerRequestsDto, DirectoryRequestStatus, RequestDetailDto, RequestSummaryDto } from './request.dto';

/** A request without its history: what a list shows. */
export function toRequestSummary(request: RequestView): RequestSummaryDto {
  const { delegatedAdmin, channel, indirectProviderId, message, rejection, expiresAt } = request;
  return {
    requestId: request.requestId,
    customerId: request.customerId,
    resellerId: request.resellerId,
    services: [...request.services],
    ...(delegatedAdmin ? { delegatedAdmin: { roles: [...delegatedAdmin.roles], durationDays: delegatedAdmin.durationDays, autoExtend: delegatedAdmin.autoExtend } } : {}),
    ...(channel ? { channel } : {}),
    ...(indirectProviderId ? { indirectProviderId } : {}),
    ...(message !== undefined ? { message } : {}),
    requestedBy: { userId: request.requestedBy.userId },
    status: request.status,
    ...(rejection ? { rejection } : {}),
    requestedAt: request.requestedAt,
    ...(expiresAt ? { expiresAt } : {}),
    updatedAt: request.updatedAt,
  };
}

/** `GET /v1/requests/{id}`: the request, its status and every step of its history. */
export function toRequestDetail(request: RequestView): RequestDetailDto {
  return {
    ...toRequestSummary(request),
    history: request.history.map((h) => ({
      eventId: h.eventId,
      type: h.type,
      at: h.at,
      status: h.status,
      ...(h.by !== undefined ? { by: h.by } : {}),
      ...(h.reason !== undefined ? { reason: h.reason } : {}),
    })),
  };
}

function newestFirst(a: RequestView, b: RequestView): number {
  return Date.parse(b.requestedAt) - Date.parse(a.requestedAt) || a.requestId.localeCompare(b.requestId);
}

/** `GET /v1/customers/{id}/requests[?status=]`: newest first, optionally of one status, those `visible` to the caller. */
export function toCustomerRequests(state: CustomerState, status?: DirectoryRequestStatus, visible: (request: RequestView) => boolean = () => true): CustomerRequestsDto {
  return {
    customerId: state.customerId,
    requests: Object.values(state.requests)
      .filter((r) => (status === undefined || r.status === status) && visible(r))
      .sort(newestFirst)
      .map(toRequestSummary),
  };
}
