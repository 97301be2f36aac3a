/**
 * Outbound delivery of detections as signed webhooks (Standard Webhooks v1), at least once.
 *
 * <p>The flow: {@link dev.tripline.gateway.delivery.Deliverer#submit} renders one body per
 * destination ({@link dev.tripline.gateway.delivery.DeliveryPayloads}), writes it to the outbox
 * ({@link dev.tripline.gateway.delivery.DeliveryStore}, in MongoDB {@link
 * dev.tripline.gateway.delivery.MongoDeliveryStore}) keyed by a deterministic {@code webhook-id}
 * ({@link dev.tripline.gateway.delivery.WebhookIds}), and only then POSTs it, signed by {@link
 * dev.tripline.gateway.delivery.WebhookSigner}. Failures are retried from the outbox by a poll loop
 * under a {@link dev.tripline.gateway.delivery.RetryPolicy}; the same loop resumes what a previous
 * process left pending.
 *
 * <p>A destination may carry a {@link dev.tripline.gateway.delivery.FrequencyCap} (at most {@code
 * max} deliveries per user, or other key field, within a sliding window, across rules). The
 * deliverer judges each delivery to it before the outbox write, keeping the windows in a {@link
 * dev.tripline.gateway.delivery.CapStore} ({@link dev.tripline.gateway.delivery.MongoCapStore}
 * live, {@link dev.tripline.gateway.delivery.InMemoryCapStore} in rule tests); a capped delivery is
 * written with status {@code capped} and never attempted.
 *
 * <p>A destination's {@link dev.tripline.gateway.delivery.PayloadFormat} picks the body: Tripline's
 * {@code standard} document, a Slack message ({@link dev.tripline.gateway.delivery.SlackPayload}),
 * a Segment, Klaviyo, Braze or Customer.io event ({@link
 * dev.tripline.gateway.delivery.TrackPayloads}) or the destination's own CEL {@link
 * dev.tripline.gateway.delivery.PayloadTemplate}; every body carries the detection's summary of its
 * latest event ({@link dev.tripline.detectors.EventSummary}). It may carry two secrets while
 * rotating (each signs) and further headers (API keys), whose values are never logged or stored.
 *
 * <p>Knobs and defaults:
 *
 * <ul>
 *   <li>per destination: {@code timeout} 10 s (connect and response), {@code format} {@code
 *       standard}; secrets {@code whsec_<base64>} of at least 24 bytes, at most two;
 *   <li>{@link dev.tripline.gateway.delivery.RetryPolicy}: Standard Webhooks' schedule (at once,
 *       then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h), ±20 % jitter, {@code
 *       Retry-After} obeyed up to 1 h; 2xx succeeds; 5xx, 408, 429, timeouts and connection errors
 *       are retried; 410 disables the destination (its deliveries are held until it is enabled), as
 *       does failing for 5 days without a success; any other answer is dead at once, and so is an
 *       attempt to an address the {@link dev.tripline.gateway.delivery.AddressGuard} refuses (not
 *       sent, not retried) and a delivery whose body cannot be rendered (stored dead, without a
 *       body, the error in its history). A destination may set its own schedule and disable-after
 *       ({@link dev.tripline.gateway.delivery.DestinationRetry});
 *   <li>{@link dev.tripline.gateway.delivery.DeliveryOptions}: poll every 1 s, at most 32 attempts
 *       in flight;
 *   <li>{@link dev.tripline.gateway.delivery.MongoDeliveryStore}: collection {@code deliveries}, 10
 *       s per operation, the last 20 attempts kept per delivery with the first 512 characters of
 *       each answer; destination health in {@code destination_states};
 *   <li>{@link dev.tripline.gateway.delivery.MongoCapStore}: collection {@code caps}, {@code
 *       mongo.timeout} per operation; a {@code frequency_cap} has {@code per} {@code userId} by
 *       default, {@code max} 1 to 1000, {@code within} up to 90 days.
 * </ul>
 */
package dev.tripline.gateway.delivery;
