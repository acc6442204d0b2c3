// Keeps a view current without a reload: the notifications are polled while the tab is visible
// (none while it is hidden, and at once when it shows again: the query's refetchInterval and
// refetch on visibility). Only the notifications are polled — a small, indexed, unaudited read —
// and views of audited data (alerts) load again when a new notification arrives (their queries
// are invalidated), so an open tab costs one cheap request per interval and the access log stays
// meaningful.
export const LIVE_INTERVAL_MS = 15000;
