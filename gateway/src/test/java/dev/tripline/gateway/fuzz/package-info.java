/**
 * The ingest fuzz run by {@code IngestFuzzTest}: generators of ugly inputs ({@link
 * dev.tripline.gateway.fuzz.UglyValues}, {@link dev.tripline.gateway.fuzz.FuzzMutations}, {@link
 * dev.tripline.gateway.fuzz.RequestMutations}) applied to valid requests for each route ({@link
 * dev.tripline.gateway.fuzz.FuzzTemplate}), the runs that send them and judge every answer ({@link
 * dev.tripline.gateway.fuzz.HttpFuzzRun}, {@link dev.tripline.gateway.fuzz.StreamFuzzRun}), raw
 * clients for what HTTP and WebSocket libraries refuse to send ({@link
 * dev.tripline.gateway.fuzz.RawHttp}, {@link dev.tripline.gateway.fuzz.RawWebSocket}), the valid
 * clients that must keep flowing, and the check of every answer against the store ({@link
 * dev.tripline.gateway.fuzz.FuzzStorageCheck}). Every verdict is a {@link
 * dev.tripline.gateway.fuzz.FuzzExpect}; every failure a {@link
 * dev.tripline.gateway.fuzz.FuzzFailures.Kind}.
 */
package dev.tripline.gateway.fuzz;
